"""The whole spine as the front desk lives it, in one browser: a new family booked from the calendar to a paid
invoice. (Each screen has its own detailed tests; this one proves they hand over to each other.)"""
from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from .api import Api, eventually, unique
from .clients_data import body_text, mail_to
from .conftest import sign_in
from .test_billing import pay
from .test_booking import fill_family
from .test_calendar import column_x, drag, open_calendar, session, time_y
from .test_tasks import card

AMELIE = "Amélie Laurent"  # the demo centre's occupational therapist (OT is on the price list)


def free_hours(system, therapist_id: str) -> tuple[dt.date, list[str]]:
    """A weekday some weeks ahead on which the therapist has at least three free whole hours: their starts."""
    today = dt.date.today()
    for weeks in range(5, 12):
        day = today + dt.timedelta(days=7 * weeks - today.weekday() + 1)  # a Tuesday
        slots = Api(system).get("slots", service_code="OT", therapist_id=therapist_id,
                                **{"from": day.isoformat(), "to": day.isoformat()})
        starts = [s["start"] for s in slots if s["start"][14:16] == "00"]
        if len(starts) >= 3:
            return day, starts
    raise AssertionError(f"{AMELIE} has no day with three free hours in the coming weeks")


def hhmm(start: str) -> str:
    return start[11:16]


def test_a_new_family_booked_on_the_calendar_is_quoted_signed_treated_invoiced_and_paid(open_page, system):
    amelie = next(t for t in Api(system).get("therapists") if t["name"] == AMELIE)
    day, starts = free_hours(system, amelie["id"])
    first, moved_to, taken = (hhmm(start) for start in starts[:3])
    desk_api = Api(system, "front_desk")
    desk_api.post("appointments", {   # another family already has the third hour
        "service_code": "OT", "therapist_id": amelie["id"], "start": starts[2],
        "client": {"first_name": unique("Other-"), "last_name": "Family"},
        "guardian": {"first_name": "Paul", "last_name": "Family", "email": f"{unique('paul-')}@example.org"}})
    child, email = unique("Jade-"), f"{unique('claire-')}@example.org"
    desk = open_page()
    sign_in(desk, system.login("front_desk"))

    # 1. Book the new family from an empty hour of Amélie's column.
    open_calendar(desk, "resourceTimeGridDay", day)
    desk.mouse.click(column_x(desk, AMELIE), time_y(desk, first))
    desk.wait_for_url(re.compile(r".*/staff/booking\?.*"))
    fill_family(desk, child, email)
    desk.locator("[data-test=book]").click()
    desk.wait_for_url(re.compile(r".*/staff/calendar\?.*"))
    expect(session(desk, child)).to_contain_text(first)

    # 2. Move it to a free hour (it stays), then onto the taken one (it snaps back and says why).
    open_calendar(desk, "resourceTimeGridDay", day)
    drag(desk, session(desk, child), column_x(desk, AMELIE), time_y(desk, moved_to))
    expect(desk.locator("#alerts .alert-success")).to_contain_text(f"{child} Petit moved to")
    drag(desk, session(desk, child), column_x(desk, AMELIE), time_y(desk, taken))
    expect(desk.locator("#alerts .alert-warning")).to_contain_text("already taken")
    expect(session(desk, child)).to_contain_text(moved_to)

    # 3. crm opened an opportunity from the booking: quote one session from the price list and send it.
    [client] = eventually(lambda: desk_api.get("clients", q=child), "crm's new client")
    eventually(lambda: desk_api.get("opportunities", client_id=client["id"]), "the opportunity from appointment.booked")
    desk.goto("/staff/opportunities")
    desk.locator("[data-test=column-new] [data-test=opportunity-card]").filter(has_text=child) \
        .locator("[data-test=quote]").click()
    desk.get_by_label("Quantity: Occupational Therapy, Single session").fill("1")
    desk.get_by_role("button", name="Create the quotation").click()
    expect(desk.locator("[data-test=quotation-status]")).to_have_text("Draft")
    quotation_id = desk.url.rstrip("/").rsplit("/", 1)[1]
    desk.locator("[data-test=send]").click()
    expect(desk.locator("[data-test=quotation-status]")).to_have_text("Sent")

    # 4. The guardian signs from the link in the e-mail, in her own browser.
    link = re.search(r"https?://\S+/q/\S+", body_text(mail_to(system.mail_dir, email, "uotation"))).group(0)
    guardian = open_page(width=390)
    guardian.goto(link.rstrip(".,)>"))
    guardian.get_by_label("Your full name").fill("Claire Petit")
    guardian.get_by_label("Type your name again as your signature").fill("Claire Petit")
    guardian.get_by_label(re.compile("I have read this quotation")).check()
    guardian.get_by_role("button", name="Sign the quotation").click()
    expect(guardian.get_by_role("status")).to_contain_text("the quotation is signed")

    # 5. tasks made the therapy task: the desk assigns Amélie on the board; she logs her session and completes it.
    [task] = eventually(lambda: desk_api.get("tasks", quotation_id=quotation_id), "the task from quotation.signed")
    desk.goto("/staff/tasks")
    unassigned = card(desk, "unassigned", task["id"])
    unassigned.get_by_label("Therapist").select_option(label=AMELIE)
    unassigned.locator("[data-test=assign]").click()
    expect(card(desk, "new", task["id"])).to_contain_text(AMELIE)
    therapist = Api(system, next(l for l in system.logins.values() if l.email == "amelie@sunnysteps.example"))
    therapist.post(f"tasks/{task['id']}/timesheets", {"minutes": 55, "note": "Fine motor work."})
    therapist.post(f"tasks/{task['id']}/status", {"status": "completed"}, expect=200)

    # 6. billing made the session billable: invoice it, take two payments, the balance reaches zero.
    eventually(lambda: desk_api.get("billable-items", client_id=client["id"]), "the billable item from task.completed")
    desk.goto(f"/staff/invoices/new?client_id={client['id']}")
    desk.locator("[data-test=issue-invoice]").click()
    expect(desk.locator("[data-test=balance]")).to_have_text("€80.00")
    pay(desk, "30.00", "Card")
    expect(desk.locator("[data-test=balance]")).to_have_text("€50.00")
    pay(desk, "50.00", "Cash")
    expect(desk.locator("[data-test=invoice-status]")).to_have_text("Paid")
    expect(desk.locator("[data-test=balance]")).to_have_text("€0.00")
