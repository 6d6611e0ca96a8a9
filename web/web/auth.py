"""Sign-in (with its second step), sign-out, password change and the language switch (every audience uses these).

When the account has two-factor sign-in (or its role requires it and it is not set up yet), the gateway answers
the right password with a short-lived challenge instead of tokens: it stays in this browser's server-side
session, and the next page asks for a code (or sets the second factor up, web.account).
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from servicekit.limits import EMAIL

from web.access import current_user, home_for, signed_in
from web.api import api
from web.config import LOCALES
from web.errors import _local
from web.forms import apply_api_errors
from web.gateway import Invalid, SignInRequired, Unavailable
from web.sessions import ServerSession, User

bp = Blueprint("auth", __name__)

PASSWORD_MIN, PASSWORD_MAX = 10, 1024  # the gateway's password rule (gateway/passwords.py): one contract


class SignInForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=EMAIL)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    next = HiddenField()


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    new_password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                               message=_l("Use between %(min)d and %(max)d characters."))])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))])


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])


class LanguageForm(FlaskForm):
    locale = SelectField(choices=[(code, code) for code in LOCALES])
    next = HiddenField()


@bp.get("/")
def root():
    """The sign-in page, or the signed-in person's home."""
    user = current_user()
    return redirect(home_for(user) if user else url_for("auth.signin"))


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    """E-mail and password; on success a fresh session (new id) and the page that was asked for."""
    form = SignInForm(next=request.args.get("next", ""))
    problem = None
    if form.validate_on_submit():
        try:
            pair = api().call("POST", "auth/login", json={"email": form.email.data, "password": form.password.data})
        except SignInRequired:
            problem = _("Wrong e-mail or password.")
        except Unavailable as exc:
            if exc.status != 429:  # a 503 (a rush of sign-ins took every hashing turn) gets the try-again page
                raise
            problem = _("Too many failed sign-ins. Wait a little, then try again.")
        except Invalid as exc:
            problem = " ".join(apply_api_errors(form, exc)) or None
        else:
            if "challenge" in pair:  # the password is right; a second step is needed
                session[PENDING] = {"challenge": pair["challenge"], "step": pair["second_factor"],
                                    "next": _local(form.next.data or "")}
                return redirect(url_for("auth.second_factor" if pair["second_factor"] == "code"
                                        else "account.enrol_at_sign_in"))
            _start(session, pair)
            return redirect(_local(form.next.data or "") or home_for(session.user))
    return render_template("auth/signin.html", form=form, message=problem), (401 if problem else 200)


PENDING = "pending_sign_in"  # the challenge between the password and the code (server-side, never in a cookie)


def pending(step: str) -> dict | None:
    """The sign-in waiting for its `step` ("code" or "enrol") in this browser, if any."""
    waiting = session.get(PENDING)
    return waiting if isinstance(waiting, dict) and waiting.get("step") == step else None


def finish_sign_in(pair: dict):
    """The second step succeeded: the signed-in session, and the page that was asked for."""
    target = (session.pop(PENDING, None) or {}).get("next") or ""
    _start(session, pair)
    return redirect(target or home_for(session.user))


def challenge_ended():
    """The challenge expired (five minutes) or the account changed meanwhile: start again from the password."""
    session.pop(PENDING, None)
    flash(_("This sign-in took too long; enter your e-mail and password again."), "warning")
    return redirect(url_for("auth.signin"))


@bp.route("/signin/code", methods=["GET", "POST"])
def second_factor():
    """The second step of a sign-in: the code of the authenticator app, or a recovery code."""
    waiting = pending("code")
    if waiting is None:
        return redirect(url_for("auth.signin"))
    form, problem = CodeForm(), None
    if form.validate_on_submit():
        try:
            pair = api().call("POST", "auth/login/second-factor",
                              json={"challenge": waiting["challenge"], "code": form.code.data})
        except SignInRequired:
            return challenge_ended()
        except Unavailable as exc:
            if exc.status != 429:
                raise
            problem = _("Too many failed sign-ins. Wait a little, then try again.")
        except Invalid as exc:
            problem = " ".join(apply_api_errors(form, exc)) or None
        else:
            return finish_sign_in(pair)
    status = 422 if form.errors or problem else 200
    return render_template("auth/second_factor.html", form=form, message=problem), status


def _start(current: ServerSession, pair: dict) -> None:
    """Replace the anonymous session by a signed-in one (a new id: a fixed id cannot be planted)."""
    store = current_app.extensions["web.sessions"]
    if current.key:
        store.end(current.key)
    data = {k: v for k, v in current.items() if k == "locale"}
    current.clear()
    current.update(data)
    current.issue = store.create(data, pair)
    user = pair.get("user") or {}
    current.user = User(user.get("id", ""), user.get("email", ""), user.get("name", ""), user.get("role", ""))


@bp.post("/signout")
def signout():
    """End the session here and revoke its refresh token at the gateway."""
    if session.key:
        refresh = current_app.extensions["web.sessions"].end(session.key)
        if refresh:
            try:
                api().gateway.call("POST", "auth/logout", json={"refresh_token": refresh})
            except Exception:  # noqa: BLE001 - the session is gone here whatever the gateway says
                pass
    session.ended = True
    return redirect(url_for("auth.signin"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in()
def password():
    """Change one's own password (the current one is asked again)."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            pair = api().post("users/me/password", {"current_password": form.current_password.data,
                                                    "new_password": form.new_password.data})
        except Invalid as exc:
            apply_api_errors(form, exc, {"password": "new_password"})
        else:
            _start(session, pair)  # the gateway ended every other session of this account
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.password"))
    return render_template("auth/password.html", form=form, min_length=PASSWORD_MIN)


@bp.post("/language")
def language():
    """Remember the chosen language for this browser's session."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
    return redirect(_local(form.next.data or "") or url_for("auth.root"))
