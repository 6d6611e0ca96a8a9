"""Sales event handlers against the real database, through the same inbox transaction the consumer uses."""
import datetime as dt
import uuid

import pytest

from servicekit.messaging import PoisonMessage

from sales.handlers import handlers
from sales.models import ClientRef, OpportunityRef

from ..helpers import apply, client_event, event, stage_event


def client_ref(db, client_id):
    with db.transaction() as s:
        return s.get(ClientRef, client_id)


def opportunity_ref(db, opportunity_id):
    with db.transaction() as s:
        return s.get(OpportunityRef, opportunity_id)


def guardian(email, first="Maya", last="Parent"):
    return {"contact_id": str(uuid.uuid4()), "first_name": first, "last_name": last, "email": email, "phone": None}


def test_client_created_keeps_the_names_and_the_first_guardian_with_an_e_mail(db):
    env = client_event(first="Noah", guardians=[guardian(None, "Paul"), guardian("anna@example.org", "Anna", "Roy")])
    assert apply(db, env) is True
    ref = client_ref(db, env.data["client_id"])
    assert ref.full_name == f"Noah {env.data['last_name']}"
    assert (ref.guardian_name, ref.guardian_email) == ("Anna Roy", "anna@example.org")


def test_a_client_without_any_guardian_e_mail_is_kept_without_a_recipient(db):
    env = client_event(guardians=[guardian(None, "Paul", "Roy")])
    apply(db, env)
    ref = client_ref(db, env.data["client_id"])
    assert (ref.guardian_name, ref.guardian_email) == ("Paul Roy", None)


def test_client_updated_replaces_the_names_and_recipient(db):
    created = client_event()
    apply(db, created)
    apply(db, client_event("client.updated", client_id=created.data["client_id"], first="Léa",
                           guardians=[guardian("new@example.org", "Eva", "Roy")]))
    ref = client_ref(db, created.data["client_id"])
    assert ref.first_name == "Léa" and ref.guardian_email == "new@example.org"


def test_an_update_older_than_what_sales_holds_changes_nothing(db):
    created = client_event(first="Current")
    apply(db, created)
    stale = client_event("client.updated", client_id=created.data["client_id"], first="Stale",
                         occurred_at="2020-01-01T00:00:00.000000Z")
    assert apply(db, stale) is True
    assert client_ref(db, created.data["client_id"]).first_name == "Current"


def test_a_redelivered_client_event_changes_nothing(db):
    created = client_event(first="Once")
    apply(db, created)
    apply(db, client_event("client.updated", client_id=created.data["client_id"], first="Twice"))
    assert apply(db, created) is False
    assert client_ref(db, created.data["client_id"]).first_name == "Twice"


def test_stage_changes_keep_the_latest_stage_and_ignore_late_older_ones(db):
    opp_id, client_id = str(uuid.uuid4()), str(uuid.uuid4())
    t0 = dt.datetime(2026, 12, 1, 10, tzinfo=dt.timezone.utc)
    first = stage_event(opp_id, client_id, "new", t0.isoformat())
    apply(db, first)
    assert (opportunity_ref(db, opp_id).stage, opportunity_ref(db, opp_id).client_id) == ("new", client_id)
    apply(db, stage_event(opp_id, client_id, "won", (t0 + dt.timedelta(hours=2)).isoformat()))
    apply(db, stage_event(opp_id, client_id, "quoted", (t0 + dt.timedelta(hours=1)).isoformat()))
    assert opportunity_ref(db, opp_id).stage == "won"
    assert apply(db, first) is False and opportunity_ref(db, opp_id).stage == "won"


def test_an_unknown_event_version_is_poison():
    env = event("client.created", {"client_id": "x"})
    with pytest.raises(PoisonMessage):
        handlers.resolve(type(env)(**{**env.__dict__, "version": 2}))
