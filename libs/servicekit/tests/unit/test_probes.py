"""The workers' health endpoint: real HTTP requests against a Probe served on an ephemeral port."""
import json
import socket
import urllib.error
import urllib.request

import pytest

from servicekit.config import Settings
from servicekit.probes import Probe
from servicekit.runner import worker_probe


class Clock:
    """A hand-moved monotonic clock: staleness without sleeping."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def get(port, path):
    """(status, content type, JSON body) of GET http://127.0.0.1:<port><path>."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=3) as response:
            return response.status, response.headers["Content-Type"], json.loads(response.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers["Content-Type"], json.loads(exc.read())


@pytest.fixture()
def clock():
    return Clock()


@pytest.fixture()
def served(clock):
    probe = Probe(stale_after=90, clock=clock)
    port = probe.serve(0, "127.0.0.1")
    yield probe, port
    probe.close()


def test_healthz_is_ok_while_the_last_beat_is_recent(served, clock):
    probe, port = served
    clock.now += 89
    assert get(port, "/healthz") == (200, "application/json", {"status": "ok"})


def test_healthz_is_503_once_the_last_beat_is_stale_and_ok_again_after_a_beat(served, clock):
    probe, port = served
    clock.now += 120.04
    status, content_type, body = get(port, "/healthz")
    assert (status, content_type) == (503, "application/json")
    assert body == {"status": "stale", "last_beat_seconds_ago": 120.0, "limit_seconds": 90}
    probe.beat()
    assert get(port, "/healthz")[:2] == (200, "application/json")


def test_readyz_is_503_with_the_reason_until_ready(served):
    probe, port = served
    assert get(port, "/readyz") == (503, "application/json", {"status": "not ready", "reason": "starting"})
    probe.ready(True)
    assert get(port, "/readyz") == (200, "application/json", {"status": "ready"})
    probe.ready(False, "broker connection lost (StreamLostError); reconnecting")
    assert get(port, "/readyz") == (503, "application/json", {
        "status": "not ready", "reason": "broker connection lost (StreamLostError); reconnecting"})


def test_readiness_does_not_affect_liveness_nor_the_reverse(served, clock):
    probe, port = served
    probe.ready(False, "waiting for the database")
    assert get(port, "/healthz")[0] == 200
    probe.ready(True)
    clock.now += 500
    assert get(port, "/readyz")[0] == 200 and get(port, "/healthz")[0] == 503


@pytest.mark.parametrize("path", ["/", "/metrics", "/healthz/extra", "/readyzz"])
def test_other_paths_are_404(served, path):
    _, port = served
    assert get(port, path) == (404, "application/json", {"status": "not found"})


def test_query_strings_are_ignored(served):
    _, port = served
    assert get(port, "/healthz?probe=kubelet")[0] == 200


def test_requests_are_not_logged_to_stderr(served, capfd):
    _, port = served
    get(port, "/healthz")
    get(port, "/nope")
    assert capfd.readouterr().err == ""


def test_a_port_already_in_use_fails_at_start(clock):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(RuntimeError, match=f"cannot listen on 127.0.0.1:{port}"):
            Probe().serve(port, "127.0.0.1")


def test_a_probe_is_served_once(served):
    probe, _ = served
    with pytest.raises(RuntimeError, match="already served"):
        probe.serve(0, "127.0.0.1")


def test_close_stops_listening(clock):
    probe = Probe(clock=clock)
    port = probe.serve(0, "127.0.0.1")
    probe.close()
    with pytest.raises(urllib.error.URLError):
        get(port, "/healthz")


# -- HEALTH_PORT / HOST ------------------------------------------------------------------------------

def test_health_port_is_off_unless_set_and_host_follows_the_gunicorn_convention(monkeypatch):
    monkeypatch.delenv("HEALTH_PORT", raising=False)
    monkeypatch.delenv("HOST", raising=False)
    settings = Settings.from_env("kit")
    assert (settings.health_port, settings.health_host) == (None, "127.0.0.1")
    monkeypatch.setenv("HEALTH_PORT", "8081")
    monkeypatch.setenv("HOST", "0.0.0.0")
    settings = Settings.from_env("kit")
    assert (settings.health_port, settings.health_host) == (8081, "0.0.0.0")


@pytest.mark.parametrize("value", ["http", "0", "65536", "-1"])
def test_a_health_port_that_is_not_a_port_is_refused(monkeypatch, value):
    monkeypatch.setenv("HEALTH_PORT", value)
    with pytest.raises(RuntimeError, match="HEALTH_PORT"):
        Settings.from_env("kit")


def test_worker_probe_listens_only_when_health_port_is_set(monkeypatch):
    monkeypatch.delenv("HEALTH_PORT", raising=False)
    quiet = worker_probe(Settings.from_env("kit"))
    assert quiet._server is None
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    monkeypatch.setenv("HEALTH_PORT", str(port))
    monkeypatch.setenv("HOST", "127.0.0.1")
    probe = worker_probe(Settings.from_env("kit"))
    try:
        assert get(port, "/readyz")[:2] == (503, "application/json")
    finally:
        probe.close()
