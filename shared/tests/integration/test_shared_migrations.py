import asyncio

import psycopg
import pytest

from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import unique_id
from switchboard_shared.db import create_pool, role_dsn, tenant_transaction
from switchboard_shared.migrations import Migration, apply_migrations

pytestmark = pytest.mark.integration

NOTES = Migration(
    "001_notes",
    """
    CREATE TABLE notes (id serial PRIMARY KEY, tenant_id text NOT NULL, body text NOT NULL);
    ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
    ALTER TABLE notes FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON notes
        USING (tenant_id = current_setting('app.tenant_id', true)
               OR current_setting('app.tenant_id', true) = '*')
        WITH CHECK (tenant_id = current_setting('app.tenant_id', true)
                    OR current_setting('app.tenant_id', true) = '*');
    GRANT SELECT, INSERT, UPDATE ON notes TO {{role}};
    GRANT USAGE ON SEQUENCE notes_id_seq TO {{role}};
    """,
)


async def migrate(stack: Stack, schema: str) -> list[str]:
    return await apply_migrations(
        stack.database_url,
        schema=schema,
        role=f"sb_{schema}",
        role_password=None,
        migrations=[NOTES],
    )


async def test_replicas_migrating_at_once_apply_each_migration_exactly_once(
    infrastructure: Stack,
) -> None:
    schema = unique_id("m").replace("-", "_")
    results = await asyncio.gather(*(migrate(infrastructure, schema) for _ in range(4)))
    assert sorted(len(r) for r in results) == [0, 0, 0, 1]
    assert await migrate(infrastructure, schema) == []


async def test_the_service_role_sees_and_writes_only_its_tenant_rows(infrastructure: Stack) -> None:
    schema = unique_id("m").replace("-", "_")
    await migrate(infrastructure, schema)
    pool = create_pool(
        role_dsn(infrastructure.database_url, f"sb_{schema}", None),
        min_size=1,
        max_size=2,
        name="t",
    )
    await pool.open()
    try:
        for tenant in ("a", "b"):
            async with tenant_transaction(pool, tenant) as conn:
                await conn.execute(
                    f"INSERT INTO {schema}.notes (tenant_id, body) VALUES (%s, 'x')", (tenant,)
                )
        async with tenant_transaction(pool, "a") as conn:
            rows = await (await conn.execute(f"SELECT tenant_id FROM {schema}.notes")).fetchall()
            assert [r["tenant_id"] for r in rows] == ["a"]
            updated = await conn.execute(
                f"UPDATE {schema}.notes SET body = 'y' WHERE tenant_id = 'b'"
            )
            assert updated.rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            async with tenant_transaction(pool, "a") as conn:
                await conn.execute(
                    f"INSERT INTO {schema}.notes (tenant_id, body) VALUES ('b', 'z')"
                )
        async with tenant_transaction(pool, "*") as conn:
            rows = await (
                await conn.execute(f"SELECT count(*) AS n FROM {schema}.notes")
            ).fetchone()
            assert rows is not None
            assert rows["n"] == 2
    finally:
        await pool.close()


async def test_the_service_role_cannot_bypass_row_level_security(infrastructure: Stack) -> None:
    schema = unique_id("m").replace("-", "_")
    await migrate(infrastructure, schema)
    async with await psycopg.AsyncConnection.connect(infrastructure.database_url) as conn:
        row = await (
            await conn.execute(
                "SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = %s", (f"sb_{schema}",)
            )
        ).fetchone()
    assert row == (False, False)
