"""/r/<token> and /r/unsubscribe/<token>: the small pages the links in e-mails and SMS open.

Opening a link (GET) only shows what it is for and a button; the button's POST acts. Mail scanners and link
previews fetch every link of a message: were a GET to act, they would confirm, cancel or unsubscribe for the
family. The one exception is RFC 8058's one-click unsubscribe, which the mail client sends as a POST itself.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template_string, request

from servicekit.auth import PUBLIC, access
from servicekit import audit, center
from servicekit.db import request_session, unit_of_work, utcnow
from servicekit.errors import Forbidden, Gone, Problem

from notifications import responses

pages_bp = Blueprint("links", __name__)

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{ center }}</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; background: #f6f7f9;
         color: #1d2430; line-height: 1.5; }
  main { max-width: 36rem; margin: 2rem auto; background: #fff; padding: 2rem; border-radius: 8px;
         box-shadow: 0 1px 3px rgba(0,0,0,.12); }
  h1 { font-size: 1.4rem; margin: 0 0 1rem; }
  button { font: inherit; font-weight: 600; padding: .7rem 1.4rem; border: 0; border-radius: 6px;
           background: #1f5fa8; color: #fff; cursor: pointer; min-height: 44px; }
</style></head>
<body><main>
  <p>{{ center }}</p>
  <h1>{{ title }}</h1>
  <p role="status">{{ text }}</p>
  {% if button %}<form method="post"><button type="submit">{{ button }}</button></form>{% endif %}
  {% if note %}<p>{{ note }}</p>{% endif %}
</main></body></html>
"""


def _page(title: str, text: str, status: int = 200, note: str = "", button: str = "") -> Response:
    centre = center.current(request_session(), current_app.extensions["servicekit.settings"])
    body = render_template_string(PAGE, center=centre.name, title=title, text=text, note=note, button=button)
    response = Response(body, status=status, mimetype="text/html")
    # The token is in the URL: never leak it in a Referer, never cache the page, load nothing.
    response.headers.update({"Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
                             "X-Content-Type-Options": "nosniff",
                             "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                                        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"})
    return response


@pages_bp.errorhandler(Problem)
def _notice(exc: Problem) -> Response:
    """A friendly page instead of problem+json: used or expired → 410, tampered → 403."""
    status = 410 if isinstance(exc, Gone) else 403 if isinstance(exc, Forbidden) else exc.status
    title = "This link no longer works" if status == 410 else "This link cannot be opened"
    return _page(title, exc.detail, status, "You can always reach the front desk by phone or e-mail.")


@pages_bp.get("/r/<token>")
@access(PUBLIC)  # the signed token is the authority: checked in responses
def ask(token: str):
    """What the link is for, and the button that does it: nothing is done yet."""
    settings = current_app.extensions["servicekit.settings"]
    with unit_of_work() as session:
        outcome = responses.preview(session, settings, token, utcnow())
    if outcome.action == "confirm":
        return _page("Your session", f"Will you come to your session on {outcome.when}?", button="Confirm my session")
    return _page("Your session", f"Do you want to cancel your session on {outcome.when}?", button="Ask to cancel",
                 note="The front desk confirms every cancellation. If you change your mind, simply ignore this page.")


@pages_bp.post("/r/<token>")
@access(PUBLIC)  # the signed token is the authority: checked in responses.respond
def respond(token: str):
    settings = current_app.extensions["servicekit.settings"]
    with unit_of_work() as session:
        outcome = responses.respond(session, settings, token, utcnow())
    if outcome.action == "confirm":
        answer = _page("Thank you", f"Thank you, your session on {outcome.when} is confirmed.")
    else:
        answer = _page("Request sent", f"Your request to cancel the session on {outcome.when} has been sent to the "
                                       "center. The front desk will confirm the cancellation.")
    return audit.name_subject(answer, "appointment", outcome.appointment_id, outcome.action)


@pages_bp.get("/r/unsubscribe/<token>")
@access(PUBLIC)
def ask_unsubscribe(token: str):
    """The address and the button; unsubscribing is the button's POST (or the mail client's, RFC 8058)."""
    settings = current_app.extensions["servicekit.settings"]
    with unit_of_work() as session:
        address = responses.unsubscribing(session, settings, token)
    return _page("Unsubscribe", f"Stop appointment reminders and notices to {address}?", button="Unsubscribe",
                 note="Quotations, invoices and payment receipts are still sent by e-mail.")


@pages_bp.post("/r/unsubscribe/<token>")
@access(PUBLIC)  # also RFC 8058 one-click unsubscribe, posted by the mail client
def unsubscribe(token: str):
    settings = current_app.extensions["servicekit.settings"]
    with unit_of_work() as session:
        address = responses.unsubscribe(session, settings, token)
    return _page("You are unsubscribed", f"{address} will no longer receive appointment reminders and notices.",
                 note="Quotations, invoices and payment receipts are still sent by e-mail. To receive reminders "
                      "again, ask the front desk or change your reminder settings in the family portal.")
