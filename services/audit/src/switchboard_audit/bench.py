"""`python -m switchboard_audit.bench --database-url URL`: what the log costs on this machine.

Builds a log of its own (a fresh schema and role) and measures batched appends through the
store, a full verification, and one inclusion proof. Nothing is shared with a running service.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from datetime import UTC, datetime

from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from switchboard_audit.checkpoint_store import PostgresCheckpointStore, StoredCheckpoint
from switchboard_audit.checkpoints import Checkpointer
from switchboard_audit.domain import EntryDraft
from switchboard_audit.ports import AuditPorts
from switchboard_audit.proofs import inclusion_proof
from switchboard_audit.signing import KeyVault
from switchboard_audit.store import PostgresAuditStore
from switchboard_audit.verify import verify_log
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Role
from switchboard_shared.db import role_dsn
from switchboard_shared.migrations import apply_migrations, load_migrations

BENCH_PRINCIPAL = Principal(
    user_id="bench", email="bench@example.test", role=Role.SUPER_ADMIN, tenant_id=None,
    session_id="bench", token_id="bench", issued_at=0, expires_at=2**31,
)  # fmt: skip


def drafts(first: int, count: int) -> list[EntryDraft]:
    now = datetime.now(UTC)
    return [
        EntryDraft(
            event_id=str(uuid.uuid4()), occurred_at=now, action="calls.export", result="success",
            actor_id=f"user-{n % 97}", actor_role="admin", tenant_id=f"tenant-{n % 13}",
            resource=f"call:{n}", params={"n": n, "format": "csv", "rows": n % 1000},
        )
        for n in range(first, first + count)
    ]  # fmt: skip


async def _ports(database_url: str) -> tuple[AuditPorts, AsyncConnectionPool]:
    schema = f"audit_bench_{uuid.uuid4().hex[:8]}"
    role = f"sb_{schema}"
    await apply_migrations(
        database_url, schema=schema, role=role, role_password=None,
        migrations=load_migrations("switchboard_audit"),
    )  # fmt: skip
    pool = AsyncConnectionPool(
        role_dsn(database_url, role, None), min_size=2, max_size=4, open=False,
        kwargs={"row_factory": dict_row},
    )  # fmt: skip
    await pool.open()
    log, checkpoints = PostgresAuditStore(pool), PostgresCheckpointStore(pool)
    vault = KeyVault(b"bench-only-secrets-key-of-32-bytes!!")

    async def publish(_: StoredCheckpoint) -> None:
        return None

    checkpointer = Checkpointer(log, checkpoints, vault, "bench.local/audit", publish)
    return AuditPorts(log, checkpoints, checkpointer, vault, "bench.local/audit"), pool


async def bench(database_url: str, entries: int, batch: int) -> None:
    ports, pool = await _ports(database_url)
    try:
        started = time.perf_counter()
        for first in range(1, entries + 1, batch):
            await ports.log.append(drafts(first, min(batch, entries + 1 - first)))
        elapsed = time.perf_counter() - started
        print(f"appends: {entries} in {elapsed:.1f} s = {entries / elapsed:,.0f}/s (batch {batch})")
        await ports.checkpointer.make()
        started = time.perf_counter()
        report = await verify_log(ports, BENCH_PRINCIPAL, full=True)
        elapsed = time.perf_counter() - started
        assert report["valid"], report
        rate = entries / elapsed
        print(f"full verification: {entries} in {elapsed:.1f} s = {rate:,.0f}/s "
              f"(1,000,000 in about {1_000_000 / rate:.0f} s)")  # fmt: skip
        costs = []
        for seq in range(1, entries + 1, max(1, entries // 200)):
            started = time.perf_counter()
            await inclusion_proof(ports, BENCH_PRINCIPAL, seq, None)
            costs.append((time.perf_counter() - started) * 1000)
        p95 = statistics.quantiles(costs, n=20)[-1]
        median = statistics.median(costs)
        print(f"inclusion proof at size {entries}: median {median:.2f} ms, p95 {p95:.2f} ms")
    finally:
        await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m switchboard_audit.bench")
    parser.add_argument("--database-url", required=True, help="an owner URL of PostgreSQL")
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    asyncio.run(bench(args.database_url, args.entries, args.batch))


if __name__ == "__main__":
    main()
