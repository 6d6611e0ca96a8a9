"""Task statuses: the full spine flow, what billing receives on completion, every 409, and races."""
import threading
import time
import uuid

from sqlalchemy import select, text

from tasks.models import StatusChange, Task

from ..helpers import assigned_task, line, new_task, outbox_events, therapist


def set_status(client, task_id, headers, status, **body):
    return client.post(f"/api/v1/tasks/{task_id}/status", json={"status": status, **body}, headers=headers)


def test_assign_log_time_and_complete_a_single_session_makes_billable_work(client, db, tokens):
    task = new_task(client, db, tokens, line(unit_price="72.50"), client_name="Lina Dupont")
    therapist_id, headers = therapist(tokens)
    client.post(f"/api/v1/tasks/{task['id']}/assign", json={"therapist_id": therapist_id},
                headers=tokens.headers("front_desk"))
    assert set_status(client, task["id"], headers, "in_progress").json["status"] == "in_progress"
    client.post(f"/api/v1/tasks/{task['id']}/timesheets", json={"minutes": 50, "note": "ok"}, headers=headers)
    client.post(f"/api/v1/tasks/{task['id']}/timesheets", json={"minutes": 10}, headers=headers)
    done = set_status(client, task["id"], headers, "completed", reason="session held")
    assert done.status_code == 200
    assert done.json["status"] == "completed" and done.json["completed_at"] and done.json["minutes_logged"] == 60
    [completed] = outbox_events(db, "task.completed", task_id=task["id"])
    assert completed["data"] == {
        "task_id": task["id"], "project": "Occupational Therapy Clients", "client_id": task["client_id"],
        "client_name": "Lina Dupont", "quotation_id": task["quotation_id"],
        "quotation_line_id": task["quotation_line_id"], "service_code": "OT", "therapist_id": therapist_id,
        "minutes_logged": 60, "completed_at": completed["data"]["completed_at"], "currency": "EUR",
        "billable": {"description": "Occupational Therapy — single session for Lina Dupont", "quantity": 1,
                     "unit_price": "72.50"},
        "package_credit": None,
    }
    changes = [(e["data"]["from_status"], e["data"]["to_status"])
               for e in outbox_events(db, "task.status_changed", task_id=task["id"])]
    assert changes == [("new", "in_progress"), ("in_progress", "completed")]


def test_completing_a_package_consumes_its_prepaid_sessions(client, db, tokens):
    task, headers = assigned_task(client, db, tokens, line(kind="package", quantity=2, sessions=20))
    assert set_status(client, task["id"], headers, "completed").status_code == 200
    [completed] = outbox_events(db, "task.completed", task_id=task["id"])
    assert completed["data"]["billable"] is None and completed["data"]["minutes_logged"] == 0
    assert completed["data"]["package_credit"] == {"quotation_id": task["quotation_id"],
                                                   "quotation_line_id": task["quotation_line_id"], "sessions": 20}


def test_every_status_change_is_recorded_with_who_and_why(client, db, tokens):
    task, headers = assigned_task(client, db, tokens)
    set_status(client, task["id"], headers, "in_progress")
    set_status(client, task["id"], headers, "needs_follow_up", reason="parent asked for a call")
    set_status(client, task["id"], tokens.headers("front_desk"), "in_progress")
    with db.transaction() as s:
        history = s.scalars(select(StatusChange).where(StatusChange.task_id == task["id"])
                            .order_by(StatusChange.changed_at)).all()
    assert [(h.from_status, h.to_status) for h in history] == [
        ("new", "in_progress"), ("in_progress", "needs_follow_up"), ("needs_follow_up", "in_progress")]
    assert history[1].reason == "parent asked for a call" and all(h.changed_by for h in history)
    assert outbox_events(db, "task.completed", task_id=task["id"]) == []


def test_cancelling_needs_no_therapist_and_is_final(client, db, tokens):
    task = new_task(client, db, tokens)
    desk = tokens.headers("front_desk")
    assert set_status(client, task["id"], desk, "cancelled", reason="family moved").json["status"] == "cancelled"
    resp = set_status(client, task["id"], desk, "completed")
    assert resp.status_code == 409 and resp.json["detail"] == "A cancelled task cannot be completed."
    assert "final" in set_status(client, task["id"], desk, "in_progress").json["detail"]


