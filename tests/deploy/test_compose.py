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

from devstack.topology import ALL, COMPONENTS, GATEWAY, ROOT, SERVICES, WEB


from .code import (entry_module, module_exists, package_data_gaps, process_name, relative, variables_read,
                   with_local_keys)

COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "docker" / "Dockerfile"
INFRA = {"postgres", "rabbitmq", "smtp"}
SECRET_NAMES = re.compile(r"PASSWORD|SECRET|PRIVATE_KEY|TOKEN")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


# container name -> (component, role) for every process the topology runs, and each migration
PROCESSES = {process_name(c, role): (c, role) for c in ALL for role in (*c.roles, "migrate")}


def containers_of(compose: dict, component) -> dict[str, dict]:
    return {name: spec for name, spec in compose["services"].items()
            if name in PROCESSES and PROCESSES[name][0] == component}


def role_of(container: str) -> str:
    return PROCESSES[container][1]


def test_every_process_of_every_component_has_its_container_and_nothing_else_runs(compose):
    for component in ALL:
        expected = {process_name(component, r) for r in (*component.roles, "migrate")}
        assert set(containers_of(compose, component)) == expected
    assert set(compose["services"]) == set(PROCESSES) | INFRA


def test_containers_run_entry_points_that_exist(compose):
    for component in ALL:
        for name, spec in containers_of(compose, component).items():
            assert spec["image"].startswith(f"therapy/{component.name}:"), name
            if role_of(name) == "web":
                assert "command" not in spec, f"{name} runs the image's gunicorn"
                continue
            module = entry_module(spec["command"])
            assert module == f"{component.name}.entrypoints.{role_of(name)}" and module_exists(module), name


def test_each_image_is_built_once_from_the_one_dockerfile_with_its_own_folder(compose):
    for component in ALL:
        builds = [s["build"] for s in containers_of(compose, component).values() if "build" in s]
        assert builds == [{"context": ".", "dockerfile": relative(DOCKERFILE),
                           "args": {"SERVICE_DIR": relative(component.directory), "PORT": str(component.port)}}]
        assert (component.directory / "gunicorn.conf.py").exists() and (component.directory / "pyproject.toml").exists()


def test_http_healthchecks_probe_readiness_on_the_topology_port(compose):
    for component in ALL:
        http = compose["services"][process_name(component, "web")]
        assert f"http://127.0.0.1:{component.port}/readyz" in " ".join(http["healthcheck"]["test"])


def test_worker_healthchecks_probe_readiness_on_the_health_port(compose):
    port = compose["x-env"]["HEALTH_PORT"]
    for name, spec in compose["services"].items():
        if name not in INFRA and role_of(name) not in ("web", "migrate"):
            assert f"http://127.0.0.1:{port}/readyz" in " ".join(spec["healthcheck"]["test"]), name
            assert spec["environment"]["HEALTH_PORT"] == port, name


def test_every_long_running_container_has_a_healthcheck_and_waits_for_what_it_needs(compose):
    for name, spec in compose["services"].items():
        if name in INFRA:
            assert "healthcheck" in spec, name
            continue
        component = PROCESSES[name][0]
        conditions = {dep: cond["condition"] for dep, cond in spec["depends_on"].items()}
        # Web keeps only sessions: its database, never the broker (it talks to the gateway alone).
        needs = {"postgres", "rabbitmq"} if component in COMPONENTS else {"postgres"}
        assert {conditions.get(dep) for dep in needs} == {"service_healthy"}, name
        if component not in COMPONENTS:
            assert "rabbitmq" not in conditions, name
        if role_of(name) == "migrate":
            assert spec["restart"] == "no"
            continue
        assert "healthcheck" in spec, name
        assert conditions[process_name(component, "migrate")] == "service_completed_successfully", name


def test_billing_api_and_consumer_run_several_replicas(compose):
    assert compose["services"]["billing-api"]["deploy"]["replicas"] == 3
    assert compose["services"]["billing-consumer"]["deploy"]["replicas"] == 3


def test_only_the_gateway_is_published_on_8080(compose):
    published = {n: s["ports"] for n, s in compose["services"].items() if "ports" in s}
    assert published["gateway-api"] == ["${GATEWAY_PORT:-8080}:8080"]
    assert all(p.startswith("127.0.0.1:") for n, ports in published.items() if n != "gateway-api" for p in ports)
    assert "ports" not in compose["services"][process_name(WEB, "web")], "pages are reached through the gateway"


