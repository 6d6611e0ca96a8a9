"""Share links and who may open or sign a quotation: staff, the family's portal login, or the link's token."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.auth import CLIENT, FRONT_DESK, Principal
from servicekit.errors import Forbidden, Gone, Unauthorized

from sales.models import Quotation

LINK_EXPIRED = "This link has expired; ask the center to send the quotation again."


def new_token() -> str:
    """A fresh share-link token (only its hash is stored)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """SHA-256 hex of a share-link token: what the database holds instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def share_url(public_base_url: str, quotation_id: str, token: str) -> str:
    """The review page link e-mailed to the family."""
    return f"{public_base_url}/q/{quotation_id}?access_token={token}"


def is_family_of(principal: Principal, quotation: Quotation) -> bool:
    """A portal login of the family the quotation is for."""
    return principal.role == CLIENT and principal.may_see_family(quotation.client_id)


def opened_by_token(session: Session, quotation: Quotation, token: str | None, now: dt.datetime) -> bool:
    """True when `token` is this quotation's live link; a link of another quotation, stale or expired, raises."""
    if not token:
        return False
    digest = hash_token(token)
    if quotation.share_token_hash and hmac.compare_digest(digest, quotation.share_token_hash):
        if quotation.expires_at is not None and now >= quotation.expires_at:
            raise Gone(LINK_EXPIRED)
        return True
    if session.scalar(select(Quotation.id).where(Quotation.share_token_hash == digest)) is not None:
        raise Forbidden("This link is for another quotation.")
    raise Unauthorized("This link is not valid (a newer one may have replaced it); "
                       "ask the center to send the quotation again.")


def _refuse(principal: Principal, detail: str) -> None:
    if principal.is_anonymous:
        raise Unauthorized("Sign in to the family portal, or open the link from the quotation e-mail.")
    raise Forbidden(detail)


def authorize_reader(session: Session, quotation: Quotation, principal: Principal, token: str | None,
                     now: dt.datetime) -> None:
    """Front desk, the family's portal login, or this quotation's link may read it."""
    if principal.has_any([FRONT_DESK]) or is_family_of(principal, quotation):
        return
    if not opened_by_token(session, quotation, token, now):
        _refuse(principal, "You may only see your own family's quotations.")


def authorize_signer(session: Session, quotation: Quotation, principal: Principal, token: str | None,
                     now: dt.datetime) -> None:
    """Only the family signs or declines: through the portal or with this quotation's link."""
    if is_family_of(principal, quotation):
        return
    if not opened_by_token(session, quotation, token, now):
        _refuse(principal, "Only the family can sign or decline this quotation, through the portal "
                           "or the link the center sent them.")
