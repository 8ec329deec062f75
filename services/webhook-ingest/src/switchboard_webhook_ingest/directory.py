"""Which tenant a webhook token belongs to: cached in memory, overruled by bus revocations."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from switchboard_shared.auth.revocations import RevocationList
from switchboard_shared.errors import Unauthorized
from switchboard_webhook_ingest.domain import WebhookToken, token_hash
from switchboard_webhook_ingest.store import Store

MAX_ENTRIES = 50_000
UNKNOWN_TTL_SECONDS = 2.0
TOUCH_EVERY_SECONDS = 60.0
MAX_TOKEN_LENGTH = 200


@dataclass(frozen=True)
class _Entry:
    token: WebhookToken | None
    expires: float


class TokenDirectory:
    def __init__(
        self,
        store: Store,
        revocations: RevocationList,
        *,
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._revocations = revocations
        self._ttl = ttl
        self._clock = clock
        self._entries: dict[bytes, _Entry] = {}
        self._touched: dict[str, float] = {}

    async def resolve(self, token: str | None) -> WebhookToken:
        """The active token, or 401; a revocation learned from the bus wins over any cache."""
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise Unauthorized("a valid webhook token is required", code="invalid_token")
        found = await self._lookup(token_hash(token))
        if (
            found is None
            or not found.active
            or self._revocations.is_webhook_token_revoked(found.id)
        ):
            raise Unauthorized("a valid webhook token is required", code="invalid_token")
        return found

    def forget(self, token_id: str) -> None:
        for key in [k for k, e in self._entries.items() if e.token and e.token.id == token_id]:
            del self._entries[key]

    def due_for_touch(self, token_id: str) -> bool:
        """At most once a minute per token and replica: `last_used_at` without a write per call."""
        now = self._clock()
        if now - self._touched.get(token_id, float("-inf")) < TOUCH_EVERY_SECONDS:
            return False
        self._touched[token_id] = now
        return True

    async def _lookup(self, key: bytes) -> WebhookToken | None:
        now = self._clock()
        entry = self._entries.get(key)
        if entry is not None and entry.expires > now:
            return entry.token
        found = await self._store.find_token(key)
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.pop(next(iter(self._entries)))
        self._entries[key] = _Entry(found, now + (self._ttl if found else UNKNOWN_TTL_SECONDS))
        return found
