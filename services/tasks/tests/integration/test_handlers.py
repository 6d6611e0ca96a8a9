"""quotation.signed against the real database, through the same inbox transaction the consumer uses."""
import uuid

import pytest
from sqlalchemy import func, select

from servicekit.messaging import PoisonMessage

from tasks.models import Project, Task

from ..helpers import apply, line, outbox_events, signed


def tasks_of(db, quotation_id):
    with db.transaction() as s:
        return s.scalars(select(Task).where(Task.quotation_id == quotation_id)
                         .order_by(Task.created_at, Task.id)).all()


def unique_code():
    return f"T{uuid.uuid4().hex[:8].upper()}"


def test_signed_quotation_creates_one_new_task_per_line_under_its_therapy_project(db):
    code = unique_code()
    env = signed(line(service_code=code, service_name="Sensory Play"),
                 line(kind="package", service_code=code, service_name="Sensory Play", sessions=10),
                 client_name="Lina Dupont")
    assert apply(db, env) is True
    single, package = sorted(tasks_of(db, env.data["quotation_id"]), key=lambda t: t.kind == "package")
    assert {single.status, package.status} == {"new"} and single.therapist_id is None
    assert single.title == "Sensory Play — single session for Lina Dupont"
    assert package.title == "Sensory Play — 10-session package for Lina Dupont" and package.sessions == 10
    assert single.unit_price_minor == 6000 and single.currency == "EUR"
    assert single.project_id == package.project_id and single.project.name == "Sensory Play Clients"
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Project).where(Project.service_code == code)) == 1
    created = outbox_events(db, "task.created", quotation_id=env.data["quotation_id"])
    assert {e["data"]["task_id"] for e in created} == {single.id, package.id}
    assert created[0]["data"]["project"] == "Sensory Play Clients"
    assert created[0]["causation_id"] == env.id and created[0]["correlation_id"] == env.correlation_id


def test_lines_of_different_therapies_go_to_different_projects(db):
    ot, st = unique_code(), unique_code()
    env = signed(line(service_code=ot, service_name="Occupational Therapy"),
                 line(service_code=st, service_name="Speech Therapy"))
    apply(db, env)
    names = {t.service_code: t.project.name for t in tasks_of(db, env.data["quotation_id"])}
    assert names == {ot: "Occupational Therapy Clients", st: "Speech Therapy Clients"}


def test_the_project_of_a_therapy_is_reused_by_later_quotations(db):
    code = unique_code()
    first, second = signed(line(service_code=code)), signed(line(service_code=code))
    apply(db, first)
    apply(db, second)
    [a], [b] = tasks_of(db, first.data["quotation_id"]), tasks_of(db, second.data["quotation_id"])
    assert a.project_id == b.project_id


def test_redelivered_event_creates_nothing_twice(db):
    env = signed(line(), line(kind="package"))
    assert apply(db, env) is True
    assert apply(db, env) is False
    assert len(tasks_of(db, env.data["quotation_id"])) == 2
    assert len(outbox_events(db, "task.created", quotation_id=env.data["quotation_id"])) == 2


def test_a_second_event_for_the_same_quotation_still_gives_one_task_per_line(db):
    first = signed(line(), line(kind="package"))
    duplicate = signed(*first.data["lines"], quotation_id=first.data["quotation_id"],
                       client_id=first.data["client_id"])
    assert duplicate.id != first.id
    apply(db, first)
    assert apply(db, duplicate) is True
    assert len(tasks_of(db, first.data["quotation_id"])) == 2
    assert len(outbox_events(db, "task.created", quotation_id=first.data["quotation_id"])) == 2


def test_a_later_event_adds_only_the_lines_not_seen_before(db):
    first = signed(line())
    extra = line(kind="package")
    later = signed(first.data["lines"][0], extra, quotation_id=first.data["quotation_id"],
                   client_id=first.data["client_id"])
    apply(db, first)
    apply(db, later)
    assert sorted(t.quotation_line_id for t in tasks_of(db, first.data["quotation_id"])) == \
        sorted([first.data["lines"][0]["line_id"], extra["line_id"]])


def test_a_missing_service_name_falls_back_to_the_service_code(db):
    code = unique_code()
    env = signed(line(service_code=code, service_name=None), client_name=None)
    apply(db, env)
    [task] = tasks_of(db, env.data["quotation_id"])
    assert task.project.name == f"{code} Clients" and task.title == f"{code} — single session"


def test_a_payload_breaking_the_contract_is_poison_and_writes_nothing(db):
    env = signed(line(kind="voucher", unit_price="sixty"))
    with pytest.raises(PoisonMessage, match="kind"):
        apply(db, env)
    assert tasks_of(db, env.data["quotation_id"]) == []
    # Nor in the inbox: every delivery is refused again (and dead-lettered), never silently absorbed.
    with pytest.raises(PoisonMessage):
        apply(db, env)
