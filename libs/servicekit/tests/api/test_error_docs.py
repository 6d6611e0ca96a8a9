"""Every operation's OpenAPI names the problem+json errors it can answer, derived from its rule and arguments."""
import jsonschema
import pytest
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from servicekit.auth import FRONT_DESK, PUBLIC, access
from servicekit.config import Settings
from servicekit.error_docs import PROBLEM_SCHEMA
from servicekit.webapp import create_service_app

bp = Blueprint("documented", __name__)


class NoteIn(Schema):
    text = fields.String(required=True)


class NoteQuery(Schema):
    limit = fields.Integer()


@bp.route("/news", methods=["GET"])
@access(PUBLIC)
@bp.response(200)
def news():
    """Public, no arguments."""
    return {}


@bp.route("/news/search", methods=["GET"])
@access(PUBLIC)
@bp.arguments(NoteQuery, location="query")
@bp.response(200)
def search_news(args):
    """Public, query arguments."""
    return {}


@bp.route("/bookings", methods=["POST"])
@access(PUBLIC)
@bp.arguments(NoteIn)
@bp.response(201)
def public_booking(data):
    """Public write."""
    return data


@bp.route("/clients/<uuid:client_id>/notes", methods=["POST"])
@access(FRONT_DESK)
@bp.arguments(NoteIn)
@bp.response(201)
def add_note(data, client_id):
    """Staff write on a resource."""
    return data


@bp.route("/links/open", methods=["POST"])
@access(PUBLIC)
@bp.arguments(NoteIn)
@bp.alt_response(410, description="The link has expired.")
@bp.response(200)
def open_link(data):
    """A link's token in the body: the view declares what the chassis cannot know."""
    return data


@pytest.fixture(scope="module")
def app(keypair):
    settings = Settings(service="kit", database_url="sqlite://", jwt_public_key=keypair.public_pem, log_format="text")
    return create_service_app(settings, [bp], title="kit")


@pytest.fixture(scope="module")
def spec(app):
    return app.extensions["servicekit.api"].spec.to_dict()


def errors_of(spec, path, method):
    return {int(code) for code in spec["paths"][f"/api/v1{path}"][method]["responses"] if int(code) >= 400}


def test_a_public_read_without_arguments_documents_only_a_bad_token_and_an_outage(spec):
    assert errors_of(spec, "/news", "get") == {401, 503}


def test_query_arguments_add_422(spec):
    assert errors_of(spec, "/news/search", "get") == {401, 414, 422, 503}


def test_a_public_write_may_be_throttled_and_conflict(spec):
    assert errors_of(spec, "/bookings", "post") == {400, 401, 409, 422, 429, 503}


def test_a_staff_write_on_a_path_resource_documents_denials_and_404(spec):
    assert errors_of(spec, "/clients/{client_id}/notes", "post") == {400, 401, 403, 404, 409, 414, 422, 503}


def test_a_status_the_view_declares_joins_with_its_own_description_as_problem_json(spec):
    assert errors_of(spec, "/links/open", "post") == {400, 401, 409, 410, 422, 429, 503}
    gone = spec["paths"]["/api/v1/links/open"]["post"]["responses"]["410"]
    assert gone == {"description": "The link has expired.",
                    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def test_every_error_is_problem_json_with_the_shared_schema_and_no_default(spec):
    for item in spec["paths"].values():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert "default" not in operation["responses"]  # flask-smorest's JSON error body is never sent
            for code, response in operation["responses"].items():
                if int(code) >= 400 and "$ref" in response and code != "414":  # gunicorn's own page
                    name = response["$ref"].rsplit("/", 1)[1]
                    content = spec["components"]["responses"][name]["content"]
                    assert content == {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def test_a_url_too_long_for_the_http_server_is_documented_as_its_html_page(spec):
    too_long = spec["paths"]["/api/v1/news/search"]["get"]["responses"]["414"]
    assert too_long == {"$ref": "#/components/responses/UriTooLong"}
    assert list(spec["components"]["responses"]["UriTooLong"]["content"]) == ["text/html"]


def test_the_problem_schema_describes_what_is_really_sent(app, tokens):
    client = app.test_client()
    invalid = client.post("/api/v1/clients/5b0e4f0e-52c7-4d7e-9a39-2d3b1b1c7e11/notes", json={"text": 3},
                          headers=tokens.headers("front_desk"))
    anonymous = client.post("/api/v1/clients/5b0e4f0e-52c7-4d7e-9a39-2d3b1b1c7e11/notes", json={})
    assert (invalid.status_code, anonymous.status_code) == (422, 401)
    for resp in (invalid, anonymous):
        jsonschema.validate(resp.get_json(), PROBLEM_SCHEMA)
    assert invalid.get_json()["errors"] == {"text": ["Not a valid string."]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"title": "Bad", "status": 400, "errors": {"x": "not a list"}}, PROBLEM_SCHEMA)