def test_gateway_finds_each_service_and_the_pages_at_their_container_and_port(compose):
    env = compose["services"]["gateway-api"]["environment"]
    for component in SERVICES + [WEB]:
        assert env[component.url_var] == f"http://{process_name(component, 'web')}:{component.port}"


def test_web_reaches_only_the_gateway_and_holds_no_broker_url_or_key(compose):
    for name, spec in containers_of(compose, WEB).items():
        env = spec["environment"]
        assert env["GATEWAY_URL"] == f"http://{process_name(GATEWAY, 'web')}:{GATEWAY.port}", name
        assert not {"AMQP_URL", "JWT_PUBLIC_KEY_FILE", "JWT_PRIVATE_KEY_FILE"} & set(env), name
        assert not spec.get("secrets"), name


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
    assert set(compose["secrets"]) == {"jwt_private_key", "jwt_public_key", "link_sealing_private_key",
                                       "link_sealing_public_key"}
    holders = {n for n, s in compose["services"].items() if "jwt_private_key" in s.get("secrets", [])}
    assert holders == {"gateway-migrate", "gateway-api", "gateway-consumer", "gateway-relay"}
    # Only the processes that open sealed personal links hold the key that opens them.
    openers = {n for n, s in compose["services"].items() if "link_sealing_private_key" in s.get("secrets", [])}
    assert openers == {"notifications-consumer", "notifications-dispatcher"}


def interpolated(value: str) -> str:
    """What compose makes of `${VAR:-default}` or `${VAR-default}` with .env unset (the default), or of `${VAR:?…}`
    (a dummy)."""
    return re.sub(r"\$\{[A-Z_]+(?::?-([^}]*))?[^}]*\}", lambda m: m.group(1) if m.group(1) is not None else "x1",
                  value)


def test_every_variable_given_to_a_service_is_read_by_its_settings(compose, monkeypatch, tmp_path):
    for component in ALL:
        for role in component.roles:
            env = dict(compose["services"][process_name(component, role)]["environment"])
            env = with_local_keys({k: interpolated(str(v)) for k, v in env.items()}, tmp_path)
            unread = set(env) - variables_read(component, env, monkeypatch) - {"PROMETHEUS_MULTIPROC_DIR"}
            assert not unread, f"{component.name}-{role} never reads {sorted(unread)}"


def test_postgres_init_creates_a_role_and_database_for_every_component(compose):
    script = (ROOT / "deploy" / "compose" / "postgres-init.sh").read_text()
    listed = re.search(r"for service in ([a-z ]+);", script).group(1).split()
    assert listed == [c.name for c in ALL]
    env = compose["services"]["postgres"]["environment"]
    assert {f"{c.name.upper()}_DB_PASSWORD" for c in ALL} <= set(env)
    for component in ALL:
        env = compose["services"][process_name(component, "web")]["environment"]
        url = env[f"{component.name.upper()}_DATABASE_URL"]
        assert url.startswith(f"postgresql://{component.name}:") and url.endswith(f"/therapy_{component.name}")


def test_every_variable_compose_requires_is_in_the_example_env_file(compose):
    required = set(re.findall(r"\$\{([A-Z_]+):\?", COMPOSE.read_text()))
    example = {line.split("=", 1)[0] for line in (ROOT / "deploy" / "compose" / "env.example").read_text().splitlines()
               if line and not line.startswith("#")}
    assert required <= example, f"missing from env.example: {sorted(required - example)}"


def test_the_dockerfile_builds_a_slim_non_root_image_from_pinned_requirements():
    text = DOCKERFILE.read_text()
    assert "ARG PYTHON_IMAGE=python:3.11-slim" in text and text.count("FROM ${PYTHON_IMAGE}") == 2  # build, run
    assert "pip install -r /src/requirements.txt" in text and "requirements-dev" not in text
    assert "pip install --no-deps /src/libs/servicekit /src/service" in text and " -e " not in text
    final = text.rsplit("FROM ${PYTHON_IMAGE}", 1)[1]
    assert "USER 10001:10001" in final and 'CMD ["gunicorn", "-c", "/app/gunicorn.conf.py"]' in final


def test_front_end_packages_are_built_in_a_node_stage_and_only_their_folder_reaches_the_image(monkeypatch):
    text = DOCKERFILE.read_text()
    stage = text.split("FROM ${NODE_IMAGE} AS assets", 1)[1].split("FROM ", 1)[0]
    assert "if [ -f package-lock.json ]; then npm ci --omit=dev" in stage and "mkdir -p node_modules" in stage
    final = text.rsplit("FROM ${PYTHON_IMAGE}", 1)[1]
    assert "COPY --from=assets /assets/node_modules /opt/assets/node_modules" in final
    assert "npm" not in final and "node:" not in final, "no Node at run time"
    assert re.search(r"WEB_ASSETS_DIR=/opt/assets/node_modules\b", final)
    assert "WEB_ASSETS_DIR" in variables_read(WEB, {"WEB_SECRET_KEY": "x" * 32}, monkeypatch)
    assert (WEB.directory / "package-lock.json").exists()
    assert not any((c.directory / "package-lock.json").exists() for c in COMPONENTS), "their stage stays empty"


