"""Ed25519 signing keys: generation, encryption at rest (AES-256-GCM) and their public JWK."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from switchboard_shared.sealing import Sealer

KEY_ENCRYPTION_INFO = b"switchboard/gateway/signing-keys/v1"


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: Ed25519PrivateKey | None
    public_key: Ed25519PublicKey
    created_at: datetime | None = None
    retired_at: datetime | None = None
    expires_at: datetime | None = None

    @property
    def can_sign(self) -> bool:
        return self.private_key is not None and self.retired_at is None

    def public_jwk(self) -> dict[str, str]:
        raw = self.public_key.public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": base64.urlsafe_b64encode(raw).rstrip(b"=").decode(),
            "kid": self.kid,
            "alg": "EdDSA",
            "use": "sig",
        }


def new_signing_key() -> SigningKey:
    private = Ed25519PrivateKey.generate()
    return SigningKey(
        kid=secrets.token_urlsafe(12), private_key=private, public_key=private.public_key()
    )


class KeyCipher:
    """Seals private keys under SECRETS_KEY (see switchboard_shared.sealing); kid is the context."""

    def __init__(self, secret: bytes) -> None:
        self._sealer = Sealer(secret, KEY_ENCRYPTION_INFO)

    def seal(self, key: SigningKey) -> bytes:
        assert key.private_key is not None
        pem = key.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return self._sealer.seal(pem, key.kid.encode())

    def open(self, kid: str, sealed: bytes) -> Ed25519PrivateKey:
        pem = self._sealer.open(sealed, kid.encode())
        private = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(private, Ed25519PrivateKey):
            raise ValueError(f"signing key {kid} is not an Ed25519 key")
        return private


def public_pem(key: SigningKey) -> str:
    return key.public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_public_pem(pem: str) -> Ed25519PublicKey:
    public: Any = serialization.load_pem_public_key(pem.encode())
    if not isinstance(public, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return public
