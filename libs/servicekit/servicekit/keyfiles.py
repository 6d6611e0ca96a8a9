"""Key pairs kept as PEM files: created once, never overwritten, the private half readable by its owner only."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable


def _write_new(path: Path, text: str, mode: int) -> None:
    # O_EXCL: never overwrite a key another process has just written; the mode applies at creation.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def ensure_pair(private: Path, public: Path, new_private: Callable[[], str],
                public_of: Callable[[str], str]) -> tuple[Path, Path]:
    """Create `private` (0600) and `public` (0644) unless they exist; returns both paths."""
    private.parent.mkdir(parents=True, exist_ok=True)
    if not private.exists():
        _write_new(private, new_private(), 0o600)
        public.unlink(missing_ok=True)  # a public key without its private half is useless
    if not public.exists():
        _write_new(public, public_of(private.read_text()), 0o644)
    return private, public
