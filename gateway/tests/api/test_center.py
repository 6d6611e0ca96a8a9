"""/api/v1/center: anyone reads the centre's details, only an org_admin changes them, each change is published."""
import base64
import dataclasses
import struct
import uuid
import zlib

import pytest

from servicekit import migrations
from servicekit.db import Database

from gateway import center

from ..helpers import outbox_events


def png(width=2, height=1):
    """A real (tiny) PNG image."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\xff\x80\x00" * width for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def jpeg_header(width=640, height=480):
    """The first segments of a JPEG: start, an APP0 segment, then the frame giving the size."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + frame + b"\xff\xd9"


def details(**overrides):
    body = {"name": f"Les Petits Pas {uuid.uuid4().hex[:6]}", "address": "12 rue des Lilas\n69003 Lyon",
            "phone": "+33 4 72 00 00 00", "email": "accueil@petitspas.example", "language": "fr",
            "registration_number": "RCS Lyon 123 456 789", "vat_number": "FR12345678901"}
    body.update(overrides)
    return body


def encoded(data):
    return {"image": base64.b64encode(data).decode()}


def test_anyone_reads_the_centre_with_the_deployments_time_zone(client, settings):
    resp = client.get("/api/v1/center")
    assert resp.status_code == 200
    assert resp.json["timezone"] == settings.center_timezone and resp.json["name"]
    assert set(resp.json) >= {"name", "address", "phone", "email", "language", "registration_number",
                              "vat_number", "logo_url", "version"}


def test_an_org_admin_replaces_the_details_and_the_whole_record_is_published(client, db, tokens):
    before = client.get("/api/v1/center").json["version"]
    body = details()
    resp = client.put("/api/v1/center", json=body, headers=tokens.headers("org_admin"))
    assert resp.status_code == 200, resp.json
    assert {k: resp.json[k] for k in body} == body and resp.json["version"] == before + 1
    assert client.get("/api/v1/center").json["name"] == body["name"]
    [published] = outbox_events(db, "center.updated", name=body["name"])
    assert published["data"]["version"] == before + 1 and published["data"]["timezone"] == "Europe/Paris"
    assert {k: published["data"][k] for k in body} == body


def test_each_change_takes_the_next_version(client, tokens):
    first = client.put("/api/v1/center", json=details(), headers=tokens.headers("org_admin")).json["version"]
    second = client.put("/api/v1/center", json=details(), headers=tokens.headers("org_admin")).json["version"]
    assert second == first + 1


@pytest.mark.parametrize("role", ["admin", "front_desk", "biller", "therapist", "client"])
def test_only_an_org_admin_may_change_the_centre(client, tokens, role):
    assert client.put("/api/v1/center", json=details(), headers=tokens.headers(role)).status_code == 403
    assert client.put("/api/v1/center/logo", json=encoded(png()), headers=tokens.headers(role)).status_code == 403
    assert client.delete("/api/v1/center/logo", headers=tokens.headers(role)).status_code == 403


def test_anonymous_callers_may_not_change_the_centre(client):
    assert client.put("/api/v1/center", json=details()).status_code == 401


def test_bad_details_are_422_naming_each_field_and_nothing_is_published(client, db, tokens):
    name = f"Never {uuid.uuid4().hex[:6]}"
    resp = client.put("/api/v1/center", headers=tokens.headers("org_admin"), json=details(
        name=name, email="not an address", timezone="Mars/Olympus", language="de", phone="call us maybe",
        address="x" * 501, vat_number="V" * 51))
    assert resp.status_code == 422
    assert set(resp.json["errors"]) == {"email", "timezone", "language", "phone", "address", "vat_number"}
    assert "IANA" in resp.json["errors"]["timezone"][0]
    assert outbox_events(db, "center.updated", name=name) == []


def test_a_blank_name_is_refused_and_blank_contact_fields_are_fine(client, tokens):
    blank = client.put("/api/v1/center", json=details(name="   "), headers=tokens.headers("org_admin"))
    assert blank.status_code == 422 and list(blank.json["errors"]) == ["name"]
    two_lines = client.put("/api/v1/center", json=details(name="Centre\nBcc: x@example.org"),
                           headers=tokens.headers("org_admin"))  # it would break every e-mail's From: header
    assert two_lines.status_code == 422 and "one line" in two_lines.json["errors"]["name"][0]
    bare = client.put("/api/v1/center", json={"name": "Bare centre"}, headers=tokens.headers("org_admin"))
    assert bare.status_code == 200 and bare.json["email"] == "" and bare.json["language"] == "en"


