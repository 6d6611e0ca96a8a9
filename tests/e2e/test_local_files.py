"""What `make run` writes under var/ (databases, the signing key, every e-mail sent) is for its user alone."""
from __future__ import annotations

import stat


def test_nothing_under_var_is_readable_by_other_users(system):
    """Security review: the SQLite files were world-readable under make run."""
    var_dir = system.stack.config.var_dir
    paths = [var_dir, *var_dir.rglob("*")]
    assert any(path.suffix == ".pem" for path in paths)  # the signing key is among them
    opened = [str(path) for path in paths if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO)]
    assert opened == []
