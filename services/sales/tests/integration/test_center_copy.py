"""The centre's details from `center.updated`: newer versions replace the copy, older ones never do, and the
quotation PDF and review page print what the copy holds (the environment's name until the first event)."""
import pytest

from servicekit import center
from servicekit.testing.center import center_event, png, settings_on_fresh_database

from ..helpers import apply, drafted, pdf_text, sent


@pytest.fixture(scope="module")
def settings(spec, database_factory, test_wiring):
    """A database of its own: the copy is one row, and other modules expect the environment's name."""
    return settings_on_fresh_database(spec, database_factory, **test_wiring)


def copy(db, settings):
    with db.transaction() as session:
        return center.current(session, settings)


def draft_pdf(client, db, tokens):
    quotation = drafted(client, db, tokens)
    resp = client.get(f"/api/v1/quotations/{quotation['id']}/pdf", headers=tokens.headers("front_desk"))
    assert resp.status_code == 200
    return resp.data


def test_until_the_first_event_the_environment_names_the_centre(client, db, tokens, settings):
    assert copy(db, settings).version == 0
    assert settings.center_name in pdf_text(draft_pdf(client, db, tokens))


def test_a_newer_version_replaces_the_copy_and_an_older_one_changes_nothing(db, settings):
    newer = center_event(10, name="Centre Arc-en-ciel")
    assert apply(db, newer) is True
    older = center_event(9, name="Stale name")
    assert apply(db, older) is True  # consumed (acked), without effect
    kept = copy(db, settings)
    assert (kept.name, kept.version, kept.phone) == ("Centre Arc-en-ciel", 10, "+33 4 72 00 00 00")
    assert kept.timezone == settings.center_timezone  # the deployment's zone, whatever the event says
    assert apply(db, newer) is False  # the same event again: the inbox drops it


def test_the_quotation_pdf_prints_the_stored_letterhead(client, db, tokens, settings):
    current = copy(db, settings).version
    apply(db, center_event(current + 1, name="Centre Soleil Levant", address="3 place Bellecour\n69002 Lyon",
                           phone="04 78 00 00 00", email="bonjour@soleil.example", vat_number="FR00999",
                           registration_number="SIRET 123 456 789 00012"))
    text = pdf_text(draft_pdf(client, db, tokens))
    for expected in ("Centre Soleil Levant", "3 place Bellecour", "69002 Lyon", "Phone 04 78 00 00 00",
                     "bonjour@soleil.example", "SIRET 123 456 789 00012", "VAT no. FR00999"):
        assert expected in text, expected
    assert settings.center_name not in text


def test_a_logo_is_drawn_on_the_quotation_and_a_broken_one_is_left_out(client, db, tokens, settings):
    current = copy(db, settings).version
    apply(db, center_event(current + 1, logo=png(40, 20)))
    assert b"/Subtype /Image" in draft_pdf(client, db, tokens)
    apply(db, center_event(current + 2, name="Centre Sans Logo", logo=b"\x89PNG\r\n\x1a\n broken"))
    pdf = draft_pdf(client, db, tokens)
    assert b"/Subtype /Image" not in pdf and "Centre Sans Logo" in pdf_text(pdf)


def test_a_sent_quotation_keeps_the_letterhead_it_was_sent_with_and_the_review_page_follows_the_copy(
        client, db, tokens, settings):
    current = copy(db, settings).version
    apply(db, center_event(current + 1, name="Centre Premier Nom"))
    quotation = sent(client, db, tokens)
    apply(db, center_event(current + 2, name="Centre Second Nom"))
    pdf = client.get(f"/api/v1/quotations/{quotation['id']}/pdf", headers=tokens.headers("front_desk")).data
    assert "Centre Premier Nom" in pdf_text(pdf)
    page = client.get(f"/q/{quotation['id']}?access_token={quotation['token']}")
    assert page.status_code == 200 and "Centre Second Nom" in page.get_data(as_text=True)
