"""Tasks API: listing, reading and assigning tasks, projects, and every denial."""
import uuid

from ..helpers import apply, assigned_task, line, new_task, outbox_events, signed


def test_front_desk_finds_the_new_task_of_a_signed_quotation(client, db, tokens):
    env = signed(line(kind="package", sessions=10), client_name="Lina Dupont")
    apply(db, env)
    resp = client.get(f"/api/v1/tasks?quotation_id={env.data['quotation_id']}", headers=tokens.headers("front_desk"))
    assert resp.status_code == 200
    [task] = resp.json
    assert task["status"] == "new" and task["kind"] == "package" and task["sessions"] == 10
    assert task["project"] == "Occupational Therapy Clients" and task["client_name"] == "Lina Dupont"
    assert task["quotation_line_id"] == env.data["lines"][0]["line_id"] and task["therapist_id"] is None
    assert task["minutes_logged"] == 0 and task["assigned_at"] is None and task["completed_at"] is None
    assert task["created_at"].endswith("+00:00")
    one = client.get(f"/api/v1/tasks/{task['id']}", headers=tokens.headers("admin"))
    assert one.status_code == 200 and one.json == task


def test_tasks_filter_by_client_status_project_and_therapist(client, db, tokens):
    client_id = str(uuid.uuid4())
    first, _ = assigned_task(client, db, tokens, client_id=client_id)
    second = new_task(client, db, tokens, client_id=client_id)
    desk = tokens.headers("front_desk")
    ids = lambda query: [t["id"] for t in client.get(f"/api/v1/tasks?{query}", headers=desk).json]  # noqa: E731
    assert sorted(ids(f"client_id={client_id}")) == sorted([first["id"], second["id"]])
    assert ids(f"client_id={client_id}&therapist_id={first['therapist_id']}") == [first["id"]]
    assert ids(f"client_id={client_id}&status=new&project_id={first['project_id']}") == [second["id"], first["id"]]
    assert ids(f"client_id={client_id}&status=completed") == []


def test_task_list_is_paginated_with_a_next_cursor(client, db, tokens):
    client_id = str(uuid.uuid4())
    for _ in range(3):
        apply(db, signed(client_id=client_id))
    desk = tokens.headers("front_desk")
    first = client.get(f"/api/v1/tasks?client_id={client_id}&limit=2", headers=desk)
    assert len(first.json) == 2 and first.headers["X-Next-Cursor"]
    second = client.get(f"/api/v1/tasks?client_id={client_id}&limit=2&cursor={first.headers['X-Next-Cursor']}",
                        headers=desk)
    assert len(second.json) == 1 and "X-Next-Cursor" not in second.headers


def test_bad_task_filters_are_422_naming_each_field(client, tokens):
    resp = client.get("/api/v1/tasks?quotation_id=nope&status=done&limit=0", headers=tokens.headers("front_desk"))
    assert resp.status_code == 422 and set(resp.json["errors"]) == {"quotation_id", "status", "limit"}


def test_unknown_task_is_404(client, tokens):
    desk = tokens.headers("front_desk")
    assert client.get(f"/api/v1/tasks/{uuid.uuid4()}", headers=desk).status_code == 404
    assert client.get("/api/v1/tasks/not-a-uuid", headers=desk).status_code == 404
    resp = client.post(f"/api/v1/tasks/{uuid.uuid4()}/assign", json={"therapist_id": str(uuid.uuid4())}, headers=desk)
    assert resp.status_code == 404 and resp.mimetype == "application/problem+json"


def test_anonymous_caller_gets_401_everywhere(client):
    task_url = f"/api/v1/tasks/{uuid.uuid4()}"
    assert client.get("/api/v1/tasks").status_code == 401
    assert client.get("/api/v1/projects").status_code == 401
    assert client.get("/api/v1/timesheets").status_code == 401
    assert client.get(task_url).status_code == 401
    assert client.post(f"{task_url}/assign", json={}).status_code == 401
    assert client.post(f"{task_url}/status", json={}).status_code == 401
    assert client.post(f"{task_url}/timesheets", json={}).status_code == 401


def test_the_portal_never_sees_clinical_work(client, db, tokens):
    task = new_task(client, db, tokens)
    family = tokens.headers("client", client_ids=[task["client_id"]])
    for url in ("/api/v1/tasks", f"/api/v1/tasks/{task['id']}", f"/api/v1/tasks/{task['id']}/timesheets",
                "/api/v1/projects", "/api/v1/timesheets"):
        assert client.get(url, headers=family).status_code == 403, url
    assert client.get("/api/v1/tasks", headers=tokens.headers("biller")).status_code == 403


