"""The log's checkpoint keys: Ed25519, named after the log's origin, private half sealed at rest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from switchboard_shared.sealing import Sealer, SealError
from switchboard_shared.signed_note import NoteSigner, NoteVerifier, raw_public

SEALING_PURPOSE = b"switchboard/audit/checkpoint-keys/v1"


@dataclass(frozen=True)
class StoredKey:
    key_id: str  # hex, as in the verifier key
    name: str
    public_key: bytes
    sealed_private_key: bytes
    created_at: datetime | None = None
    retired_at: datetime | None = None

    @property
    def verifier(self) -> NoteVerifier:
        return NoteVerifier(self.name, self.public_key)


class KeyVault:
    """Seals and opens private keys under SECRETS_KEY; the key id is the sealed context."""

    def __init__(self, secrets_key: bytes) -> None:
        self._sealer = Sealer(secrets_key, SEALING_PURPOSE)

    def new_key(self, name: str) -> StoredKey:
        private = Ed25519PrivateKey.generate()
        verifier = NoteVerifier(name, raw_public(private.public_key()))
        raw = private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        sealed = self._sealer.seal(raw, verifier.key_id.hex().encode())
        return StoredKey(verifier.key_id.hex(), name, verifier.public_key, sealed)

    def signer(self, key: StoredKey) -> NoteSigner:
        """The key's signer; SealError if it was not sealed here or its halves do not match."""
        raw = self._sealer.open(key.sealed_private_key, key.key_id.encode())
        private = Ed25519PrivateKey.from_private_bytes(raw)
        signer = NoteSigner(key.name, private)
        if signer.verifier != key.verifier or signer.verifier.key_id.hex() != key.key_id:
            raise SealError(f"key {key.key_id}: the sealed private key is not its public key's")
        return signer

    def genuine(self, key: StoredKey) -> bool:
        """True when the listed key's private half opens under SECRETS_KEY and matches."""
        try:
            self.signer(key)
        except (SealError, ValueError):
            return False
        return True
