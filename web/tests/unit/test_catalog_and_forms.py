"""Every string a page shows has its French; the gateway's problem+json becomes the right exception."""
from wtforms import Form, FormField, StringField

from web import catalog
from web.gateway import Conflict, Invalid, Missing, NotAllowed, SignInRequired, Unavailable, error_from
from web.forms import field_at


def test_no_string_shown_to_a_person_is_left_untranslated_in_french():
    missing = catalog.missing("fr")
    assert missing == {}, "\n".join(f"{places[0]}: {key}" for key, places in missing.items())


def test_no_english_string_is_translated_two_ways_by_two_catalogs():
    # All catalogs are merged at run time: the second would silently win in the first one's screens.
    assert catalog.conflicts("fr") == {}


def test_each_catalog_holds_only_what_it_is_for():
    # Area catalogs: strings the pages show; api.po: the services' messages, looked up by their text.
    assert catalog.misplaced("fr") == {}


def test_each_answer_of_the_gateway_maps_to_what_the_page_does_with_it():
    kinds = {status: type(error_from(status, {}, "r")) for status in (400, 401, 403, 404, 409, 422, 429, 502, 503)}
    assert kinds == {400: Invalid, 401: SignInRequired, 403: NotAllowed, 404: Missing, 409: Conflict,
                     422: Invalid, 429: Unavailable, 502: Unavailable, 503: Unavailable}
    error = error_from(422, {"title": "Unprocessable", "errors": {"guardian.email": ["Not a valid email address."]},
                             "request_id": "req-1"}, "ignored")
    assert error.errors == {"guardian.email": ["Not a valid email address."]} and error.request_id == "req-1"
    assert error_from(502, "<html>not json</html>", "req-2").request_id == "req-2"


class Guardian(Form):
    email = StringField()


class Booking(Form):
    start = StringField()
    guardian = FormField(Guardian)


def test_a_dotted_api_path_names_the_field_of_a_sub_form():
    form = Booking()
    assert field_at(form, "guardian.email") is form.guardian.email
    assert field_at(form, "slot", {"slot": "start"}) is form.start
    assert field_at(form, "client.first_name") is None
