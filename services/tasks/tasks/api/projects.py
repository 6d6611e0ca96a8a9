"""/api/v1/projects: one board per therapy type, with its open tasks."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.auth import FRONT_DESK, THERAPIST, access, current_principal
from servicekit.db import request_session
from servicekit.pagination import PageArgs

from tasks import worklist
from tasks.schemas import ProjectOut

blp = Blueprint("projects", __name__, description="Projects: one per therapy type")


@blp.route("/projects", methods=["GET"])
@access(FRONT_DESK, THERAPIST)
@blp.arguments(PageArgs, location="query")
@blp.response(200, ProjectOut(many=True))
def list_projects(args):
    return worklist.project_page(request_session(), current_principal(), args["limit"], args["cursor"])
