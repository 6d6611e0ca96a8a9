"""`center.updated` events as the gateway publishes them, a real tiny PNG, and a database of one's own for tests
that change the centre (the copy is one row: other tests of the service must not see another centre's name)."""
from __future__ import annotations

import base64
import struct
import uuid
import zlib
from typing import Any, Callable

from servicekit import migrations
from servicekit.config import Settings
from servicekit.messaging.envelope import Envelope
from servicekit.service import ServiceSpec
from servicekit.testing.events import event


def png(width: int = 2, height: int = 1) -> bytes:
    """A valid PNG image of `width` x `height` orange pixels."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\xff\x80\x00" * width for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def center_data(version: int, *, logo: bytes | None = None, **overrides: Any) -> dict[str, Any]:
    """The data of a `center.updated` event (the whole record); `logo` as raw PNG bytes."""
    data: dict[str, Any] = {
        "version": version, "name": f"Centre Les Petits Pas {uuid.uuid4().hex[:6]}",
        "address": "12 rue des Lilas\n69003 Lyon", "phone": "+33 4 72 00 00 00",
        "email": "accueil@petitspas.example", "language": "fr", "registration_number": "RCS Lyon 123 456 789",
        "vat_number": "FR12345678901", "timezone": "Europe/Paris", "updated_at": "2026-12-01T09:00:00+00:00",
        "logo": None if logo is None else {"content_type": "image/png", "sha256": "0" * 64,
                                           "data": base64.b64encode(logo).decode()}}
    data.update(overrides)
    return data


def center_event(version: int, **overrides: Any) -> Envelope:
    """A `center.updated` envelope from the gateway."""
    return event("center.updated", center_data(version, **overrides), producer="gateway")


def settings_on_fresh_database(spec: ServiceSpec, database_factory: Callable[[str], str],
                               **overrides: Any) -> Settings:
    """The service's settings on a migrated database no other test module uses."""
    url = database_factory(f"{spec.name}_{uuid.uuid4().hex[:8]}")
    migrations.upgrade(spec.package_dir, url)
    return spec.settings(database_url=url, log_format="text", **overrides)
