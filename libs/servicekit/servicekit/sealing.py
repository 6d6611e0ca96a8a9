"""Personal links travel sealed: only the notifications service can read them.

A quotation's share link, an invoice's PDF link, an activation or password-reset link act for whoever holds
them. They go from the service that makes them (sales, billing, the gateway) to the one that e-mails them
(notifications) inside an event — so through an outbox row, the broker's queues, dead-letter queues and any
copy of those. Sealed, none of these hold a usable link (security review, finding 2): the producer encrypts
the link to the notifications service's public key (HPKE, RFC 9180: X25519, HKDF-SHA256, ChaCha20-Poly1305,
from `cryptography`), and only that service holds the private key. A producer cannot open another's links.

    python -m servicekit.sealing <directory>   # writes sealing-private.pem (0600) / sealing-public.pem if missing
"""
from __future__ import annotations

import base64
import binascii
import sys
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from servicekit import keyfiles
from servicekit.errors import ServiceUnavailable

PREFIX = "sealed.v1."
_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)
_INFO = b"therapy-center personal link"
PRIVATE_FILE, PUBLIC_FILE = "sealing-private.pem", "sealing-public.pem"


class Unsealable(ValueError):
    """Not a sealed value, or sealed to another key, or tampered with."""


def seal(value: str, public_key_pem: str | None) -> str:
    """`value` readable only by the holder of the private key (a different text every time)."""
    if not public_key_pem:
        raise ServiceUnavailable("This service has no key to seal personal links with (LINK_SEALING_PUBLIC_KEY_FILE); "
                                 "it cannot send links until it has one.")
    key = serialization.load_pem_public_key(public_key_pem.encode())
    if not isinstance(key, X25519PublicKey):
        raise RuntimeError("LINK_SEALING_PUBLIC_KEY must be an X25519 public key")
    sealed = _SUITE.encrypt(value.encode("utf-8"), key, info=_INFO)
    return PREFIX + base64.urlsafe_b64encode(sealed).decode("ascii").rstrip("=")


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def unseal(value: str, private_key_pem: str | None) -> str:
    """The value `seal` was given; Unsealable when it cannot be read with this key."""
    if not private_key_pem:
        raise Unsealable("no private key to open sealed links with (LINK_SEALING_PRIVATE_KEY_FILE)")
    if not is_sealed(value):
        raise Unsealable("not a sealed value")
    key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    if not isinstance(key, X25519PrivateKey):
        raise RuntimeError("LINK_SEALING_PRIVATE_KEY must be an X25519 private key")
    body = value[len(PREFIX):]
    try:
        sealed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return _SUITE.decrypt(sealed, key, info=_INFO).decode("utf-8")
    except (binascii.Error, ValueError, InvalidTag) as exc:
        raise Unsealable("the sealed value cannot be opened with this key") from exc


def new_private_key() -> str:
    """A fresh X25519 private key as PKCS#8 PEM."""
    return X25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


def public_key_of(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    if not isinstance(key, X25519PrivateKey):
        raise RuntimeError("LINK_SEALING_PRIVATE_KEY must be an X25519 private key")
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def ensure_keys(directory: Path) -> tuple[Path, Path]:
    """Create the sealing key pair in `directory` unless it exists; returns (private, public) paths."""
    return keyfiles.ensure_pair(directory / PRIVATE_FILE, directory / PUBLIC_FILE, new_private_key, public_key_of)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m servicekit.sealing <directory>", file=sys.stderr)
        return 2
    private, public = ensure_keys(Path(argv[0]))
    print(f"opening key (notifications only): {private}\nsealing key (sales, billing, gateway): {public}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
