"""The service's SQL: tokens, sealed secrets, deliveries, the delivery log, rate buckets."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from switchboard_shared.db import Connection, tenant_transaction
from switchboard_webhook_ingest.domain import Provider, TokenSummary, WebhookToken

SWEEP_BATCH = 5000


def create_hot_pool(dsn: str, *, max_size: int) -> AsyncConnectionPool:
    """Autocommit connections: a single statement is its own transaction, one round trip."""
    return AsyncConnectionPool(
        dsn,
        min_size=1,
        max_size=max_size,
        open=False,
        name="webhook-ingest-hot",
        timeout=5.0,
        kwargs={"row_factory": dict_row, "autocommit": True},
    )


class Transaction:
    """One tenant-scoped database transaction; row-level security sees only that tenant."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def _one(self, query: str, params: Any = None) -> dict[str, Any] | None:
        cursor = await self._conn.execute(query.encode(), params)
        row: dict[str, Any] | None = await cursor.fetchone()
        return row

    async def _all(self, query: str, params: Any = None) -> list[dict[str, Any]]:
        cursor = await self._conn.execute(query.encode(), params)
        rows: list[dict[str, Any]] = await cursor.fetchall()
        return rows

    async def insert_token(
        self, tenant_id: str, provider: Provider, token_hash: bytes, created_by: str
    ) -> TokenSummary:
        row = await self._one(
            "INSERT INTO webhook_tokens (id, tenant_id, provider, token_hash, created_by)"
            " VALUES (%s, %s, %s, %s, %s)"
            " RETURNING id, provider, created_at, last_used_at, active",
            (uuid.uuid4(), tenant_id, provider.value, token_hash, created_by),
        )
        assert row is not None
        return _summary(row)

    async def list_tokens(self, tenant_id: str) -> list[TokenSummary]:
        rows = await self._all(
            "SELECT id, provider, created_at, last_used_at, active FROM webhook_tokens"
            " WHERE tenant_id = %s ORDER BY created_at DESC, id",
            (tenant_id,),
        )
        return [_summary(row) for row in rows]

    async def deactivate_token(self, tenant_id: str, token_id: str) -> bool:
        row = await self._one(
            "UPDATE webhook_tokens SET active = false,"
            " deactivated_at = coalesce(deactivated_at, now())"
            " WHERE tenant_id = %s AND id = %s RETURNING id",
            (tenant_id, token_id),
        )
        return row is not None

    async def save_secrets(
        self, tenant_id: str, provider: Provider, sealed: bytes, count: int, updated_by: str
    ) -> None:
        await self._conn.execute(
            b"INSERT INTO provider_secrets (tenant_id, provider, sealed, secret_count, updated_by)"
            b" VALUES (%s, %s, %s, %s, %s)"
            b" ON CONFLICT (tenant_id, provider) DO UPDATE SET sealed = EXCLUDED.sealed,"
            b" secret_count = EXCLUDED.secret_count, updated_by = EXCLUDED.updated_by,"
            b" updated_at = now()",
            (tenant_id, provider.value, sealed, count, updated_by),
        )

    async def log_delivery(
        self,
        tenant_id: str,
        token_id: str,
        provider: Provider,
        status: str,
        event_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        await self._conn.execute(
            b"INSERT INTO delivery_log (tenant_id, token_id, provider, status, event_id, detail)"
            b" VALUES (%s, %s, %s, %s, %s, %s)",
            (tenant_id, token_id, provider.value, status, event_id, _printable(detail)),
        )

    async def delivery_counts(self, token_id: str, hours: int) -> dict[str, int]:
        rows = await self._all(
            "SELECT status, count(*) AS n FROM delivery_log"
            " WHERE token_id = %s AND received_at > now() - make_interval(hours => %s)"
            " GROUP BY status",
            (token_id, hours),
        )
        return {str(row["status"]): int(row["n"]) for row in rows}

    async def sweep(self, table: str, before: datetime) -> int:
        """Deletes up to one batch of rows older than `before`; returns how many went."""
        assert table in ("deliveries", "delivery_log")
        cursor = await self._conn.execute(
            f"DELETE FROM {table} WHERE ctid IN"  # noqa: S608 (table is one of two constants)
            f" (SELECT ctid FROM {table} WHERE received_at < %s LIMIT {SWEEP_BATCH})".encode(),
            (before,),
        )
        return int(cursor.rowcount)

    async def sweep_rate_buckets(self, before: datetime) -> None:
        await self._conn.execute(b"DELETE FROM rate_buckets WHERE updated_at < %s", (before,))


def _printable(value: str | None) -> str | None:
    return None if value is None else "".join(c if c.isprintable() else "?" for c in value)[:300]


def _summary(row: dict[str, Any]) -> TokenSummary:
    return TokenSummary(
        id=str(row["id"]),
        provider=str(row["provider"]),
        created_at=row["created_at"],
        last_used_at=row["last_used_at"],
        active=bool(row["active"]),
    )


class Claim(NamedTuple):
    """One webhook's deduplication key, in the column order of `claim_deliveries`."""

    tenant_id: str
    provider: str
    dedup_key: str
    event_id: str
    token_id: str


@dataclass(frozen=True)
class Admission:
    granted: int
    tokens: float
    sealed: bytes | None


class Store(Protocol):
    def transaction(self, tenant_id: str) -> Any:
        """An async context manager yielding a `Transaction` scoped to this tenant."""

    async def find_token(self, token_hash: bytes) -> WebhookToken | None:
        """The token with this hash, whatever its tenant (the one query that knows no tenant)."""

    async def admit(
        self, token: WebhookToken, rate: float, burst: int, want: int, touch: bool
    ) -> Admission:
        """One statement: up to `want` rate tokens, the sealed secrets, perhaps `last_used_at`."""

    def claim_batch(self, claims: Sequence[Claim]) -> Any:
        """An async context manager yielding the event ids claimed (new keys) among `claims`,
        with every request's outcome logged; commits on a clean exit only."""


class PostgresStore:
    """`pool` runs tenant transactions; `hot_pool` (autocommit) serves each webhook's statements."""

    def __init__(self, pool: AsyncConnectionPool, hot_pool: AsyncConnectionPool) -> None:
        self._pool = pool
        self._hot = hot_pool

    async def admit(
        self, token: WebhookToken, rate: float, burst: int, want: int, touch: bool
    ) -> Admission:
        async with self._hot.connection() as conn:
            cursor = await conn.execute(
                b"SELECT * FROM admit_webhook(%s, %s, %s, %s, %s, %s, %s)",
                (token.tenant_id, token.provider.value, token.id, rate, burst, want, touch),
            )
            row: Any = await cursor.fetchone()
        sealed = row["sealed_secrets"]
        return Admission(
            granted=int(row["granted"]),
            tokens=float(row["bucket_tokens"]),
            sealed=bytes(sealed) if sealed is not None else None,
        )

    @asynccontextmanager
    async def claim_batch(self, claims: Sequence[Claim]) -> AsyncIterator[set[str]]:
        columns = [list(column) for column in zip(*claims, strict=True)]  # rows to arrays
        # Pipelined: BEGIN travels with the claim, COMMIT alone; two round trips in all.
        async with self._hot.connection() as conn, conn.pipeline(), conn.transaction():
            cursor = await conn.execute(
                b"SELECT claim_deliveries(%s, %s, %s, %s::uuid[], %s::uuid[]) AS event_id",
                columns,
            )
            rows: list[Any] = await cursor.fetchall()
            yield {str(row["event_id"]) for row in rows}

    @asynccontextmanager
    async def transaction(self, tenant_id: str) -> AsyncIterator[Transaction]:
        async with tenant_transaction(self._pool, tenant_id) as conn:
            yield Transaction(conn)

    async def find_token(self, token_hash: bytes) -> WebhookToken | None:
        async with self._hot.connection() as conn:
            cursor = await conn.execute(
                b"SELECT id, tenant_id, provider, active FROM webhook_token_by_hash(%s)",
                (token_hash,),
            )
            row: Any = await cursor.fetchone()
        if row is None or row["provider"] not in Provider._value2member_map_:
            return None
        return WebhookToken(
            id=str(row["id"]),
            tenant_id=row["tenant_id"],
            provider=Provider(row["provider"]),
            active=row["active"],
        )
