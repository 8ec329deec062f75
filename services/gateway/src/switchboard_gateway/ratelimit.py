"""Failed sign-ins counted per address and per account in PostgreSQL, so limits hold across
replicas. Buckets are hashed: the table never holds an e-mail address or an IP address."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from psycopg_pool import AsyncConnectionPool

from switchboard_gateway.domain import normalise_email
from switchboard_gateway.request_limits import hashed_bucket
from switchboard_shared.errors import RateLimited


@dataclass(frozen=True)
class LoginLimits:
    per_address: int
    per_account: int
    window_seconds: int


class LoginLimiter:
    def __init__(self, pool: AsyncConnectionPool, limits: LoginLimits) -> None:
        self._pool = pool
        self._limits = limits

    def _buckets(self, address: str | None, email: str) -> list[tuple[str, int]]:
        buckets = [(hashed_bucket("account", normalise_email(email)), self._limits.per_account)]
        if address:
            buckets.append((hashed_bucket("address", address), self._limits.per_address))
        return buckets

    async def check(self, address: str | None, email: str) -> None:
        """Raises RateLimited (with the seconds until the oldest counted failure ages out)."""
        async with self._pool.connection() as conn:
            for bucket, limit in self._buckets(address, email):
                cursor = await conn.execute(
                    "SELECT count(*) AS n, extract(epoch FROM min(attempted_at)"
                    " + make_interval(secs => %s) - now()) AS wait FROM login_attempts"
                    " WHERE bucket = %s AND attempted_at > now() - make_interval(secs => %s)",
                    (self._limits.window_seconds, bucket, self._limits.window_seconds),
                )
                row: Any = await cursor.fetchone()
                if row is not None and row["n"] >= limit:
                    wait = max(1, math.ceil(float(row["wait"] or 1)))
                    raise RateLimited("too many failed sign-ins; try again later", retry_after=wait)

    async def record_failure(self, address: str | None, email: str) -> None:
        async with self._pool.connection() as conn, conn.transaction():
            for bucket, _ in self._buckets(address, email):
                await conn.execute(
                    "DELETE FROM login_attempts"
                    " WHERE bucket = %s AND attempted_at < now() - make_interval(secs => %s)",
                    (bucket, self._limits.window_seconds),
                )
                await conn.execute("INSERT INTO login_attempts (bucket) VALUES (%s)", (bucket,))

    async def clear_account(self, email: str) -> None:
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute(
                "DELETE FROM login_attempts WHERE bucket = %s",
                (hashed_bucket("account", normalise_email(email)),),
            )
