"""/api/v1/notifications: the delivery log of every message, and resending a failed one."""
from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from servicekit.auth import ADMIN, BILLER, CLIENT, FRONT_DESK, access, current_principal
from servicekit.db import request_session, unit_of_work
from servicekit.pagination import paginate

from notifications import delivery_log
from notifications.schemas import NotificationDetail, NotificationOut, NotificationQuery

blp = Blueprint("notifications", __name__, description="The delivery log of every e-mail and SMS")


@blp.route("/notifications", methods=["GET"])
@access(FRONT_DESK, BILLER, CLIENT)
@blp.arguments(NotificationQuery, location="query")
@blp.response(200, NotificationOut(many=True))
def list_notifications(args):
    timezone = current_app.extensions["servicekit.settings"].center_timezone
    stmt = delivery_log.query(current_principal(), args, timezone)
    return paginate(request_session(), stmt, args["limit"], args["cursor"])


@blp.route("/notifications/<uuid:notification_id>", methods=["GET"])
@access(FRONT_DESK, BILLER, CLIENT)
@blp.response(200, NotificationDetail)
def get_notification(notification_id):
    return delivery_log.get(request_session(), str(notification_id), current_principal())


@blp.route("/notifications/<uuid:notification_id>/resend", methods=["POST"])
@access(ADMIN)
@blp.response(200, NotificationDetail)
def resend_notification(notification_id):
    with unit_of_work() as session:
        return delivery_log.resend(session, str(notification_id), current_principal())
