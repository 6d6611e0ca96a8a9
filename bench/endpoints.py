"""Item 1 (bare gunicorn + Flask: JSON, and one INSERT + COMMIT) and item 3 (gateway overhead)."""
from __future__ import annotations

from bench import loadgen
from bench.environment import BaselineServer, System
from bench.figures import Results

BASE = "1 baselines"
GATEWAY = "3 gateway"


def baselines(results: Results, server: BaselineServer, *, runs: int, seconds: float) -> None:
    """wrk (raw capacity) on both endpoints, and locust on the INSERT one (the booking figure's own tool)."""
    for _ in range(runs):
        plain = loadgen.wrk(f"{server.url}/json", connections=16, seconds=seconds)
        results.add(BASE, "base.json.rps", "bare JSON endpoint, 16 connections (wrk)", "req/s", plain.rps)
        results.add(BASE, "base.json.p50", "bare JSON endpoint, 16 connections (wrk): p50", "ms", plain.p50_ms)
        insert = loadgen.wrk(f"{server.url}/insert", connections=16, seconds=seconds, method="POST",
                             body='{"note": "bench"}')
        results.add(BASE, "base.insert.rps", "bare INSERT + COMMIT, 16 connections (wrk)", "req/s", insert.rps)
        results.add(BASE, "base.insert.p99", "bare INSERT + COMMIT, 16 connections (wrk): p99", "ms", insert.p99_ms)
        by_locust = loadgen.locust(server.url, "InsertUser", users=16, seconds=seconds)["Aggregated"]
        results.add(BASE, "base.insert_locust.rps", "bare INSERT + COMMIT, 16 clients (locust)", "req/s",
                    by_locust.rps)


def gateway_overhead(results: Results, system: System, *, runs: int, seconds: float) -> None:
    """A cheap public GET (`/api/v1/service-types`) through the gateway and straight to booking, interleaved."""
    path = "/api/v1/service-types"
    for _ in range(runs):
        for where, base in (("direct", system.service_url("booking")), ("gateway", system.url)):
            busy = loadgen.wrk(base + path, connections=16, seconds=seconds)
            results.add(GATEWAY, f"gw.{where}.rps", f"GET service-types {where}, 16 connections", "req/s", busy.rps)
            alone = loadgen.wrk(base + path, connections=1, seconds=max(2.0, seconds / 2))
            results.add(GATEWAY, f"gw.{where}.p50", f"GET service-types {where}, 1 connection: p50", "ms",
                        alone.p50_ms)
    results.ratio(GATEWAY, "gw.ratio", "gateway ÷ direct throughput (16 connections)", "gw.gateway.rps",
                  "gw.direct.rps")
    results.difference(GATEWAY, "gw.p50_added", "p50 added by the gateway (1 connection)", "gw.gateway.p50",
                       "gw.direct.p50")
