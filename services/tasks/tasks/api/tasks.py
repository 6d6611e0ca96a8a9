"""/api/v1/tasks: therapy tasks, their assignment and their status. Clinical work: never the portal."""
from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from servicekit.auth import FRONT_DESK, THERAPIST, Principal, access, current_principal
from servicekit.db import request_session, unit_of_work
from servicekit.idempotency import idempotent
from servicekit.pagination import paginate
from servicekit.row_access import row_access

from tasks import timesheets, worklist, workflow
from tasks.schemas import AssignIn, StatusIn, TaskOut, TaskQuery, TimesheetIn, TimesheetOut

blp = Blueprint("tasks", __name__, description="Therapy tasks created from signed quotations")


@blp.route("/tasks", methods=["GET"])
@access(FRONT_DESK, THERAPIST)
@blp.arguments(TaskQuery, location="query")
@blp.response(200, TaskOut(many=True))
def list_tasks(args):
    stmt = worklist.query_tasks(current_principal(), args)
    return paginate(request_session(), stmt, args["limit"], args["cursor"])


@blp.route("/tasks/<uuid:task_id>", methods=["GET"])
@access(FRONT_DESK, THERAPIST)
@blp.response(200, TaskOut)
def get_task(task_id):
    return worklist.get_task(request_session(), str(task_id), current_principal())


def _assigned(principal: Principal, task_id: str) -> None:
    """403 for a therapist's task that is not theirs: decided before the body is read."""
    worklist.get_task(request_session(), task_id, principal)


@blp.route("/tasks/<uuid:task_id>/assign", methods=["POST"])
@access(FRONT_DESK)
@blp.arguments(AssignIn)
@blp.response(200, TaskOut)
def assign_task(data, task_id):
    with unit_of_work() as session:
        return workflow.assign(session, str(task_id), str(data["therapist_id"]))


@blp.route("/tasks/<uuid:task_id>/status", methods=["POST"])
@access(FRONT_DESK, THERAPIST)
@row_access(_assigned)
@blp.arguments(StatusIn)
@blp.response(200, TaskOut)
def change_status(data, task_id):
    with unit_of_work() as session:
        return workflow.change_status(session, str(task_id), current_principal(), data["status"], data["reason"])


@blp.route("/tasks/<uuid:task_id>/timesheets", methods=["POST"])
@idempotent
@access(THERAPIST)
@row_access(_assigned)
@blp.arguments(TimesheetIn)
@blp.response(201, TimesheetOut)
def log_time(data, task_id):
    timezone = current_app.extensions["servicekit.settings"].center_timezone
    with unit_of_work() as session:
        return timesheets.log_time(session, str(task_id), current_principal(), data, timezone)


@blp.route("/tasks/<uuid:task_id>/timesheets", methods=["GET"])
@access(FRONT_DESK, THERAPIST)
@blp.response(200, TimesheetOut(many=True))
def task_timesheets(task_id):
    return timesheets.task_timesheets(request_session(), str(task_id), current_principal())
