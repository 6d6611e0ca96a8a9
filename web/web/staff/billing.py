"""Billing: what is waiting to be invoiced, invoices with their lines and payments, and their PDF."""
from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal
from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from web.access import BILLING, current_user, nav_item, signed_in
from web.api import api
from web.documents import pdf_response
from web.errors import is_htmx
from web.forms import REQUIRED, CreatingForm, api_message, apply_api_errors, refusal_message
from web.gateway import Conflict, Invalid
from web.i18n import api_amount, fmt_money
from web.labels import INVOICE_STATUSES as STATUS_LABELS, PAYMENT_METHODS as METHOD_LABELS
from web.render import page
from web.staff import bp

nav_item("staff.invoices", _l("Invoices"), BILLING, 70)

PAGE_SIZE = 50
# "due" is not a status of its own: an invoice still owing money (issued or partially paid).
STATUS_FILTERS = {"": _l("All statuses"), "due": _l("Due (issued or partially paid)"), "overdue": _l("Overdue"),
                  **STATUS_LABELS}


def invoice_queries(status: str, with_balance: bool, client_id: str = "", cursor: str = "") -> dict[str, dict]:
    """The API calls of one invoice list, in the order shown.

    'Due' and 'with a balance' both ask for money still owed. The due list puts overdue invoices first: all of
    them on the first page, then the others page by page.
    """
    query: dict[str, Any] = {"client_id": client_id, "cursor": cursor, "limit": PAGE_SIZE}
    if status in ("due", "overdue") or with_balance:
        query["has_balance"] = "true"
    if status in STATUS_LABELS:
        query["status"] = status
    if status == "overdue":
        query["overdue"] = "true"
    if status != "due":
        return {"invoices": query}
    rest = {**query, "overdue": "false"}
    if cursor:
        return {"rest": rest}
    return {"overdue": {**query, "overdue": "true", "limit": 200}, "rest": rest}


def sessions_left(credits: list[dict[str, Any]]) -> int:
    """Prepaid package sessions still available over all of a client's packages."""
    return sum(max(int(credit.get("sessions_left") or 0), 0) for credit in credits)


def payment_methods(credits: list[dict[str, Any]]) -> list[str]:
    """The methods to offer: package credit only when the client has prepaid sessions left."""
    methods = ["cash", "card", "transfer"]
    return methods + ["package_credit"] if sessions_left(credits) > 0 else methods


