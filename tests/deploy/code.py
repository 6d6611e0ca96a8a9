"""What the code says a process needs: its entry points, the environment variables its settings read, the
files its package must ship — the facts the deployment files are checked against."""
from __future__ import annotations

import glob
import importlib
import importlib.util
import os
import tomllib
from pathlib import Path

from devstack.topology import ALL, ROOT, Component

COMPONENTS_BY_NAME = {c.name: c for c in ALL}


class RecordingEnviron(dict):
    """os.environ stand-in remembering every name the code asked for."""

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__(values)
        self.read: set[str] = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.read.add(key)
        return super().__contains__(key)


def with_local_keys(env: dict[str, str], directory: Path) -> dict[str, str]:
    """`env` with each key-file variable naming a real key of its kind in `directory` (the deployment files name
    mounted secrets, which do not exist here)."""
    from gateway import keys
    from servicekit import sealing

    jwt_private, jwt_public = keys.ensure_keys(directory)
    sealing_private, sealing_public = sealing.ensure_keys(directory)
    local = {"JWT_PRIVATE_KEY_FILE": jwt_private, "JWT_PUBLIC_KEY_FILE": jwt_public,
             "LINK_SEALING_PRIVATE_KEY_FILE": sealing_private, "LINK_SEALING_PUBLIC_KEY_FILE": sealing_public}
    return {name: str(local[name]) if name in local else value for name, value in env.items()}


def variables_read(component: Component, env: dict[str, str], monkeypatch) -> set[str]:
    """Every environment variable the component's settings and gunicorn settings read, given `env`."""
    from servicekit.gunicorn_conf import gunicorn_settings

    recorder = RecordingEnviron(env)
    monkeypatch.setattr(os, "environ", recorder)
    spec = importlib.import_module(f"{component.name}.service").SPEC
    spec.settings()
    gunicorn_settings(component.name, component.port)
    monkeypatch.undo()
    return recorder.read


def module_exists(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def entry_module(argv: list[str]) -> str | None:
    """`python -m x.y` -> 'x.y'; None for other commands."""
    if len(argv) >= 3 and argv[0] == "python" and argv[1] == "-m":
        return argv[2]
    return None


def process_name(component: Component, role: str) -> str:
    """The container (compose) or Deployment (Kubernetes) of one process: `<component>-<role>`, the HTTP process
    being `-api`; a component whose one process serves pages (web) is named after itself."""
    if role == "migrate":
        return f"{component.name}-migrate"
    if component.roles == ("web",):
        return component.name
    return f"{component.name}-{'api' if role == 'web' else role}"


def package_data_gaps(component: Component) -> list[str]:
    """Non-Python files of the package that a regular (non-editable) install would leave out."""
    pyproject = tomllib.loads((component.directory / "pyproject.toml").read_text())
    patterns = pyproject.get("tool", {}).get("setuptools", {}).get("package-data", {}).get(component.name, [])
    package = component.directory / component.name
    # setuptools expands each pattern with glob(recursive=True) from the package folder: `**` is any depth.
    shipped = {Path(found).resolve() for pattern in patterns
               for found in glob.glob(str(package / pattern), recursive=True)}
    missing = []
    for path in package.rglob("*"):
        if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
            continue
        if path.resolve() not in shipped:
            missing.append(f"{component.name}/{path.relative_to(package).as_posix()}")
    return missing


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()
