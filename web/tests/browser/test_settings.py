"""Settings an administrator keeps: service types and rules, therapists' hours and time off, rooms, closures,
prices; who may open them; every screen accessible in English and French and usable at 768 px."""
from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from .api import Api, eventually  # noqa: F401 - test_settings_messages takes them from here
from .conftest import assert_accessible, sign_in

ZONE = ZoneInfo(os.environ.get("CENTER_TIMEZONE", "Europe/Paris"))
SCREENS = ("/staff/settings", "/staff/settings/service-types", "/staff/settings/therapists",
           "/staff/settings/rooms", "/staff/settings/closures", "/staff/settings/prices",
           "/staff/settings/templates", "/staff/settings/messages")


def tag() -> str:
    return uuid.uuid4().hex[:7].upper()


def new_service(api: Api, **rules: Any) -> dict[str, Any]:
    code = f"S{tag()}"
    return api.post("service-types", {"code": code, "name": f"Test therapy {code}", "duration_minutes": 60, **rules})


def new_therapist(api: Api, codes: list[str], hours: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return api.post("therapists", {"name": f"Therapist {tag()}", "service_codes": codes,
                                   "working_hours": hours or []})


def sunday(weeks_ahead: int) -> dt.date:
    """A Sunday in the coming weeks: the demo centre's therapists never work then, so no other test books it."""
    today = dt.date.today()
    return today + dt.timedelta(days=6 - today.weekday() + 7 * weeks_ahead)


def book(api: Api, code: str, therapist_id: str, start: dt.datetime, family: str) -> dict[str, Any]:
    """A session for a new family (the front desk's booking, through the API)."""
    return api.post("appointments", {
        "service_code": code, "start": start.isoformat(), "therapist_id": therapist_id,
        "client": {"first_name": "Lou", "last_name": family},
        "guardian": {"first_name": "Nadia", "last_name": family, "email": f"{family.lower()}@example.org"}})


def admin_page(open_page, system, **options):
    page = open_page(**options)
    sign_in(page, system.login("org_admin"))
    return page


def test_the_settings_page_lists_each_settings_page_and_the_navigation_leads_to_it(page, system, axe_source):
    sign_in(page, system.login("org_admin"))
    page.locator("[data-nav='staff.settings']").click()
    expect(page).to_have_url(re.compile(r".*/staff/settings$"))
    cards = page.locator("[data-test=settings-pages] a")
    names = cards.all_inner_texts()
    for expected in ("Service types and booking rules", "Therapists", "Rooms", "Closures", "Price list",
                     "Message templates", "Delivery log"):
        assert expected in names
    assert_accessible(page, axe_source)
    page.get_by_role("link", name="Rooms").click()
    expect(page.get_by_role("heading", name="Rooms", level=1)).to_be_visible()
    expect(page.locator("[data-nav='staff.settings']")).to_have_attribute("aria-current", "page")


def test_the_front_desk_gets_the_refusal_page_for_every_settings_screen(page, system):
    sign_in(page, system.login("front_desk"))
    assert page.locator("[data-nav='staff.settings']").count() == 0
    api = Api(system, "org_admin")
    therapist_id = api.get("therapists")[0]["id"]
    service_id = api.get("service-types")[0]["id"]
    for path in SCREENS + (f"/staff/settings/therapists/{therapist_id}", f"/staff/settings/service-types/{service_id}",
                           "/staff/settings/templates/appointment_booked"):
        response = page.goto(path)
        assert response.status == 403, path
        expect(page.get_by_role("heading", name="Not available to you")).to_be_visible()


def test_an_admin_adds_a_service_type_and_a_refused_rule_is_said_beside_its_field(page, system, axe_source):
    sign_in(page, system.login("org_admin"))
    code = f"T{tag()}"
    page.goto("/staff/settings/service-types")
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_label("Name", exact=True).fill(f"Sensory integration {code}")
    page.get_by_label("Session length (minutes)", exact=True).fill("45")
    page.get_by_role("button", name="Add the service type").click()
    expect(page.get_by_role("heading", name=f"Sensory integration {code}")).to_be_visible()
    expect(page.get_by_label("Session length (minutes)", exact=True)).to_have_value("45")

    page.get_by_label("Buffer before (minutes)", exact=True).fill("-5")
    page.get_by_role("button", name="Save the rules").click()
    beside = page.locator("[data-errors-for=buffer_before_minutes]")
    expect(beside).to_contain_text("greater than or equal to 0")
    expect(page.get_by_label("Buffer before (minutes)", exact=True)).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, axe_source)

    page.get_by_label("Buffer before (minutes)", exact=True).fill("10")
    page.get_by_label("Minimum notice (minutes)", exact=True).fill("1440")
    page.get_by_role("button", name="Save the rules").click()
    expect(page.get_by_text(f"The booking rules of Sensory integration {code} are saved.")).to_be_visible()
    saved = next(s for s in Api(system, "org_admin").get("service-types", limit=200) if s["code"] == code)
    assert (saved["duration_minutes"], saved["buffer_before_minutes"], saved["min_notice_minutes"]) == (45, 10, 1440)
    page.goto("/staff/settings/service-types")
    expect(page.locator(f"[data-service-type={code}]")).to_contain_text("10 / 0 min")


