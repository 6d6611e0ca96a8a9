"""One's own account security: two-factor sign-in (set up, recovery codes, turn off) and where one is signed in.

The gateway decides everything; these pages keep what it answers once (a new secret while it is being set up,
recovery codes until the person says they saved them) in the server-side session only, never in a cookie or
a URL. The QR code is drawn here as inline SVG (segno): no script, no image from elsewhere, nothing the page's
Content-Security-Policy would refuse.
"""
from __future__ import annotations

from typing import Any

import segno
from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from web.access import current_user, signed_in
from web.api import api
from web.auth import PASSWORD_MAX, CodeForm, _start, challenge_ended, finish_sign_in, pending
from web.forms import api_message, apply_api_errors
from web.gateway import Conflict, Invalid, Missing, SignInRequired, Unavailable

bp = Blueprint("account", __name__)

SETUP = "second_factor_setup"  # {secret, otpauth_uri} while it is being set up
CODES = "recovery_codes"  # shown once, until the person says they saved them


class TurnOffForm(CodeForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)])


def qr_code(uri: str) -> Markup:
    """The otpauth:// URI as an inline SVG QR code, labelled for screen readers."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=3, light="#fff", svgclass="qr-code",
                                                title=_("QR code to scan with your authenticator app"))
    return Markup(svg.replace("<svg ", '<svg role="img" aria-labelledby="qr-title" ', 1)
                  .replace("<title>", '<title id="qr-title">', 1))


def _grouped(secret: str) -> str:
    """The secret in groups of four, easier to type by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _layout() -> str:
    """Families (and people not signed in yet) see the plain layout, staff their console."""
    user = current_user()
    return "layout/staff.html" if user and user.role != "client" else "layout/plain.html"


def _enrol_page(setup: dict[str, Any], form: CodeForm, *, at_sign_in: bool, problem: str | None = None,
                status: int = 200):
    return render_template("auth/enrol.html", form=form, qr=qr_code(setup["otpauth_uri"]),
                           secret=_grouped(setup["secret"]), message=problem, at_sign_in=at_sign_in,
                           layout=_layout()), status


def _show_codes(codes: list[str]):
    session[CODES] = codes
    return redirect(url_for("account.recovery_codes"))


@bp.route("/signin/setup", methods=["GET", "POST"])
def enrol_at_sign_in():
    """A role that requires two-factor sign-in sets it up before its first session starts."""
    waiting = pending("enrol")
    if waiting is None:
        return redirect(url_for("auth.signin"))
    form = CodeForm()
    try:
        if SETUP not in waiting:
            waiting[SETUP] = api().call("POST", "auth/login/second-factor/enrolment",
                                        json={"challenge": waiting["challenge"]})
            session.modified = True
        if form.validate_on_submit():
            answer = api().call("POST", "auth/login/second-factor/enrolment/confirm",
                                json={"challenge": waiting["challenge"], "code": form.code.data})
            codes = answer.pop("recovery_codes")
            finish_sign_in(answer)
            return _show_codes(codes)
    except SignInRequired:
        return challenge_ended()
    except Invalid as exc:
        return _enrol_page(waiting[SETUP], form, at_sign_in=True, problem=" ".join(apply_api_errors(form, exc)) or None,
                           status=422)
    return _enrol_page(waiting[SETUP], form, at_sign_in=True, status=422 if form.errors else 200)


@bp.get("/account/security")
@signed_in()
def security():
    """Two-factor sign-in and the sessions of the signed-in person."""
    client = api()
    found = client.parallel(status=lambda: client.get("users/me/second-factor"),
                            sessions=lambda: client.get("users/me/sessions"))
    return _security_page(found["status"], found["sessions"])


def _security_page(status: dict, sessions: list, *, off_form: TurnOffForm | None = None,
                   codes_form: CodeForm | None = None, problems: dict[str, str] | None = None, code: int = 200):
    return render_template("auth/security.html", status=status, sessions=sessions, problems=problems or {},
                           off_form=off_form or TurnOffForm(formdata=None),
                           codes_form=codes_form or CodeForm(formdata=None, prefix="codes"), layout=_layout()), code


def _refused_here(box: str, message: str | None, **forms: Any):
    """The security page again, the refused form keeping its messages (beside its fields, or in its box)."""
    client = api()
    found = client.parallel(status=lambda: client.get("users/me/second-factor"),
                            sessions=lambda: client.get("users/me/sessions"))
    return _security_page(found["status"], found["sessions"], problems={box: message} if message else {}, code=422,
                          **forms)


