"""Timesheets and progress notes: who may log, who may read the notes, and the 409s."""
import datetime as dt
import uuid

from tasks.timesheets import center_today

from ..helpers import assigned_task, new_task, therapist


def log(client, task_id, headers, **body):
    return client.post(f"/api/v1/tasks/{task_id}/timesheets", json={"minutes": 45, **body}, headers=headers)


def test_the_assigned_therapist_logs_time_with_a_progress_note(client, db, tokens):
    task, headers = assigned_task(client, db, tokens)
    resp = log(client, task["id"], headers, minutes=50, note="Worked on pencil grip.", work_date="2026-01-05")
    assert resp.status_code == 201
    assert resp.json["task_id"] == task["id"] and resp.json["therapist_id"] == task["therapist_id"]
    assert resp.json["minutes"] == 50 and resp.json["note"] == "Worked on pencil grip."
    assert resp.json["work_date"] == "2026-01-05" and resp.json["logged_at"].endswith("+00:00")
    log(client, task["id"], headers, minutes=25)
    assert client.get(f"/api/v1/tasks/{task['id']}", headers=headers).json["minutes_logged"] == 75


def test_work_date_defaults_to_today_at_the_center(client, db, tokens, settings):
    task, headers = assigned_task(client, db, tokens)
    resp = log(client, task["id"], headers)
    assert resp.json["work_date"] == center_today(settings.center_timezone).isoformat()


def test_a_retried_timesheet_with_the_same_idempotency_key_is_logged_once(client, db, tokens):
    task, headers = assigned_task(client, db, tokens)
    retry = {**headers, "Idempotency-Key": str(uuid.uuid4())}
    first, second = log(client, task["id"], retry), log(client, task["id"], retry)
    assert first.status_code == second.status_code == 201 and first.json["id"] == second.json["id"]
    assert client.get(f"/api/v1/tasks/{task['id']}", headers=headers).json["minutes_logged"] == 45


def test_an_admin_may_log_time_on_any_task_for_its_therapist(client, db, tokens):
    task, _ = assigned_task(client, db, tokens)
    resp = log(client, task["id"], tokens.headers("admin"))
    assert resp.status_code == 201 and resp.json["therapist_id"] == task["therapist_id"]


def test_timesheet_input_errors_are_422_naming_each_field(client, db, tokens, settings):
    task, headers = assigned_task(client, db, tokens)
    resp = client.post(f"/api/v1/tasks/{task['id']}/timesheets",
                       json={"minutes": 721, "note": "x" * 5001, "work_date": "05/01/2026"}, headers=headers)
    assert resp.status_code == 422 and set(resp.json["errors"]) == {"minutes", "note", "work_date"}
    for minutes in (0, "30", 12.5, None):
        assert log(client, task["id"], headers, minutes=minutes).json["errors"].keys() == {"minutes"}
    tomorrow = center_today(settings.center_timezone) + dt.timedelta(days=1)
    future = log(client, task["id"], headers, work_date=tomorrow.isoformat())
    assert future.status_code == 422 and list(future.json["errors"]) == ["work_date"]
    assert client.get(f"/api/v1/tasks/{task['id']}", headers=headers).json["minutes_logged"] == 0


def test_only_the_assigned_therapist_may_log_time(client, db, tokens):
    task, _ = assigned_task(client, db, tokens)
    _, stranger = therapist(tokens)
    resp = log(client, task["id"], stranger)
    assert resp.status_code == 403 and "not assigned to you" in resp.json["detail"]
    assert log(client, task["id"], tokens.headers("front_desk")).status_code == 403
    assert log(client, uuid.uuid4(), tokens.headers("admin")).status_code == 404


def test_time_cannot_be_logged_before_a_therapist_is_assigned(client, db, tokens):
    task = new_task(client, db, tokens)
    resp = log(client, task["id"], tokens.headers("admin"))
    assert resp.status_code == 409 and "assign a therapist first" in resp.json["detail"]


def test_time_cannot_be_logged_on_a_completed_or_cancelled_task(client, db, tokens):
    for final, reason in (("completed", "The task is completed"), ("cancelled", "The task is cancelled")):
        task, headers = assigned_task(client, db, tokens)
        client.post(f"/api/v1/tasks/{task['id']}/status", json={"status": final}, headers=headers)
        resp = log(client, task["id"], headers)
        assert resp.status_code == 409 and resp.json["detail"].startswith(reason)


def test_front_desk_sees_the_minutes_but_never_the_progress_notes(client, db, tokens):
    task, headers = assigned_task(client, db, tokens)
    log(client, task["id"], headers, minutes=30, note="Sensory diet reviewed with the parent.")
    url = f"/api/v1/tasks/{task['id']}/timesheets"
    [desk_view] = client.get(url, headers=tokens.headers("front_desk")).json
    assert desk_view["minutes"] == 30 and desk_view["note"] is None
    [own_view] = client.get(url, headers=headers).json
    assert own_view["note"] == "Sensory diet reviewed with the parent."
    [admin_view] = client.get(url, headers=tokens.headers("admin")).json
    assert admin_view["note"] == own_view["note"]


def test_another_therapist_cannot_read_a_tasks_timesheets(client, db, tokens):
    task, headers = assigned_task(client, db, tokens)
    log(client, task["id"], headers, note="private")
    _, stranger = therapist(tokens)
    assert client.get(f"/api/v1/tasks/{task['id']}/timesheets", headers=stranger).status_code == 403
    assert client.get(f"/api/v1/tasks/{uuid.uuid4()}/timesheets", headers=headers).status_code == 404


def test_a_therapist_lists_their_own_timesheets_within_dates(client, db, tokens):
    task, headers = assigned_task(client, db, tokens)
    other_task, other_headers = assigned_task(client, db, tokens)
    log(client, task["id"], headers, work_date="2026-01-05", note="early")
    log(client, task["id"], headers, work_date="2026-01-20", note="late")
    log(client, other_task["id"], other_headers, work_date="2026-01-10")
    own = client.get("/api/v1/timesheets?from=2026-01-01&to=2026-01-31", headers=headers)
    assert [t["note"] for t in own.json] == ["late", "early"]
    assert [t["note"] for t in client.get("/api/v1/timesheets?to=2026-01-10", headers=headers).json] == ["early"]
    other = client.get(f"/api/v1/timesheets?therapist_id={other_task['therapist_id']}", headers=headers)
    assert other.status_code == 403


def test_an_admin_lists_any_therapists_timesheets_and_front_desk_may_not(client, db, tokens):
    task, headers = assigned_task(client, db, tokens)
    log(client, task["id"], headers, note="visible to admins")
    resp = client.get(f"/api/v1/timesheets?therapist_id={task['therapist_id']}", headers=tokens.headers("admin"))
    assert [t["note"] for t in resp.json] == ["visible to admins"]
    assert client.get("/api/v1/timesheets", headers=tokens.headers("front_desk")).status_code == 403


def test_timesheet_list_rejects_a_backwards_range_and_bad_dates(client, tokens):
    _, headers = therapist(tokens)
    resp = client.get("/api/v1/timesheets?from=2026-02-01&to=2026-01-01", headers=headers)
    assert resp.status_code == 422 and list(resp.json["errors"]) == ["to"]
    bad = client.get("/api/v1/timesheets?from=yesterday&therapist_id=x", headers=headers)
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"from", "therapist_id"}
