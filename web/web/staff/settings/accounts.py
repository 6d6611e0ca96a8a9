"""Staff accounts and roles: who may sign in to the console, and with which role.

The owner (org_admin) manages them; an office manager (admin) reads them. The gateway decides (the last active
owner stays, an owner's role is granted by an owner); these pages hide what the person cannot do and show the
gateway's refusals in place.
"""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, Form, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from servicekit.limits import EMAIL, PERSON_NAME

from web.access import ADMIN, ORG_ADMIN, current_user, role_label, signed_in
from web.api import api
from web.forms import CreatingForm, api_message, apply_api_errors
from web.gateway import ApiError, Conflict, Invalid, Missing, NotAllowed
from web.render import page
from web.staff import bp

STAFF_ROLES = ("org_admin", "admin", "front_desk", "biller", "therapist")
PAGE_SIZE = 50
STATUSES = {"active": "true", "inactive": "false", "all": None}


class AccountFilter(Form):
    """The list's filters (a GET form: nothing changes, no CSRF token)."""

    role = SelectField(_l("Role"), default="")
    status = SelectField(_l("Status"), default="active", choices=[
        ("active", _l("Active accounts")), ("inactive", _l("Deactivated accounts")), ("all", _l("All accounts"))])


class AccountForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=PERSON_NAME)])
    role = SelectField(_l("Role"))
    therapist_id = SelectField(_l("Therapist record"), validate_choice=False)


class NewAccountForm(CreatingForm, AccountForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=EMAIL)])
    password = PasswordField(_l("Initial password"), validators=[DataRequired()])


class PasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


def grantable_roles() -> list[tuple[str, str]]:
    """The roles an owner may give (every staff role)."""
    return [(role, role_label(role)) for role in STAFF_ROLES]


def may_change() -> bool:
    """Staff accounts are changed by an owner only (the gateway refuses anyone else)."""
    return current_user().holds(*ORG_ADMIN)


def _with_choices(form: AccountForm, therapists: list[dict[str, Any]]) -> AccountForm:
    form.role.choices = grantable_roles()
    form.therapist_id.choices = [("", _("No therapist record"))] + [(t["id"], t["name"]) for t in therapists]
    return form


def _account_body(form: AccountForm) -> dict[str, Any]:
    therapist_id = form.therapist_id.data if form.role.data == "therapist" else None  # other roles have none
    return {"name": (form.name.data or "").strip(), "role": form.role.data, "therapist_id": therapist_id or None}


@bp.get("/settings/accounts")
@signed_in(*ADMIN)
def settings_accounts():
    """Staff accounts with their role, whether they may sign in and when they last did."""
    filters = AccountFilter(request.args)
    filters.role.choices = [("", _("Every role"))] + [(role, role_label(role)) for role in STAFF_ROLES]
    client = api()
    query = {"staff": "true", "role": filters.role.data or None, "active": STATUSES.get(filters.status.data),
             "cursor": request.args.get("cursor"), "limit": PAGE_SIZE}  # read here: the calls run on other threads
    found = client.parallel(accounts=lambda: client.get("users", **query),
                            therapists=lambda: client.get("therapists", limit=200))
    return page("staff/settings/accounts/list.html", filters=filters, accounts=found["accounts"],
                next_cursor=getattr(found["accounts"], "next_cursor", None),
                therapists={t["id"]: t["name"] for t in found["therapists"]}, may_change=may_change)


def _new_page(form: NewAccountForm, *, status: int = 200, problem: str | None = None):
    _with_choices(form, api().get("therapists", limit=200))
    return page("staff/settings/accounts/new.html", form=form, status=status, problem=problem)


@bp.get("/settings/accounts/new")
@signed_in(*ORG_ADMIN)
def settings_account_new():
    """The form creating a staff account."""
    return _new_page(NewAccountForm(formdata=None, data={"role": "front_desk"}))


@bp.post("/settings/accounts/new")
@signed_in(*ORG_ADMIN)
def settings_account_create():
    """Create a staff account with its initial password; the person signs in with it at once."""
    form = _with_choices(NewAccountForm(), [])  # the therapist record is checked by the gateway, not here
    if not form.validate_on_submit():
        return _new_page(form, status=422)
    body = {**_account_body(form), "email": (form.email.data or "").strip(), "password": form.password.data}
    try:
        created = api().post("users", body, idempotency_key=form.idempotency_key.data)
    except Invalid as exc:
        return _new_page(form, status=422, problem=" ".join(apply_api_errors(form, exc)) or None)
    except Conflict:
        form.email.errors = [_("An account with this e-mail address already exists.")]
        return _new_page(form, status=409)
    except NotAllowed as exc:
        return _new_page(form, status=403, problem=api_message(exc.message))
    flash(_("The account of %(name)s is created.", name=created["name"]), "success")
    return redirect(url_for("staff.settings_account", user_id=created["id"]))