def test_images_get_runtime_dependencies_only():
    runtime = (ROOT / "requirements.txt").read_text().lower()
    for tool in ("pytest", "testcontainers", "aiosmtpd", "locust", "jsonschema", "pyyaml"):
        assert tool not in runtime, f"{tool} is a development tool"
    rules = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and line[0] != "#"]
    assert rules[0] == "**", "the build context starts empty"
    assert {r for r in rules if r.startswith("!")} == {"!requirements.txt", "!libs/servicekit/", "!services/*/",
                                                       "!gateway/", "!web/"}
    assert {"**/tests/", "**/node_modules/"} <= set(rules), "the image installs its own front-end packages"


def test_a_regular_install_ships_every_file_a_package_needs():
    gaps = [gap for component in ALL for gap in package_data_gaps(component)]
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


def _assets_stage(tmp_path: Path) -> Path:
    """The Dockerfile's Node stage for web: its locked front-end packages, without development ones."""
    folder = tmp_path / "assets"
    folder.mkdir()
    for name in ("package.json", "package-lock.json"):
        shutil.copy(WEB.directory / name, folder / name)
    subprocess.run(["npm", "ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline",
                    "--loglevel=error"], cwd=folder, check=True, timeout=300, capture_output=True)
    return folder / "node_modules"


def test_the_image_install_steps_give_components_that_migrate_and_serve(tmp_path):
    """What the Dockerfile does, minus Docker: a regular (non-editable) install of servicekit and every component
    into a fresh directory (web's front-end packages as its Node stage installs them), then the images' commands
    run from that copy: migrate, then the app answers (web: its sign-in page, translated, and its assets)."""
    target = tmp_path / "site"
    # Built from copies: an in-tree build would leave build/ folders in the repository.
    ignore = shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__", "node_modules")
    packages = []
    for source in [ROOT / "libs" / "servicekit"] + [c.directory for c in ALL]:
        packages.append(str(shutil.copytree(source, tmp_path / "src" / source.name, ignore=ignore)))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), *packages], check=True, timeout=300, capture_output=True)
    assets = _assets_stage(tmp_path)
    assert (assets / "htmx.org").is_dir() and not (assets / "axe-core").exists(), "dev packages stay out"
    env = {**os.environ, "PYTHONPATH": str(target), "VAR_DIR": str(tmp_path / "var"), "WEB_ASSETS_DIR": str(assets),
           "ADMIN_EMAIL": "admin@example.org", "ADMIN_PASSWORD": "a-long-admin-password"}
    env.update({f"{c.name.upper()}_DATABASE_URL": f"sqlite:///{tmp_path / c.name}.db" for c in ALL})
    migrations = {c.name: subprocess.Popen([sys.executable, "-m", f"{c.name}.entrypoints.migrate"], env=env,
                                           cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                  for c in ALL}
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
        "    client = app.test_client()\n"
        "    assert client.get('/readyz').status_code == 200, name\n"
        "    if name == 'web':\n"
        "        page = client.get('/signin', headers={'Accept-Language': 'fr'})\n"
        "        assert page.status_code == 200 and 'Connexion' in page.text, page.text[:500]\n"
        "        assert client.get('/assets/htmx.min.js').status_code == 200\n"
        "        assert client.get('/static/app.js').status_code == 200\n"
    )
    served = subprocess.run([sys.executable, "-c", probe, str(target), *(c.name for c in ALL)], env=env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert served.returncode == 0, served.stderr


def test_the_gateway_has_threads_for_the_pages_it_forwards_and_for_the_api_calls_they_make(compose):
    """A page forwarded to web holds a gateway thread while web calls the API through the gateway (up to a few
    calls at once per page): with no more gateway threads than pages in flight, those calls wait for a timeout."""
    def slots(container: str) -> int:
        env = {k: interpolated(str(v)) for k, v in compose["services"][container]["environment"].items()}
        return int(env["WEB_CONCURRENCY"]) * int(env["WEB_THREADS"])

    assert slots("gateway-api") >= 3 * slots(process_name(WEB, "web"))
