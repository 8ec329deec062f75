"""Row-level security holds in the database itself: the service's role, scoped to tenant A,
can neither read, change nor create tenant B's rows."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from conftest import CallStoreHarness, call_event
from switchboard_deploy.testing import eventually, unique_id
from switchboard_shared.db import role_dsn

pytestmark = pytest.mark.integration

TABLES = ("calls", "contacts", "transcripts", "recording_jobs")


async def as_service(harness: CallStoreHarness, tenant: str | None, sql: str, *params: Any) -> Any:
    dsn = role_dsn(harness.database_url, harness.runtime.settings.db_role, None)
    connect = psycopg.AsyncConnection.connect(dsn, row_factory=dict_row)
    async with await connect as conn, conn.transaction():
        if tenant is not None:
            await conn.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant,))
        cursor = await conn.execute(sql.encode(), params)
        return await cursor.fetchall() if cursor.description else cursor.rowcount


@pytest.fixture
async def tenant_b_call(call_store: CallStoreHarness) -> dict[str, Any]:
    tenant = unique_id("tenant-b")
    event = call_event(
        lead_id=unique_id("lead"), transcript="secret words", phone_number="+15559990000"
    )
    await call_store.publish(event, tenant_id=tenant)

    async def stored() -> list[dict[str, Any]]:
        return await call_store.rows(
            "SELECT c.* FROM calls c JOIN transcripts t ON t.call_pk = c.id "
            "JOIN recording_jobs j ON j.call_pk = c.id WHERE c.tenant_id = %s",
            tenant,
        )

    return (await eventually(stored))[0]


async def test_every_tenant_table_enables_and_forces_row_level_security(
    call_store: CallStoreHarness,
) -> None:
    rows = await call_store.rows(
        "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
        "WHERE relnamespace = 'call_store'::regnamespace AND relname = ANY(%s)",
        list(TABLES),
    )
    assert {r["relname"]: (r["relrowsecurity"], r["relforcerowsecurity"]) for r in rows} == {
        t: (True, True) for t in TABLES
    }


async def test_the_service_role_cannot_bypass_row_level_security(
    call_store: CallStoreHarness,
) -> None:
    role = await call_store.rows(
        "SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = %s",
        call_store.runtime.settings.db_role,
    )
    assert role == [{"rolbypassrls": False, "rolsuper": False}]


async def test_tenant_a_reads_none_of_tenant_bs_rows(
    call_store: CallStoreHarness, tenant_b_call: dict[str, Any]
) -> None:
    tenant_a = unique_id("tenant-a")
    for table in TABLES:
        rows = await as_service(
            call_store,
            tenant_a,
            f"SELECT * FROM {table} WHERE tenant_id = %s",
            tenant_b_call["tenant_id"],
        )
        assert rows == [], table
    owner_view = await as_service(call_store, tenant_b_call["tenant_id"], "SELECT id FROM calls")
    assert [r["id"] for r in owner_view] == [tenant_b_call["id"]]


async def test_without_a_tenant_scope_nothing_is_visible(
    call_store: CallStoreHarness, tenant_b_call: dict[str, Any]
) -> None:
    rows = await as_service(
        call_store, None, "SELECT * FROM calls WHERE id = %s", tenant_b_call["id"]
    )
    assert rows == []


async def test_tenant_a_cannot_change_tenant_bs_rows(
    call_store: CallStoreHarness, tenant_b_call: dict[str, Any]
) -> None:
    tenant_a = unique_id("tenant-a")
    changed = await as_service(
        call_store,
        tenant_a,
        "UPDATE calls SET disposition = 'hijacked' WHERE id = %s",
        tenant_b_call["id"],
    )
    assert changed == 0
    stolen = await as_service(
        call_store,
        tenant_a,
        "UPDATE calls SET tenant_id = %s WHERE id = %s",
        tenant_a,
        tenant_b_call["id"],
    )
    assert stolen == 0
    after = await call_store.rows(
        "SELECT disposition, tenant_id FROM calls WHERE id = %s", tenant_b_call["id"]
    )
    assert after == [
        {"disposition": tenant_b_call["disposition"], "tenant_id": tenant_b_call["tenant_id"]}
    ]


async def test_tenant_a_cannot_create_rows_for_tenant_b(call_store: CallStoreHarness) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        await as_service(
            call_store,
            unique_id("tenant-a"),
            "INSERT INTO calls (tenant_id, call_id, provider, status, last_event_at) "
            "VALUES (%s, 'forged', 'x', 'ended', now())",
            unique_id("tenant-b"),
        )


async def test_tenant_a_cannot_move_its_own_row_to_tenant_b(call_store: CallStoreHarness) -> None:
    tenant_a = unique_id("tenant-a")
    event = call_event()
    await call_store.publish(event, tenant_id=tenant_a)
    await eventually(lambda: call_store.rows("SELECT 1 FROM calls WHERE tenant_id = %s", tenant_a))
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        await as_service(call_store, tenant_a, "UPDATE calls SET tenant_id = 'tenant-b'")


async def test_the_service_role_may_not_delete(
    call_store: CallStoreHarness, tenant_b_call: dict[str, Any]
) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        await as_service(
            call_store,
            tenant_b_call["tenant_id"],
            "DELETE FROM calls WHERE id = %s",
            tenant_b_call["id"],
        )