def test_each_task_says_which_statuses_it_may_take_now(client, db, tokens):
    task = new_task(client, db, tokens)
    assert task["next_statuses"] == ["cancelled"]
    therapist_id, headers = therapist(tokens)
    assigned = client.post(f"/api/v1/tasks/{task['id']}/assign", json={"therapist_id": therapist_id},
                           headers=tokens.headers("front_desk"))
    assert assigned.json["next_statuses"] == ["in_progress", "completed", "cancelled"]
    moved = set_status(client, task["id"], headers, "in_progress")
    assert moved.json["next_statuses"] == ["completed", "needs_follow_up", "cancelled"]
    assert set_status(client, task["id"], headers, "completed").json["next_statuses"] == []


def test_completing_an_unassigned_task_is_409(client, db, tokens):
    task = new_task(client, db, tokens)
    resp = set_status(client, task["id"], tokens.headers("front_desk"), "completed")
    assert resp.status_code == 409 and "assign a therapist first" in resp.json["detail"]
    assert outbox_events(db, "task.status_changed", task_id=task["id"]) == []


def test_the_same_status_twice_and_a_move_off_the_table_are_409(client, db, tokens):
    task, headers = assigned_task(client, db, tokens)
    off_table = set_status(client, task["id"], headers, "needs_follow_up")
    assert off_table.status_code == 409 and "cannot go from new to needs_follow_up" in off_table.json["detail"]
    set_status(client, task["id"], headers, "in_progress")
    again = set_status(client, task["id"], headers, "in_progress")
    assert again.status_code == 409 and again.json["detail"] == "The task is already in_progress."
    set_status(client, task["id"], headers, "completed")
    twice = set_status(client, task["id"], headers, "completed")
    assert twice.status_code == 409 and twice.json["detail"] == "The task is already completed."
    assert len(outbox_events(db, "task.completed", task_id=task["id"])) == 1


def test_status_input_errors_are_422_naming_the_field(client, db, tokens):
    task, headers = assigned_task(client, db, tokens)
    for body in ({}, {"status": "new"}, {"status": "done"}):
        resp = client.post(f"/api/v1/tasks/{task['id']}/status", json=body, headers=headers)
        assert resp.status_code == 422 and list(resp.json["errors"]) == ["status"]
    long_reason = set_status(client, task["id"], headers, "in_progress", reason="x" * 1001)
    assert long_reason.status_code == 422 and list(long_reason.json["errors"]) == ["reason"]


def test_status_denials(client, db, tokens):
    task, _ = assigned_task(client, db, tokens)
    _, stranger = therapist(tokens)
    resp = set_status(client, task["id"], stranger, "in_progress")
    assert resp.status_code == 403 and "not assigned to you" in resp.json["detail"]
    assert set_status(client, task["id"], tokens.headers("client", client_ids=[task["client_id"]]),
                      "completed").status_code == 403
    assert set_status(client, task["id"], tokens.headers("biller"), "completed").status_code == 403
    assert set_status(client, uuid.uuid4(), tokens.headers("admin"), "completed").status_code == 404


def _waiting_for_locks(db):
    with db.transaction() as s:
        return s.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                             "AND wait_event_type = 'Lock'"))


def test_two_concurrent_completions_give_one_success_one_409_and_one_task_completed(app, client, db, tokens):
    task, headers = assigned_task(client, db, tokens)
    results = []

    def complete():
        resp = app.test_client().post(f"/api/v1/tasks/{task['id']}/status", json={"status": "completed"},
                                      headers=headers)
        results.append(resp.status_code)

    threads = [threading.Thread(target=complete) for _ in range(2)]
    # Hold the row so both requests have read nothing yet when they start racing for it.
    with db.transaction() as s:
        s.execute(select(Task.id).where(Task.id == task["id"]).with_for_update())
        for t in threads:
            t.start()
        deadline = time.monotonic() + 10
        while _waiting_for_locks(db) < 2 and time.monotonic() < deadline:
            time.sleep(0.005)  # polling for the two requests to queue on the lock, not waiting out a delay
    for t in threads:
        t.join(timeout=10)
    assert sorted(results) == [200, 409]
    assert len(outbox_events(db, "task.completed", task_id=task["id"])) == 1
