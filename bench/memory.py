"""Item 8: resident memory of every process of the system (a gunicorn master with its workers counts as one)."""
from __future__ import annotations

from pathlib import Path

from bench.environment import System
from bench.figures import Results

SECTION = "8 memory"


def _session_of(pid: int) -> int | None:
    try:
        # Field 6 of /proc/<pid>/stat is the session id; the command (field 2) may contain spaces.
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[3])
    except (OSError, IndexError, ValueError):
        return None


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def resident_mib(system: System) -> dict[str, float]:
    """MiB resident per supervised process, summed over its session (each process starts its own)."""
    sessions: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (sid := _session_of(int(entry.name))) is not None:
            sessions[sid] = sessions.get(sid, 0) + _rss_kib(int(entry.name))
    return {p.name: sessions.get(p.popen.pid, 0) / 1024 for p in system.stack.supervisor.processes
            if p.popen is not None}


def snapshot(results: Results, system: System, state: str) -> None:
    """One figure per process, plus the total of the system."""
    sizes = resident_mib(system)
    for name, mib in sorted(sizes.items()):
        results.add(SECTION, f"mem.{state}.{name}", f"{name} {state}", "MiB", mib)
    results.add(SECTION, f"mem.{state}.total", f"whole system {state}", "MiB", sum(sizes.values()))
