"""What an uploaded image really is, read from its first bytes (never from its name or declared type)."""
from __future__ import annotations

from dataclasses import dataclass

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_START = b"\xff\xd8\xff"
# JPEG "start of frame" markers (they carry the size); C4, C8 and CC share the range but are not frames.
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_NO_LENGTH = frozenset(range(0xD0, 0xDA)) | {0x01}


@dataclass(frozen=True)
class Image:
    content_type: str
    width: int
    height: int


def _png(data: bytes) -> Image | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    return Image("image/png", int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big"))


def _jpeg(data: bytes) -> Image | None:
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker in _JPEG_NO_LENGTH:
            position += 2
            continue
        if marker in _JPEG_FRAMES:
            if position + 9 > len(data):
                return None
            height = int.from_bytes(data[position + 5:position + 7], "big")
            width = int.from_bytes(data[position + 7:position + 9], "big")
            return Image("image/jpeg", width, height)
        position += 2 + int.from_bytes(data[position + 2:position + 4], "big")
    return None


def identify(data: bytes) -> Image | None:
    """A PNG or JPEG image's type and size, or None for anything else (SVG, GIF, PDF, a renamed file)."""
    if data.startswith(PNG_SIGNATURE):
        return _png(data)
    if data.startswith(JPEG_START):
        return _jpeg(data)
    return None
