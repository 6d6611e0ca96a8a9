"""Calls that leave the system (an e-mail, an SMS, later a payment or a webhook): never redo an accepted one.

The pattern, for every such call: the intent is a committed row (claimed by one worker); the worker marks the
one call it has in hand (`trying`); the call is made once; the moment the other side accepts it, its answer is written to a local `AcceptedJournal` (before anything
else happens); then the outcome is recorded in the database with `record_outcome`, which waits out a database
that is away instead of giving the row back. Only once the database holds the outcome is the journal entry
forgotten. A worker that dies between the journal write and the record finds the entry when it starts again
and records it without calling out a second time; and it knows which of its claimed rows it had in hand (that
one may have left: a real attempt) and which it never touched (those go back without costing an attempt).
"""
from __future__ import annotations

import fcntl
import logging
import os
import re
import uuid
from pathlib import Path
from typing import Callable

from sqlalchemy.orm import Session

from servicekit.db import DB_UNAVAILABLE, Database
from servicekit.messaging.connection import Backoff

log = logging.getLogger(__name__)

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


class AcceptedJournal:
    """One small file per accepted call in a local folder, named by the call's key (e.g. the row id).

    Each entry is written to a temporary file, flushed to disk and renamed into place, so an entry is whole
    or absent; several processes may share the folder (distinct keys, atomic renames).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock: int | None = None
        self._identity: str | None = None

    @property
    def identity(self) -> str:
        """A stable name for whoever works with this folder: rows it claims carry it, across its restarts."""
        if self._identity is None:
            path = self.folder / "identity"
            if not path.exists():
                temporary = path.with_suffix(f".{os.getpid()}.tmp")
                temporary.write_text(uuid.uuid4().hex, encoding="utf-8")
                os.replace(temporary, path)
            self._identity = path.read_text(encoding="utf-8").strip()
        return self._identity

    def hold(self) -> None:
        """Take the folder for this process alone (two workers sharing one journal would confuse their claims)."""
        descriptor = os.open(self.folder / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise RuntimeError(f"another process holds the journal {self.folder}: give each worker its own") from None
        self._lock = descriptor

    def release(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing drops the lock (so does the process dying)
            self._lock = None

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError(f"journal keys are plain identifiers, got {key!r}")
        return self.folder / f"{key}.accepted"

    def record(self, key: str, answer: str) -> None:
        """Remember that the call `key` was accepted with `answer` (on disk when this returns)."""
        path = self._path(key)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(answer)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        _fsync_folder(self.folder)

    def answer(self, key: str) -> str | None:
        """The recorded answer of an accepted call, or None when the call was never accepted here."""
        try:
            return self._path(key).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def forget(self, key: str) -> None:
        """The database holds the outcome now: the entry has done its job."""
        self._path(key).unlink(missing_ok=True)

    def trying(self, key: str) -> None:
        """The call `key` is about to be made. Not fsynced: it only spares untouched rows an attempt after a crash."""
        self._path(key).with_suffix(".trying").touch()

    def done(self, key: str) -> None:
        """The call `key` has its outcome recorded (or never left): it is no longer in hand."""
        self._path(key).with_suffix(".trying").unlink(missing_ok=True)

    def in_hand(self) -> set[str]:
        """The calls that were in hand when the worker stopped (at most one per worker, the one it was making)."""
        return {path.stem for path in self.folder.glob("*.trying")}

    def pending(self) -> dict[str, str]:
        """Every accepted call whose outcome may not be recorded yet: key -> answer."""
        entries = {}
        for path in self.folder.glob("*.accepted"):
            try:
                entries[path.stem] = path.read_text(encoding="utf-8")
            except FileNotFoundError:  # forgotten by another process meanwhile
                continue
        return entries


def _fsync_folder(folder: Path) -> None:
    # The rename is durable only once the directory entry is on disk too.
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def record_outcome(db: Database, work: Callable[[Session], None], *, wait: Callable[[float], bool],
                   what: str) -> bool:
    """Commit `work(session)`, waiting out a database that is unreachable; True once it committed.

    `wait(delay)` pauses between tries and returns True when the worker must stop (the journal entry then
    stays for the next start). A commit whose answer was lost is simply tried again: `work` must be
    idempotent (e.g. "mark sent unless already sent").
    """
    backoff = Backoff(first=0.2, cap=5.0)
    while True:
        try:
            with db.transaction() as session:
                work(session)
            return True
        except DB_UNAVAILABLE as exc:
            delay = backoff.next_delay()
            log.warning("recording %s failed (%s: %s); the call was accepted, trying again in %.1fs",
                        what, exc.__class__.__name__, str(exc).splitlines()[0][:200] if str(exc) else "", delay)
            if wait(delay):
                return False
