"""marshmallow schemas: what the gateway's own API (auth, users) accepts and returns."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.auth import ROLES, STAFF_ROLES
from servicekit.pagination import PageArgs

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


class UserIn(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    role = fields.String(required=True, validate=validate.OneOf(
        STAFF_ROLES, error="Must be one of: {choices} (portal accounts come from the CRM's guardians)."))
    password = Password()
    therapist_id = fields.UUID(load_default=None, allow_none=True)


class UserPatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
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


class UserQuery(PageArgs):
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean()
    email = fields.String(validate=validate.Length(max=254))
    client_id = fields.UUID()


class InvitationOut(Schema):
    activation_url = fields.String()
    expires_at = fields.AwareDateTime()
