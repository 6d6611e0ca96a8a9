"""The centre's details from `center.updated`: newer versions replace the copy, older ones never do, and the
invoice PDF prints what the copy holds (the environment's name until the first event)."""
import pytest

from servicekit import center
from servicekit.testing.center import center_event, png, settings_on_fresh_database

from ..helpers import apply, issue, pdf_text, unbilled_item


@pytest.fixture(scope="module")
def settings(spec, database_factory, test_wiring):
    """A database of its own: the copy is one row, and other modules expect the environment's name."""
    return settings_on_fresh_database(spec, database_factory, **test_wiring)


def copy(db, settings):
    with db.transaction() as session:
        return center.current(session, settings)


def invoice_pdf(client, db, tokens):
    client_id, _ = unbilled_item(db)
    invoice = issue(client, tokens, client_id).json
    resp = client.get(f"/api/v1/invoices/{invoice['id']}/pdf", headers=tokens.headers("biller"))
    assert resp.status_code == 200
    return resp.data


def test_until_the_first_event_the_environment_names_the_centre(client, db, tokens, settings):
    assert copy(db, settings).version == 0
    assert settings.center_name in pdf_text(invoice_pdf(client, db, tokens))


def test_a_newer_version_replaces_the_copy_and_an_older_one_changes_nothing(db, settings):
    assert apply(db, center_event(7, name="Centre Arc-en-ciel", vat_number="FR777")) is True
    assert apply(db, center_event(6, name="Stale name")) is True  # consumed (acked), without effect
    assert apply(db, center_event(7, name="Same version again")) is True
    kept = copy(db, settings)
    assert (kept.name, kept.version, kept.vat_number) == ("Centre Arc-en-ciel", 7, "FR777")


def test_the_invoice_pdf_prints_the_stored_letterhead_and_logo(client, db, tokens, settings):
    current = copy(db, settings).version
    apply(db, center_event(current + 1, name="Centre Soleil Levant", address="3 place Bellecour\n69002 Lyon",
                           phone="04 78 00 00 00", registration_number="SIRET 123 456 789 00012",
                           vat_number="FR00999", logo=png(30, 30)))
    pdf = invoice_pdf(client, db, tokens)
    text = pdf_text(pdf)
    for expected in ("Centre Soleil Levant", "3 place Bellecour", "Phone 04 78 00 00 00",
                     "SIRET 123 456 789 00012", "VAT no. FR00999"):
        assert expected in text, expected
    assert settings.center_name not in text and b"/Subtype /Image" in pdf


def test_a_logo_that_cannot_be_drawn_leaves_the_invoice_without_it(client, db, tokens, settings):
    current = copy(db, settings).version
    apply(db, center_event(current + 1, name="Centre Sans Logo", logo=b"\x89PNG\r\n\x1a\n damaged"))
    pdf = invoice_pdf(client, db, tokens)
    assert "Centre Sans Logo" in pdf_text(pdf) and b"/Subtype /Image" not in pdf
