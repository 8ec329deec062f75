"""The composition root of the audit service: the one place its parts are wired together."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from litestar import Litestar

from switchboard_audit import subscribers
from switchboard_audit.api import AuditController
from switchboard_audit.checkpoint_api import CheckpointController
from switchboard_audit.checkpoint_store import PostgresCheckpointStore, StoredCheckpoint
from switchboard_audit.checkpoints import Checkpointer, checkpoint_event, checkpoint_forever
from switchboard_audit.ports import AuditPorts
from switchboard_audit.proof_api import ProofController
from switchboard_audit.retention import Retention, retention_forever
from switchboard_audit.retention_store import PostgresEntryRemover
from switchboard_audit.settings import AuditSettings
from switchboard_audit.signing import KeyVault
from switchboard_audit.store import PostgresAuditStore
from switchboard_shared.runtime import Runtime, build_runtime, create_app
from switchboard_shared.topics import AUDIT_CHECKPOINTS


def build_app(settings: AuditSettings) -> Litestar:
    runtime = build_runtime(settings, package=__package__ or "switchboard_audit")
    store = PostgresAuditStore(runtime.pool)
    checkpoints = PostgresCheckpointStore(runtime.pool)
    vault = KeyVault(settings.encryption_secret)

    async def publish(checkpoint: StoredCheckpoint) -> None:
        await runtime.bus.publish(
            AUDIT_CHECKPOINTS, checkpoint_event(settings.log_origin, checkpoint),
            key=settings.log_origin.encode(), envelope_id=f"audit-checkpoint-{checkpoint.id}",
        )  # fmt: skip

    checkpointer = Checkpointer(
        store, checkpoints, vault, settings.log_origin, publish, settings.checkpoint_dir
    )
    ports = AuditPorts(store, checkpoints, checkpointer, vault, settings.log_origin)
    subscribers.subscribe(
        runtime.consumer,
        store,
        group=settings.consumer_group,
        batch_size=settings.append_batch_size,
    )
    retention = _retention(settings, ports, runtime.schema)
    background: list[asyncio.Task[None]] = []

    async def start_checkpoints(_: Runtime) -> None:
        await store.catch_up()
        await checkpointer.signer()
        schedule = checkpoint_forever(
            checkpointer,
            busy=settings.checkpoint_busy_seconds,
            idle=settings.checkpoint_idle_seconds,
        )
        background.append(asyncio.create_task(schedule))
        if retention is not None:
            every = settings.retention_every_seconds
            background.append(asyncio.create_task(retention_forever(retention, every=every)))

    async def stop_checkpoints() -> None:
        for task in background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = create_app(
        runtime,
        route_handlers=[AuditController, CheckpointController, ProofController],
        on_connected=[start_checkpoints],
        state={"audit_ports": ports, "audit_retention": retention},
    )
    app.on_shutdown.insert(0, stop_checkpoints)
    return app


def _retention(settings: AuditSettings, ports: AuditPorts, schema: str) -> Retention | None:
    """Retention runs only where archives have a place to go."""
    if settings.retention_dir is None:
        return None
    remover = PostgresEntryRemover(settings.database_url, schema)
    keep = timedelta(days=settings.retention_days)
    return Retention(ports, remover, settings.retention_dir, keep)
