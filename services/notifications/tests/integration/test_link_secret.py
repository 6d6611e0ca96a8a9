"""The link-signing secret: NOTIFY_LINK_SECRET, else one generated once and shared through the database."""
import dataclasses

from notifications import links
from notifications.models import ServiceSetting


def test_without_notify_link_secret_one_secret_is_generated_and_shared(db, settings):
    local = dataclasses.replace(settings, notify_link_secret=None)
    with db.transaction() as s:
        first = links.secret(s, local)
    with db.transaction() as s:
        assert links.secret(s, local) == first
        assert s.get(ServiceSetting, links.SECRET_KEY).value.encode() == first
    assert len(first) >= 32


def test_notify_link_secret_wins_when_set(db, settings):
    with db.transaction() as s:
        assert links.secret(s, dataclasses.replace(settings, notify_link_secret="from-env")) == b"from-env"
