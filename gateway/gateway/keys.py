"""The gateway's Ed25519 signing keys. `python -m gateway.keys <dir>` writes private.pem / public.pem if missing."""
from __future__ import annotations

import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from servicekit import keyfiles


def _public_pem(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def new_private_key() -> str:
    """A fresh Ed25519 private key as PKCS#8 PEM."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


def public_key_of(private_pem: str) -> str:
    """The public key (SubjectPublicKeyInfo PEM) the services verify tokens with."""
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuntimeError("JWT_PRIVATE_KEY must be an Ed25519 private key (tokens are signed with EdDSA)")
    return _public_pem(key)


def ensure_keys(directory: Path) -> tuple[Path, Path]:
    """Create `private.pem` (0600) and `public.pem` in `directory` unless they exist; returns both paths."""
    return keyfiles.ensure_pair(directory / "private.pem", directory / "public.pem", new_private_key, public_key_of)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m gateway.keys <directory>", file=sys.stderr)
        return 2
    private, public = ensure_keys(Path(argv[0]))
    print(f"signing key: {private}\npublic key:  {public}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
