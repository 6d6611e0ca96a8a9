"""The browser and system a session is shown with, read from its User-Agent (gateway.sessions.describe)."""
import pytest

from gateway.sessions import describe


@pytest.mark.parametrize("agent, browser, system", [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
     "Safari/537.36 Edg/131.0.0.0", "Edge", "Windows"),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
     "Chrome", "Linux"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
     "Safari/605.1.15", "Safari", "macOS"),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile "
     "Safari/537.36", "Chrome", "Android"),
    ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox", "Linux"),
    ("python-requests/2.32.3", None, None),
    (None, None, None),
])
def test_a_user_agent_names_its_browser_and_system(agent, browser, system):
    assert describe(agent) == {"browser": browser, "system": system}
