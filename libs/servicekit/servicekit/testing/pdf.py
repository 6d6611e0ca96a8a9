"""Reading the text of the PDFs the services render, to assert on what a person would see."""
from __future__ import annotations

import base64
import re
import shutil
import subprocess
import zlib


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF: pdftotext (poppler-utils) when installed, else reportlab's streams unpacked."""
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True,
                              timeout=30).stdout.decode()
    parts = [pdf]
    for stream in re.findall(rb"ASCII85Decode /FlateDecode \].*?stream\r?\n(.*?)~>", pdf, re.S):
        parts.append(_unescape(zlib.decompress(base64.a85decode(stream.strip()))))
    # reportlab writes the standard fonts' text in WinAnsi (cp1252): an em dash is the byte 0x97.
    return "\n".join(part.decode("cp1252", errors="replace") for part in parts)


def _unescape(content: bytes) -> bytes:
    """PDF string escapes undone: octal bytes (\\227) and escaped delimiters (\\( \\) \\\\)."""
    return re.sub(rb"\\([0-7]{1,3}|.)", lambda m: bytes([int(m[1], 8)]) if m[1][:1].isdigit() else m[1],
                  content)