def test_the_time_zone_may_be_restated_but_never_changed(client, tokens, settings):
    same = client.put("/api/v1/center", json=details(timezone=settings.center_timezone),
                      headers=tokens.headers("org_admin"))
    assert same.status_code == 200
    moved = client.put("/api/v1/center", json=details(timezone="America/New_York"),
                       headers=tokens.headers("org_admin"))
    assert moved.status_code == 422 and "CENTER_TIMEZONE" in moved.json["errors"]["timezone"][0]


def test_a_png_logo_is_stored_served_and_published_with_its_bytes(client, db, tokens):
    image = png(3, 2)
    resp = client.put("/api/v1/center/logo", json=encoded(image), headers=tokens.headers("org_admin"))
    assert resp.status_code == 200, resp.json
    assert "/api/v1/center/logo?v=" in resp.json["logo_url"]
    served = client.get("/api/v1/center/logo")
    assert served.status_code == 200 and served.data == image and served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/api/v1/center/logo", headers={"If-None-Match": served.headers["ETag"]}).status_code == 304
    [published] = outbox_events(db, "center.updated", version=resp.json["version"])
    assert base64.b64decode(published["data"]["logo"]["data"]) == image
    assert published["data"]["logo"]["content_type"] == "image/png"


def test_a_jpeg_logo_is_recognised_by_its_bytes(client, tokens):
    resp = client.put("/api/v1/center/logo", json=encoded(jpeg_header()), headers=tokens.headers("org_admin"))
    assert resp.status_code == 200, resp.json
    assert client.get("/api/v1/center/logo").mimetype == "image/jpeg"


@pytest.mark.parametrize("content", [
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    b"%PDF-1.7 not a picture",
    b"just some text named logo.png",
    b"\x89PNG\r\n\x1a\n truncated",
])
def test_anything_but_a_png_or_jpeg_is_refused_whatever_it_claims(client, tokens, content):
    resp = client.put("/api/v1/center/logo", json=encoded(content), headers=tokens.headers("org_admin"))
    assert resp.status_code == 422 and list(resp.json["errors"]) == ["image"]


def test_an_oversized_or_undecodable_logo_is_refused(client, tokens):
    big = png() + b"\x00" * (center.LOGO_MAX_BYTES + 1)
    too_big = client.put("/api/v1/center/logo", json=encoded(big), headers=tokens.headers("org_admin"))
    assert too_big.status_code == 422 and "KB" in too_big.json["errors"]["image"][0]
    huge = client.put("/api/v1/center/logo", json=encoded(png(5000, 1)), headers=tokens.headers("org_admin"))
    assert huge.status_code == 422 and "pixels" in huge.json["errors"]["image"][0]
    garbled = client.put("/api/v1/center/logo", json={"image": "not base64!"}, headers=tokens.headers("org_admin"))
    assert garbled.status_code == 422 and list(garbled.json["errors"]) == ["image"]


def test_removing_the_logo_publishes_a_record_without_it(client, db, tokens):
    client.put("/api/v1/center/logo", json=encoded(png()), headers=tokens.headers("org_admin"))
    resp = client.delete("/api/v1/center/logo", headers=tokens.headers("org_admin"))
    assert resp.status_code == 200 and resp.json["logo_url"] is None
    assert client.get("/api/v1/center/logo").status_code == 404
    [published] = outbox_events(db, "center.updated", version=resp.json["version"])
    assert published["data"]["logo"] is None
    assert client.delete("/api/v1/center/logo", headers=tokens.headers("org_admin")).status_code == 404


@pytest.fixture()
def fresh_db(database_factory, spec):
    url = database_factory(f"gateway_center_{uuid.uuid4().hex[:8]}")
    migrations.upgrade(spec.package_dir, url)
    database = Database(url, "gateway")
    yield database
    database.dispose()


def test_the_record_is_seeded_once_from_the_environment_without_an_event(fresh_db, settings):
    config = dataclasses.replace(settings, center_name="Centre Arc-en-ciel", center_language="fr")
    assert center.ensure_center(config, fresh_db) is True
    assert center.ensure_center(dataclasses.replace(config, center_name="Another"), fresh_db) is False
    with fresh_db.transaction() as session:
        stored = center.current(session, config)
        assert (stored.name, stored.language, stored.version) == ("Centre Arc-en-ciel", "fr", 1)
    # Nothing to announce (the services read the same environment), and nothing to lose: migrations run before
    # any consumer's queue exists, so an event now would be routed nowhere.
    assert outbox_events(fresh_db, "center.updated") == []
