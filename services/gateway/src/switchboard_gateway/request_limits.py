"""The general request limit: requests per client address in fixed one-minute windows, counted
in PostgreSQL so the limit holds across replicas. A replica that has seen an address go over
refuses it from memory until the window ends, so a flood costs no database round trips."""

from __future__ import annotations

import hashlib
import logging
import math
import time
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolClosed, PoolTimeout

from switchboard_shared.errors import RateLimited

log = logging.getLogger(__name__)

WINDOW_SECONDS = 60
MAX_REMEMBERED_BLOCKS = 10_000
UNAVAILABLE = (PoolClosed, PoolTimeout, psycopg.OperationalError, TimeoutError)

COUNT = """
INSERT INTO request_counts (bucket, window_start)
VALUES (%(bucket)s, to_timestamp(floor(extract(epoch FROM now()) / %(window)s) * %(window)s))
ON CONFLICT (bucket, window_start) DO UPDATE SET requests = request_counts.requests + 1
RETURNING requests,
    extract(epoch FROM window_start + make_interval(secs => %(window)s) - now()) AS remaining
"""
FORGET_OLD_WINDOWS = (
    "DELETE FROM request_counts WHERE window_start < now() - make_interval(secs => %s)"
)


def address_bucket(address: str) -> str:
    return "address:" + hashlib.sha256(address.encode()).hexdigest()[:40]


class RequestLimiter:
    def __init__(self, pool: AsyncConnectionPool, per_minute: int) -> None:
        self._pool = pool
        self._limit = per_minute
        self._blocked_until: dict[str, float] = {}

    async def admit(self, address: str) -> None:
        """Counts one request; raises RateLimited with the seconds until the window ends.

        A database that does not answer admits the request (the route then answers for itself).
        """
        bucket = address_bucket(address)
        self._refuse_if_blocked(bucket)
        try:
            requests, remaining = await self._count(bucket)
        except UNAVAILABLE as error:
            log.warning("request limit not checked, database unavailable: %s", type(error).__name__)
            return
        if requests > self._limit:
            wait = max(1, math.ceil(remaining))
            self._remember_block(bucket, wait)
            raise RateLimited(f"more than {self._limit} requests a minute", retry_after=wait)

    def _refuse_if_blocked(self, bucket: str) -> None:
        until = self._blocked_until.get(bucket)
        if until is None:
            return
        left = until - time.monotonic()
        if left <= 0:
            del self._blocked_until[bucket]
            return
        raise RateLimited(
            f"more than {self._limit} requests a minute", retry_after=max(1, math.ceil(left))
        )

    def _remember_block(self, bucket: str, seconds: int) -> None:
        if len(self._blocked_until) >= MAX_REMEMBERED_BLOCKS:
            now = time.monotonic()
            self._blocked_until = {b: t for b, t in self._blocked_until.items() if t > now}
        if len(self._blocked_until) < MAX_REMEMBERED_BLOCKS:
            self._blocked_until[bucket] = time.monotonic() + seconds

    async def _count(self, bucket: str) -> tuple[int, float]:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(COUNT, {"bucket": bucket, "window": WINDOW_SECONDS})
            row: Any = await cursor.fetchone()
            if row["requests"] == 1:  # the first request of a window sweeps expired windows
                await conn.execute(FORGET_OLD_WINDOWS, (2 * WINDOW_SECONDS,))
            return int(row["requests"]), float(row["remaining"])