def _detail(user_id: str, *, form: AccountForm | None = None, password_form: PasswordForm | None = None,
            status: int = 200, problems: dict[str, str] | None = None):
    client = api()
    found = client.parallel(account=lambda: client.get(f"users/{user_id}"),
                            therapists=lambda: client.get("therapists", limit=200))
    account = found["account"]
    if account["role"] not in STAFF_ROLES:
        raise Missing(404)  # portal accounts are the families' (invited from the client's record), not staff
    form = form or AccountForm(formdata=None, data={**account, "therapist_id": account.get("therapist_id") or ""})
    return page("staff/settings/accounts/detail.html", status=status, account=account, problems=problems or {},
                form=_with_choices(form, found["therapists"]),
                password_form=password_form or PasswordForm(formdata=None), changeable=may_change())


@bp.get("/settings/accounts/<uuid:user_id>")
@signed_in(*ADMIN)
def settings_account(user_id):
    """One staff account: its name and role, whether it may sign in, and a new password."""
    return _detail(str(user_id))


def _refused(exc: ApiError) -> str:
    """The gateway's reason in the page's language (a 403 or 409 says what rule stopped it)."""
    return api_message(exc.message) or _("This change was refused.")


def _patched(user_id: str, changes: dict[str, Any], done: str, section: str, **forms: Any):
    """Send `changes`; on success say `done` and show the account again, else the refusal in `section`."""
    try:
        api().patch(f"users/{user_id}", changes)
    except Invalid as exc:
        target = forms.get("form") if section == "edit" else forms.get("password_form")
        leftover = apply_api_errors(target, exc) if target is not None else [api_message(exc.message)]
        return _detail(user_id, status=422, problems={section: " ".join(leftover)} if leftover else None, **forms)
    except (Conflict, NotAllowed) as exc:
        return _detail(user_id, status=exc.status, problems={section: _refused(exc)}, **forms)
    flash(done, "success")
    return redirect(url_for("staff.settings_account", user_id=user_id))


@bp.post("/settings/accounts/<uuid:user_id>")
@signed_in(*ORG_ADMIN)
def settings_account_save(user_id):
    """Change the name, the role or the therapist record of an account."""
    form = _with_choices(AccountForm(), [])  # the therapist record is checked by the gateway, not here
    if not form.validate_on_submit():
        return _detail(str(user_id), form=form, status=422)
    return _patched(str(user_id), _account_body(form), _("The account is saved."), "edit", form=form)


@bp.post("/settings/accounts/<uuid:user_id>/active")
@signed_in(*ORG_ADMIN)
def settings_account_active(user_id):
    """Deactivate an account (its sessions end at once) or let it sign in again."""
    active = request.form.get("active") == "true"
    done = _("The account may sign in again.") if active else _("The account is deactivated: it can no longer sign in.")
    return _patched(str(user_id), {"active": active}, done, "active")


@bp.post("/settings/accounts/<uuid:user_id>/sessions")
@signed_in(*ORG_ADMIN)
def settings_account_sessions(user_id):
    """Sign the person out everywhere (a lost laptop, a shared password); the account stays as it is."""
    try:
        api().post(f"users/{user_id}/sessions/end", {})
    except (Conflict, NotAllowed) as exc:
        return _detail(str(user_id), status=exc.status, problems={"sessions": _refused(exc)})
    flash(_("The person is signed out everywhere: every session and device must sign in again."), "success")
    return redirect(url_for("staff.settings_account", user_id=user_id))


@bp.post("/settings/accounts/<uuid:user_id>/second-factor/reset")
@signed_in(*ORG_ADMIN)
def settings_account_second_factor_reset(user_id):
    """Reset the person's two-factor sign-in (a lost phone): it is off and they are signed out everywhere."""
    try:
        api().post(f"users/{user_id}/second-factor/reset", {})
    except (Conflict, NotAllowed) as exc:
        return _detail(str(user_id), status=exc.status, problems={"second_factor": _refused(exc)})
    flash(_("Two-factor sign-in is reset and the person is signed out everywhere. If their role requires it, "
            "they set it up again when they next sign in."), "success")
    return redirect(url_for("staff.settings_account", user_id=user_id))


@bp.post("/settings/accounts/<uuid:user_id>/password")
@signed_in(*ORG_ADMIN)
def settings_account_password(user_id):
    """Give an account a new password (its sessions end; tell the person the new one)."""
    form = PasswordForm()
    if not form.validate_on_submit():
        return _detail(str(user_id), password_form=form, status=422)
    return _patched(str(user_id), {"password": form.password.data},
                    _("The new password is set. Give it to the person: they were signed out everywhere."),
                    "password", password_form=form)
