"""/api/v1/audit-events: the owner searches the audit log (gateway.audit records it) and downloads it as CSV."""
from __future__ import annotations

import datetime as dt

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from servicekit.auth import ORG_ADMIN, access
from servicekit.db import request_session
from servicekit.pagination import PageArgs, paginate

from gateway import audit_log
from gateway.config import current_settings

blp = Blueprint("audit", __name__, description="The audit log: sign-ins, account changes, clinical reads, exports "
                                               "and portal actions (the owner's)")

OUTCOMES = ("success", "failure")
# Days a search may name (the error handler's range for dates that overflow): year 1 would overflow in UTC.
DAYS = validate.Range(min=dt.date(1900, 1, 1), max=dt.date(2200, 12, 31),
                      error="Use a day between 1900-01-01 and 2200-12-31.")


class AuditFilters(Schema):
    from_ = fields.Date(data_key="from", validate=DAYS, metadata={"description": "First day (the centre's time zone)."})
    to = fields.Date(validate=DAYS, metadata={"description": "Last day, included (the centre's time zone)."})
    actor = fields.String(validate=validate.Length(min=1, max=254),
                          metadata={"description": "A user id, or part of the e-mail address."})
    action = fields.String(validate=validate.Length(min=1, max=60),
                           metadata={"description": "An action, or a prefix: 'auth' finds 'auth.login'."})
    subject_id = fields.String(validate=validate.Length(min=1, max=64))
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))

    @validates_schema
    def _range(self, data, **_kwargs) -> None:
        if data.get("from_") and data.get("to") and data["to"] < data["from_"]:
            raise ValidationError("Must not be before 'from'.", field_name="to")


class AuditQuery(PageArgs, AuditFilters):
    pass


class AuditEventOut(Schema):
    id = fields.Integer()
    occurred_at = fields.AwareDateTime()
    action = fields.String()
    outcome = fields.String()
    status = fields.Integer(allow_none=True)
    actor_id = fields.String(allow_none=True)
    actor_role = fields.String(allow_none=True)
    actor_email = fields.String(allow_none=True)
    subject_type = fields.String(allow_none=True)
    subject_id = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)
    detail = fields.Dict()


@blp.route("/audit-events", methods=["GET"])
@access(ORG_ADMIN)
@blp.arguments(AuditQuery, location="query")
@blp.response(200, AuditEventOut(many=True))
def search(args):
    """The audit log, newest first, as filtered (the owner only)."""
    stmt = audit_log.query(args, current_settings().center_timezone)
    return paginate(request_session(), stmt, args["limit"], args["cursor"])


@blp.route("/audit-events.csv", methods=["GET"])
@access(ORG_ADMIN)
@blp.arguments(AuditFilters, location="query")
@blp.response(200, {"type": "string"}, content_type="text/csv",
              description=f"The filtered log as CSV, newest first, at most {audit_log.CSV_MAX_ROWS} lines")
def export_csv(args):
    """The filtered audit log as a CSV file (the download is itself recorded as an export)."""
    stmt = audit_log.query(args, current_settings().center_timezone).limit(audit_log.CSV_MAX_ROWS)
    body = audit_log.as_csv(request_session().scalars(stmt))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="audit-log.csv"', "Cache-Control": "private, no-store"})
