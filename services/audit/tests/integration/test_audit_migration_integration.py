"""A log kept as a hash chain before becomes the leaves of the tree, in order, without gaps."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from switchboard_audit.domain import EntryQuery
from switchboard_audit.store import PostgresAuditStore
from switchboard_shared.db import role_dsn
from switchboard_shared.merkle import Frontier
from switchboard_shared.migrations import apply_migrations, load_migrations

pytestmark = pytest.mark.integration

CHAIN_ROW = (
    "INSERT INTO entries (event_id, occurred_at, recorded_at, action, result, prev_hash, hash) "
    "VALUES (%s, now(), now(), %s, 'success', %s, %s) RETURNING seq"
)


async def test_chain_entries_with_gaps_are_renumbered_and_covered_by_the_tree(infrastructure):
    schema = f"audit_legacy_{uuid.uuid4().hex[:10]}"
    role = f"sb_{schema}"
    migrations = load_migrations("switchboard_audit")
    chain_era = [m for m in migrations if m.version < "003"]
    url = infrastructure.database_url
    await apply_migrations(url, schema=schema, role=role, role_password=None, migrations=chain_era)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
        for n in range(5):
            with conn.transaction():
                conn.execute(CHAIN_ROW, (f"ev-{n}", f"old.{n}", "0" * 64, f"{n:064d}"))
        conn.execute("ALTER TABLE entries DISABLE TRIGGER USER")
        conn.execute("DELETE FROM entries WHERE action IN ('old.1', 'old.3')")  # identity gaps
        conn.execute("ALTER TABLE entries ENABLE TRIGGER USER")
    await apply_migrations(url, schema=schema, role=role, role_password=None, migrations=migrations)
    async with AsyncConnectionPool(
        role_dsn(url, role, None), min_size=1, max_size=2, open=False,
        kwargs={"row_factory": dict_row},
    ) as pool:  # fmt: skip
        store = PostgresAuditStore(pool)
        assert await store.catch_up() == 3
        assert await store.catch_up() == 0
        entries = await store.find(EntryQuery(scope="*"))
        assert sorted((e.seq, e.action) for e in entries) == [
            (1, "old.0"), (2, "old.2"), (3, "old.4"),
        ]  # fmt: skip
        leaves = [leaf for batch in [b async for b in store.walk(after=0)] for leaf in batch]
        frontier = Frontier()
        for leaf in leaves:
            assert leaf.hash is not None
            frontier.append(leaf.hash)
        assert await store.head() == (3, frontier.root())
        assert await store.unfaithful(after=0, limit=10) == []
