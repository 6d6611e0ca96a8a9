"""The web benchmark's load, run for a second against the running system so its code cannot rot."""
from __future__ import annotations

import datetime as dt
import uuid

from bench import web
from bench.figures import Results
from devstack.seed import DEMO_PASSWORD, Api


def test_the_web_benchmark_signs_staff_in_and_measures_pages_and_the_time_web_adds(system):
    admin = Api(system.url, system.stack.env["ADMIN_EMAIL"], system.stack.env["ADMIN_PASSWORD"])
    desk = Api(system.url, system.login("front_desk").email, DEMO_PASSWORD)
    child = desk.post("/clients", {"first_name": "Bench", "last_name": f"Web-{uuid.uuid4().hex[:6]}", "guardians": [
        {"first_name": "Ada", "last_name": "Parent", "email": f"bench-{uuid.uuid4().hex[:8]}@example.org"}]})
    monday = dt.date.today() + dt.timedelta(days=7 - dt.date.today().weekday())
    fill = {"monday": monday.isoformat(), "next_monday": (monday + dt.timedelta(days=7)).isoformat(),
            "client_id": child["id"]}
    results = Results()

    pages = f"http://127.0.0.1:{system.stack.config.ports['web']}"  # straight to web, as the bench goes

    web.measure(results, pages, admin, fill, runs=1, seconds=1)

    assert not results.notes, results.notes  # every answer was a 200 page
    for key in ("web.calendar.per_s", "web.client.per_s", "web.api.p50", "web.app.p50"):
        assert results.figures[key].median > 0, key
