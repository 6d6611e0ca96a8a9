"""Pages reached from an e-mail that set a password: "Forgot your password?", the reset link, and a family's
activation link (the welcome e-mail).

The token of a link is sent to the gateway once, with the new password; it is never put in the session, a
cookie or a log line of ours. Asking for a reset says the same thing whatever the address (nobody learns who
has an account here).
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from servicekit.limits import EMAIL

from web.access import home_for
from web.api import api
from web.auth import PASSWORD_MAX, PASSWORD_MIN, _start
from web.forms import apply_api_errors
from web.gateway import Invalid, Missing, Unavailable

bp = Blueprint("password_links", __name__)


class ForgotForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=EMAIL)])


class NewPasswordForm(FlaskForm):
    token = HiddenField()
    password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                               message=_l("Use between %(min)d and %(max)d characters."))])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot():
    """Ask for a link to choose a new password; the same answer whatever the address."""
    form, problem, sent = ForgotForm(), None, False
    if form.validate_on_submit():
        try:
            api().call("POST", "auth/password-reset", json={"email": form.email.data})
        except Unavailable as exc:
            if exc.status != 429:
                raise
            problem = _("Too many requests for this address. Wait a little, then try again.")
        except Invalid as exc:
            problem = " ".join(apply_api_errors(form, exc)) or None
        else:
            sent = True
    status = 422 if form.errors or problem else 200
    return render_template("auth/forgot.html", form=form, message=problem, sent=sent), status


def _usable(token: str, kind: str) -> bool:
    """Whether the link may still be used: its page says so at once, before asking for a password twice."""
    try:
        api().call("POST", "auth/links/check", json={"token": token, "purpose": kind})
    except Missing:
        return False
    except Invalid as exc:
        if exc.status != 410:
            raise
        return False
    return True


def _new_password_page(kind: str, path: str, done):
    """The form of a reset or an activation link; `done(pair_or_none)` after the gateway accepted it."""
    form = NewPasswordForm(token=request.args.get("token", ""))
    problem, gone = None, not (form.token.data or "")
    if not gone and request.method == "GET":
        gone = not _usable(form.token.data, kind)
    if not gone and form.validate_on_submit():
        try:
            answer = api().call("POST", path, json={"token": form.token.data, "password": form.password.data})
        except Missing:
            gone = True
        except Invalid as exc:
            if exc.status == 410:
                gone = True
            else:
                problem = " ".join(apply_api_errors(form, exc)) or None
        else:
            return done(answer)
    status = 410 if gone else (422 if form.errors or problem else 200)
    return render_template("auth/new_password.html", form=form, kind=kind, gone=gone, message=problem,
                           min_length=PASSWORD_MIN), status


@bp.route("/reset-password", methods=["GET", "POST"])
def reset():
    """The link of the password reset e-mail: a new password, twice."""
    def done(pair):
        if pair is None:  # the account signs in with a second factor: not signed in here
            flash(_("Your password is changed. Sign in with it and a code from your app."), "success")
            return redirect(url_for("auth.signin"))
        _start(session, pair)
        flash(_("Your password is changed; every other session was signed out."), "success")
        return redirect(home_for(session.user))
    return _new_password_page("reset", "auth/password-reset/complete", done)


@bp.route("/activate", methods=["GET", "POST"])
def activate():
    """The link of a family's welcome e-mail: choose a password, then the portal."""
    def done(pair):
        _start(session, pair)
        flash(_("Your account is ready. Welcome!"), "success")
        return redirect(home_for(session.user))
    return _new_password_page("activate", "auth/activate", done)
