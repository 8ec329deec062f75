"""The database itself keeps tenants apart: the service's role sees only the tenant in scope."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import dict_row
from webhook_ingest_harness import IngestHarness, admin_headers

from switchboard_shared.db import role_dsn
from switchboard_shared.topics import AUDIT_EVENTS

pytestmark = pytest.mark.integration

ROLE = "sb_webhook_ingest"


async def as_service_role(
    harness: IngestHarness, tenant_scope: str, sql: str, *params: object
) -> list[dict[str, object]]:
    dsn = role_dsn(harness.database_url, ROLE, None)
    async with await psycopg.AsyncConnection.connect(dsn, row_factory=dict_row) as conn:
        await conn.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant_scope,))
        return await (await conn.execute(sql.encode(), params)).fetchall()


async def test_the_service_role_cannot_read_another_tenants_tokens(
    webhook_ingest: IngestHarness,
) -> None:
    mine, _ = await webhook_ingest.new_token("vapi")
    theirs, created = await webhook_ingest.new_token("vapi")

    seen = await as_service_role(
        webhook_ingest, mine, "SELECT id FROM webhook_tokens WHERE tenant_id = %s", theirs
    )
    own = await as_service_role(
        webhook_ingest, theirs, "SELECT id::text FROM webhook_tokens WHERE tenant_id = %s", theirs
    )

    assert seen == []
    assert own == [{"id": created["id"]}]


async def test_without_a_tenant_scope_the_service_role_sees_no_tokens(
    webhook_ingest: IngestHarness,
) -> None:
    await webhook_ingest.new_token("bland")
    dsn = role_dsn(webhook_ingest.database_url, ROLE, None)
    async with await psycopg.AsyncConnection.connect(dsn, row_factory=dict_row) as conn:
        rows = await (await conn.execute("SELECT count(*) AS n FROM webhook_tokens")).fetchall()
    assert rows == [{"n": 0}]


async def test_the_lookup_function_answers_for_one_hash_only(webhook_ingest: IngestHarness) -> None:
    dsn = role_dsn(webhook_ingest.database_url, ROLE, None)
    async with await psycopg.AsyncConnection.connect(dsn, row_factory=dict_row) as conn:
        rows = await (
            await conn.execute("SELECT * FROM webhook_token_by_hash(%s)", (b"\x00" * 32,))
        ).fetchall()
    assert rows == []


async def test_creating_and_revoking_a_token_is_audited(webhook_ingest: IngestHarness) -> None:
    audit = await webhook_ingest.reader(AUDIT_EVENTS.name)
    try:
        tenant, created = await webhook_ingest.new_token("retell")
        await webhook_ingest.client.delete(
            f"/api/tenants/{tenant}/webhook-tokens/{created['id']}", headers=admin_headers(tenant)
        )
        made = await audit.find(
            lambda r: (
                r.body.get("action") == "webhook_token.create"
                and r.body.get("resource") == created["id"]
            )
        )
        revoked = await audit.find(
            lambda r: (
                r.body.get("action") == "webhook_token.revoke"
                and r.body.get("resource") == created["id"]
            )
        )
    finally:
        await audit.close()
    assert made.body["tenant_id"] == tenant
    assert revoked.headers["ce_tenantid"] == tenant
    assert created["token"] not in str(made.body)
