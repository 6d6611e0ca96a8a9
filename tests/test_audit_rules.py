"""Every rule of the audit log (gateway.audit.RULES) names an operation that exists: a path of the merged OpenAPI
document (gateway.apidocs.merge over every service's own), or a page a service serves behind the gateway (/q/,
/r/). A rule for a path that was renamed or never existed records nothing — it fails here instead."""
from __future__ import annotations

import importlib
import re

import pytest

from gateway import apidocs, audit

SERVICES = ["booking", "crm", "sales", "tasks", "billing", "notifications"]


def _spec(name: str, tmp_path_factory) -> dict:
    spec = importlib.import_module(f"{name}.service").SPEC
    url = f"sqlite:///{tmp_path_factory.mktemp(name)}/unused.db"  # nothing is read: the app is only built
    app = spec.create_app(spec.settings(database_url=url))
    return app


@pytest.fixture(scope="module")
def apps(tmp_path_factory):
    return {name: _spec(name, tmp_path_factory) for name in ["gateway", *SERVICES]}


@pytest.fixture(scope="module")
def merged(apps):
    own = apps["gateway"].extensions["servicekit.api"].spec.to_dict()
    return apidocs.merge(own, {name: apps[name].extensions["servicekit.api"].spec.to_dict() for name in SERVICES})


def _template(flask_rule: str) -> str:
    """'/q/<uuid:quotation_id>' -> '/q/{quotation_id}'."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", flask_rule)


@pytest.mark.parametrize("rule", [r for r in audit.RULES if r.api], ids=lambda r: f"{r.method} {r.path}")
def test_each_api_rule_names_an_operation_of_the_merged_openapi(rule, merged):
    operations = merged["paths"].get(audit.API + rule.path)
    assert operations is not None, f"{rule.path} is not a path of the public API"
    assert rule.method.lower() in operations, f"{rule.method} {rule.path} is not an operation of the public API"


@pytest.mark.parametrize("rule", [r for r in audit.RULES if not r.api], ids=lambda r: f"{r.method} {r.path}")
def test_each_page_rule_names_a_page_a_service_serves(rule, apps):
    served = {(method, _template(str(route))) for app in apps.values() for route in app.url_map.iter_rules()
              for method in route.methods or ()}
    assert (rule.method, rule.path) in served, f"no service serves {rule.method} {rule.path}"
