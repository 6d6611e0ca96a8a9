"""The first org_admin from the environment, and the rule that the center always keeps one (fresh database)."""
import dataclasses
import uuid

import pytest
from sqlalchemy import func, select

from servicekit import migrations
from servicekit.auth import Principal
from servicekit.db import Database
from servicekit.errors import Conflict

from gateway import accounts, passwords
from gateway.models import User

from ..helpers import outbox_events


@pytest.fixture()
def fresh_db(database_factory, spec):
    """A database of its own: these rules depend on which accounts exist at all."""
    url = database_factory(f"gateway_{uuid.uuid4().hex[:8]}")
    migrations.upgrade(spec.package_dir, url)
    database = Database(url, "gateway")
    yield database
    database.dispose()


def org_admins(db):
    with db.transaction() as s:
        return s.scalars(select(User).where(User.role == "org_admin")).all()


def test_ensure_admin_creates_the_org_admin_once_and_never_overwrites_its_password(fresh_db, settings):
    config = dataclasses.replace(settings, admin_email="Owner@Center.example", admin_password="first password!")
    assert accounts.ensure_admin(config, fresh_db) is True
    [owner] = org_admins(fresh_db)
    assert owner.email == "owner@center.example" and owner.active
    assert passwords.verify(owner.password_hash, "first password!")
    again = dataclasses.replace(config, admin_password="another password!")
    assert accounts.ensure_admin(again, fresh_db) is False
    [same] = org_admins(fresh_db)
    assert same.password_hash == owner.password_hash
    assert len(outbox_events(fresh_db, "account.created", user_id=owner.id)) == 1


def test_ensure_admin_does_nothing_without_both_variables(fresh_db, settings):
    with fresh_db.transaction() as s:
        before = s.scalar(select(func.count()).select_from(User))
    assert accounts.ensure_admin(dataclasses.replace(settings, admin_email="x@center.example"), fresh_db) is False
    assert accounts.ensure_admin(dataclasses.replace(settings, admin_password="long enough!"), fresh_db) is False
    with fresh_db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(User)) == before


@pytest.mark.parametrize("password, why", [
    ("short", "at least 10 characters"),
    ("change-me-admin", "placeholder"),  # our example files' value, left as it was
    ("password1234", "too easy to guess"),
    ("Sunnysteps2026!", "too easy to guess"),  # the centre's name and a year
    ("owner.smith2026", "too easy to guess"),  # the owner's own address
])
def test_ensure_admin_refuses_a_guessable_password_and_creates_nothing(fresh_db, settings, password, why):
    weak = dataclasses.replace(settings, admin_email="owner.smith@center.example", admin_password=password,
                               center_name="Sunny Steps")
    with pytest.raises(RuntimeError, match=f"ADMIN_PASSWORD is refused: .*{why}"):
        accounts.ensure_admin(weak, fresh_db)
    assert [a for a in org_admins(fresh_db) if a.email == "owner.smith@center.example"] == []


def test_the_last_active_org_admin_cannot_be_demoted_or_deactivated(fresh_db, settings):
    accounts.ensure_admin(dataclasses.replace(settings, admin_email="o@center.example", admin_password="long enough!"),
                          fresh_db)
    [owner] = org_admins(fresh_db)
    me = Principal(user_id=owner.id, role="org_admin")
    for change in ({"active": False}, {"role": "admin"}):
        with pytest.raises(Conflict, match="last active org_admin"), fresh_db.transaction() as s:
            accounts.update_user(s, s.get(User, owner.id), change, me)
    with fresh_db.transaction() as s:
        assert s.get(User, owner.id).active and s.get(User, owner.id).role == "org_admin"


def test_an_org_admin_steps_down_once_another_exists(fresh_db, settings):
    accounts.ensure_admin(dataclasses.replace(settings, admin_email="a@center.example", admin_password="long enough!"),
                          fresh_db)
    accounts.ensure_admin(dataclasses.replace(settings, admin_email="b@center.example", admin_password="long enough!"),
                          fresh_db)
    first, _second = sorted(org_admins(fresh_db), key=lambda u: u.email)
    with fresh_db.transaction() as s:
        accounts.update_user(s, s.get(User, first.id), {"role": "admin"}, Principal(user_id=first.id, role="org_admin"))
    assert [u.email for u in org_admins(fresh_db)] == ["b@center.example"]
