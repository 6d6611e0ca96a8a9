"""/api/v1/service-types: the kinds of session the center offers."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.auth import ADMIN, PUBLIC, access
from servicekit.db import request_session, unit_of_work
from servicekit.pagination import PageArgs, paginate

from booking import catalog
from booking.schemas import ServiceTypeIn, ServiceTypeOut, ServiceTypePatch

blp = Blueprint("service_types", __name__, description="Service types (code, name, duration) and their booking rules")


@blp.route("/service-types", methods=["GET"])
@access(PUBLIC)
@blp.arguments(PageArgs, location="query")
@blp.response(200, ServiceTypeOut(many=True))
def list_service_types(args):
    return paginate(request_session(), catalog.list_service_types(), args["limit"], args["cursor"])


@blp.route("/service-types", methods=["POST"])
@access(ADMIN)
@blp.arguments(ServiceTypeIn)
@blp.response(201, ServiceTypeOut)
def create_service_type(data):
    with unit_of_work() as session:
        return catalog.create_service_type(session, data)


@blp.route("/service-types/<uuid:service_type_id>", methods=["GET"])
@access(PUBLIC)
@blp.response(200, ServiceTypeOut)
def get_service_type(service_type_id):
    """One service type with its booking rules."""
    return catalog.get_service_type(request_session(), str(service_type_id))


@blp.route("/service-types/<uuid:service_type_id>", methods=["PATCH"])
@access(ADMIN)
@blp.arguments(ServiceTypePatch)
@blp.response(200, ServiceTypeOut)
def update_service_type(changes, service_type_id):
    with unit_of_work() as session:
        service = catalog.get_service_type(session, str(service_type_id), lock=True)
        return catalog.update_service_type(session, service, changes)
