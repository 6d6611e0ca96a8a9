"""/api/v1/quotations/{id}/signature: the evidence of a family's e-signature, for the front desk."""
from __future__ import annotations

from flask_smorest import Blueprint

from servicekit.auth import FRONT_DESK, access
from servicekit.db import request_session
from servicekit.errors import Conflict

from sales import quotations
from sales.schemas import SignatureEvidenceOut

blp = Blueprint("signatures", __name__, description="Signature evidence")


@blp.route("/quotations/<uuid:quotation_id>/signature", methods=["GET"])
@access(FRONT_DESK)
@blp.response(200, SignatureEvidenceOut)
def signature_evidence(quotation_id):
    """Who signed, when, from where (IP address, browser) and the SHA-256 of the document they signed."""
    quotation = quotations.get(request_session(), str(quotation_id))
    if quotation.status != "signed":
        raise Conflict(f"This quotation is {quotation.status}, not signed: there is no signature yet.")
    return quotation