def test_working_hours_with_a_lunch_break_and_a_day_off_are_saved_and_an_overlap_is_said_beside_its_row(
        page, system, axe_source):
    sign_in(page, system.login("org_admin"))
    name = f"Therapist {tag()}"
    page.goto("/staff/settings/therapists")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Occupational Therapy (OT)", exact=True).check()
    page.get_by_role("button", name="Add the therapist").click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    expect(page.locator("[data-weekday='0'] [data-test=day-off]")).to_be_visible()

    for weekday, start, end in ((0, "09:00", "12:00"), (0, "13:00", "17:00"), (1, "09:00", "17:00"),
                                (1, "16:00", "18:00")):  # the last overlaps the one before
        add_interval(page, weekday, start, end)
    page.locator("[data-test=save-hours]").click()
    beside = page.locator("[data-errors-for='interval-1-1']")
    expect(beside).to_contain_text("intervals overlap on Tuesday")
    assert_accessible(page, axe_source)

    page.locator("[data-test=remove-1-1]").click()
    expect(page.locator("[data-interval='1-1']")).to_have_count(0)
    page.locator("[data-test=save-hours]").click()
    expect(page.locator("[data-test=hours-saved]")).to_be_visible()

    page.reload()
    assert interval_values(page, 0) == [("09:00", "12:00"), ("13:00", "17:00")]
    assert interval_values(page, 1) == [("09:00", "17:00")]
    expect(page.locator("[data-weekday='2'] [data-test=day-off]")).to_be_visible()
    therapist_id = page.url.rstrip("/").rsplit("/", 1)[1]
    saved = Api(system, "org_admin").get(f"therapists/{therapist_id}")["working_hours"]
    assert sorted((h["weekday"], h["start"], h["end"]) for h in saved) == [
        (0, "09:00", "12:00"), (0, "13:00", "17:00"), (1, "09:00", "17:00")]


def add_interval(page, weekday: int, start: str, end: str) -> None:
    """Click "Add hours" on a weekday and fill the new row (it gets the focus)."""
    rows = page.locator(f"[data-weekday='{weekday}'] [data-interval]")
    before = rows.count()
    page.locator(f"[data-test=add-{weekday}]").click()
    expect(rows).to_have_count(before + 1)
    expect(page.locator(f"#start-{weekday}-{before}")).to_be_focused()
    page.locator(f"#start-{weekday}-{before}").fill(start)
    page.locator(f"#end-{weekday}-{before}").fill(end)


def interval_values(page, weekday: int) -> list[tuple[str, str]]:
    rows = page.locator(f"[data-weekday='{weekday}'] [data-interval]")
    return [(rows.nth(i).locator("input[name^=start]").input_value(),
             rows.nth(i).locator("input[name^=end]").input_value()) for i in range(rows.count())]


def test_time_off_and_a_closure_over_a_booked_session_list_that_session_to_reschedule(page, system, axe_source):
    api = Api(system, "org_admin")
    service = new_service(api)
    day = sunday(5)
    therapist = new_therapist(api, [service["code"]], [{"weekday": 6, "start": "07:00", "end": "09:00"}])
    family = f"Clash{tag()}"
    session = book(api, service["code"], therapist["id"], dt.datetime.combine(day, dt.time(7), ZONE), family)
    sign_in(page, system.login("org_admin"))

    page.goto(f"/staff/settings/therapists/{therapist['id']}")
    time_off = page.locator("#time-off")
    time_off.get_by_label("Whole day", exact=True).fill(day.isoformat())
    time_off.get_by_label("Reason", exact=True).fill("Training")
    time_off.get_by_role("button", name="Add the time off").click()
    clashes = time_off.locator("[data-test=clashes]")
    expect(clashes).to_contain_text("1 session already booked falls inside it")
    expect(clashes.locator(f"[data-appointment='{session['id']}']")).to_contain_text(family)
    expect(time_off.locator("[data-test=time-off] li")).to_have_count(1)
    assert_accessible(page, axe_source)

    reason = f"Boiler repair {tag()}"
    close_the_centre(page, f"{day.isoformat()}T06:30", f"{day.isoformat()}T08:30", reason)
    clashes = page.locator("#closures [data-test=clashes]")
    expect(clashes.locator(f"[data-appointment='{session['id']}']")).to_contain_text(family)
    row = page.locator("[data-test=closures] tr", has_text=reason)
    expect(row).to_have_count(1)
    assert_accessible(page, axe_source)

    # Leave the centre open for the other tests: the closure goes, as an administrator would remove it.
    row.get_by_role("button", name=re.compile("^Remove")).click()
    expect(page.get_by_text("The closure is removed.")).to_be_visible()
    expect(page.locator("[data-test=closures] tr", has_text=reason)).to_have_count(0)


