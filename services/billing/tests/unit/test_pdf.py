"""The invoice PDF: real PDF bytes whose text carries the number, the client, the lines and the amounts."""
from billing.pdf import DocumentLine, DocumentPayment, InvoiceDocument, render_invoice

from ..helpers import pdf_text


def document(**overrides):
    values = dict(
        center_name="Sunny Steps Therapy Center", number="INV-2026-000042", status="partially_paid",
        issued_on="2026-12-01", client_name="Léa Dubois", guardian_name="Maya Dubois", currency="EUR",
        total="180.00", paid="100.00", balance="80.00",
        lines=[DocumentLine("Occupational therapy session (60 min)", 3, "60.00", "180.00")],
        payments=[DocumentPayment("2026-12-02", "card", "TX-991", "100.00")])
    values.update(overrides)
    return InvoiceDocument(**values)


def test_the_pdf_shows_center_number_client_lines_total_payments_and_balance():
    pdf = render_invoice(document())
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for expected in ("Sunny Steps Therapy Center", "INV-2026-000042", "2026-12-01", "Dubois",
                     "Occupational therapy session", "180.00 EUR", "TX-991", "80.00 EUR"):
        assert expected in text, expected


def test_a_settled_invoice_prints_its_payment_date_even_for_names_with_markup_characters():
    pdf = render_invoice(document(status="paid", paid_on="2026-12-03", paid="180.00", balance="0.00",
                                  client_name="Tom <b>& Jerry</b>", payments=[]))
    text = pdf_text(pdf)
    assert "Paid on 2026-12-03" in text and "0.00 EUR" in text
    assert "Jerry" in text and "Payments" not in text
