"""docker-compose.yml and the Dockerfiles, checked against the code (no Docker engine needed)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from devstack.topology import COMPONENTS, ROOT

from gateway.keys import new_private_key, public_key_of

from .code import entry_module, module_exists, package_data_gaps, relative, variables_read

COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "docker" / "Dockerfile"
INFRA = {"postgres", "rabbitmq", "smtp"}
SECRET_NAMES = re.compile(r"PASSWORD|SECRET|PRIVATE_KEY|TOKEN")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def containers_of(compose: dict, component) -> dict[str, dict]:
    return {name: spec for name, spec in compose["services"].items() if name.startswith(f"{component.name}-")}


def role_of(container: str) -> str:
    return container.rsplit("-", 1)[1]


def test_every_process_of_every_service_has_its_container(compose):
    for component in COMPONENTS:
        expected = {f"{component.name}-{'api' if r == 'web' else r}" for r in component.roles}
        assert set(containers_of(compose, component)) == expected | {f"{component.name}-migrate"}
    assert INFRA <= set(compose["services"])


def test_containers_run_entry_points_that_exist(compose):
    for component in COMPONENTS:
        for name, spec in containers_of(compose, component).items():
            assert spec["image"].startswith(f"therapy/{component.name}:"), name
            if role_of(name) == "api":
                assert "command" not in spec, f"{name} runs the image's gunicorn"
                continue
            module = entry_module(spec["command"])
            assert module == f"{component.name}.entrypoints.{role_of(name)}" and module_exists(module), name


def test_each_image_is_built_once_from_the_one_dockerfile_with_its_own_folder(compose):
    for component in COMPONENTS:
        builds = [s["build"] for s in containers_of(compose, component).values() if "build" in s]
        assert builds == [{"context": ".", "dockerfile": relative(DOCKERFILE),
                           "args": {"SERVICE_DIR": relative(component.directory), "PORT": str(component.port)}}]
        assert (component.directory / "gunicorn.conf.py").exists() and (component.directory / "pyproject.toml").exists()


def test_api_healthchecks_probe_readiness_on_the_topology_port(compose):
    for component in COMPONENTS:
        api = compose["services"][f"{component.name}-api"]
        assert f"http://127.0.0.1:{component.port}/readyz" in " ".join(api["healthcheck"]["test"])


def test_worker_healthchecks_probe_readiness_on_the_health_port(compose):
    port = compose["x-env"]["HEALTH_PORT"]
    for name, spec in compose["services"].items():
        if name not in INFRA and role_of(name) not in ("api", "migrate"):
            assert f"http://127.0.0.1:{port}/readyz" in " ".join(spec["healthcheck"]["test"]), name
            assert spec["environment"]["HEALTH_PORT"] == port, name


def test_every_long_running_container_has_a_healthcheck_and_waits_for_what_it_needs(compose):
    for name, spec in compose["services"].items():
        if name in INFRA:
            assert "healthcheck" in spec, name
            continue
        conditions = {dep: cond["condition"] for dep, cond in spec["depends_on"].items()}
        assert conditions["postgres"] == conditions["rabbitmq"] == "service_healthy", name
        if role_of(name) == "migrate":
            assert spec["restart"] == "no"
            continue
        assert "healthcheck" in spec, name
        assert conditions[f"{name.rsplit('-', 1)[0]}-migrate"] == "service_completed_successfully", name


def test_billing_api_and_consumer_run_several_replicas(compose):
    assert compose["services"]["billing-api"]["deploy"]["replicas"] == 3
    assert compose["services"]["billing-consumer"]["deploy"]["replicas"] == 3


def test_only_the_gateway_is_published_on_8080(compose):
    published = {n: s["ports"] for n, s in compose["services"].items() if "ports" in s}
    assert published["gateway-api"] == ["${GATEWAY_PORT:-8080}:8080"]
    assert all(p.startswith("127.0.0.1:") for n, ports in published.items() if n != "gateway-api" for p in ports)


def test_gateway_finds_each_service_at_its_api_container_and_port(compose):
    env = compose["services"]["gateway-api"]["environment"]
    for component in COMPONENTS[:-1]:
        assert env[component.url_var] == f"http://{component.name}-api:{component.port}"


def test_state_lives_in_named_volumes(compose):
    assert {"postgres-data", "rabbitmq-data"} <= set(compose["volumes"])
    for name in ("postgres", "rabbitmq"):
        sources = [v.split(":")[0] for v in compose["services"][name]["volumes"]]
        assert any(s in compose["volumes"] for s in sources), name


def test_no_secret_is_written_in_the_compose_file(compose):
    for name, spec in compose["services"].items():
        for key, value in (spec.get("environment") or {}).items():
            value = str(value)
            if key.endswith("_FILE"):
                assert value.startswith("/run/secrets/"), f"{name}: {key} must name a compose secret"
            elif SECRET_NAMES.search(key):
                assert value.startswith("${"), f"{name}: {key} must come from .env, not the file"
            for password in re.findall(r"://[^:/@]+:([^@]*)@", value):
                assert re.fullmatch(r"\$\{[A-Z_]+[^}]*\}", password), f"{name}: password in {key}"
    assert "JWT_PRIVATE_KEY" not in (compose["services"]["gateway-api"]["environment"])
    assert set(compose["secrets"]) == {"jwt_private_key", "jwt_public_key"}
    holders = {n for n, s in compose["services"].items() if "jwt_private_key" in s.get("secrets", [])}
    assert holders == {"gateway-migrate", "gateway-api", "gateway-consumer", "gateway-relay"}


def interpolated(value: str) -> str:
    """What compose makes of `${VAR:-default}` with .env unset (the default), or of `${VAR:?…}` (a dummy)."""
    return re.sub(r"\$\{[A-Z_]+(?::-([^}]*))?[^}]*\}", lambda m: m.group(1) if m.group(1) is not None else "x1",
                  value)


def test_every_variable_given_to_a_service_is_read_by_its_settings(compose, monkeypatch, tmp_path):
    private = new_private_key()
    (tmp_path / "private.pem").write_text(private)
    key = tmp_path / "public.pem"
    key.write_text(public_key_of(private))
    for component in COMPONENTS:
        env = dict(compose["services"][f"{component.name}-api"]["environment"])
        env = {k: interpolated(str(v)) for k, v in env.items()}
        env["JWT_PUBLIC_KEY_FILE"] = str(key)
        if "JWT_PRIVATE_KEY_FILE" in env:
            env["JWT_PRIVATE_KEY_FILE"] = str(tmp_path / "private.pem")
        unread = set(env) - variables_read(component, env, monkeypatch) - {"PROMETHEUS_MULTIPROC_DIR"}
        assert not unread, f"{component.name} never reads {sorted(unread)}"


def test_postgres_init_creates_a_role_and_database_for_every_service(compose):
    script = (ROOT / "deploy" / "compose" / "postgres-init.sh").read_text()
    listed = re.search(r"for service in ([a-z ]+);", script).group(1).split()
    assert listed == [c.name for c in COMPONENTS]
    env = compose["services"]["postgres"]["environment"]
    assert {f"{c.name.upper()}_DB_PASSWORD" for c in COMPONENTS} <= set(env)
    for component in COMPONENTS:
        url = compose["services"][f"{component.name}-api"]["environment"][f"{component.name.upper()}_DATABASE_URL"]
        assert url.startswith(f"postgresql://{component.name}:") and url.endswith(f"/therapy_{component.name}")


def test_the_dockerfile_builds_a_slim_non_root_image_from_pinned_requirements():
    text = DOCKERFILE.read_text()
    assert "ARG PYTHON_IMAGE=python:3.11-slim" in text and text.count("FROM ${PYTHON_IMAGE}") == 2  # build, run
    assert "pip install -r /src/requirements.txt" in text and "requirements-dev" not in text
    assert "pip install --no-deps /src/libs/servicekit /src/service" in text and " -e " not in text
    final = text.rsplit("FROM ${PYTHON_IMAGE}", 1)[1]
    assert "USER 10001:10001" in final and 'CMD ["gunicorn", "-c", "/app/gunicorn.conf.py"]' in final


def test_images_get_runtime_dependencies_only():
    runtime = (ROOT / "requirements.txt").read_text().lower()
    for tool in ("pytest", "testcontainers", "aiosmtpd", "locust", "jsonschema", "pyyaml"):
        assert tool not in runtime, f"{tool} is a development tool"
    rules = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and line[0] != "#"]
    assert rules[0] == "**", "the build context starts empty"
    assert {r for r in rules if r.startswith("!")} == {"!requirements.txt", "!libs/servicekit/", "!services/*/",
                                                       "!gateway/"}
    assert "**/tests/" in rules


def test_a_regular_install_ships_every_file_a_package_needs():
    gaps = [gap for component in COMPONENTS for gap in package_data_gaps(component)]
    assert not gaps, f"not covered by [tool.setuptools.package-data]: {gaps}"


def test_docker_compose_accepts_the_file():
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "compose", "version"], capture_output=True).returncode != 0:
        pytest.skip("`docker compose` is not installed here; the structure tests above still ran")
    result = subprocess.run([docker, "compose", "--env-file", "deploy/compose/env.example", "config", "--quiet"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_metrics_directory_variable_is_read_by_the_shared_library():
    """PROMETHEUS_MULTIPROC_DIR is read outside the settings (metrics and gunicorn hooks), so checked here."""
    import servicekit.gunicorn_conf
    import servicekit.metrics

    for module in (servicekit.metrics, servicekit.gunicorn_conf):
        assert 'os.environ.get("PROMETHEUS_MULTIPROC_DIR")' in Path(module.__file__).read_text()


def test_the_image_install_steps_give_services_that_migrate_and_serve(tmp_path):
    """What the Dockerfile does, minus Docker: a regular (non-editable) install of servicekit and every service
    into a fresh directory, then the images' commands run from that copy: migrate, then the app answers."""
    target = tmp_path / "site"
    # Built from copies: an in-tree build would leave build/ folders in the repository.
    ignore = shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__")
    packages = []
    for source in [ROOT / "libs" / "servicekit"] + [c.directory for c in COMPONENTS]:
        packages.append(str(shutil.copytree(source, tmp_path / "src" / source.name, ignore=ignore)))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), *packages], check=True, timeout=300, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(target), "VAR_DIR": str(tmp_path / "var"),
           "ADMIN_EMAIL": "admin@example.org", "ADMIN_PASSWORD": "a-long-admin-password"}
    env.update({f"{c.name.upper()}_DATABASE_URL": f"sqlite:///{tmp_path / c.name}.db" for c in COMPONENTS})
    migrations = {c.name: subprocess.Popen([sys.executable, "-m", f"{c.name}.entrypoints.migrate"], env=env,
                                           cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                  for c in COMPONENTS}
    for name, process in migrations.items():
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, f"{name} migrate: {stderr}"
    probe = (
        "import importlib, sys\n"
        "from servicekit.testing.tokens import KeyPair\n"
        "keys = KeyPair.generate()\n"
        "for name in sys.argv[2:]:\n"
        "    spec = importlib.import_module(name + '.service').SPEC\n"
        "    assert spec.package_dir.is_relative_to(sys.argv[1]), spec.package_dir\n"
        "    extra = {'jwt_private_key': keys.private_pem} if name == 'gateway' else {}\n"
        "    app = spec.create_app(spec.settings(jwt_public_key=keys.public_pem, **extra))\n"
        "    assert app.test_client().get('/readyz').status_code == 200, name\n"
    )
    served = subprocess.run([sys.executable, "-c", probe, str(target), *(c.name for c in COMPONENTS)], env=env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert served.returncode == 0, served.stderr
