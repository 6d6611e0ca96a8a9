import datetime as dt
import hashlib

from sales.pdf import DocumentLine, QuotationDocument, SignatureBlock, render

from ..helpers import pdf_text

SENT = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.timezone.utc)


def document(**overrides):
    values = dict(
        center_name="Sunny Steps Therapy Center", timezone="Europe/Paris", number="Q-2026-000042", issued_at=SENT,
        valid_until=SENT + dt.timedelta(days=14), client_name="Lina Martin", guardian_name="Maya Martin",
        lines=(DocumentLine("Occupational Therapy — Single session", 2, 6000, 12000),
               DocumentLine("Occupational Therapy — 10-session package", 1, 50000, 50000)),
        total_minor=62000, currency="EUR")
    values.update(overrides)
    return QuotationDocument(**values)


def test_the_quotation_pdf_shows_center_number_family_lines_total_and_validity():
    pdf = render(document())
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for expected in ("Sunny Steps Therapy Center", "Quotation Q-2026-000042", "01 December 2026", "Lina Martin",
                     "Maya Martin", "Occupational Therapy — Single session", "60.00 EUR", "120.00 EUR",
                     "500.00 EUR", "Total", "620.00 EUR", "valid until 15 December 2026, 10:30 CET"):
        assert expected in text, expected
    assert "Electronic signature" not in text


def test_a_draft_says_it_is_not_an_offer():
    text = pdf_text(render(document(valid_until=None, client_name=None, guardian_name=None)))
    assert "DRAFT quotation Q-2026-000042" in text and "not an offer" in text and "details pending" in text


def test_a_signed_quotation_adds_a_signature_page_with_the_evidence_in_the_center_time_zone():
    digest = hashlib.sha256(b"the sent document").hexdigest()
    signature = SignatureBlock("Maya Martin", dt.datetime(2026, 12, 3, 17, 5, 9, tzinfo=dt.timezone.utc),
                               "203.0.113.9", digest, "Maya M.")
    text = pdf_text(render(document(signature=signature)))
    for expected in ("Signed by: Maya Martin", "Typed signature: Maya M.", "03 December 2026, 18:05:09 CET",
                     "Signer IP address: 203.0.113.9", digest):
        assert expected in text, expected


def test_a_drawn_signature_is_mentioned_not_printed():
    signature = SignatureBlock("Maya", SENT, None, "ab" * 32, None)
    text = pdf_text(render(document(signature=signature)))
    assert "drawn on screen" in text and "Signer IP address: unknown" in text


def test_markup_in_names_is_printed_literally():
    text = pdf_text(render(document(client_name="<b>Lina</b> & Co", guardian_name="A <i>")))
    squeezed = text.replace(" ", "")  # reportlab shows escaped entities as separate text runs
    assert "Client:<b>Lina</b>&Co" in squeezed and "guardian:A<i>" in squeezed
