"""Gunicorn settings: no process shares another's control socket."""
from gunicorn.config import Config

from servicekit.gunicorn_conf import gunicorn_settings


def applied(settings):
    """The settings as gunicorn itself reads them (an unknown or invalid one raises)."""
    config = Config()
    for name, value in settings.items():
        config.set(name, value)
    return config


def test_the_control_socket_is_closed_unless_asked_for(monkeypatch):
    monkeypatch.delenv("GUNICORN_CONTROL_DIR", raising=False)
    assert applied(gunicorn_settings("booking", 8101)).control_socket_disable is True


def test_asked_for_each_service_gets_its_own_owner_only_socket(monkeypatch, tmp_path):
    monkeypatch.setenv("GUNICORN_CONTROL_DIR", str(tmp_path))
    booking, crm = applied(gunicorn_settings("booking", 8101)), applied(gunicorn_settings("crm", 8102))
    assert not booking.control_socket_disable and booking.control_socket_mode == 0o600
    assert {booking.control_socket, crm.control_socket} == {str(tmp_path / "booking.ctl"), str(tmp_path / "crm.ctl")}
