"""/api/v1/notification-templates: the text of each kind of message, edited by an administrator."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.auth import ADMIN, access, current_principal
from servicekit.db import request_session, unit_of_work

from notifications import templates
from notifications.schemas import TemplateIn, TemplateOut

blp = Blueprint("notification-templates", __name__, description="Message templates (subject, body, SMS text)")


@blp.route("/notification-templates", methods=["GET"])
@access(ADMIN)
@blp.response(200, TemplateOut(many=True))
def list_templates():
    return templates.all_templates(request_session())


@blp.route("/notification-templates/<string:kind>", methods=["GET"])
@access(ADMIN)
@blp.response(200, TemplateOut)
def get_template(kind):
    return templates.current(request_session(), kind)


@blp.route("/notification-templates/<string:kind>", methods=["PUT"])
@access(ADMIN)
@blp.arguments(TemplateIn)
@blp.response(200, TemplateOut)
def put_template(data, kind):
    with unit_of_work() as session:
        return templates.save(session, kind, data, current_principal().user_id)
