"""Opportunities: the board (new → quoted → won / lost), one opportunity with its quotations, marking one lost,
and drafting a quotation from the price list."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from web.access import DESK, nav_item, signed_in
from web.api import api
from web.forms import refusal_message
from web.gateway import Conflict, Invalid
from web.render import page
from web.staff import bp
from web.labels import STAGES, labels
from web.staff.client_pages import by_id, fragment
from web.staff.quotation_forms import LostForm, QuoteForm, line_errors, quote_lines

nav_item("staff.opportunities", _l("Opportunities"), DESK, 40)

COLUMN_SIZE = 25  # cards per column; "see all" pages through the rest
OPEN_STAGES = ("new", "quoted")


@bp.get("/opportunities")
@signed_in(*DESK)
def opportunities():
    """The board: each stage's newest opportunities; `?stage=` lists one stage page by page."""
    stage = request.args.get("stage")
    return _board(stage if stage in STAGES else None)


def _board(only: str | None = None, *, status: int = 200, **context: Any):
    client_api = api()
    stages = (only,) if only else tuple(STAGES)
    cursor = request.args.get("cursor") if only else None
    calls: dict[str, Any] = {stage: (lambda s=stage: client_api.get("opportunities", stage=s, limit=COLUMN_SIZE,
                                                                     cursor=cursor)) for stage in stages}
    calls["types"] = lambda: client_api.get("service-types", limit=200)
    calls["therapists"] = lambda: client_api.get("therapists", limit=200)
    results = client_api.parallel(**calls)
    columns = [(stage, results[stage], getattr(results[stage], "next_cursor", None)) for stage in stages]
    context.setdefault("lost_for", None)
    context.setdefault("lost_form", LostForm(formdata=None))
    context.setdefault("problem", None)
    context.setdefault("done", None)
    return page("staff/opportunities/board.html", block=fragment("board"), status=status, columns=columns,
                only=only, types=by_id(results["types"], "code"), therapists=by_id(results["therapists"]),
                labels=labels, open_stages=OPEN_STAGES, **context)


@bp.post("/opportunities/<uuid:opportunity_id>/lost")
@signed_in(*DESK)
def mark_lost(opportunity_id):
    """Close an opportunity that will not go ahead, with the reason."""
    form, opp_id = LostForm(), str(opportunity_id)
    from_page = request.form.get("from") == "opportunity"
    problem = None
    if form.validate_on_submit():
        try:
            api().post(f"opportunities/{opp_id}/lost", {"reason": form.reason.data.strip()})
        except Conflict as exc:
            problem = refusal_message(exc)
        except Invalid as exc:
            form.reason.errors = list(form.reason.errors) + [refusal_message(exc)]
        else:
            return _lost_done(opp_id, from_page)
    status = 409 if problem else 422
    if from_page:
        return _opportunity_page(opp_id, status=status, lost_form=form, lost_problem=problem)
    return _board(status=status, lost_for=opp_id, lost_form=form, problem=problem)


def _lost_done(opportunity_id: str, from_page: bool):
    message = _("The opportunity was marked lost.")
    if fragment("board") and not from_page:
        return _board(done=message)
    flash(message, "success")
    return redirect(url_for("staff.opportunity", opportunity_id=opportunity_id) if from_page
                    else url_for("staff.opportunities"))


@bp.get("/opportunities/<uuid:opportunity_id>")
@signed_in(*DESK)
def opportunity(opportunity_id):
    """One opportunity: the family, the first session, its quotations, and a new quotation from the price list."""
    return _opportunity_page(str(opportunity_id))


def _opportunity_page(opportunity_id: str, *, status: int = 200, **context: Any):
    client_api = api()
    results = client_api.parallel(
        opportunity=lambda: client_api.get(f"opportunities/{opportunity_id}"),
        quotations=lambda: client_api.get("quotations", opportunity_id=opportunity_id, limit=50),
        prices=lambda: client_api.get("price-list", active="true", limit=200),
        types=lambda: client_api.get("service-types", limit=200),
        therapists=lambda: client_api.get("therapists", limit=200))
    prices = sorted(results["prices"], key=lambda p: (p["service_name"], p["kind"] != "single", p["sessions"]))
    context.setdefault("quote_form", QuoteForm(formdata=None, data=QuoteForm.data_of(prices)))
    context.setdefault("lost_form", LostForm(formdata=None))
    context.setdefault("line_problems", {})
    context.setdefault("quote_problems", [])
    context.setdefault("lost_problem", None)
    return page("staff/opportunities/opportunity.html", status=status, opp=results["opportunity"],
                quotations=results["quotations"], prices=by_id(prices), price_rows=prices,
                types=by_id(results["types"], "code"), therapists=by_id(results["therapists"]), labels=labels,
                open_stages=OPEN_STAGES, **context)


@bp.post("/opportunities/<uuid:opportunity_id>/quotations")
@signed_in(*DESK)
def create_quotation(opportunity_id):
    """Draft a quotation with the quantities chosen; then open it to preview and send."""
    form, opp_id = QuoteForm(), str(opportunity_id)
    lines, origin = quote_lines([entry.data for entry in form.lines])
    if not form.validate():
        return _opportunity_page(opp_id, status=422, quote_form=form)
    if not lines:
        return _opportunity_page(opp_id, status=422, quote_form=form,
                                 quote_problems=[_("Give a quantity for at least one line of the price list.")])
    try:
        created = api().post("quotations", {"opportunity_id": opp_id, "lines": lines},
                             idempotency_key=form.idempotency_key.data)
    except Conflict as exc:
        return _opportunity_page(opp_id, status=409, quote_form=form, quote_problems=[refusal_message(exc)])
    except Invalid as exc:
        by_row, general = line_errors(exc, origin)
        return _opportunity_page(opp_id, status=422, quote_form=form, line_problems=by_row, quote_problems=general)
    flash(_("Quotation %(number)s drafted: check it, then send it to the family.", number=created["number"]),
          "success")
    return redirect(url_for("staff.quotation", quotation_id=created["id"]))
