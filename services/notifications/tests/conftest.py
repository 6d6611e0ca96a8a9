import pytest

from notifications.service import SPEC


@pytest.fixture(scope="session")
def spec():
    return SPEC


@pytest.fixture(scope="module", autouse=True)
def link_sealing(sealing_env):
    """Event handlers read their settings (the sealing keys among them) from the environment."""
    yield sealing_env
