"""Links that act for their recipient (a quotation's share link, an activation link, one-click confirm / cancel):
kept apart from the text of a message, only until the message is sent.

The delivery log keeps every message for years and shows it to the front desk, the biller and the family's
other guardian; a live link in that copy lets them open a quotation, activate an account or confirm a session
as the recipient (security review, finding 2). So when a message is logged, each such link in its text becomes
a marker and the links go to a column of their own; the dispatcher puts them back into the text it sends; once
the provider accepted the message the links (and the template variables, which hold them too) are wiped. A
failed message keeps them for "Resend". Whoever reads the log sees a notice in place of each link.
"""
from __future__ import annotations

import logging
import re
from typing import Any

from servicekit import sealing

log = logging.getLogger(__name__)

# A link carrying a secret: a query string (?access_token=, ?token=) or a long opaque path segment (/r/<token>).
_URL = re.compile(r"https?://[^\s<>\"')]*[^\s<>\"').,;:!?]")  # a sentence's full stop is not the link's
_OPAQUE_SEGMENT = re.compile(r"/[A-Za-z0-9_.~-]{20,}")
_MARKER = re.compile(r"⟦link (\d+)⟧")
HIDDEN = "[personal link: it works for its recipient only]"


def opened(data: dict[str, Any], private_key: str | None, *names: str) -> dict[str, Any]:
    """An event's body with its sealed links (`names`) opened: producers seal them to our key, so that no
    outbox row, queue or dead letter holds a usable link (servicekit.sealing). A key that cannot open one
    raises: the event waits in the retry and dead-letter queues until the key is right, nothing is mailed."""
    result = dict(data)
    for name in names:
        value = result.get(name)
        if sealing.is_sealed(value):
            result[name] = sealing.unseal(value, private_key)
        elif value:
            log.warning("event field %s arrived unsealed (a producer from before links were sealed)", name)
    return result


def acts_for_recipient(url: str) -> bool:
    return "?" in url or bool(_OPAQUE_SEGMENT.search(url.split("://", 1)[1]))


def seal(text: str) -> tuple[str, list[str]]:
    """The text with each personal link replaced by a marker, and the links in their order."""
    links: list[str] = []

    def mark(match: re.Match[str]) -> str:
        url = match.group(0)
        if not acts_for_recipient(url):
            return url
        links.append(url)
        return f"⟦link {len(links)}⟧"
    return _URL.sub(mark, text or ""), links


def unseal(text: str, links: list[str] | None) -> str:
    """The text to send: the markers replaced by their links."""
    return _MARKER.sub(lambda m: (links or [])[int(m.group(1)) - 1] if int(m.group(1)) <= len(links or []) else HIDDEN,
                       text)


def shown(text: str) -> str:
    """The text a person may read in the log: markers, and any personal link logged before sealing, hidden."""
    text = _MARKER.sub(HIDDEN, text or "")
    return _URL.sub(lambda m: HIDDEN if acts_for_recipient(m.group(0)) else m.group(0), text)
