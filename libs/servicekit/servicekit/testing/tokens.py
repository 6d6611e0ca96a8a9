"""Sign access tokens the way the gateway does, with a throwaway key pair."""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from servicekit.auth import ALGORITHM, access_claims


@dataclass(frozen=True)
class KeyPair:
    private_pem: str
    public_pem: str

    @classmethod
    def generate(cls) -> "KeyPair":
        key = Ed25519PrivateKey.generate()
        private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
        public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        return cls(private, public)


class TokenMinter:
    def __init__(self, keys: KeyPair, issuer: str = "therapy-gateway", audience: str = "therapy-api") -> None:
        self.keys, self.issuer, self.audience = keys, issuer, audience

    def token(self, role: str, *, ttl: int = 900, **claims: Any) -> str:
        body = access_claims(user_id=claims.pop("user_id", str(uuid.uuid4())), role=role,
                             issuer=self.issuer, audience=self.audience, now=int(time.time()), ttl=ttl,
                             token_id=str(uuid.uuid4()), **claims)
        return jwt.encode(body, self.keys.private_pem, algorithm=ALGORITHM)

    def headers(self, role: str, **claims: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, **claims)}"}
