"""Secrets at rest: AES-256-GCM under a key derived (HKDF-SHA256) from SECRETS_KEY per purpose.

Each purpose gets a key of its own, so one SECRETS_KEY can serve several services; the context
(for example a tenant and provider, or a key id) is authenticated, so a sealed value cannot be
moved to another row.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12


class SealError(Exception):
    """The sealed value cannot be opened: another key, another context, or tampered."""


class Sealer:
    def __init__(self, secrets_key: bytes, purpose: bytes) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose)
        self._aead = AESGCM(derived.derive(secrets_key))

    def seal(self, plaintext: bytes, context: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, context)

    def open(self, sealed: bytes, context: bytes) -> bytes:
        try:
            return self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context)
        except InvalidTag as error:
            raise SealError("sealed value cannot be opened") from error
