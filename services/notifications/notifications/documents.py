"""PDFs attached to e-mails: the share-link tokens we were given, and fetching the PDF at send time.

A token is kept sealed (servicekit.sealing) as long as it is kept — an invoice's, until its payment receipt is
sent, maybe months: a copy of this database or of its backups holds no usable link."""
from __future__ import annotations

from urllib.parse import parse_qs, quote, urlparse

import requests
from sqlalchemy.orm import Session

from servicekit import sealing

from notifications.config import NotificationsSettings
from notifications.models import SharedDocument

PDF_PATHS = {"quotation": "quotations", "invoice": "invoices"}


class FetchError(Exception):
    """The PDF could not be fetched (the message is retried like an SMTP failure)."""


def token_of(url: str | None) -> str | None:
    """The access_token of a share link such as https://…/q/<id>?access_token=…"""
    if not url:
        return None
    return (parse_qs(urlparse(url).query).get("access_token") or [None])[0]


def remember(session: Session, settings: NotificationsSettings, doc_type: str, doc_id: str, url: str | None, *,
             number: str = "", email: str | None = None, name: str = "") -> SharedDocument | None:
    """Keep the token of a document's share link (and who it was sent to); None when the URL has none."""
    token = token_of(url)
    if token is None:
        return None
    row = session.get(SharedDocument, (doc_type, doc_id), with_for_update=True)
    if row is None:
        row = SharedDocument(doc_type=doc_type, doc_id=doc_id)
        session.add(row)
    row.access_token = sealing.seal(token, sealing.public_key_of(settings.link_sealing_private_key or ""))
    row.number = number or row.number or ""
    row.recipient_email = email or row.recipient_email
    row.recipient_name = name or row.recipient_name or ""
    session.flush()
    return row


def known(session: Session, doc_type: str, doc_id: str) -> SharedDocument | None:
    """The share link we hold for a document, if any."""
    return session.get(SharedDocument, (doc_type, doc_id))


def ref(doc_type: str, doc_id: str) -> str:
    """What a delivery-log row stores to find its attachment at send time: 'invoice/<id>'."""
    return f"{doc_type}/{doc_id}"


def pdf_url(session: Session, settings: NotificationsSettings, attachment_ref: str) -> str:
    """The internal URL of an attachment's PDF (sales or billing, with the document's own token)."""
    doc_type, _, doc_id = attachment_ref.partition("/")
    row = known(session, doc_type, doc_id)
    if row is None or doc_type not in PDF_PATHS:
        raise FetchError(f"no share link known for {attachment_ref}")
    base = settings.sales_url if doc_type == "quotation" else settings.billing_url
    token = row.access_token  # kept in clear before tokens were sealed
    if sealing.is_sealed(token):
        token = sealing.unseal(token, settings.link_sealing_private_key)
    return f"{base}/api/v1/{PDF_PATHS[doc_type]}/{doc_id}/pdf?access_token={quote(token, safe='')}"


def fetch(settings: NotificationsSettings, url: str, correlation_id: str | None = None) -> bytes:
    """GET the PDF (with timeouts, no proxies from the environment); FetchError when it is not a PDF."""
    headers = {"Accept": "application/pdf"}
    if correlation_id:
        headers["X-Request-ID"] = correlation_id
    safe_url = url.split("?", 1)[0]  # never log the token
    try:
        with requests.Session() as http:
            http.trust_env = False
            answer = http.get(url, headers=headers, timeout=(3.0, settings.fetch_timeout))
    except requests.RequestException as exc:
        raise FetchError(f"fetching {safe_url} failed: {exc.__class__.__name__}") from exc
    if answer.status_code != 200 or not answer.content.startswith(b"%PDF"):
        raise FetchError(f"fetching {safe_url} answered HTTP {answer.status_code}, not a PDF")
    return answer.content
