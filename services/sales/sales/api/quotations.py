"""/api/v1/quotations: drafted and sent by the front desk, read, signed or declined by the family."""
from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint

from servicekit import center
from servicekit.addresses import client_address
from servicekit.auth import CLIENT, FRONT_DESK, PUBLIC, Principal, access, current_principal
from servicekit.db import request_session, unit_of_work, utcnow
from servicekit.idempotency import idempotent
from servicekit.pagination import paginate
from servicekit.row_access import row_access

from sales import documents, quotations, sharing, signing
from sales.config import current_settings
from sales.schemas import (DeclineIn, LinkArgs, QuotationIn, QuotationOut, QuotationQuery, SentOut, SignatureOut,
                           SignIn)

blp = Blueprint("quotations", __name__, description="Quotations, their PDF, share links and e-signatures")


@blp.route("/quotations", methods=["GET"])
@access(FRONT_DESK, CLIENT)
@blp.arguments(QuotationQuery, location="query")
@blp.response(200, QuotationOut(many=True))
def list_quotations(args):
    stmt = quotations.query(current_principal(), args)
    return paginate(request_session(), stmt, args["limit"], args["cursor"])


@blp.route("/quotations", methods=["POST"])
@idempotent
@access(FRONT_DESK)
@blp.arguments(QuotationIn)
@blp.response(201, QuotationOut)
def create_quotation(data):
    with unit_of_work() as session:
        return quotations.create(session, data, current_principal(), current_settings(), utcnow())


def _readable(quotation_id, args):
    session = request_session()
    quotation = quotations.get(session, str(quotation_id))
    sharing.authorize_reader(session, quotation, current_principal(), args["access_token"], utcnow())
    return quotation


@blp.route("/quotations/<uuid:quotation_id>", methods=["GET"])
@access(PUBLIC)  # front desk, the family, or the share link's token: checked in sharing.authorize_reader
@blp.arguments(LinkArgs, location="query")
@blp.response(200, QuotationOut)
def get_quotation(args, quotation_id):
    return _readable(quotation_id, args)


@blp.route("/quotations/<uuid:quotation_id>/pdf", methods=["GET"])
@access(PUBLIC)  # same readers as the quotation itself
@blp.arguments(LinkArgs, location="query")
@blp.response(200, content_type="application/pdf", description="The quotation as a PDF")
def quotation_pdf(args, quotation_id):
    quotation = _readable(quotation_id, args)
    body = documents.current_pdf(quotation, center.current(request_session(), current_settings()), utcnow())
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{documents.filename(quotation)}"',
        "Cache-Control": "private, no-store"})


@blp.route("/quotations/<uuid:quotation_id>/send", methods=["POST"])
@access(FRONT_DESK)
@blp.response(200, SentOut)
def send_quotation(quotation_id):
    with unit_of_work() as session:
        return quotations.send(session, str(quotation_id), current_settings(), utcnow())


def _signer(principal: Principal, quotation_id: str) -> None:
    """The family's portal login or this quotation's live link (the token is a credential, like a login): 401/403
    otherwise, decided before the signature or the reason is read."""
    quotation = quotations.get(request_session(), quotation_id)
    sharing.authorize_signer(request_session(), quotation, principal, request.args.get("access_token"), utcnow())


@blp.route("/quotations/<uuid:quotation_id>/sign", methods=["POST"])
@access(PUBLIC)  # the family: its portal login or the share link's token, checked in sharing.authorize_signer
@row_access(_signer)
@blp.arguments(LinkArgs, location="query")
@blp.arguments(SignIn)
@blp.response(200, SignatureOut)
def sign_quotation(args, data, quotation_id):
    evidence = signing.Evidence(ip=client_address(), user_agent=request.headers.get("User-Agent"))
    with unit_of_work() as session:
        return signing.sign(session, str(quotation_id), current_principal(), args["access_token"], data, evidence,
                            utcnow())


@blp.route("/quotations/<uuid:quotation_id>/decline", methods=["POST"])
@access(PUBLIC)  # the family, like signing
@row_access(_signer)
@blp.arguments(LinkArgs, location="query")
@blp.arguments(DeclineIn)
@blp.response(200, QuotationOut)
def decline_quotation(args, data, quotation_id):
    with unit_of_work() as session:
        return signing.decline(session, str(quotation_id), current_principal(), args["access_token"],
                               data["reason"], utcnow())