def test_front_desk_assigns_a_therapist_and_the_event_tells_booking(client, db, tokens):
    task = new_task(client, db, tokens)
    therapist_id = str(uuid.uuid4())
    resp = client.post(f"/api/v1/tasks/{task['id']}/assign", json={"therapist_id": therapist_id},
                       headers=tokens.headers("front_desk"))
    assert resp.status_code == 200
    assert resp.json["therapist_id"] == therapist_id and resp.json["assigned_at"] and resp.json["status"] == "new"
    [assigned] = outbox_events(db, "task.assigned", task_id=task["id"])
    assert assigned["data"] == {"task_id": task["id"], "client_id": task["client_id"], "therapist_id": therapist_id,
                                "service_code": "OT", "quotation_id": task["quotation_id"]}


def test_reassigning_hands_the_task_to_another_therapist(client, db, tokens):
    task, _ = assigned_task(client, db, tokens)
    other = str(uuid.uuid4())
    desk = tokens.headers("front_desk")
    assert client.post(f"/api/v1/tasks/{task['id']}/assign", json={"therapist_id": other},
                       headers=desk).json["therapist_id"] == other
    # Assigning the same therapist again changes nothing and announces nothing.
    client.post(f"/api/v1/tasks/{task['id']}/assign", json={"therapist_id": other}, headers=desk)
    assert [e["data"]["therapist_id"] for e in outbox_events(db, "task.assigned", task_id=task["id"])] == \
        [task["therapist_id"], other]


def test_assign_needs_a_therapist_uuid(client, db, tokens):
    task = new_task(client, db, tokens)
    desk = tokens.headers("front_desk")
    for body in ({}, {"therapist_id": "bob"}):
        resp = client.post(f"/api/v1/tasks/{task['id']}/assign", json=body, headers=desk)
        assert resp.status_code == 422 and list(resp.json["errors"]) == ["therapist_id"]


def test_a_closed_task_cannot_be_reassigned(client, db, tokens):
    desk = tokens.headers("front_desk")
    for final in ("completed", "cancelled"):
        task, _ = assigned_task(client, db, tokens)
        assert client.post(f"/api/v1/tasks/{task['id']}/status", json={"status": final},
                           headers=desk).status_code == 200
        resp = client.post(f"/api/v1/tasks/{task['id']}/assign", json={"therapist_id": str(uuid.uuid4())},
                           headers=desk)
        assert resp.status_code == 409 and f"The task is {final}" in resp.json["detail"]


def test_a_therapist_sees_only_the_tasks_assigned_to_them(client, db, tokens):
    client_id = str(uuid.uuid4())
    mine, headers = assigned_task(client, db, tokens, client_id=client_id)
    others, _ = assigned_task(client, db, tokens, client_id=client_id)
    new_task(client, db, tokens, client_id=client_id)
    assert [t["id"] for t in client.get(f"/api/v1/tasks?client_id={client_id}", headers=headers).json] == [mine["id"]]
    assert client.get(f"/api/v1/tasks/{mine['id']}", headers=headers).status_code == 200
    denied = client.get(f"/api/v1/tasks/{others['id']}", headers=headers)
    assert denied.status_code == 403 and "not assigned to you" in denied.json["detail"]
    asked = client.get(f"/api/v1/tasks?therapist_id={others['therapist_id']}", headers=headers)
    assert asked.status_code == 403


def test_a_therapist_cannot_assign_tasks(client, db, tokens):
    task, headers = assigned_task(client, db, tokens)
    resp = client.post(f"/api/v1/tasks/{task['id']}/assign", json={"therapist_id": str(uuid.uuid4())},
                       headers=headers)
    assert resp.status_code == 403


def test_a_therapist_account_without_a_therapist_id_sees_no_tasks(client, db, tokens):
    new_task(client, db, tokens)
    resp = client.get("/api/v1/tasks", headers=tokens.headers("therapist"))
    assert resp.status_code == 403 and "not linked to a therapist" in resp.json["detail"]


def test_projects_count_open_tasks_and_a_therapist_counts_only_their_own(client, db, tokens):
    code = f"P{uuid.uuid4().hex[:8].upper()}"
    therapy = line(service_code=code, service_name="Hippotherapy")
    mine, headers = assigned_task(client, db, tokens, dict(therapy, line_id=str(uuid.uuid4())))
    new_task(client, db, tokens, dict(therapy, line_id=str(uuid.uuid4())))
    done, _ = assigned_task(client, db, tokens, dict(therapy, line_id=str(uuid.uuid4())))
    client.post(f"/api/v1/tasks/{done['id']}/status", json={"status": "completed"}, headers=tokens.headers("admin"))

    def project(role_headers):
        return next(p for p in client.get("/api/v1/projects?limit=200", headers=role_headers).json
                    if p["service_code"] == code)

    desk_view = project(tokens.headers("front_desk"))
    assert desk_view == {"id": mine["project_id"], "service_code": code, "name": "Hippotherapy Clients",
                         "open_tasks": 2}
    assert project(headers)["open_tasks"] == 1
