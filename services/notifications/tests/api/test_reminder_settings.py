"""/api/v1/reminder-settings/<client_id>: the family's or front desk's choice, validated, re-planning reminders."""
import uuid

import pytest

from ..helpers import appointment_event, apply, future, reminders_of


def url(client_id):
    return f"/api/v1/reminder-settings/{client_id}"


GOOD = {"channels": ["email", "sms"], "lead_hours": 24, "phone": "06 12 34 56 78", "timezone": "Europe/London",
        "email": "Maya.Parent@Example.org"}


def test_a_client_who_never_chose_shows_the_center_default_reminders_off(client, tokens):
    resp = client.get(url(uuid.uuid4()), headers=tokens.headers("front_desk"))
    assert resp.status_code == 200
    assert {k: resp.json[k] for k in ("channels", "lead_hours", "opt_out", "is_default", "updated_at")} == {
        "channels": ["email"], "lead_hours": None, "opt_out": False, "is_default": True, "updated_at": None}


def test_the_front_desk_saves_settings_normalised_and_reads_them_back(client, tokens):
    client_id = str(uuid.uuid4())
    resp = client.put(url(client_id), json=GOOD, headers=tokens.headers("front_desk"))
    assert resp.status_code == 200
    body = resp.json
    assert (body["channels"], body["lead_hours"], body["phone"], body["email"], body["timezone"]) == (
        ["email", "sms"], 24, "+33612345678", "maya.parent@example.org", "Europe/London")
    assert body["is_default"] is False and body["updated_at"]
    assert client.get(url(client_id), headers=tokens.headers("admin")).json == body


def test_choosing_a_lead_time_plans_reminders_for_upcoming_sessions_and_turning_off_cancels_them(client, db,
                                                                                               tokens):
    client_id = str(uuid.uuid4())
    env = appointment_event(client_id=client_id, start=future())
    apply(db, env)
    assert reminders_of(db, env.data["appointment_id"]) == []
    family = tokens.headers("client", client_ids=[client_id])
    assert client.put(url(client_id), json={"channels": ["email"], "lead_hours": 48}, headers=family).status_code == 200
    [reminder] = reminders_of(db, env.data["appointment_id"], "pending")
    assert reminder.lead_hours == 48
    client.put(url(client_id), json={"channels": ["email"], "lead_hours": None}, headers=family)
    assert reminders_of(db, env.data["appointment_id"], "pending") == []


@pytest.mark.parametrize("change, field", [
    ({"email": "not-an-address"}, "email"), ({"phone": "12"}, "phone"), ({"phone": "01 23 45 67 89"}, "phone"),
    ({"timezone": "Mars/Olympus"}, "timezone"), ({"lead_hours": 1}, "lead_hours"), ({"lead_hours": 73}, "lead_hours"),
    ({"channels": ["fax"]}, "channels.0"), ({"channels": []}, "channels")])
def test_bad_settings_are_422_naming_the_field(client, tokens, change, field):
    resp = client.put(url(uuid.uuid4()), json={**GOOD, **change}, headers=tokens.headers("front_desk"))
    assert resp.status_code == 422 and field in resp.json["errors"], resp.json


def test_missing_fields_are_422_too(client, tokens):
    resp = client.put(url(uuid.uuid4()), json={}, headers=tokens.headers("front_desk"))
    assert resp.status_code == 422 and {"channels", "lead_hours"} <= set(resp.json["errors"])


def test_a_family_manages_only_its_own_children(client, tokens):
    mine, theirs = str(uuid.uuid4()), str(uuid.uuid4())
    family = tokens.headers("client", client_ids=[mine])
    assert client.put(url(mine), json=GOOD, headers=family).status_code == 200
    assert client.get(url(theirs), headers=family).status_code == 403
    assert client.put(url(theirs), json=GOOD, headers=family).status_code == 403


@pytest.mark.parametrize("role", ["therapist", "biller"])
def test_other_staff_may_not_see_or_change_reminder_settings(client, tokens, role):
    client_id = uuid.uuid4()
    assert client.get(url(client_id), headers=tokens.headers(role)).status_code == 403
    assert client.put(url(client_id), json=GOOD, headers=tokens.headers(role)).status_code == 403


def test_anonymous_callers_get_401_and_a_bad_id_404(client, tokens):
    assert client.get(url(uuid.uuid4())).status_code == 401
    assert client.put(url(uuid.uuid4()), json=GOOD).status_code == 401
    assert client.get("/api/v1/reminder-settings/nope", headers=tokens.headers("front_desk")).status_code == 404
