"""GET /api/v1/openapi.json: the gateway's own OpenAPI document merged with every service's."""
from __future__ import annotations

import copy
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from flask import Blueprint, Flask, current_app, g, jsonify

from servicekit.auth import PUBLIC, access
from servicekit.error_docs import RESPONSES, WRITES

from gateway.config import SERVICES
from gateway.proxy import Upstreams

log = logging.getLogger(__name__)

CACHE_SECONDS = 60.0
INCOMPLETE_CACHE_SECONDS = 5.0  # a service that was down shows up soon after it starts
FETCH_TIMEOUT = 5.0

bp = Blueprint("apidocs", __name__)


@bp.get("/api/v1/openapi.json")
@access(PUBLIC)
def merged_openapi():
    own = current_app.extensions["servicekit.api"].spec.to_dict()
    return jsonify(current_app.extensions["gateway.apidocs"].document(own, g.request_id))


class MergedSpec:
    """The merged document, rebuilt at most once a minute per process."""

    def __init__(self, upstreams: Upstreams) -> None:
        self.upstreams = upstreams
        self._lock = threading.Lock()
        self._cached: dict[str, Any] | None = None
        self._expires = 0.0

    def document(self, own: dict[str, Any], request_id: str) -> dict[str, Any]:
        with self._lock:
            if self._cached is not None and time.monotonic() < self._expires:
                return self._cached
        with ThreadPoolExecutor(max_workers=len(SERVICES)) as pool:
            specs = dict(zip(SERVICES, pool.map(lambda s: self._fetch(s, request_id), SERVICES)))
        merged = merge(own, specs)
        ttl = INCOMPLETE_CACHE_SECONDS if merged["x-unavailable"] else CACHE_SECONDS
        with self._lock:
            self._cached, self._expires = merged, time.monotonic() + ttl
        return merged

    def _fetch(self, service: str, request_id: str) -> dict[str, Any] | None:
        timeout = (self.upstreams.timeout[0], min(self.upstreams.timeout[1], FETCH_TIMEOUT))
        try:
            resp = self.upstreams.session(service).get(f"{self.upstreams.url(service)}/openapi.json",
                                                       headers={"X-Request-ID": request_id}, timeout=timeout)
            spec = resp.json() if resp.status_code == 200 else None
        except (requests.RequestException, ValueError) as exc:
            log.info("no OpenAPI document from %s: %s", service, exc.__class__.__name__)
            return None
        return spec if isinstance(spec, dict) else None


def merge(own: dict[str, Any], specs: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    """Paths, components and tags of every service added to `own`; a clashing component gets the service prefix."""
    doc = copy.deepcopy(own)
    paths, components = doc.setdefault("paths", {}), doc.setdefault("components", {})
    tags = {t["name"]: t for t in doc.get("tags", [])}
    unavailable = []
    for service, spec in specs.items():
        if spec is None:
            unavailable.append(service)
            continue
        spec = _rename_clashes(service, spec, components)
        for section, items in spec.get("components", {}).items():
            components.setdefault(section, {}).update(items)
        for path, item in spec.get("paths", {}).items():
            paths.setdefault(path, _throttled(item))
        for tag in spec.get("tags", []):
            tags.setdefault(tag["name"], tag)
    doc["tags"] = list(tags.values())
    doc["x-unavailable"] = unavailable
    return doc


def _throttled(item: dict[str, Any]) -> dict[str, Any]:
    """A service's writes may answer 429 here: the proxy limits anonymous writes per address (gateway.throttles)."""
    for method, operation in item.items():
        if method in WRITES and isinstance(operation, dict):
            operation.setdefault("responses", {}).setdefault(
                "429", {"$ref": f"#/components/responses/{RESPONSES[429][0]}"})
    return item


def _rename_clashes(service: str, spec: dict[str, Any], merged: dict[str, Any]) -> dict[str, Any]:
    renames: dict[str, str] = {}
    for section, items in spec.get("components", {}).items():
        for name, value in items.items():
            if name in merged.get(section, {}) and merged[section][name] != value:
                renames[f"#/components/{section}/{name}"] = f"#/components/{section}/{service}.{name}"
    if not renames:
        return spec
    spec = _rewrite_refs(spec, renames)
    spec["components"] = {
        section: {(f"{service}.{name}" if f"#/components/{section}/{name}" in renames else name): value
                  for name, value in items.items()}
        for section, items in spec["components"].items()}
    return spec


def _rewrite_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {k: (renames.get(v, v) if k == "$ref" and isinstance(v, str) else _rewrite_refs(v, renames))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_rewrite_refs(v, renames) for v in node]
    return node


def install(app: Flask) -> None:
    """Serve the merged document (needs gateway.proxy installed first, for the upstream sessions)."""
    app.extensions["gateway.apidocs"] = MergedSpec(app.extensions["gateway.upstreams"])
    app.register_blueprint(bp)
