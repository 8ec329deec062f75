"""Per-tenant rate limiting held in PostgreSQL, leased in small batches, plus cached secrets.

The token bucket of each tenant lives in one database row shared by every replica. A replica
takes tokens from it a batch at a time (about 1/20 of a second's worth) and spends them locally
for at most a second, so the hot row is written once per batch rather than once per webhook.
The overshoot across replicas is bounded by one batch per replica.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from switchboard_shared.errors import RateLimited
from switchboard_webhook_ingest.domain import WebhookToken
from switchboard_webhook_ingest.store import Store

LEASE_SECONDS = 1.0
SECRETS_TTL_SECONDS = 5.0
BATCHES_PER_SECOND = 20


@dataclass
class _Lease:
    remaining: int
    bucket_tokens: float
    expires: float


@dataclass(frozen=True)
class _Sealed:
    value: bytes | None
    expires: float


class AdmissionControl:
    def __init__(
        self,
        store: Store,
        *,
        rate_per_second: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self.rate = rate_per_second
        self.burst = burst
        self._batch = max(1, min(burst, int(rate_per_second // BATCHES_PER_SECOND)))
        self._clock = clock
        self._leases: dict[str, _Lease] = {}
        self._sealed: dict[tuple[str, str], _Sealed] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def admit(self, token: WebhookToken, touch: bool) -> bytes | None:
        """Spends one token of the tenant's bucket and returns the provider's sealed secrets."""
        async with self._locks.setdefault(token.tenant_id, asyncio.Lock()):
            lease, sealed = await self._refresh(token, touch)
            if lease.remaining <= 0:
                wait = max(1, math.ceil((1 - lease.bucket_tokens) / self.rate))
                raise RateLimited("too many webhooks for this tenant", retry_after=wait)
            lease.remaining -= 1
            return sealed

    def forget_secrets(self, tenant_id: str, provider: str) -> None:
        self._sealed.pop((tenant_id, provider), None)

    async def _refresh(self, token: WebhookToken, touch: bool) -> tuple[_Lease, bytes | None]:
        now = self._clock()
        lease = self._leases.get(token.tenant_id)
        sealed = self._sealed.get((token.tenant_id, token.provider.value))
        lease_spent = lease is None or lease.remaining <= 0 or lease.expires <= now
        fresh = sealed is not None and sealed.expires > now and not touch
        if lease is not None and sealed is not None and fresh and not lease_spent:
            return lease, sealed.value
        want = self._batch if lease_spent else 0
        answer = await self._store.admit(token, self.rate, self.burst, want, touch)
        if lease_spent or lease is None:
            lease = _Lease(answer.granted, answer.tokens, now + LEASE_SECONDS)
            self._leases[token.tenant_id] = lease
        self._sealed[(token.tenant_id, token.provider.value)] = _Sealed(
            answer.sealed, now + SECRETS_TTL_SECONDS
        )
        return lease, answer.sealed
