"""The quotation's PDF: what is rendered when, and the fingerprint of what the family reviews."""
from __future__ import annotations

import datetime as dt
import hashlib

from servicekit.center import Center

from sales import pdf
from sales.models import Quotation


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _signature(quotation: Quotation) -> pdf.SignatureBlock:
    typed = None if (quotation.signature or "").startswith("data:") else quotation.signature
    return pdf.SignatureBlock(signer_name=quotation.signer_name or "", signed_at=quotation.signed_at,
                              signer_ip=quotation.signer_ip, document_sha256=quotation.signed_document_sha256 or "",
                              typed_signature=typed)


def document(quotation: Quotation, centre: Center, now: dt.datetime) -> pdf.QuotationDocument:
    """The data printed on the quotation: as sent (or as drafted now), plus the signature once signed."""
    return pdf.QuotationDocument(
        center_name=centre.name, timezone=centre.timezone, number=quotation.number,
        center_lines=tuple(centre.letterhead_lines), logo=centre.logo,
        issued_at=quotation.sent_at or now, valid_until=quotation.expires_at, client_name=quotation.client_name,
        guardian_name=quotation.recipient_name,
        lines=tuple(pdf.DocumentLine(line.description, line.quantity, line.unit_price_minor, line.amount_minor)
                    for line in quotation.lines),
        total_minor=quotation.total_minor, currency=quotation.currency,
        signature=_signature(quotation) if quotation.status == "signed" else None,
    )


def render(quotation: Quotation, centre: Center, now: dt.datetime) -> bytes:
    """A fresh rendering of the quotation in its current state, under the centre's current letterhead."""
    return pdf.render(document(quotation, centre, now))


def current_pdf(quotation: Quotation, centre: Center, now: dt.datetime) -> bytes:
    """A draft is rendered now; a sent or declined one is the stored document; a signed one adds the signature."""
    if quotation.status in ("sent", "declined") and quotation.document_pdf:
        return quotation.document_pdf
    return render(quotation, centre, now)


def filename(quotation: Quotation) -> str:
    suffix = {"draft": "-draft", "signed": "-signed"}.get(quotation.status, "")
    return f"{quotation.number}{suffix}.pdf"
