"""The composition root of the call-store service: the one place its parts are wired together."""

from __future__ import annotations

from litestar import Litestar

from switchboard_call_store.api import AdminCallController, CallController, DeadLetterController
from switchboard_call_store.batch_store import PostgresCallBatchStore
from switchboard_call_store.reader import PostgresCallReader
from switchboard_call_store.settings import CallStoreSettings
from switchboard_call_store.store import PostgresCallStore
from switchboard_call_store.subscribers import CallSubscribers
from switchboard_shared.runtime import build_runtime, create_app


def build_app(settings: CallStoreSettings) -> Litestar:
    runtime = build_runtime(settings, package=__package__ or "switchboard_call_store")
    CallSubscribers(
        PostgresCallStore(runtime.pool),
        PostgresCallBatchStore(runtime.pool),
        max_records=settings.call_batch_max_records,
        batch_timeout_ms=settings.call_batch_timeout_ms,
        fetch_max_wait_ms=settings.call_fetch_max_wait_ms,
        consumers=settings.call_consumers,
    ).register(runtime.consumer, settings.consumer_group)
    return create_app(
        runtime,
        route_handlers=[CallController, AdminCallController, DeadLetterController],
        state={
            "call_reader": PostgresCallReader(runtime.pool),
            "processing_gate": runtime.gate,
            "dlq_replay_group": settings.dlq_replay_group,
        },
    )
