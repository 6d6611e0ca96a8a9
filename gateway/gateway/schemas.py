"""marshmallow schemas: what the gateway's own API (auth, users) accepts and returns."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import Schema, ValidationError, fields, validate

from servicekit.auth import ROLES, STAFF_ROLES
from servicekit.fields import Email, Name, one_line
from servicekit.limits import PERSON_NAME
from servicekit.pagination import PageArgs

from gateway.center import LANGUAGES, LOGO_MAX_BYTES
from gateway.passwords import MAX_LENGTH, MIN_LENGTH


def Password() -> fields.String:  # noqa: N802 - reads like a field type
    return fields.String(required=True, validate=validate.Length(
        min=MIN_LENGTH, max=MAX_LENGTH, error=f"Use between {MIN_LENGTH} and {MAX_LENGTH} characters."))


def Secret() -> fields.String:  # noqa: N802 - an opaque token or a password being checked
    return fields.String(required=True, validate=validate.Length(min=1, max=MAX_LENGTH))


class LoginIn(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = Secret()


class RefreshIn(Schema):
    refresh_token = Secret()


class ActivateIn(Schema):
    token = Secret()
    password = Password()


class PasswordChangeIn(Schema):
    current_password = Secret()
    new_password = Password()


class PasswordResetIn(Schema):
    email = Email(required=True)


class PasswordResetOut(Schema):
    """The same answer whether or not the address has an account."""

    detail = fields.String()


class LinkCheckIn(Schema):
    token = Secret()
    purpose = fields.String(required=True, validate=validate.OneOf(("activate", "reset"),
                                                                 error="Must be one of: {choices}."))


class PasswordResetCompleteIn(Schema):
    token = Secret()
    password = Password()


def Code() -> fields.String:  # noqa: N802 - a second-factor code: 6 digits from the app, or a recovery code
    return fields.String(required=True, validate=validate.Length(min=1, max=32, error="Enter the code."),
                         metadata={"description": "the 6-digit code of the authenticator app, or a recovery code"})


class ChallengeIn(Schema):
    challenge = Secret()


class SecondFactorIn(Schema):
    challenge = Secret()
    code = Code()


class CodeIn(Schema):
    code = Code()


class TurnOffIn(Schema):
    password = Secret()
    code = Code()


class ChallengeOut(Schema):
    """A right password, but the sign-in needs its second step (202): give a code, or set a second factor up."""

    second_factor = fields.String(metadata={"description": "code: give a code (POST /auth/login/second-factor); "
                                                           "enrol: set one up first (your role requires it)"})
    challenge = fields.String(metadata={"description": "proof of the right password, for the second step only"})
    expires_in = fields.Integer()


class EnrolmentOut(Schema):
    secret = fields.String(metadata={"description": "base32, to type into an authenticator app by hand"})
    otpauth_uri = fields.String(metadata={"description": "the same as an otpauth:// URI (show it as a QR code)"})


class RecoveryCodesOut(Schema):
    recovery_codes = fields.List(fields.String(), metadata={"description": "shown once: only their hashes are kept"})


class SecondFactorOut(Schema):
    enabled = fields.Boolean()
    enabled_at = fields.AwareDateTime(allow_none=True)
    required = fields.Boolean(metadata={"description": "the role must sign in with a second factor"})
    recovery_codes_left = fields.Integer()


class SessionOut(Schema):
    id = fields.String()
    started_at = fields.AwareDateTime()
    last_active_at = fields.AwareDateTime()
    address = fields.String(allow_none=True)
    user_agent = fields.String(allow_none=True)
    browser = fields.String(allow_none=True)
    system = fields.String(allow_none=True)
    current = fields.Boolean(metadata={"description": "the session this request comes from"})


class EndedOut(Schema):
    ended = fields.Integer()


class UserBrief(Schema):
    id = fields.String()
    email = fields.String()
    name = fields.String()
    role = fields.String()


class TokenPairOut(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()
    refresh_token = fields.String()
    user = fields.Nested(UserBrief)


class EnrolledOut(TokenPairOut):
    """Two-factor sign-in is on: a fresh token pair (the other sessions ended) and the recovery codes, once."""

    recovery_codes = fields.List(fields.String())


class UserIn(Schema):
    email = Email(required=True)
    name = Name(PERSON_NAME)
    role = fields.String(required=True, validate=validate.OneOf(
        STAFF_ROLES, error="Must be one of: {choices} (portal accounts come from the CRM's guardians)."))
    password = Password()
    therapist_id = fields.UUID(load_default=None, allow_none=True)


class UserPatch(Schema):
    name = Name(PERSON_NAME, required=False)
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean()
    password = fields.String(validate=validate.Length(
        min=MIN_LENGTH, max=MAX_LENGTH, error=f"Use between {MIN_LENGTH} and {MAX_LENGTH} characters."))
    therapist_id = fields.UUID(allow_none=True)


class UserOut(Schema):
    id = fields.String()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    therapist_id = fields.String(allow_none=True)
    client_ids = fields.List(fields.String())
    active = fields.Boolean()
    created_at = fields.AwareDateTime()
    last_login_at = fields.AwareDateTime(allow_none=True)
    second_factor = fields.Function(lambda user: getattr(user, "totp_enabled_at", None) is not None,
                                    metadata={"description": "two-factor sign-in is on"})


class UserQuery(PageArgs):
    role = fields.String(validate=validate.OneOf(ROLES))
    staff = fields.Boolean(metadata={"description": "true: staff accounts only; false: portal (family) accounts only"})
    active = fields.Boolean()
    email = fields.String(validate=validate.Length(max=254))
    client_id = fields.UUID()


class InvitationOut(Schema):
    """The invitation went to the family's address (the link itself is never returned to the caller)."""

    sent_to = fields.Email()
    expires_at = fields.AwareDateTime()