def by_client(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Unbilled items grouped per client (by name), each group with its total per currency."""
    groups: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for item in items:
        group = groups.setdefault(item["client_id"], {"client_id": item["client_id"], "items": [], "totals": {},
                                                      "client_name": item.get("client_name") or ""})
        group["items"].append(item)
        currency = item.get("currency") or ""
        group["totals"][currency] = group["totals"].get(currency, Decimal("0")) + Decimal(str(item["amount"]))
    return sorted(groups.values(), key=lambda g: (g["client_name"].casefold(), g["client_id"]))


class PaymentForm(CreatingForm):
    """Money received against an invoice."""

    amount = StringField(_l("Amount"), validators=[InputRequired(message=REQUIRED)])
    method = SelectField(_l("Method"), validators=[InputRequired(message=REQUIRED)], validate_choice=False)
    reference = StringField(_l("Reference (optional)"), validators=[Optional(), Length(max=100)])


class VoidForm(FlaskForm):
    """Cancelling an unpaid invoice, with the reason kept on it."""

    reason = TextAreaField(_l("Reason"), validators=[InputRequired(message=REQUIRED), Length(max=1000)])


class IssueForm(CreatingForm):
    """Issuing an invoice for the items ticked (the items themselves are read from the form's checkboxes)."""


@bp.get("/invoices")
@signed_in(*BILLING)
def invoices():
    """Invoices by status and balance, newest first ('due' = issued or partially paid, the overdue ones first)."""
    status = request.args.get("status", "")
    status = status if status in STATUS_FILTERS else ""
    with_balance = request.args.get("balance") == "1"
    client_id, cursor = request.args.get("client_id", ""), request.args.get("cursor", "")
    queries = invoice_queries(status, with_balance, client_id, cursor)
    client = api()  # captured here: the calls run on other threads, outside this request's context
    found = client.parallel(**{name: (lambda q=query: client.get("invoices", **q)) for name, query in queries.items()})
    rows = [invoice for name in queries for invoice in found[name]]
    heading = _("Invoices due") if status == "due" else _("Invoices")
    return page("staff/billing/invoices.html", block="list", invoices=rows, status_filter=status, heading=heading,
                with_balance=with_balance, client_id=client_id, cursor=cursor,
                next_cursor=getattr(found[list(queries)[-1]], "next_cursor", None), filters=STATUS_FILTERS,
                labels=STATUS_LABELS)


@bp.get("/invoices/to-invoice")
@signed_in(*BILLING)
def billable_items():
    """Completed work and sold packages waiting to be invoiced, per client."""
    items = api().get("billable-items", status="unbilled", limit=200)
    return page("staff/billing/to_invoice.html", groups=by_client(items), truncated=len(items) >= 200,
                active_nav="staff.invoices")


def _issue(client_id: str, form: IssueForm) -> tuple[Any, str]:
    """Issue the invoice for the ticked items: its page, or the reason it was refused."""
    chosen = request.form.getlist("item")
    if not chosen:
        return None, _("Tick at least one item to invoice.")
    try:
        invoice = api().post("invoices", {"client_id": client_id, "billable_item_ids": chosen},
                             idempotency_key=form.idempotency_key.data)
    except (Conflict, Invalid) as exc:
        return None, refusal_message(exc)
    flash(_("Invoice %(number)s has been issued.", number=invoice["number"]), "success")
    return redirect(url_for("staff.invoice", invoice_id=invoice["id"])), ""


@bp.route("/invoices/new", methods=["GET", "POST"])
@signed_in(*BILLING)
def new_invoice():
    """Choose which of a client's unbilled items go on a new invoice, and issue it."""
    client_id = request.values.get("client_id", "")
    if not client_id:
        return redirect(url_for("staff.billable_items"))
    form, problem = IssueForm(), ""
    if form.validate_on_submit():
        issued, problem = _issue(client_id, form)
        if issued is not None:
            return issued
    items = api().get("billable-items", client_id=client_id, status="unbilled", limit=200)
    chosen = set(request.form.getlist("item")) if request.method == "POST" else {i["id"] for i in items}
    return page("staff/billing/new_invoice.html", form=form, client_id=client_id, items=items, chosen=chosen,
                group=(by_client(items) or [None])[0], problem=problem, status=422 if problem else 200,
                active_nav="staff.invoices")


def _invoice_page(invoice_id: str, invoice: dict[str, Any] | None = None, *, payment: PaymentForm | None = None,
                  void: VoidForm | None = None, notice: str = "", problem: str = "", void_problem: str = "",
                  status: int = 200):
    """The invoice (or its htmx block): lines, payments, balance and the forms that still apply."""
    invoice = invoice or api().get(f"invoices/{invoice_id}")
    open_balance = invoice["status"] != "void" and Decimal(invoice["balance"]) > 0
    credits = api().get("credits", client_id=invoice["client_id"], limit=200) if open_balance else []
    payment = payment or PaymentForm(formdata=None)
    payment.method.choices = [(m, str(METHOD_LABELS[m])) for m in payment_methods(credits)]
    if payment.amount.data is None:
        payment.amount.data = format_decimal(Decimal(invoice["balance"]), "0.00")
    user = current_user()
    return page("staff/billing/invoice.html", block="invoice", invoice=invoice, payment=payment,
                void=void or VoidForm(formdata=None, prefix="void"), open_balance=open_balance,
                credits_left=sessions_left(credits),
                may_void=bool(user and user.holds("biller")) and invoice["status"] == "issued", notice=notice,
                problem=problem, void_problem=void_problem, status=status, labels=STATUS_LABELS, methods=METHOD_LABELS,
                active_nav="staff.invoices")


@bp.get("/invoices/<uuid:invoice_id>")
@signed_in(*BILLING)
def invoice(invoice_id):
    """One invoice: its lines, payments and balance, the payment form and the PDF."""
    return _invoice_page(str(invoice_id))


def _done(invoice_id: str, invoice: dict[str, Any], notice: str):
    """After a change: the refreshed invoice block for htmx, else back to the page with the notice."""
    if is_htmx():
        return _invoice_page(invoice_id, invoice, notice=notice)
    flash(notice, "success")
    return redirect(url_for("staff.invoice", invoice_id=invoice_id))


@bp.post("/invoices/<uuid:invoice_id>/payments")
@signed_in(*BILLING)
def record_payment(invoice_id):
    """Record a full, partial or package-credit payment; the API's refusal is shown beside the form."""
    form, invoice_id = PaymentForm(), str(invoice_id)
    if not form.validate_on_submit():
        return _invoice_page(invoice_id, payment=form, status=422)
    body = {"amount": api_amount(form.amount.data), "method": form.method.data,
            "reference": form.reference.data or None}
    try:
        updated = api().post(f"invoices/{invoice_id}/payments", body, idempotency_key=form.idempotency_key.data)
    except Invalid as exc:
        return _invoice_page(invoice_id, payment=form, problem="; ".join(apply_api_errors(form, exc)),
                             status=exc.status)
    except Conflict as exc:
        return _invoice_page(invoice_id, payment=form, problem=api_message(exc.message), status=409)
    paid = fmt_money(body["amount"], updated["currency"])
    return _done(invoice_id, updated, _("Payment of %(amount)s recorded.", amount=paid))


@bp.post("/invoices/<uuid:invoice_id>/void")
@signed_in("biller")
def void_invoice(invoice_id):
    """Void an unpaid invoice (billers); its items can then be invoiced again."""
    form, invoice_id = VoidForm(prefix="void"), str(invoice_id)
    if not form.validate_on_submit():
        return _invoice_page(invoice_id, void=form, status=422)
    try:
        updated = api().post(f"invoices/{invoice_id}/void", {"reason": form.reason.data})
    except (Conflict, Invalid) as exc:
        return _invoice_page(invoice_id, void=form, void_problem=refusal_message(exc), status=exc.status)
    return _done(invoice_id, updated, _("Invoice %(number)s is void.", number=updated["number"]))


@bp.get("/invoices/<uuid:invoice_id>/pdf")
@signed_in(*BILLING)
def invoice_pdf(invoice_id):
    """The invoice's PDF from the gateway, shown in the page's preview or downloaded."""
    return pdf_response(api().get(f"invoices/{invoice_id}/pdf"), f"invoice-{invoice_id}.pdf")
