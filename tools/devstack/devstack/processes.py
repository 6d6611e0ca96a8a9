"""A tiny supervisor: start processes in their own groups, prefix or log their output, stop them all."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from devstack.topology import ROOT


@dataclass
class Process:
    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path | None = None   # None: prefix lines onto our stdout
    popen: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> None:
        out: int | IO = subprocess.PIPE
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            out = open(self.log_path, "ab")  # noqa: SIM115 - owned by the child for its lifetime
        # Own process group: a terminal Ctrl-C reaches us, and we stop children in a sensible order.
        self.popen = subprocess.Popen(self.argv, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        if self.log_path is None:
            threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.popen and self.popen.stdout
        for line in iter(self.popen.stdout.readline, b""):
            sys.stdout.write(f"{self.name:<22} | {line.decode(errors='replace')}")
            sys.stdout.flush()

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal(self, sig: int) -> None:
        if self.alive:
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                pass

    def tail(self, lines: int = 30) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


class Supervisor:
    def __init__(self) -> None:
        self.processes: list[Process] = []
        self.restarts = 0
        self._watching = threading.Event()
        self._lock = threading.Lock()

    def start(self, process: Process) -> Process:
        process.start()
        self.processes.append(process)
        return process

    def dead(self) -> list[Process]:
        return [p for p in self.processes if not p.alive]

    def keep_alive(self, interval: float = 0.3) -> None:
        """Restart any process that dies (as systemd or Kubernetes would) until `stop()`."""
        self._watching.set()

        def watch() -> None:
            while self._watching.is_set():
                with self._lock:
                    for process in self.dead():
                        process.start()
                        self.restarts += 1
                time.sleep(interval)

        threading.Thread(target=watch, daemon=True, name="keep-alive").start()

    def replace(self, names: set[str], env: dict[str, str], sig: int = signal.SIGTERM) -> None:
        """Stop the named processes with `sig` and start them again with `env` merged into theirs."""
        with self._lock:
            chosen = [p for p in self.processes if p.name in names]
            for process in chosen:
                process.signal(sig)
            for process in chosen:
                if process.popen is not None:
                    process.popen.wait(30)
                process.env = {**process.env, **env}
                process.start()

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM everything (web first, so no new work arrives), then SIGKILL what is left."""
        self._watching.clear()
        with self._lock:  # the keep-alive thread must not restart what we are stopping
            order = sorted(self.processes, key=lambda p: (not p.name.endswith("web"), p.name))
            for process in order:
                process.signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in order:
            if process.popen is None:
                continue
            try:
                process.popen.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.signal(signal.SIGKILL)
                process.popen.wait(5)
        self.processes.clear()
