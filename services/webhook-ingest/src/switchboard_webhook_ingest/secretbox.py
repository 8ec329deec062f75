"""Provider secrets at rest: AES-256-GCM, a fresh nonce each time, bound to tenant and provider."""

from __future__ import annotations

import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = b"\x01"
NONCE_BYTES = 12
KEY_INFO = b"switchboard webhook-ingest provider secrets v1"


class SecretBoxError(Exception):
    """The stored secrets cannot be opened (wrong key or tampered row)."""


def derive_key(secret: bytes) -> bytes:
    """A 256-bit key of its own purpose, even when SECRETS_KEY is shared with other services."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_INFO).derive(secret)


class SecretBox:
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, secrets: list[str], *, tenant_id: str, provider: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        plaintext = json.dumps(secrets).encode()
        return VERSION + nonce + self._aead.encrypt(nonce, plaintext, _context(tenant_id, provider))

    def open(self, sealed: bytes, *, tenant_id: str, provider: str) -> list[str]:
        if not sealed.startswith(VERSION):
            raise SecretBoxError("unknown secret format")
        nonce, ciphertext = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
        try:
            plaintext = self._aead.decrypt(nonce, ciphertext, _context(tenant_id, provider))
        except InvalidTag as error:
            raise SecretBoxError("provider secrets cannot be decrypted") from error
        values = json.loads(plaintext)
        return [str(v) for v in values]


def _context(tenant_id: str, provider: str) -> bytes:
    return f"{tenant_id}\x1f{provider}".encode()