def _refusal(form: CodeForm, exc: Exception) -> str | None:
    """What to say about a refused code form: field messages go beside the fields, the rest is returned."""
    if isinstance(exc, Invalid):
        return " ".join(apply_api_errors(form, exc)) or None
    if isinstance(exc, Unavailable):
        if exc.status != 429:
            raise exc
        return _("Too many wrong codes. Wait a little, then try again.")
    return api_message(getattr(exc, "message", "")) or _("This change was refused.")


@bp.route("/account/security/setup", methods=["GET", "POST"])
@signed_in()
def setup():
    """Set two-factor sign-in up: scan the QR code (or type the key), then confirm with a first code."""
    form = CodeForm()
    if SETUP not in session:
        try:
            session[SETUP] = api().post("users/me/second-factor")
        except Conflict:
            flash(_("Two-factor sign-in is already on."), "info")
            return redirect(url_for("account.security"))
    if form.validate_on_submit():
        try:
            answer = api().post("users/me/second-factor/confirm", {"code": form.code.data})
        except Invalid as exc:
            return _enrol_page(session[SETUP], form, at_sign_in=False,
                               problem=" ".join(apply_api_errors(form, exc)) or None, status=422)
        except Conflict:
            session.pop(SETUP, None)  # started again elsewhere, or already on: begin afresh
            return redirect(url_for("account.security"))
        session.pop(SETUP, None)
        codes = answer.pop("recovery_codes")
        _start(session, answer)  # the gateway ended every other session; this one goes on with a new pair
        flash(_("Two-factor sign-in is on. Your other sessions were signed out."), "success")
        return _show_codes(codes)
    return _enrol_page(session[SETUP], form, at_sign_in=False, status=422 if form.errors else 200)


@bp.route("/account/security/recovery-codes", methods=["GET", "POST"])
@signed_in()
def recovery_codes():
    """The recovery codes, shown once: the person saves them, then says so."""
    codes = session.get(CODES)
    if not codes:
        return redirect(url_for("account.security"))
    form = FlaskForm()
    if form.validate_on_submit():
        session.pop(CODES, None)
        return redirect(url_for("account.security"))
    return render_template("auth/recovery_codes.html", codes=codes, form=form, layout=_layout())


@bp.post("/account/security/recovery-codes/new")
@signed_in()
def new_recovery_codes():
    """Ten new recovery codes for a current code (the earlier ones stop working)."""
    form = CodeForm(prefix="codes")
    if not form.validate_on_submit():
        return _refused_here("codes", None, codes_form=form)
    try:
        answer = api().post("users/me/second-factor/recovery-codes", {"code": form.code.data})
    except (Invalid, Unavailable) as exc:
        return _refused_here("codes", _refusal(form, exc), codes_form=form)
    return _show_codes(answer["recovery_codes"])


@bp.post("/account/security/off")
@signed_in()
def turn_off():
    """Turn two-factor sign-in off with the password and a code (not for a role that requires it)."""
    form = TurnOffForm()
    if not form.validate_on_submit():
        return _refused_here("off", None, off_form=form)
    try:
        pair = api().call("DELETE", "users/me/second-factor",
                          json={"password": form.password.data, "code": form.code.data})
    except (Invalid, Conflict, Unavailable) as exc:
        return _refused_here("off", _refusal(form, exc), off_form=form)
    _start(session, pair)
    flash(_("Two-factor sign-in is off. Your other sessions were signed out."), "success")
    return redirect(url_for("account.security"))


@bp.post("/account/security/sessions/<uuid:session_id>/end")
@signed_in()
def end_session(session_id):
    """Sign one of one's sessions out (a computer left signed in)."""
    try:
        api().delete(f"users/me/sessions/{session_id}")
    except Missing:
        pass  # already ended: the list below shows it is gone
    flash(_("That session is signed out."), "success")
    return redirect(url_for("account.security"))


@bp.post("/account/security/sessions/end-others")
@signed_in()
def end_other_sessions():
    """Sign out every session but this one."""
    ended = api().post("users/me/sessions/end-others")["ended"]
    flash(_("Every other session is signed out (%(count)d).", count=ended), "success")
    return redirect(url_for("account.security"))
