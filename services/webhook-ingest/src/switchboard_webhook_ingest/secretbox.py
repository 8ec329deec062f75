"""Provider secrets at rest: sealed under SECRETS_KEY, bound to their tenant and provider."""

from __future__ import annotations

import json

from switchboard_shared.sealing import Sealer, SealError

VERSION = b"\x01"
PURPOSE = b"switchboard webhook-ingest provider secrets v1"


class SecretBoxError(Exception):
    """The stored secrets cannot be opened (wrong key or tampered row)."""


class SecretBox:
    def __init__(self, secrets_key: bytes) -> None:
        self._sealer = Sealer(secrets_key, PURPOSE)

    def seal(self, secrets: list[str], *, tenant_id: str, provider: str) -> bytes:
        plaintext = json.dumps(secrets).encode()
        return VERSION + self._sealer.seal(plaintext, _context(tenant_id, provider))

    def open(self, sealed: bytes, *, tenant_id: str, provider: str) -> list[str]:
        if not sealed.startswith(VERSION):
            raise SecretBoxError("unknown secret format")
        try:
            plaintext = self._sealer.open(sealed[len(VERSION) :], _context(tenant_id, provider))
        except SealError as error:
            raise SecretBoxError("provider secrets cannot be decrypted") from error
        return [str(v) for v in json.loads(plaintext)]


def _context(tenant_id: str, provider: str) -> bytes:
    return f"{tenant_id}\x1f{provider}".encode()
