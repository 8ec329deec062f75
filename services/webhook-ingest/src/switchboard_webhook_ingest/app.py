"""The composition root of webhook-ingest: the one place its parts are wired together."""

from __future__ import annotations

import asyncio
import contextlib

from litestar import Litestar

from switchboard_shared.runtime import Runtime, build_runtime, create_app
from switchboard_webhook_ingest.api import (
    ProviderSecretController,
    WebhookController,
    WebhookTokenController,
)
from switchboard_webhook_ingest.directory import TokenDirectory
from switchboard_webhook_ingest.handlers import AdminDeps
from switchboard_webhook_ingest.ingest import IngestDeps
from switchboard_webhook_ingest.retention import sweep_forever
from switchboard_webhook_ingest.secretbox import SecretBox, derive_key
from switchboard_webhook_ingest.settings import WebhookIngestSettings
from switchboard_webhook_ingest.store import PostgresStore


def build_app(settings: WebhookIngestSettings) -> Litestar:
    runtime = build_runtime(settings, package=__package__ or "switchboard_webhook_ingest")
    store = PostgresStore(runtime.pool)
    box = SecretBox(derive_key(settings.encryption_secret))
    directory = TokenDirectory(store, runtime.revocations, ttl=settings.token_cache_seconds)
    admin = AdminDeps(
        store=store,
        bus=runtime.bus,
        box=box,
        directory=directory,
        revocations=runtime.revocations,
        public_base_url=settings.public_base_url,
        publish_timeout=settings.publish_timeout_seconds,
    )
    ingest = IngestDeps(
        store=store,
        bus=runtime.bus,
        box=box,
        directory=directory,
        rate_per_second=settings.webhook_rate_limit_per_second,
        burst=settings.rate_limit_burst,
        publish_timeout=settings.publish_timeout_seconds,
        tolerance=settings.signature_tolerance_seconds,
    )
    sweeper: list[asyncio.Task[None]] = []

    async def start_retention(_: Runtime) -> None:
        sweeper.append(
            asyncio.create_task(
                sweep_forever(
                    store,
                    every=settings.retention_sweep_seconds,
                    dedup_hours=settings.dedup_retention_hours,
                    log_hours=settings.delivery_log_retention_hours,
                )
            )
        )

    async def stop_retention() -> None:
        for task in sweeper:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = create_app(
        runtime,
        route_handlers=[WebhookTokenController, ProviderSecretController, WebhookController],
        on_connected=[start_retention],
        state={
            "admin_deps": admin,
            "ingest_deps": ingest,
            "public_base_url": settings.public_base_url,
        },
    )
    app.on_shutdown.append(stop_retention)
    return app
