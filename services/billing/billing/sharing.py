"""Invoice share links (like sales' quotation links): a random token, only its SHA-256 stored, expiring.

The link lets the notifications service (and the family, from the e-mail) fetch that one invoice's PDF.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.auth import BILLER, CLIENT, FRONT_DESK, Principal
from servicekit.errors import Forbidden, Gone, Unauthorized

from billing import families
from billing.models import Invoice

LINK_EXPIRED = "This invoice link has expired; download the invoice from the family portal or ask the center."


def hash_token(token: str) -> str:
    """SHA-256 hex of a share-link token: what the database holds instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_link(invoice: Invoice, days: int, now: dt.datetime) -> str:
    """Give the invoice a fresh share token valid for `days`; returns the token (never stored)."""
    token = secrets.token_urlsafe(32)
    invoice.share_token_hash = hash_token(token)
    invoice.link_expires_at = now + dt.timedelta(days=days)
    return token


def pdf_url(public_base_url: str, invoice_id: str, token: str) -> str:
    """The link to the invoice's PDF, put in the invoice.issued event."""
    return f"{public_base_url}/api/v1/invoices/{invoice_id}/pdf?access_token={token}"


def _opened_by_token(session: Session, invoice: Invoice, token: str, now: dt.datetime) -> None:
    digest = hash_token(token)
    if invoice.share_token_hash and hmac.compare_digest(digest, invoice.share_token_hash):
        if invoice.link_expires_at is not None and now >= invoice.link_expires_at:
            raise Gone(LINK_EXPIRED)
        return
    if session.scalar(select(Invoice.id).where(Invoice.share_token_hash == digest)) is not None:
        raise Forbidden("This link is for another invoice.")
    raise Unauthorized("This invoice link is not valid; download the invoice from the family portal.")


def authorize_pdf(session: Session, invoice: Invoice, principal: Principal, token: str | None,
                  now: dt.datetime) -> None:
    """Staff with billing rights, the family's portal login, or this invoice's own link may read its PDF."""
    if token:
        _opened_by_token(session, invoice, token, now)
        return
    if principal.is_anonymous:
        raise Unauthorized()
    if not principal.has_any([FRONT_DESK, BILLER, CLIENT]):
        raise Forbidden(f"Your role ({principal.role}) may not read invoices.")
    families.check(principal, invoice.client_id)
