"""account.password_reset_requested: the reset link reaches the account's own address; the log keeps no usable link."""
import dataclasses
import uuid

import pytest

from notifications import dispatch

from ..helpers import apply, event, link, notifications_for, sealed, unique_email


@pytest.fixture(scope="module")
def settings(spec, make_settings, tmp_path_factory, mailbox):
    return dataclasses.replace(make_settings(spec), smtp_port=mailbox.port, var_dir=tmp_path_factory.mktemp("var"))


def reset_requested(address, client_ids=()):
    return event("account.password_reset_requested", {
        "user_id": str(uuid.uuid4()), "email": address, "client_ids": list(client_ids),
        "reset_url": sealed(f"http://127.0.0.1:8080/reset-password?token={uuid.uuid4().hex}"),
        "expires_at": "2026-12-01T09:00:00+00:00"}, producer="gateway")


def test_the_reset_link_is_e_mailed_and_the_delivery_log_hides_it(db, settings, mailbox):
    env = reset_requested(unique_email("staff"))
    apply(db, env)
    [logged] = notifications_for(db, env.id)
    assert (logged.kind, logged.recipient, logged.client_id) == ("password_reset", env.data["email"], None)
    assert link(env, "reset_url") not in logged.body_text and "Tuesday 1 December 2026, 10:00" in logged.body_text
    for _ in range(50):  # other tests' messages may be queued too
        if dispatch.dispatch_once(db, settings) == 0:
            break
    [mail] = [m for m in mailbox.to(env.data["email"]) if m["Subject"].startswith("Choose a new password")]
    assert link(env, "reset_url") in mail.get_body(("plain",)).get_content()


def test_a_familys_reset_is_filed_under_its_child(db):
    client_id = str(uuid.uuid4())
    env = reset_requested(unique_email("parent"), [client_id])
    apply(db, env)
    [logged] = notifications_for(db, env.id)
    assert (logged.kind, logged.client_id) == ("password_reset", client_id)
