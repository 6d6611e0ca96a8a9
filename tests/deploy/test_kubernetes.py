"""deploy/k8s: the production overlay renders with kustomize, every object validates against its schema,
and everything it names (modules, ports, variables, probe paths, Secrets) exists in the code."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from devstack.topology import ALL, GATEWAY, ROOT, SERVICES, WEB
from servicekit.messaging.topology import Topology

from .code import COMPONENTS_BY_NAME, entry_module, module_exists, process_name, variables_read, with_local_keys

K8S = ROOT / "deploy" / "k8s"
SCHEMAS = Path(__file__).resolve().parent / "schemas"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> list[dict]:
    """`kubectl kustomize overlays/production` on a copy whose secret files are the committed examples."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed: nothing renders the kustomize overlay here")
    copy = tmp_path_factory.mktemp("k8s") / "k8s"
    shutil.copytree(K8S, copy)
    for example in (copy / "overlays" / "production" / "secrets").glob("*.example"):
        shutil.copy(example, example.with_suffix(""))
    result = subprocess.run([kubectl, "kustomize", str(copy / "overlays" / "production")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def by_kind(objects: list[dict], kind: str) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def containers(objects: list[dict]):
    """(object, container) for every Deployment and Job."""
    for obj in objects:
        if obj["kind"] in ("Deployment", "Job"):
            for container in obj["spec"]["template"]["spec"]["containers"]:
                yield obj, container


def component_of(obj: dict):
    return COMPONENTS_BY_NAME[obj["metadata"]["labels"]["app.kubernetes.io/name"]]


def role_of(obj: dict) -> str:
    """The topology's role of a Deployment or Job: 'web' for the HTTP process (labelled api in the services)."""
    role = obj["metadata"]["labels"]["app.kubernetes.io/component"]
    return "web" if role == "api" else role


def expanded(container: dict, text: str) -> str:
    """`text` with $(VAR) replaced as Kubernetes does, from the container's literal variables."""
    for variable in container.get("env", []):
        if "value" in variable:
            text = text.replace(f"$({variable['name']})", variable["value"])
    return text


def test_every_rendered_object_matches_the_schema_of_its_kind(rendered):
    for obj in rendered:
        schema_file = SCHEMAS / f"{obj['kind']}.json"
        assert schema_file.exists(), f"no schema for {obj['kind']}: add tests/deploy/schemas/{obj['kind']}.json"
        jsonschema.validate(obj, json.loads(schema_file.read_text()))


def test_every_process_role_has_a_deployment_and_every_component_a_migration_job(rendered):
    deployments, jobs = by_kind(rendered, "Deployment"), by_kind(rendered, "Job")
    for component in ALL:
        mine = {n for n, d in deployments.items() if component_of(d) == component}
        assert mine == {process_name(component, r) for r in component.roles}
        assert {n for n, d in deployments.items() if role_of(d) in component.roles} >= mine
        assert process_name(component, "migrate") in jobs
    assert len(deployments) == sum(len(c.roles) for c in ALL) and len(jobs) == len(ALL)


def test_commands_are_the_entry_points_the_tests_start(rendered):
    for obj, container in containers(rendered):
        component, role = component_of(obj), role_of(obj)
        assert container["image"].endswith(f"/therapy/{component.name}:1.0.0")
        if role == "web":
            assert container["command"] == ["gunicorn", "-c", "/app/gunicorn.conf.py"]
            assert (component.directory / "gunicorn.conf.py").exists()
        else:
            module = entry_module([expanded(container, part) for part in container["command"]])
            assert module == f"{component.name}.entrypoints.{role}" and module_exists(module), obj["metadata"]["name"]


def test_the_database_url_is_the_services_own_variable_and_database(rendered):
    for obj, container in containers(rendered):
        component = component_of(obj)
        variables = {v["name"]: v for v in container["env"]}
        url = expanded(container, variables[f"{component.name.upper()}_DATABASE_URL"]["value"])
        assert url.startswith(f"postgresql://{component.name}:$(DB_PASSWORD)@") and url.endswith(f"/therapy_{component.name}")
        assert variables["DB_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == f"therapy-db-{component.name}"


def test_every_pod_listens_where_it_is_probed_for_health_and_readiness(rendered):
    deployments, services = by_kind(rendered, "Deployment"), by_kind(rendered, "Service")
    for name, deployment in deployments.items():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        variables = {v["name"]: v.get("value") for v in container["env"]}
        (port,) = container["ports"]
        # The HTTP process listens on PORT (gunicorn_conf), the workers' probes on HEALTH_PORT (servicekit.probes).
        assert str(port["containerPort"]) == variables["PORT" if role_of(deployment) == "web" else "HEALTH_PORT"], name
        for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
            assert container[probe]["httpGet"] == {"path": path, "port": port["name"]}, name
    for component in ALL:
        api = deployments[process_name(component, "web")]
        service = services[process_name(component, "web")]
        assert service["spec"]["ports"][0]["targetPort"] == "http"
        assert service["spec"]["selector"] == api["spec"]["template"]["metadata"]["labels"]


def test_probe_paths_are_served_by_every_app(keypair, monkeypatch):
    monkeypatch.setenv("WEB_SECRET_KEY", "k" * 48)  # else web would keep a generated one under var/
    paths = set()
    for component in ALL:
        spec = __import__(f"{component.name}.service", fromlist=["SPEC"]).SPEC
        extra = {"jwt_private_key": keypair.private_pem} if component.name == "gateway" else {}
        app = spec.create_app(spec.settings(database_url="sqlite://", jwt_public_key=keypair.public_pem, **extra))
        paths |= {(component.name, rule.rule) for rule in app.url_map.iter_rules()}
    for component in ALL:
        assert {(component.name, "/readyz"), (component.name, "/healthz")} <= paths


def test_pods_run_as_non_root_on_a_read_only_root_with_writable_tmp_and_metrics(rendered):
    config = by_kind(rendered, "ConfigMap")["therapy-config"]["data"]
    for obj, container in containers(rendered):
        pod = obj["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] and container["securityContext"]["readOnlyRootFilesystem"]
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        empty = {v["name"] for v in pod["volumes"] if "emptyDir" in v}
        assert mounts["/tmp"] in empty and mounts[config["PROMETHEUS_MULTIPROC_DIR"]] in empty
        assert config["JWT_PUBLIC_KEY_FILE"].rsplit("/", 1)[0] in mounts


def test_every_variable_a_pod_gets_is_read_by_its_settings(rendered, monkeypatch, tmp_path):
    config = by_kind(rendered, "ConfigMap")["therapy-config"]["data"]
    read_by_someone: set[str] = set()
    for obj, container in containers(rendered):
        env = with_local_keys({**config, **{e["name"]: e.get("value", "x1") for e in container["env"]}}, tmp_path)
        read = variables_read(component_of(obj), env, monkeypatch)
        own = {e["name"] for e in container["env"]} - {"DB_PASSWORD", "SERVICE"}  # only compose the URL and commands
        assert own <= read, f"{obj['metadata']['name']} never reads {sorted(own - read)}"
        read_by_someone |= read
    # The ConfigMap is shared: each of its keys must be read by at least one process.
    unread = set(config) - read_by_someone - {"PROMETHEUS_MULTIPROC_DIR"}
    assert not unread, f"no process reads {sorted(unread)}"


def test_every_secret_a_pod_or_operator_refers_to_is_provided(rendered):
    secrets = set(by_kind(rendered, "Secret"))
    referenced = set()
    for obj, container in containers(rendered):
        referenced |= {e["valueFrom"]["secretKeyRef"]["name"] for e in container["env"] if "valueFrom" in e}
        referenced |= {v["secret"]["secretName"] for v in obj["spec"]["template"]["spec"]["volumes"] if "secret" in v}
    cluster = by_kind(rendered, "Cluster")["therapy-pg"]["spec"]
    referenced |= {r["passwordSecret"]["name"] for r in cluster["managed"]["roles"]}
    referenced |= {r["name"] for t in by_kind(rendered, "TriggerAuthentication").values() for r in t["spec"]["secretTargetRef"]}
    assert referenced <= secrets, f"missing Secrets: {sorted(referenced - secrets)}"


def test_postgres_has_a_role_and_a_database_per_service(rendered):
    cluster = by_kind(rendered, "Cluster")["therapy-pg"]["spec"]
    databases = {d["spec"]["name"]: d["spec"]["owner"] for d in by_kind(rendered, "Database").values()}
    databases[cluster["bootstrap"]["initdb"]["database"]] = cluster["bootstrap"]["initdb"]["owner"]
    assert databases == {f"therapy_{c.name}": c.name for c in ALL}
    assert {r["name"] for r in cluster["managed"]["roles"]} == {c.name for c in ALL}


def test_rabbitmq_is_a_three_node_cluster(rendered):
    assert by_kind(rendered, "RabbitmqCluster")["therapy-rabbitmq"]["spec"]["replicas"] == 3


def test_billing_scales_on_cpu_and_on_its_queue_depth(rendered):
    deployments = by_kind(rendered, "Deployment")
    hpa = by_kind(rendered, "HorizontalPodAutoscaler")["billing-api"]["spec"]
    assert hpa["scaleTargetRef"]["name"] == "billing-api" and hpa["metrics"][0]["resource"]["name"] == "cpu"
    scaled = by_kind(rendered, "ScaledObject")["billing-consumer"]["spec"]
    assert scaled["scaleTargetRef"]["name"] == "billing-consumer"
    assert scaled["triggers"][0]["metadata"]["queueName"] == Topology("").queue("billing")
    assert "replicas" not in deployments["billing-api"]["spec"] and "replicas" not in deployments["billing-consumer"]["spec"]


def test_stateless_pieces_have_disruption_budgets_that_select_their_pods(rendered):
    deployments, budgets = by_kind(rendered, "Deployment"), by_kind(rendered, "PodDisruptionBudget")
    for name, deployment in deployments.items():
        assert budgets[name]["spec"]["selector"] == deployment["spec"]["selector"], name


def _ingress_routes(rendered) -> dict[str, dict]:
    (ingress,) = by_kind(rendered, "Ingress").values()
    (rule,) = ingress["spec"]["rules"]
    return {p["path"]: p["backend"]["service"] for p in rule["http"]["paths"] if p["pathType"] == "Prefix"}


def test_the_ingress_sends_the_api_and_links_to_the_gateway_and_every_other_path_to_web(rendered):
    routes = _ingress_routes(rendered)
    assert routes == {path: {"name": process_name(GATEWAY, "web"), "port": {"name": "http"}} for path in routes
                      if path != "/"} | {"/": {"name": process_name(WEB, "web"), "port": {"name": "http"}}}
    services = by_kind(rendered, "Service")
    assert all(services[backend["name"]]["spec"]["ports"][0]["name"] == "http" for backend in routes.values())


def test_every_path_the_gateway_serves_itself_is_routed_to_it_by_the_ingress(rendered, keypair):
    """What only the gateway answers (the API, the quotation pages, the message links) must not fall to web."""
    spec = __import__("gateway.service", fromlist=["SPEC"]).SPEC
    app = spec.create_app(spec.settings(database_url="sqlite://", jwt_public_key=keypair.public_pem,
                                        jwt_private_key=keypair.private_pem))
    prefixes = [path for path in _ingress_routes(rendered) if path != "/"]
    # Probes and scrapes stay in the cluster; /openapi.json is the gateway's own (the merged one is under /api).
    internal = {"/healthz", "/readyz", "/metrics", "/static/<path:filename>", "/openapi.json"}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "proxy.forward_page" or rule.rule in internal:
            continue
        assert any(rule.rule == p or rule.rule.startswith(p + "/") for p in prefixes), rule.rule
    for prefix in prefixes:
        assert any(r.rule.startswith(prefix + "/") for r in app.url_map.iter_rules()), f"{prefix}: nothing there"


def test_each_component_finds_the_others_at_their_services(rendered):
    services = by_kind(rendered, "Service")
    config = by_kind(rendered, "ConfigMap")["therapy-config"]["data"]
    for component in SERVICES + [WEB, GATEWAY]:
        variable = "GATEWAY_URL" if component is GATEWAY else component.url_var
        assert config[variable] == f"http://{process_name(component, 'web')}"
        assert services[process_name(component, "web")]["spec"]["ports"][0]["port"] == 80


def test_web_holds_no_broker_url_and_has_its_own_secret_key(rendered):
    for obj, container in containers(rendered):
        if component_of(obj) is WEB:
            variables = {e["name"]: e for e in container["env"]}
            assert "AMQP_URL" not in variables and "JWT_PRIVATE_KEY_FILE" not in variables
            assert variables["WEB_SECRET_KEY"]["valueFrom"]["secretKeyRef"] == {"name": "therapy-web",
                                                                                "key": "WEB_SECRET_KEY"}