_PHONE = re.compile(r"^[0-9+()./ -]*$")
_EMAIL = validate.Email(error="Not a valid e-mail address.")


def _iana_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError("Not a known IANA time zone (such as Europe/Paris).") from exc


def _optional_email(value: str) -> None:
    if value.strip():
        _EMAIL(value.strip())


def _at_most(limit: int) -> validate.Length:
    return validate.Length(max=limit, error="At most {max} characters.")


def Text(limit: int, *validators) -> fields.String:  # noqa: N802 - reads like a field type
    return fields.String(load_default="", validate=[_at_most(limit), *validators])


class CenterIn(Schema):
    """The centre's details as an org_admin saves them (blank fields are printed nowhere)."""

    name = fields.String(required=True, validate=[_at_most(200), one_line])  # it signs every e-mail's From:
    address = Text(500)
    phone = Text(40, validate.Regexp(_PHONE, error="Use digits, spaces and + ( ) . - / only."))
    email = Text(254, _optional_email)
    language = fields.String(load_default="en", validate=validate.OneOf(LANGUAGES, error="Must be one of: {choices}."))
    registration_number = Text(50)
    vat_number = Text(50)
    timezone = fields.String(load_default=None, validate=_iana_zone)


class CenterOut(Schema):
    name = fields.String()
    address = fields.String()
    phone = fields.String()
    email = fields.String()
    timezone = fields.String(metadata={"description": "IANA zone of the deployment (CENTER_TIMEZONE), read-only"})
    language = fields.String()
    registration_number = fields.String()
    vat_number = fields.String()
    logo_url = fields.String(allow_none=True)
    version = fields.Integer()
    updated_at = fields.AwareDateTime()


class LogoIn(Schema):
    """A PNG or JPEG image, base64-encoded; its type is read from its bytes, never trusted from the caller."""

    image = fields.String(required=True, validate=validate.Length(
        max=(LOGO_MAX_BYTES // 3 + 1) * 4 + 8, error=f"The image is larger than {LOGO_MAX_BYTES // 1024} KB."))
