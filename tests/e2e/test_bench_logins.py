"""The login-flood benchmark, run for a second against the running system so its code cannot rot."""
from __future__ import annotations

from bench import logins
from bench.figures import Results
from devstack.seed import Api


def test_the_login_flood_benchmark_measures_a_signed_in_person_alone_and_during_the_flood(system):
    admin = Api(system.url, system.stack.env["ADMIN_EMAIL"], system.stack.env["ADMIN_PASSWORD"])
    results = Results()

    logins.measure(results, system.url, admin, runs=1, seconds=1)

    for key in ("logins.idle.p50", "logins.flood.p50", "logins.flood.per_s", "logins.ratio"):
        assert results.figures[key].median > 0, key
    assert not results.notes, results.notes
