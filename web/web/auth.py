"""Sign-in, sign-out, password change and the language switch (every audience uses these)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField
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
            _start(session, pair)
            return redirect(_local(form.next.data or "") or home_for(session.user))
    return render_template("auth/signin.html", form=form, message=problem), (401 if problem else 200)


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
