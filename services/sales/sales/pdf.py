"""The quotation PDF (reportlab): pure, a QuotationDocument in, PDF bytes out."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from io import BytesIO
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from servicekit.money import format_minor

log = logging.getLogger(__name__)
LOGO_BOX = (50 * mm, 22 * mm)  # the largest the logo is drawn, its proportions kept


@dataclass(frozen=True)
class DocumentLine:
    description: str
    quantity: int
    unit_price_minor: int
    amount_minor: int


@dataclass(frozen=True)
class SignatureBlock:
    """Evidence printed on a signed quotation."""

    signer_name: str
    signed_at: dt.datetime
    signer_ip: str | None
    document_sha256: str
    typed_signature: str | None  # None when the signature was drawn (an image kept on file)


@dataclass(frozen=True)
class QuotationDocument:
    center_name: str
    timezone: str
    number: str
    issued_at: dt.datetime
    valid_until: dt.datetime | None  # None for a draft: not yet an offer
    client_name: str | None
    guardian_name: str | None
    lines: tuple[DocumentLine, ...]
    total_minor: int
    currency: str
    signature: SignatureBlock | None = None
    center_lines: tuple[str, ...] = ()  # address, contact, registration and VAT numbers, as the centre set them
    logo: bytes | None = None  # PNG or JPEG, checked by the gateway


_STYLES = getSampleStyleSheet()
_BODY = _STYLES["BodyText"]
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=8, leading=10, textColor=colors.HexColor("#444444"))
_LETTERHEAD = ParagraphStyle("letterhead", parent=_SMALL, alignment=1)  # centred under the centred title


def _p(text: str, style: ParagraphStyle = _BODY) -> Paragraph:
    # Paragraph parses a small XML markup: every value from people must be escaped.
    return Paragraph(escape(text), style)


def _local(moment: dt.datetime, zone: str, fmt: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime(fmt)


def _money(minor: int, currency: str) -> str:
    return f"{format_minor(minor)} {currency}"


def _logo(data: bytes | None) -> list[Flowable]:
    """The centre's logo scaled into LOGO_BOX; nothing when there is none or it cannot be read."""
    if not data:
        return []
    try:
        reader = ImageReader(BytesIO(data))
        reader.getRGBData()  # decoded in full now, so a damaged image fails here and not halfway through the PDF
        width, height = reader.getSize()
        scale = min(LOGO_BOX[0] / width, LOGO_BOX[1] / height)
        return [Image(BytesIO(data), width=width * scale, height=height * scale, hAlign="CENTER")]
    except Exception:  # noqa: BLE001 - a logo that cannot be drawn must never stop the quotation
        log.warning("the centre's logo could not be drawn; printing the quotation without it")
        return []


def _letterhead(doc: QuotationDocument) -> list[Flowable]:
    return [*_logo(doc.logo), _p(doc.center_name, _STYLES["Title"]),
            *(_p(line, _LETTERHEAD) for line in doc.center_lines)]


def _header(doc: QuotationDocument) -> list[Flowable]:
    issued = _local(doc.issued_at, doc.timezone, "%d %B %Y")
    title = f"Quotation {doc.number}" if doc.valid_until else f"DRAFT quotation {doc.number}"
    parts = [*_letterhead(doc), _p(title, _STYLES["Heading2"]), _p(f"Date: {issued}"),
             _p(f"Client: {doc.client_name or 'details pending'}")]
    if doc.guardian_name:
        parts.append(_p(f"Parent / guardian: {doc.guardian_name}"))
    return parts + [Spacer(1, 6 * mm)]


def _lines_table(doc: QuotationDocument) -> Table:
    rows = [["Description", "Quantity", "Unit price", "Amount"]]
    rows += [[_p(line.description), str(line.quantity), _money(line.unit_price_minor, doc.currency),
              _money(line.amount_minor, doc.currency)] for line in doc.lines]
    rows.append(["", "", "Total", _money(doc.total_minor, doc.currency)])
    table = Table(rows, colWidths=[84 * mm, 22 * mm, 32 * mm, 32 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def _validity(doc: QuotationDocument) -> list[Flowable]:
    if doc.valid_until is None:
        return [_p("Draft: not yet sent, not an offer and not open for signature.")]
    until = _local(doc.valid_until, doc.timezone, "%d %B %Y, %H:%M %Z")
    return [_p(f"This quotation is valid until {until}. It is accepted by electronic signature "
               "through the link sent by the center or the family portal.")]


def _signature(doc: QuotationDocument, sig: SignatureBlock) -> list[Flowable]:
    signed = _local(sig.signed_at, doc.timezone, "%d %B %Y, %H:%M:%S %Z (UTC%z)")
    shown = f"Typed signature: {sig.typed_signature}" if sig.typed_signature else \
        "Signature: drawn on screen, kept on file with this record"
    return [PageBreak(), _p(f"Electronic signature — quotation {doc.number}", _STYLES["Heading2"]),
            _p(f"Signed by: {sig.signer_name}"), _p(shown), _p(f"Signed at: {signed}"),
            _p(f"Signer IP address: {sig.signer_ip or 'unknown'}"),
            _p("SHA-256 of the document that was signed:"), _p(sig.document_sha256, _SMALL), Spacer(1, 4 * mm),
            _p("The signer accepted the quotation above as sent on "
               f"{_local(doc.issued_at, doc.timezone, '%d %B %Y')}; the fingerprint identifies that document.",
               _SMALL)]


def render(doc: QuotationDocument) -> bytes:
    """The quotation as a PDF; with a signature block page when it was signed."""
    out = BytesIO()
    template = SimpleDocTemplate(out, pagesize=A4, title=f"Quotation {doc.number}", author=doc.center_name,
                                 subject=f"Quotation for {doc.client_name or 'a client'}", creator=doc.center_name,
                                 leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm)
    story = [*_header(doc), _lines_table(doc), Spacer(1, 6 * mm), *_validity(doc)]
    if doc.signature is not None:
        story += _signature(doc, doc.signature)
    template.build(story)
    return out.getvalue()
