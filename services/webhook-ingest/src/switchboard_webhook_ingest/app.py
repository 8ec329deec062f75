"""The composition root of webhook-ingest: the one place its parts are wired together."""

from __future__ import annotations

import asyncio
import contextlib

from opentelemetry import trace

from switchboard_shared.db import role_dsn
from switchboard_shared.direct_producer import DirectProducer
from switchboard_shared.runtime import Runtime, build_runtime, create_app
from switchboard_webhook_ingest.admission import AdmissionControl
from switchboard_webhook_ingest.api import (
    ProviderSecretController,
    WebhookController,
    WebhookTokenController,
)
from switchboard_webhook_ingest.deliveries import DeliveryBatcher
from switchboard_webhook_ingest.directory import TokenDirectory
from switchboard_webhook_ingest.handlers import AdminDeps
from switchboard_webhook_ingest.ingest import IngestDeps
from switchboard_webhook_ingest.intake import WebhookIntake
from switchboard_webhook_ingest.retention import sweep_forever
from switchboard_webhook_ingest.secretbox import SecretBox
from switchboard_webhook_ingest.settings import WebhookIngestSettings
from switchboard_webhook_ingest.store import PostgresStore, create_hot_pool


def build_app(settings: WebhookIngestSettings) -> WebhookIntake:
    """The service: the webhook front, with the app behind it for every other route."""
    runtime = build_runtime(settings, package=__package__ or "switchboard_webhook_ingest")
    password = settings.db_service_password
    hot_pool = create_hot_pool(
        role_dsn(
            settings.database_url,
            settings.db_role,
            password.get_secret_value() if password else None,
        ),
        max_size=settings.db_hot_pool_max,
    )
    store = PostgresStore(runtime.pool, hot_pool)
    box = SecretBox(settings.encryption_secret)
    directory = TokenDirectory(store, runtime.revocations, ttl=settings.token_cache_seconds)
    admission = AdmissionControl(
        store,
        rate_per_second=settings.webhook_rate_limit_per_second,
        burst=settings.rate_limit_burst,
    )
    admin = AdminDeps(
        store=store,
        bus=runtime.bus,
        box=box,
        directory=directory,
        admission=admission,
        revocations=runtime.revocations,
        public_base_url=settings.public_base_url,
        publish_timeout=settings.publish_timeout_seconds,
        audit=runtime.audit,
    )
    producer = DirectProducer(
        settings.kafka_bootstrap_servers,
        client_id=settings.service_name,
        enable_idempotence=settings.kafka_enable_idempotence,
    )
    deliveries = DeliveryBatcher(
        store,
        producer,
        publish_timeout=settings.publish_timeout_seconds,
        max_batch=settings.delivery_batch_max,
        max_in_flight=settings.delivery_flushes_in_flight,
    )
    ingest = IngestDeps(
        store=store,
        bus=runtime.bus,
        deliveries=deliveries,
        box=box,
        directory=directory,
        admission=admission,
        tolerance=settings.signature_tolerance_seconds,
    )
    background: list[asyncio.Task[None]] = []

    async def start_background(_: Runtime) -> None:
        await hot_pool.open(wait=False)
        background.append(asyncio.create_task(producer.start()))
        background.append(
            asyncio.create_task(
                sweep_forever(
                    store,
                    every=settings.retention_sweep_seconds,
                    dedup_hours=settings.dedup_retention_hours,
                    log_hours=settings.delivery_log_retention_hours,
                )
            )
        )

    async def stop_background() -> None:
        await deliveries.close()
        for task in background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await producer.stop()
        await hot_pool.close()

    app = create_app(
        runtime,
        route_handlers=[WebhookTokenController, ProviderSecretController, WebhookController],
        on_connected=[start_background],
        state={
            "admin_deps": admin,
            "ingest_deps": ingest,
            "public_base_url": settings.public_base_url,
            "tracer": trace.get_tracer(__package__ or "switchboard_webhook_ingest"),
        },
    )
    app.on_shutdown.append(stop_background)
    return WebhookIntake(app, max_body_bytes=settings.max_body_bytes)