def close_the_centre(page, start: str, end: str, reason: str) -> None:
    """Fill and send the closures page's form (local "YYYY-MM-DDTHH:MM" times)."""
    page.goto("/staff/settings/closures")
    page.get_by_label("From", exact=True).fill(start)
    page.get_by_label("Until", exact=True).fill(end)
    page.get_by_label("Reason", exact=True).fill(reason)
    page.get_by_role("button", name="Add the closure").click()


def test_a_closure_without_a_reason_or_with_half_a_span_is_refused_beside_its_fields(page, system):
    sign_in(page, system.login("org_admin"))
    page.goto("/staff/settings/closures")
    page.get_by_role("button", name="Add the closure").click()
    expect(page.locator("#closures [data-errors-for=reason]")).to_contain_text("This field is required.")
    close_the_centre(page, "2027-01-04T10:00", "", "Half a span")
    expect(page.locator("#closures [data-errors-for=start]")).to_contain_text("give either 'date' or both")
    expect(page.get_by_label("Reason", exact=True)).to_have_value("Half a span")


def test_an_admin_adds_a_room_and_a_second_room_of_that_name_is_refused_in_place(page, system, axe_source):
    sign_in(page, system.login("org_admin"))
    name = f"Sensory gym {tag()}"
    page.goto("/staff/settings/rooms")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Type of room", exact=True).fill("sensory-gym")
    page.get_by_role("button", name="Add the room").click()
    expect(page.get_by_text(f"The room {name} is added.")).to_be_visible()
    expect(page.locator("[data-test=rooms] tr", has_text=name)).to_contain_text("sensory-gym")

    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Type of room", exact=True).fill("Not A Type")
    page.get_by_role("button", name="Add the room").click()
    expect(page.locator("[data-errors-for=room_type]")).to_contain_text("lower-case letters")
    page.get_by_label("Type of room", exact=True).fill("sensory-gym")
    page.get_by_role("button", name="Add the room").click()
    expect(page.locator("[data-test=problem]")).to_contain_text("already exists")
    assert_accessible(page, axe_source)


def test_an_admin_adds_a_package_to_the_price_list_and_retires_it(page, system):
    service = new_service(Api(system, "org_admin"))
    sign_in(page, system.login("org_admin"))
    page.goto("/staff/settings/prices")
    page.get_by_label("Service", exact=True).select_option(service["code"])
    page.get_by_label("Kind", exact=True).select_option("package")
    page.get_by_label("Name on quotations", exact=True).fill("5-session package")
    page.get_by_label("Price", exact=True).fill("3OO")
    page.get_by_role("button", name="Add the price").click()
    expect(page.locator("[data-errors-for=unit_price]")).to_be_visible()  # letters O for zeros: no amount
    page.get_by_label("Sessions in the package", exact=True).fill("5")
    page.get_by_label("Price", exact=True).fill("300.50")
    page.get_by_role("button", name="Add the price").click()
    expect(page.get_by_text("5-session package is added to the price list.")).to_be_visible()
    row = page.locator(f"[data-service={service['code']}] [data-price]")
    expect(row).to_contain_text("€300.50")
    expect(row).to_contain_text("Offered")

    row.get_by_role("button", name=re.compile("^Retire")).click()
    expect(row.locator("[data-test=retired]")).to_be_visible()
    expect(row.get_by_role("button", name=re.compile("^Offer again"))).to_be_visible()
    [item] = Api(system, "org_admin").get("price-list", service_code=service["code"])
    assert (item["kind"], item["sessions"], item["unit_price"], item["active"]) == ("package", 5, "300.50", False)


def test_every_settings_screen_is_accessible_in_english_and_french_and_fits_768_pixels(open_page, system, axe_source):
    api = Api(system, "org_admin")
    service = new_service(api)
    therapist = new_therapist(api, [service["code"]], [{"weekday": 6, "start": "09:00", "end": "12:00"}])
    price = api.post("price-list", {"service_code": service["code"], "service_name": service["name"],
                                    "name": "Single session", "kind": "single", "unit_price": "70.00"})
    family = f"Sweep{tag()}"
    book(api, service["code"], therapist["id"], dt.datetime.combine(sunday(7), dt.time(9), ZONE), family)
    [message, *_] = eventually(lambda: api.get("notifications", recipient=family.lower()))
    screens = SCREENS + (f"/staff/settings/service-types/{service['id']}",
                         f"/staff/settings/therapists/{therapist['id']}", f"/staff/settings/prices/{price['id']}",
                         "/staff/settings/templates/appointment_reminder", f"/staff/settings/messages/{message['id']}")
    for options in ({"locale": "en-GB"}, {"locale": "fr-FR"}, {"locale": "en-GB", "width": 768}):
        page = admin_page(open_page, system, **options)
        for path in screens:
            assert page.goto(path).status == 200, path
            assert_accessible(page, axe_source)
            if options.get("width"):
                overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                assert overflow <= 0, f"{path} scrolls sideways at 768 px"
        if options["locale"] == "fr-FR":
            page.goto("/staff/settings")
            expect(page.get_by_role("heading", name="Paramètres", level=1)).to_be_visible()
            expect(page.get_by_role("link", name="Journal des envois")).to_be_visible()
