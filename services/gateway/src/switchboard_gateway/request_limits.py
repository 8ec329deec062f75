"""Request limits in fixed one-minute windows, counted in PostgreSQL so they hold across replicas:
the general limit per client address, and the limits per user and action.

A limiter counts one kind of bucket (an address, or a user doing one action). A replica takes
requests from the shared count in small leases (a twentieth of the limit) and spends them from
memory, so most requests cost no database round trip. Leases are counted when taken, so the
replicas together never admit more than the limit; a lease a replica does not use up only makes
the others refuse a little earlier. A replica that has been refused for a bucket refuses it from
memory until the window ends, so a flood costs no round trips either."""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolClosed, PoolTimeout

from switchboard_gateway.request_actions import Action
from switchboard_shared.errors import RateLimited

log = logging.getLogger(__name__)

WINDOW_SECONDS = 60
LEASES_PER_WINDOW = 20
MAX_REMEMBERED_BUCKETS = 10_000
UNAVAILABLE = (PoolClosed, PoolTimeout, psycopg.OperationalError, TimeoutError)

TAKE = """
INSERT INTO request_counts (bucket, window_start, requests)
VALUES (%(bucket)s, to_timestamp(floor(extract(epoch FROM now()) / %(window)s) * %(window)s),
    %(amount)s)
ON CONFLICT (bucket, window_start) DO UPDATE SET requests = request_counts.requests + %(amount)s
RETURNING requests,
    extract(epoch FROM window_start + make_interval(secs => %(window)s) - now()) AS remaining
"""
FORGET_OLD_WINDOWS = (
    "DELETE FROM request_counts WHERE window_start < now() - make_interval(secs => %s)"
)


def hashed_bucket(kind: str, key: str) -> str:
    """The table never holds an address or a user id, only its hash under the bucket's kind."""
    return f"{kind}:" + hashlib.sha256(key.encode()).hexdigest()[:40]


class RequestCounts(Protocol):
    async def take(self, bucket: str, amount: int) -> tuple[int, float]:
        """Adds `amount` to the bucket's count in the current window; returns the new count
        and the seconds left in the window."""
        ...


class PostgresRequestCounts:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def take(self, bucket: str, amount: int) -> tuple[int, float]:
        params = {"bucket": bucket, "window": WINDOW_SECONDS, "amount": amount}
        async with self._pool.connection() as conn:
            row: Any = await (await conn.execute(TAKE, params)).fetchone()
            if row["requests"] == amount:  # the first lease of a window sweeps expired windows
                await conn.execute(FORGET_OLD_WINDOWS, (2 * WINDOW_SECONDS,))
            return int(row["requests"]), float(row["remaining"])


@dataclass
class Lease:
    left: int
    until: float  # monotonic end of the window it was taken in


class RequestLimiter:
    """At most `per_minute` requests a window for each key (an address, a user) of one kind."""

    def __init__(
        self,
        counts: RequestCounts,
        per_minute: int,
        *,
        kind: str = "address",
        what: str = "requests",
    ) -> None:
        self._counts = counts
        self._limit = per_minute
        self._kind = kind
        self._what = what
        self._batch = max(1, per_minute // LEASES_PER_WINDOW)
        self._leases: dict[str, Lease] = {}

    async def admit(self, key: str) -> None:
        """Spends one request; raises RateLimited with the seconds until the window ends.

        A database that does not answer admits the request (the route then answers for itself).
        """
        bucket = hashed_bucket(self._kind, key)
        lease = self._leases.get(bucket)
        now = time.monotonic()
        if lease is None or lease.until <= now or (lease.left == 0 and not self._refused(lease)):
            try:
                lease = await self._lease(bucket, now)
            except UNAVAILABLE as error:
                log.warning("request limit not checked, database down: %s", type(error).__name__)
                return
        if lease.left <= 0:
            wait = max(1, math.ceil(lease.until - now))
            raise RateLimited(f"more than {self._limit} {self._what} a minute", retry_after=wait)
        lease.left -= 1

    def _refused(self, lease: Lease) -> bool:
        return lease.left < 0

    async def _lease(self, bucket: str, now: float) -> Lease:
        count, remaining = await self._counts.take(bucket, self._batch)
        granted = min(self._batch, self._limit - (count - self._batch))
        lease = Lease(left=granted if granted > 0 else -1, until=now + max(remaining, 0.0))
        self._remember(bucket, lease, now)
        return lease

    def _remember(self, bucket: str, lease: Lease, now: float) -> None:
        if len(self._leases) >= MAX_REMEMBERED_BUCKETS:
            self._leases = {b: held for b, held in self._leases.items() if held.until > now}
        if len(self._leases) < MAX_REMEMBERED_BUCKETS:
            self._leases[bucket] = lease


class UserActionLimiter:
    """At most so many requests a window for each user and action, one limiter per action."""

    def __init__(self, counts: RequestCounts, per_minute: Mapping[Action, int]) -> None:
        self._limiters = {
            action: RequestLimiter(counts, limit, kind=f"user-{action}", what=f"{action} requests")
            for action, limit in per_minute.items()
        }

    async def admit(self, user_id: str, action: Action) -> None:
        await self._limiters[action].admit(user_id)
