"""/api/v1/clients: the client records (children) and their guardians."""
from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import select

from servicekit.auth import BILLER, CLIENT, FRONT_DESK, access, current_principal
from servicekit.db import request_session, unit_of_work
from servicekit.idempotency import idempotent
from servicekit.pagination import paginate

from crm import directory
from crm.models import Activity
from crm.schemas import ActivityOut, ClientIn, ClientOut, ClientPatch, ClientQuery

blp = Blueprint("clients", __name__, description="Clients and their circle of care")


@blp.route("/clients", methods=["GET"])
@access(FRONT_DESK, BILLER, CLIENT)
@blp.arguments(ClientQuery, location="query")
@blp.response(200, ClientOut(many=True))
def list_clients(args):
    stmt = directory.list_clients(request_session(), current_principal(), args)
    return paginate(request_session(), stmt, args["limit"], args["cursor"])


@blp.route("/clients", methods=["POST"])
@idempotent
@access(FRONT_DESK)
@blp.arguments(ClientIn)
@blp.response(201, ClientOut)
def create_client(data):
    with unit_of_work() as session:
        return directory.create_client(session, data, data["guardians"])


@blp.route("/clients/<uuid:client_id>", methods=["GET"])
@access(FRONT_DESK, BILLER, CLIENT)
@blp.response(200, ClientOut)
def get_client(client_id):
    return directory.get_client(request_session(), str(client_id), current_principal())


@blp.route("/clients/<uuid:client_id>", methods=["PATCH"])
@access(FRONT_DESK)
@blp.arguments(ClientPatch)
@blp.response(200, ClientOut)
def update_client(changes, client_id):
    with unit_of_work() as session:
        client = directory.get_client(session, str(client_id), current_principal())
        return directory.update_client(session, client, changes)


@blp.route("/clients/<uuid:client_id>/activities", methods=["GET"])
@access(FRONT_DESK)
@blp.response(200, ActivityOut(many=True))
def client_activities(client_id):
    session = request_session()
    client = directory.get_client(session, str(client_id), current_principal())
    return session.scalars(select(Activity).where(Activity.client_id == client.id)
                           .order_by(Activity.occurred_at.desc())).all()
