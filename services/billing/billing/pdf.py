"""The invoice as a PDF: plain data in, bytes out (no database, no request)."""
from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

log = logging.getLogger(__name__)
LOGO_BOX = (50 * mm, 22 * mm)  # the largest the logo is drawn, its proportions kept


@dataclass(frozen=True)
class DocumentLine:
    description: str
    quantity: int
    unit_price: str
    amount: str


@dataclass(frozen=True)
class DocumentPayment:
    date: str
    method: str
    reference: str | None
    amount: str


@dataclass(frozen=True)
class InvoiceDocument:
    """Everything printed on an invoice, already formatted (amounts as '120.00', dates in the center's zone)."""

    center_name: str
    number: str
    status: str
    issued_on: str
    client_name: str
    currency: str
    total: str
    paid: str
    balance: str
    guardian_name: str | None = None
    paid_on: str | None = None
    lines: list[DocumentLine] = field(default_factory=list)
    payments: list[DocumentPayment] = field(default_factory=list)
    center_lines: list[str] = field(default_factory=list)  # address, contact, registration and VAT numbers
    logo: bytes | None = None  # PNG or JPEG, checked by the gateway


def _grid(first_number_column: int) -> TableStyle:
    """A ruled table whose columns from `first_number_column` on hold figures (right-aligned)."""
    return TableStyle([
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
        ("ALIGN", (first_number_column, 0), (-1, -1), "RIGHT"),
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ])


def _lines_table(doc: InvoiceDocument) -> Table:
    rows = [["Description", "Qty", f"Unit price ({doc.currency})", f"Amount ({doc.currency})"]]
    rows += [[_text(line.description), str(line.quantity), line.unit_price, line.amount] for line in doc.lines]
    return Table(rows, colWidths=[90 * mm, 15 * mm, 35 * mm, 35 * mm], style=_grid(1), repeatRows=1)


def _totals_table(doc: InvoiceDocument) -> Table:
    rows = [["Total", f"{doc.total} {doc.currency}"], ["Paid", f"{doc.paid} {doc.currency}"],
            ["Balance due", f"{doc.balance} {doc.currency}"]]
    style = TableStyle([("ALIGN", (0, 0), (-1, -1), "RIGHT"), ("FONTNAME", (0, 2), (-1, 2), "Helvetica-Bold")])
    return Table(rows, colWidths=[140 * mm, 35 * mm], style=style)


def _payments_table(doc: InvoiceDocument) -> Table:
    rows = [["Date", "Method", "Reference", f"Amount ({doc.currency})"]]
    rows += [[p.date, p.method.replace("_", " "), _text(p.reference or ""), p.amount] for p in doc.payments]
    return Table(rows, colWidths=[35 * mm, 40 * mm, 65 * mm, 35 * mm], style=_grid(3))


def _text(value: str) -> Paragraph:
    return Paragraph(escape(value), getSampleStyleSheet()["BodyText"])


def _logo(data: bytes | None) -> list[Flowable]:
    """The centre's logo scaled into LOGO_BOX; nothing when there is none or it cannot be read."""
    if not data:
        return []
    try:
        reader = ImageReader(io.BytesIO(data))
        reader.getRGBData()  # decoded in full now, so a damaged image fails here and not halfway through the PDF
        width, height = reader.getSize()
        scale = min(LOGO_BOX[0] / width, LOGO_BOX[1] / height)
        return [Image(io.BytesIO(data), width=width * scale, height=height * scale, hAlign="CENTER")]
    except Exception:  # noqa: BLE001 - a logo that cannot be drawn must never stop the invoice
        log.warning("the centre's logo could not be drawn; printing the invoice without it")
        return []


def _letterhead(doc: InvoiceDocument) -> list[Flowable]:
    styles = getSampleStyleSheet()
    small = ParagraphStyle("letterhead", parent=styles["BodyText"], fontSize=8, leading=10, alignment=1,
                           textColor=colors.HexColor("#444444"))
    return [*_logo(doc.logo), Paragraph(escape(doc.center_name), styles["Title"]),
            *(Paragraph(escape(line), small) for line in doc.center_lines)]


def _header(doc: InvoiceDocument) -> list:
    styles = getSampleStyleSheet()
    bill_to = escape(doc.client_name)
    if doc.guardian_name:
        bill_to = f"{escape(doc.guardian_name)}, for {bill_to}"
    facts = [f"Issued on {doc.issued_on}", f"Status: {doc.status.replace('_', ' ')}"]
    if doc.paid_on:
        facts.append(f"Paid on {doc.paid_on}")
    return [
        *_letterhead(doc),
        Paragraph(f"Invoice {escape(doc.number)}", styles["Heading2"]),
        Paragraph(" · ".join(facts), styles["BodyText"]),
        Paragraph(f"Bill to: {bill_to}", styles["BodyText"]),
        Spacer(1, 6 * mm),
    ]


def render_invoice(doc: InvoiceDocument) -> bytes:
    """The invoice as PDF bytes."""
    buffer = io.BytesIO()
    template = SimpleDocTemplate(buffer, pagesize=A4, title=f"Invoice {doc.number}", author=doc.center_name,
                                 leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=18 * mm)
    story = _header(doc) + [_lines_table(doc), Spacer(1, 4 * mm), _totals_table(doc)]
    if doc.payments:
        story += [Spacer(1, 8 * mm), Paragraph("Payments", getSampleStyleSheet()["Heading3"]), _payments_table(doc)]
    template.build(story)
    return buffer.getvalue()
