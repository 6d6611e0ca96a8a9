"""The centre's details from `center.updated`: newer versions replace the copy, older ones never do; messages
queued afterwards carry the new name and are signed with its address and phone; the sender shows its name."""
import dataclasses
import re
import uuid

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from servicekit import center
from servicekit.migrations import alembic_config
from servicekit.testing.center import center_event, settings_on_fresh_database

from notifications.dispatch import dispatch_once

from ..helpers import apply, client_event, invoice_paid, notifications_for, quotation_sent


@pytest.fixture(scope="module")
def settings(spec, database_factory, test_wiring, tmp_path_factory):
    """A database of its own: the copy is one row, and other modules expect the environment's name."""
    return settings_on_fresh_database(spec, database_factory, **test_wiring, var_dir=tmp_path_factory.mktemp("var"))


def copy(db, settings):
    with db.transaction() as session:
        return center.current(session, settings)


def quotation_mail(db):
    env = quotation_sent()
    apply(db, env)
    [mail] = notifications_for(db, env.id)
    return mail


def test_until_the_first_event_messages_are_signed_with_the_environments_name_alone(db, settings):
    assert copy(db, settings).version == 0
    mail = quotation_mail(db)
    assert mail.subject.endswith(f"from {settings.center_name}")
    assert f"Kind regards,\n{settings.center_name}\n" in mail.body_text and "Phone:" not in mail.body_text


def test_a_newer_version_replaces_the_copy_and_an_older_one_changes_nothing(db, settings):
    assert apply(db, center_event(5, name="Centre Arc-en-ciel")) is True
    assert apply(db, center_event(4, name="Stale name")) is True  # consumed (acked), without effect
    assert copy(db, settings).name == "Centre Arc-en-ciel"


def test_a_message_queued_after_a_change_carries_the_new_name_address_and_phone(db, settings):
    current = copy(db, settings).version
    apply(db, center_event(current + 1, name="Centre Soleil Levant", address="3 place Bellecour\n69002 Lyon",
                           phone="04 78 00 00 00"))
    mail = quotation_mail(db)
    assert mail.subject.endswith("from Centre Soleil Levant")
    assert ("Kind regards,\nCentre Soleil Levant\n3 place Bellecour\n69002 Lyon\nPhone: 04 78 00 00 00\n"
            in mail.body_text)
    family = client_event()
    apply(db, family)
    paid = invoice_paid(family.data["client_id"])
    apply(db, paid)
    [confirmation] = notifications_for(db, paid.id)
    assert "Centre Soleil Levant\n3 place Bellecour" in confirmation.body_text


def test_e_mails_come_from_the_centres_name_and_answers_go_to_its_address(db, settings, mailbox):
    smtp = dataclasses.replace(settings, smtp_port=mailbox.port)
    current = copy(db, settings).version
    apply(db, center_event(current + 1, name="Centre Les Lucioles", email="bonjour@lucioles.example"))
    mail = quotation_mail(db)
    dispatch_once(db, smtp)
    [message] = mailbox.to(mail.recipient)
    assert message["From"] == "Centre Les Lucioles <no-reply@sunnysteps.example>"
    assert message["Reply-To"] == "bonjour@lucioles.example"


def test_a_centre_still_named_as_in_the_environment_sends_from_mail_from_unchanged(db, settings, mailbox):
    smtp = dataclasses.replace(settings, smtp_port=mailbox.port)
    current = copy(db, settings).version
    apply(db, center_event(current + 1, name=settings.center_name, email=""))
    mail = quotation_mail(db)
    dispatch_once(db, smtp)
    [message] = mailbox.to(mail.recipient)
    assert message["From"] == settings.mail_from and message["Reply-To"] is None


def test_the_migration_signs_only_the_templates_no_administrator_edited(database_factory, spec):
    url = database_factory(f"notifications_signoff_{uuid.uuid4().hex[:8]}")
    config = alembic_config(spec.package_dir, url)
    command.upgrade(config, "0003")
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    old = "Kind regards,\n{{ center_name }}\n{% if unsubscribe_url %}"
    with engine.begin() as conn:  # as a deployment seeded before the centre had details
        bodies = dict(conn.execute(text("SELECT kind, body FROM message_templates")).all())
        for kind, body in bodies.items():
            conn.execute(text("UPDATE message_templates SET body = :body WHERE kind = :kind"),
                         {"kind": kind, "body": re.sub(r"\{% if center_address %\}.*?Phone: \{\{ center_phone \}\}\n"
                                                        r"\{% endif %\}", "", body, flags=re.S)})
        conn.execute(text("UPDATE message_templates SET body = :body, updated_by = 'admin-1' "
                          "WHERE kind = 'invoice_issued'"), {"body": f"Our own words.\n{old}{{% endif %}}"})
        assert old in conn.execute(text("SELECT body FROM message_templates WHERE kind = 'appointment_booked'")
                                   ).scalar()
    command.upgrade(config, "head")
    with engine.connect() as conn:
        bodies = dict(conn.execute(text("SELECT kind, body FROM message_templates")).all())
    engine.dispose()
    assert "{% if center_phone %}Phone: {{ center_phone }}" in bodies["appointment_booked"]
    assert bodies["invoice_issued"] == f"Our own words.\n{old}{{% endif %}}"
