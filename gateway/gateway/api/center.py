"""/api/v1/center: the centre's details and logo (anyone reads them; only an org_admin changes them)."""
from __future__ import annotations

import base64
import binascii

from flask import Response, request
from flask_smorest import Blueprint

from servicekit.auth import ORG_ADMIN, PUBLIC, access, current_principal
from servicekit.db import request_session, unit_of_work
from servicekit.errors import field_error

from gateway import center
from gateway.config import current_settings
from gateway.schemas import CenterIn, CenterOut, LogoIn

blp = Blueprint("center", __name__, description="The centre's details, printed on documents and signed on messages")


@blp.route("/center", methods=["GET"])
@access(PUBLIC)
@blp.response(200, CenterOut)
def get_center():
    """The centre's details, as families may see them."""
    settings = current_settings()
    return center.public(center.current(request_session(), settings), settings)


@blp.route("/center", methods=["PUT"])
@access(ORG_ADMIN)
@blp.arguments(CenterIn)
@blp.response(200, CenterOut)
def replace_center(data):
    """Replace the centre's details; every service printing or sending them follows."""
    settings = current_settings()
    with unit_of_work() as session:
        return center.public(center.update(session, data, current_principal(), settings), settings)


@blp.route("/center/logo", methods=["GET"])
@access(PUBLIC)
@blp.response(200, {"type": "string", "format": "binary"}, content_type="image/png",
              description="The logo (PNG or JPEG)")
@blp.alt_response(404, description="The centre has no logo")
def get_logo():
    """The centre's logo image."""
    content, content_type, digest = center.stored_logo(request_session())
    etag = f'"{digest[:32]}"'
    if etag in request.headers.get("If-None-Match", ""):
        return Response(status=304, headers={"ETag": etag})
    return Response(content, mimetype=content_type, headers={
        "ETag": etag, "Cache-Control": "public, max-age=300", "Content-Disposition": "inline; filename=logo",
        "X-Content-Type-Options": "nosniff"})


@blp.route("/center/logo", methods=["PUT"])
@access(ORG_ADMIN)
@blp.arguments(LogoIn)
@blp.response(200, CenterOut)
def replace_logo(data):
    """Replace the logo: a PNG or JPEG image (base64), checked by its content, at most 256 KB."""
    try:
        image = base64.b64decode(data["image"], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise field_error("image", "The image must be sent base64-encoded.") from exc
    settings = current_settings()
    with unit_of_work() as session:
        return center.public(center.set_logo(session, image, current_principal(), settings), settings)


@blp.route("/center/logo", methods=["DELETE"])
@access(ORG_ADMIN)
@blp.response(200, CenterOut)
def delete_logo():
    """Remove the logo: documents print the centre's name alone."""
    settings = current_settings()
    with unit_of_work() as session:
        return center.public(center.remove_logo(session, current_principal(), settings), settings)
