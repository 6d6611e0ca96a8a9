"""python -m bench [--quick] [--only PIECES] — measure the system on this machine and print the table.

Starts everything itself on fresh PostgreSQL databases and its own AMQP namespace (removed at the end),
prints a Markdown table (figures as median and min–max over runs, targets marked) and writes the figures
to bench/results/latest.json.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import sys
import time
from pathlib import Path

from bench import billing, booking, endpoints, loadgen, logins, memory, messaging, spine, web
from bench.environment import BaselineServer, Infra, Settings, System
from bench.figures import Results, Target, markdown
from devstack.seed import Api

PIECES = ("baselines", "relay", "gateway", "booking", "hops", "workflows", "billing", "web", "logins")
RESULTS = Path(__file__).resolve().parent / "results"

TARGETS = [
    Target("2 booking", "16 clients: ≥ 50 % of the bare INSERT + COMMIT requests/s", "booking.c16.ratio", 0.5),
    Target("2 booking", "16 clients: p99 under 100 ms", "booking.c16.p99", 100, lower=True),
    Target("3 gateway", "≥ 60 % of the direct throughput", "gw.ratio", 0.6),
    Target("3 gateway", "p50 added under 2 ms", "gw.p50_added", 2, lower=True),
    Target("4 hops", "idle: every hop's p50 under 10 ms", "hops.idle.worst_p50", 10, lower=True),
    Target("4 hops", "idle: every hop's p99 under 50 ms", "hops.idle.worst_p99", 50, lower=True),
    Target("5 relay", "≥ 3 × the one-by-one-confirm baseline", "relay.ratio", 3),
    Target("6 workflows", "≥ 20 workflows/s with 8 families", "wf.per_s", 20),
    Target("6 workflows", "one workflow under 200 ms", "wf.single_ms", 200, lower=True),
    Target("7 billing", "3 consumers ≥ 1.5 × one", "billing.consumers.ratio", 1.5),
    Target("7 billing", "3 API workers ≥ 1.5 × one", "billing.api.ratio", 1.5),
    Target("7 billing", "no invoice number gap or duplicate, no double payment", "billing.violations", 0,
           lower=True),
    Target("9 web", "web adds under 10 ms to the API calls of a page (p50, Server-Timing app)", "web.app.p50", 10,
           lower=True),
    Target("10 logins", "a signed-in p50 within 2 × its idle value during 16 anonymous logins", "logins.ratio", 2,
           lower=True),
]


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run: one run each, small volumes")
    parser.add_argument("--only", default=",".join(PIECES), help=f"comma-separated subset of {', '.join(PIECES)}")
    parser.add_argument("--runs", type=int, help="runs per figure (default 3, quick 1)")
    parser.add_argument("--seconds", type=float, help="seconds per load measurement (default 8, quick 3)")
    parser.add_argument("--web-concurrency", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--web-threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))
    parser.add_argument("--log-level", default="INFO", help="LOG_LEVEL of the services (production: INFO)")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args(argv)
    unknown = set(args.only.split(",")) - set(PIECES)
    if unknown:
        parser.error(f"unknown piece(s): {', '.join(sorted(unknown))}")
    return args


def _volumes(quick: bool) -> dict[str, int]:
    if quick:
        return {"messages": 500, "backlog": 2000, "therapists": 9, "weeks": 4, "hop_workflows": 3,
                "workflows": 8, "billing_events": 250}
    return {"messages": 3000, "backlog": 20_000, "therapists": 24, "weeks": 8, "hop_workflows": 10,
            "workflows": 24, "billing_events": 5000}


def _check_tools(pieces: set[str]) -> None:
    if pieces & {"baselines", "gateway"} and not loadgen.have_wrk():
        raise SystemExit("wrk is not installed: apt-get install -y wrk (or leave out baselines,gateway)")


def _meta(args: argparse.Namespace, settings: Settings) -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "cores": os.cpu_count(),
            "cpu": cpu, "python": platform.python_version(), "quick": args.quick, "runs": settings.runs,
            "seconds_per_load": settings.seconds, "web_concurrency": settings.web_concurrency,
            "web_threads": settings.web_threads, "log_level": settings.log_level, "pieces": args.only}


def _without_stack(results: Results, run: Infra, settings: Settings, pieces: set[str], volumes: dict) -> None:
    if "baselines" in pieces or "booking" in pieces:
        server = BaselineServer(settings, run.database("baseline"))
        try:
            endpoints.baselines(results, server, runs=settings.runs, seconds=settings.seconds)
        finally:
            server.stop()
    if "relay" in pieces:
        messaging.measure(results, run, runs=settings.runs, messages=volumes["messages"], backlog=volumes["backlog"])


def _with_stack(results: Results, run: Infra, settings: Settings, pieces: set[str], volumes: dict) -> None:
    system = System(settings, run)
    try:
        system.start()
        memory.snapshot(results, system, "idle")
        pool = None
        if pieces & {"booking", "hops", "workflows"}:
            booking.create_therapists(system, volumes["therapists"])
            pool = booking.slot_pool(system, settings.work_dir / f"slots-{run.run_id}.json", volumes["weeks"])
        if "gateway" in pieces:
            endpoints.gateway_overhead(results, system, runs=settings.runs, seconds=settings.seconds)
        if "booking" in pieces:
            booking.measure(results, system, pool, levels=[1, 16, 64], runs=settings.runs, seconds=settings.seconds)
        if "hops" in pieces:
            spine.hop_latency(results, system, pool, runs=settings.runs, workflows=volumes["hop_workflows"],
                              seconds=settings.seconds)
        if "workflows" in pieces:
            spine.workflows(results, system, pool, runs=settings.runs, count=volumes["workflows"])
        if "billing" in pieces:
            billing.measure(results, system, runs=settings.runs, events=volumes["billing_events"],
                            web_concurrency=settings.web_concurrency)
        if "web" in pieces:
            admin = Api(system.url, system.stack.env["ADMIN_EMAIL"], system.stack.env["ADMIN_PASSWORD"])
            web.measure(results, system.service_url("web"), admin, web.context(system.url, admin),
                        runs=settings.runs, seconds=settings.seconds)
        if "logins" in pieces:
            admin = Api(system.url, system.stack.env["ADMIN_EMAIL"], system.stack.env["ADMIN_PASSWORD"])
            logins.measure(results, system.url, admin, runs=settings.runs, seconds=settings.seconds)
        memory.snapshot(results, system, "after the run")
    except BaseException:
        system.stop()
        print(f"the system's logs are kept in {system.config.log_dir}", file=sys.stderr)
        raise
    system.stop()
    shutil.rmtree(system.config.var_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> Results:
    """Run the chosen pieces, print the table, write the JSON; returns the figures."""
    args = _arguments(argv)
    settings = Settings(quick=args.quick, runs=args.runs or (1 if args.quick else 3),
                        seconds=args.seconds or (3.0 if args.quick else 8.0), web_concurrency=args.web_concurrency,
                        web_threads=args.web_threads, log_level=args.log_level)
    pieces, volumes = set(args.only.split(",")), _volumes(args.quick)
    _check_tools(pieces)
    settings.work_dir.mkdir(parents=True, exist_ok=True)
    results, started = Results(), time.monotonic()
    results.meta = _meta(args, settings)
    run = Infra()
    try:
        _without_stack(results, run, settings, pieces, volumes)
        if pieces - {"baselines", "relay"}:
            _with_stack(results, run, settings, pieces, volumes)
    finally:
        run.close()
    results.meta["duration_s"] = round(time.monotonic() - started)
    results.write_json(args.out, TARGETS)
    print(markdown(results, TARGETS))
    print(f"\nfigures written to {args.out}", file=sys.stderr)
    return results


if __name__ == "__main__":
    main()
