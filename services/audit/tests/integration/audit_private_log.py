"""A log of its own for a test: its own schema and role, fed through its store, no broker.

Each test that tampers or removes gets one, so nothing it does touches the log other tests
read. The `log` fixture is registered in conftest.py.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
from litestar.testing import AsyncTestClient
from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from switchboard_audit.app import build_app
from switchboard_audit.checkpoint_store import PostgresCheckpointStore
from switchboard_audit.domain import EntryDraft
from switchboard_audit.settings import AuditSettings
from switchboard_audit.store import PostgresAuditStore
from switchboard_deploy.testing import TEST_JWT_SECRET, eventually, mint_token
from switchboard_shared.db import role_dsn

ENTRIES = 20
HEADERS = {"Authorization": f"Bearer {mint_token(role='super_admin', tenant_id=None)}"}
UNREACHABLE_BROKER = "127.0.0.1:9"  # this log is fed through its store, not the bus


@dataclass
class PrivateLog:
    client: AsyncTestClient
    settings: AuditSettings
    store: PostgresAuditStore
    keys: PostgresCheckpointStore
    schema: str
    owner_url: str

    def owner(self) -> psycopg.Connection[dict[str, Any]]:
        conn = psycopg.connect(self.owner_url, autocommit=True, row_factory=dict_row)
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))
        return conn

    async def verify(self, *, full: bool) -> dict[str, Any]:
        params = {"full": "true" if full else "false"}
        response = await self.client.get("/api/audit/verify", params=params, headers=HEADERS)
        assert response.status_code == 200, response.text
        report: dict[str, Any] = response.json()
        return report

    async def checkpoint(self) -> dict[str, Any]:
        response = await self.client.post("/api/audit/checkpoint", headers=HEADERS)
        assert response.status_code == 201, response.text
        made: dict[str, Any] = response.json()
        return made


def drafts(first: int, count: int) -> list[EntryDraft]:
    return [
        EntryDraft(
            event_id=str(uuid.uuid4()), occurred_at=datetime.now(UTC), action=f"step.{n}",
            result="success", actor_id="actor-1", params={"n": n, "amount": n * 10},
        )
        for n in range(first, first + count)
    ]  # fmt: skip


async def private_log(infrastructure: Any) -> AsyncIterator[PrivateLog]:
    name = f"audit-tamper-{uuid.uuid4().hex[:10]}"
    settings = AuditSettings(
        service_name=name,
        database_url=infrastructure.database_url,
        kafka_bootstrap_servers=UNREACHABLE_BROKER,
        kafka_enable_idempotence=False,
        jwt_secret=TEST_JWT_SECRET,
        consumer_group=name,
    )
    async with AsyncTestClient(build_app(settings)) as client:

        async def migrated() -> bool:
            response = await client.get("/api/audit/public-keys", headers=HEADERS)
            return response.status_code == 200

        await eventually(migrated, "the private log's schema", 30)
        dsn = role_dsn(infrastructure.database_url, settings.db_role, None)
        async with AsyncConnectionPool(
            dsn, min_size=1, max_size=2, open=False, kwargs={"row_factory": dict_row}
        ) as pool:
            store = PostgresAuditStore(pool)
            private = PrivateLog(
                client, settings, store, PostgresCheckpointStore(pool), name.replace("-", "_"),
                infrastructure.database_url,
            )  # fmt: skip
            await store.append(drafts(1, ENTRIES - 5))
            await private.checkpoint()
            await store.append(drafts(ENTRIES - 4, 5))
            await private.checkpoint()
            yield private
