"""/api/v1/notification-templates: an administrator reads and edits each kind's texts, checked on sample data."""
import uuid

from notifications.default_templates import DEFAULTS
from notifications.models import KINDS

from ..helpers import appointment_event, apply, future, messages_about

PATH = "/api/v1/notification-templates"


def test_an_admin_lists_every_kind_with_its_placeholders(client, tokens):
    resp = client.get(PATH, headers=tokens.headers("admin"))
    assert resp.status_code == 200 and [t["kind"] for t in resp.json] == list(KINDS)
    reminder = next(t for t in resp.json if t["kind"] == "appointment_reminder")
    assert {"confirm_url", "cancel_url", "when", "center_name"} <= set(reminder["placeholders"])
    assert reminder["sms_text"] and reminder["subject"] == DEFAULTS["appointment_reminder"][0]


def test_an_edited_template_is_used_for_the_next_message(client, db, tokens):
    headers = tokens.headers("admin")
    original = client.get(f"{PATH}/appointment_cancelled", headers=headers).json
    edit = {"subject": "Cancelled: {{ service }} ({{ when_short }})",
            "body": "{{ greeting }}\n\n{{ child_name }}'s session on {{ when }} will not take place.\n",
            "sms_text": "{{ center_name }}: {{ service }} on {{ when_short }} cancelled."}
    try:
        resp = client.put(f"{PATH}/appointment_cancelled", json=edit, headers=headers)
        assert resp.status_code == 200 and resp.json["subject"] == edit["subject"] and resp.json["updated_by"]
        booked = appointment_event(start=future())
        apply(db, booked)
        apply(db, appointment_event("appointment.cancelled", booked.data["appointment_id"], start=booked.data["start"]))
        [mail] = messages_about(db, booked.data["appointment_id"], "appointment_cancelled")
        assert mail.subject.startswith("Cancelled: Occupational therapy (")
        assert "Lina Dupont's session on" in mail.body_text
    finally:
        client.put(f"{PATH}/appointment_cancelled", json={k: original[k] for k in ("subject", "body", "sms_text")},
                   headers=headers)


def test_an_unknown_placeholder_is_422_naming_the_field(client, tokens):
    resp = client.put(f"{PATH}/quotation_sent", headers=tokens.headers("admin"),
                      json={"subject": "Quote {{ number }}", "body": "See {{ sharing_link }}"})
    assert resp.status_code == 422 and set(resp.json["errors"]) == {"body"}
    assert "sharing_link" in resp.json["errors"]["body"][0]


def test_a_kind_sent_by_sms_needs_its_sms_text_and_bad_syntax_is_422(client, tokens):
    headers = tokens.headers("admin")
    no_sms = client.put(f"{PATH}/appointment_reminder", headers=headers, json={"subject": "R", "body": "B"})
    assert no_sms.status_code == 422 and set(no_sms.json["errors"]) == {"sms_text"}
    broken = client.put(f"{PATH}/appointment_booked", headers=headers,
                        json={"subject": "{% if %}", "body": "B", "sms_text": "S"})
    assert broken.status_code == 422 and set(broken.json["errors"]) == {"subject"}
    missing = client.put(f"{PATH}/appointment_booked", headers=headers, json={})
    assert missing.status_code == 422 and {"subject", "body"} <= set(missing.json["errors"])


def test_an_unknown_kind_is_404(client, tokens):
    headers = tokens.headers("admin")
    assert client.get(f"{PATH}/birthday_card", headers=headers).status_code == 404
    assert client.put(f"{PATH}/birthday_card", json={"subject": "s", "body": "b"}, headers=headers).status_code == 404


def test_only_administrators_see_or_edit_templates(client, tokens):
    for role in ("front_desk", "biller", "therapist"):
        assert client.get(PATH, headers=tokens.headers(role)).status_code == 403
    family = tokens.headers("client", client_ids=[str(uuid.uuid4())])
    edit = client.put(f"{PATH}/appointment_booked", json={"subject": "s", "body": "b"}, headers=family)
    assert edit.status_code == 403
    assert client.get(PATH).status_code == 401
    assert client.get(f"{PATH}/appointment_booked", headers=tokens.headers("org_admin")).status_code == 200
