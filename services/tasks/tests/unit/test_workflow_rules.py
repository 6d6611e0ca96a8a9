import datetime as dt

import pytest

from servicekit.auth import Principal

from tasks.intake import task_title
from tasks.models import STATUSES, Project, Task
from tasks.timesheets import may_read_notes
from tasks.workflow import TRANSITIONS, completion_payload, next_statuses, refusal


@pytest.mark.parametrize("from_status, to_status", [
    ("new", "in_progress"), ("new", "completed"), ("new", "cancelled"),
    ("in_progress", "completed"), ("in_progress", "needs_follow_up"), ("in_progress", "cancelled"),
    ("needs_follow_up", "in_progress"), ("needs_follow_up", "completed"), ("needs_follow_up", "cancelled"),
])
def test_allowed_moves_of_an_assigned_task(from_status, to_status):
    assert refusal(from_status, to_status, assigned=True) is None


def test_completed_and_cancelled_are_final():
    for final in ("completed", "cancelled"):
        assert TRANSITIONS[final] == frozenset()
        for target in STATUSES:
            assert refusal(final, target, assigned=True) is not None


def test_every_status_has_a_row_in_the_table():
    assert set(TRANSITIONS) == set(STATUSES)


def test_a_new_task_cannot_need_follow_up_before_any_work():
    assert "cannot go from new to needs_follow_up" in refusal("new", "needs_follow_up", assigned=True)


def test_work_statuses_need_a_therapist_but_cancelling_does_not():
    assert "assign a therapist first" in refusal("new", "completed", assigned=False)
    assert "assign a therapist first" in refusal("new", "in_progress", assigned=False)
    assert refusal("new", "cancelled", assigned=False) is None


def test_next_statuses_are_the_moves_the_table_allows_now():
    assert next_statuses("new", assigned=False) == ["cancelled"]
    assert next_statuses("new", assigned=True) == ["in_progress", "completed", "cancelled"]
    assert next_statuses("in_progress", assigned=True) == ["completed", "needs_follow_up", "cancelled"]
    assert next_statuses("needs_follow_up", assigned=True) == ["in_progress", "completed", "cancelled"]
    assert next_statuses("completed", assigned=True) == [] and next_statuses("cancelled", assigned=False) == []


def test_refusals_say_why():
    assert refusal("cancelled", "completed", assigned=True) == "A cancelled task cannot be completed."
    assert refusal("cancelled", "completed", assigned=False) == "A cancelled task cannot be completed."
    assert refusal("in_progress", "in_progress", assigned=True) == "The task is already in_progress."
    assert "final" in refusal("completed", "in_progress", assigned=True)


def test_titles_name_the_therapy_the_work_and_the_client():
    assert task_title("Occupational Therapy", "package", 1, 10, "Lina Dupont") == \
        "Occupational Therapy — 10-session package for Lina Dupont"
    assert task_title("Speech Therapy", "package", 2, 20, "Noah") == "Speech Therapy — 2 × 10-session package for Noah"
    assert task_title("Physiotherapy", "single", 1, 1, "Emma") == "Physiotherapy — single session for Emma"
    assert task_title("Physiotherapy", "single", 3, 3, "") == "Physiotherapy — 3 sessions"
    assert len(task_title("X" * 400, "single", 1, 1, "Y" * 250)) == 500


def _task(kind):
    return Task(id="t1", project=Project(name="Occupational Therapy Clients"), client_id="c1",
                client_name="Lina Dupont", quotation_id="q1", quotation_line_id="l1", service_code="OT",
                therapist_id="th1", title="Occupational Therapy — single session for Lina Dupont", kind=kind,
                quantity=2, sessions=20, unit_price_minor=6050, currency="EUR", minutes_logged=90,
                completed_at=dt.datetime(2026, 12, 1, 9, tzinfo=dt.timezone.utc))


def test_a_completed_single_session_is_billable_work():
    payload = completion_payload(_task("single"))
    assert payload["billable"] == {"description": "Occupational Therapy — single session for Lina Dupont",
                                   "quantity": 2, "unit_price": "60.50"}
    assert payload["package_credit"] is None
    assert payload["minutes_logged"] == 90 and payload["completed_at"] == "2026-12-01T09:00:00+00:00"


def test_a_completed_package_consumes_its_prepaid_sessions():
    payload = completion_payload(_task("package"))
    assert payload["billable"] is None
    assert payload["package_credit"] == {"quotation_id": "q1", "quotation_line_id": "l1", "sessions": 20}


def test_only_the_assigned_therapist_and_admins_read_progress_notes():
    task = Task(therapist_id="th1")
    assert may_read_notes(task, Principal(user_id="u", role="therapist", therapist_id="th1"))
    assert may_read_notes(task, Principal(user_id="u", role="admin"))
    assert may_read_notes(task, Principal(user_id="u", role="org_admin"))
    assert not may_read_notes(task, Principal(user_id="u", role="front_desk"))
    assert not may_read_notes(task, Principal(user_id="u", role="therapist", therapist_id="th2"))
