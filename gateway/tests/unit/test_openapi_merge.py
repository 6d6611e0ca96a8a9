"""Merging the services' OpenAPI documents into the gateway's."""
from gateway.apidocs import merge

OWN = {"openapi": "3.1.0", "info": {"title": "Therapy center API"}, "tags": [{"name": "auth"}],
       "paths": {"/api/v1/auth/login": {"post": {}}},
       "components": {"schemas": {"Error": {"type": "object"}, "Shared": {"type": "string"}}}}


def service(path, schema_name, schema, ref_to=None):
    ref = {"$ref": f"#/components/schemas/{ref_to or schema_name}"}
    return {"paths": {path: {"get": {"responses": {"200": {"content": {"application/json": {"schema": ref}}}}}}},
            "components": {"schemas": {schema_name: schema}}, "tags": [{"name": path.split("/")[3]}]}


def test_services_paths_and_schemas_are_added_and_down_services_listed():
    merged = merge(OWN, {"crm": service("/api/v1/clients", "ClientOut", {"type": "object"}), "sales": None})
    assert set(merged["paths"]) == {"/api/v1/auth/login", "/api/v1/clients"}
    assert merged["components"]["schemas"]["ClientOut"] == {"type": "object"}
    assert merged["x-unavailable"] == ["sales"]
    assert [t["name"] for t in merged["tags"]] == ["auth", "clients"]
    assert "ClientOut" not in OWN["components"]["schemas"]  # the gateway's own document is left alone


def test_a_clashing_schema_is_prefixed_with_the_service_and_its_references_follow():
    merged = merge(OWN, {"billing": service("/api/v1/invoices", "Error", {"type": "array"})})
    schemas = merged["components"]["schemas"]
    assert schemas["Error"] == {"type": "object"} and schemas["billing.Error"] == {"type": "array"}
    ref = merged["paths"]["/api/v1/invoices"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ref == {"$ref": "#/components/schemas/billing.Error"}


def test_an_identical_schema_is_shared_not_duplicated():
    merged = merge(OWN, {"tasks": service("/api/v1/tasks", "Shared", {"type": "string"})})
    assert "tasks.Shared" not in merged["components"]["schemas"]
    ref = merged["paths"]["/api/v1/tasks"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ref == {"$ref": "#/components/schemas/Shared"}


def test_a_services_writes_may_be_throttled_by_the_proxy_and_its_reads_not():
    crm = service("/api/v1/clients", "ClientOut", {"type": "object"})
    crm["paths"]["/api/v1/clients"]["post"] = {"responses": {"201": {"description": "Created"}}}
    merged = merge(OWN, {"crm": crm})
    operations = merged["paths"]["/api/v1/clients"]
    assert operations["post"]["responses"]["429"] == {"$ref": "#/components/responses/TooManyRequests"}
    assert "429" not in operations["get"]["responses"]
