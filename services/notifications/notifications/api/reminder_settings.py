"""/api/v1/reminder-settings/<client_id>: a family's reminder channels, lead time, contact details and opt-out."""
from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from servicekit.auth import CLIENT, FRONT_DESK, access, current_principal
from servicekit.db import request_session, unit_of_work, utcnow
from servicekit.row_access import row_access

from notifications import preferences, reminders
from notifications.schemas import ReminderSettingsIn, ReminderSettingsOut

blp = Blueprint("reminder-settings", __name__, description="Reminder preferences per client")


def _settings():
    return current_app.extensions["servicekit.settings"]


@blp.route("/reminder-settings/<uuid:client_id>", methods=["GET"])
@access(FRONT_DESK, CLIENT)
@blp.response(200, ReminderSettingsOut)
def get_settings(client_id):
    preferences.authorize(current_principal(), str(client_id))
    return preferences.view(request_session(), str(client_id), _settings())


@blp.route("/reminder-settings/<uuid:client_id>", methods=["PUT"])
@access(FRONT_DESK, CLIENT)
@row_access(preferences.authorize)  # another family's child: 403 before the body is read
@blp.arguments(ReminderSettingsIn)
@blp.response(200, ReminderSettingsOut)
def put_settings(data, client_id):
    principal, settings = current_principal(), _settings()
    with unit_of_work() as session:
        preferences.save(session, str(client_id), data, principal, settings)
        reminders.sync_client(session, str(client_id), settings, utcnow())
        return preferences.view(session, str(client_id), settings)
