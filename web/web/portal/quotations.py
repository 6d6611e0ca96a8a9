"""The family's quotations: each one's lines and total, the PDF, and — while it waits for an answer — signing it
with the guardian's typed name, or declining it with a reason.

Sales judges every answer (only a sent, unexpired quotation of the family's own can be signed or declined) and
keeps the evidence of a signature: who signed, when, from where, the document's fingerprint.
"""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from web.access import signed_in
from web.api import api
from web.documents import pdf_response
from web.forms import apply_api_errors, refusal_message
from web.gateway import Conflict, Invalid, Missing, NotAllowed
from web.labels import QUOTATION_STATUSES
from web.portal import answer, bp


class SignForm(FlaskForm):
    signer_name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=200)])
    agree = BooleanField(_l("I have read the quotation and I accept it"), validators=[DataRequired()])


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Why (optional)"), validators=[Optional(), Length(max=1000)])


def _quotations() -> list[dict[str, Any]]:
    """The family's quotations (asked per child its account holds), the ones awaiting an answer first."""
    client = api()
    children = client.get("users/me").get("client_ids") or []
    found = client.parallel(**{child: (lambda child=child: client.get("quotations", client_id=child, limit=200))
                               for child in children})
    rows = sorted((q for child in children for q in found[child] if q["status"] != "draft"),
                  key=lambda q: q.get("sent_at") or "", reverse=True)
    return sorted(rows, key=lambda q: q["status"] != "sent")  # stable: newest first within each group


def _page(sign_forms: dict[str, SignForm] | None = None, status: int = 200):
    rows = _quotations()
    forms = {q["id"]: (sign_forms or {}).get(q["id"]) or SignForm(prefix=q["id"]) for q in rows}
    return render_template("portal/quotations.html", quotations=rows, sign_forms=forms, decline_form=DeclineForm(),
                           statuses=QUOTATION_STATUSES), status


@bp.get("/quotations")
@signed_in("client")
def quotations():
    return _page()


@bp.post("/quotations/<uuid:quotation_id>/sign")
@signed_in("client")
def sign(quotation_id):
    """Sign with the typed name (the name is the signature; sales records the evidence)."""
    form = SignForm(prefix=str(quotation_id))
    if not form.validate_on_submit():
        return _page({str(quotation_id): form}, status=422)
    name = form.signer_name.data.strip()
    try:
        api().post(f"quotations/{quotation_id}/sign", {"signer_name": name, "signature": name})
    except Invalid as exc:
        apply_api_errors(form, exc)
        return _page({str(quotation_id): form}, status=exc.status)
    except (Conflict, Missing, NotAllowed) as exc:
        flash(refusal_message(exc), "warning")
    else:
        flash(_("Thank you: the quotation is signed. A copy is on its way by e-mail."), "success")
    return redirect(url_for("portal.quotations"))


@bp.post("/quotations/<uuid:quotation_id>/decline")
@signed_in("client")
def decline(quotation_id):
    form = DeclineForm()
    if not form.validate_on_submit():
        flash(_("The page expired; please try again."), "warning")
        return redirect(url_for("portal.quotations"))
    reason = (form.reason.data or "").strip()
    answer(f"quotations/{quotation_id}/decline", {"reason": reason} if reason else {},
           _("The quotation is declined; the centre is told."))
    return redirect(url_for("portal.quotations"))


@bp.get("/quotations/<uuid:quotation_id>/pdf")
@signed_in("client")
def quotation_pdf(quotation_id):
    return pdf_response(api().get(f"quotations/{quotation_id}/pdf"), f"quotation-{quotation_id}.pdf")
