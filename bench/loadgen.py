"""The load tools: wrk for static requests (raw baselines, gateway overhead), locust for the booking flow."""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass
class Load:
    """What one load run measured: throughput, errors and latency percentiles (milliseconds)."""

    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    failures: dict[str, int] = field(default_factory=dict)  # locust: error message -> occurrences

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def wrk(url: str, *, connections: int, seconds: float, method: str = "GET", body: str | None = None) -> Load:
    """`wrk` with `connections` keep-alive connections for `seconds`; non-2xx/3xx answers count as errors."""
    env = {**os.environ, "WRK_METHOD": method, "WRK_BODY": body or ""}
    argv = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
            "-s", str(HERE / "wrk_report.lua"), url]
    out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("WRK_JSON "))
    data = json.loads(line.removeprefix("WRK_JSON "))
    return Load(data["requests"], data["duration_us"] / 1e6, data["socket_errors"] + data["status_errors"],
                data["p50_us"] / 1000, data["p95_us"] / 1000, data["p99_us"] / 1000)


def locust(host: str, user_class: str, *, users: int, seconds: float, env: dict[str, str] | None = None
           ) -> dict[str, Load]:
    """Locust headless in its own process (gevent stays out of ours); figures per request name and in all
    ("Aggregated"), counted from when every user has started. Users loop without think time: `users` is the
    number of concurrent clients."""
    with tempfile.TemporaryDirectory(prefix="bench-locust-") as tmp:
        prefix = Path(tmp) / "run"
        argv = [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), user_class, "--headless",
                "-u", str(users), "-r", "100", "--reset-stats", "-t", f"{max(1, round(seconds))}s", "--host", host,
                "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "5"]
        result = subprocess.run(argv, env={**os.environ, **(env or {})}, capture_output=True, text=True,
                                timeout=seconds + 120)
        with open(f"{prefix}_stats.csv") as stats, open(f"{prefix}_failures.csv") as failed:
            rows = {row["Name"]: row for row in csv.DictReader(stats)}
            failures = {f"{row['Name']}: {row['Error']}": int(row["Occurrences"]) for row in csv.DictReader(failed)}
        if "Aggregated" not in rows:
            raise RuntimeError(f"locust produced no figures:\n{result.stderr[-2000:]}")
    loads = {name: _load(row) for name, row in rows.items()}
    loads["Aggregated"].failures = failures
    return loads


def _load(row: dict[str, str]) -> Load:
    count, rps = int(row["Request Count"]), float(row["Requests/s"])
    percentile = {p: float(row[p]) if row[p] != "N/A" else float("nan") for p in ("50%", "95%", "99%")}
    return Load(count, count / rps if rps else 0.0, int(row["Failure Count"]),
                percentile["50%"], percentile["95%"], percentile["99%"])
