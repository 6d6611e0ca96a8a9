"""@row_access: whose record it is, decided from the path before the body is validated (403, never a 422 first)."""
import pytest
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from servicekit.auth import CLIENT, FRONT_DESK, Principal, access
from servicekit.config import Settings
from servicekit.errors import Forbidden
from servicekit.row_access import row_access
from servicekit.webapp import create_service_app

bp = Blueprint("rows", __name__)
seen: list[dict] = []


def family_only(principal: Principal, client_id: str) -> None:
    seen.append({"client_id": client_id})
    if not principal.may_see_family(client_id):
        raise Forbidden("You may only change your own family's records.")


class NoteIn(Schema):
    text = fields.String(required=True)


@bp.route("/clients/<uuid:client_id>/notes/<int:number>", methods=["PUT"])
@access(FRONT_DESK, CLIENT)
@row_access(family_only)
@bp.arguments(NoteIn)
@bp.response(200)
def put_note(data, client_id, number):
    return {"client_id": str(client_id), "number": number, "text": data["text"]}


OWN, OTHER = "5b1c0c8e-8f9e-4c47-9a7c-3f0c51c1a001", "5b1c0c8e-8f9e-4c47-9a7c-3f0c51c1a002"


@pytest.fixture(scope="module")
def client(keypair):
    settings = Settings(service="kit", database_url="sqlite://", jwt_public_key=keypair.public_pem, log_format="text")
    return create_service_app(settings, [bp], title="kit").test_client()


def test_another_familys_record_is_403_even_with_an_invalid_body(client, tokens):
    headers = tokens.headers("client", client_ids=[OWN])
    resp = client.put(f"/api/v1/clients/{OTHER}/notes/1", json="not an object", headers=headers)
    assert resp.status_code == 403 and resp.mimetype == "application/problem+json"


def test_own_record_goes_on_to_validation_and_the_view(client, tokens):
    headers = tokens.headers("client", client_ids=[OWN])
    assert client.put(f"/api/v1/clients/{OWN}/notes/1", json={}, headers=headers).status_code == 422
    resp = client.put(f"/api/v1/clients/{OWN}/notes/2", json={"text": "hi"}, headers=headers)
    assert resp.status_code == 200 and resp.json == {"client_id": OWN, "number": 2, "text": "hi"}


def test_the_check_gets_the_path_parameters_it_names_as_strings(client, tokens):
    seen.clear()
    client.put(f"/api/v1/clients/{OWN}/notes/3", json={"text": "x"}, headers=tokens.headers("front_desk"))
    assert seen == [{"client_id": OWN}]  # a string (the token's ids are), and not `number`: it does not ask


def test_the_role_rule_still_comes_first(client, tokens):
    assert client.put(f"/api/v1/clients/{OWN}/notes/1", json="x").status_code == 401
    assert client.put(f"/api/v1/clients/{OWN}/notes/1", json="x", headers=tokens.headers("biller")).status_code == 403
