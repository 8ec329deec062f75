"""PostgreSQL through psycopg 3: the service's pool, connected as its own role, and tenant scope."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote, urlsplit, urlunsplit

from psycopg import AsyncConnection
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool

ALL_TENANTS = "*"
"""Scope for platform roles; row-level security policies admit it explicitly."""

Connection = AsyncConnection[DictRow]


def role_dsn(owner_dsn: str, role: str, password: str | None) -> str:
    """The owner's URL with the user swapped for the service's role (which cannot bypass RLS)."""
    parts = urlsplit(owner_dsn)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    credentials = quote(role) + (f":{quote(password)}" if password else "")
    netloc = f"{credentials}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def create_pool(dsn: str, *, min_size: int, max_size: int, name: str) -> AsyncConnectionPool:
    """Not opened here: the lifespan opens it, so nothing connects at import or build time."""
    return AsyncConnectionPool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        open=False,
        name=name,
        timeout=5.0,
        reconnect_timeout=0,
        kwargs={"row_factory": dict_row, "autocommit": False},
    )


@asynccontextmanager
async def tenant_transaction(
    pool: AsyncConnectionPool, tenant_id: str
) -> AsyncIterator[Connection]:
    """One transaction whose row-level security scope is this tenant (or ALL_TENANTS)."""
    async with pool.connection() as conn, conn.transaction():
        await conn.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant_id,))
        yield conn  # type: ignore[misc]


async def check_database(pool: AsyncConnectionPool, timeout: float = 2.0) -> bool:
    try:
        async with pool.connection(timeout=timeout) as conn:
            await conn.execute("SELECT 1")
        return True
    except Exception:
        return False
