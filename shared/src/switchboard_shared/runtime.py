"""What every service process is made of, wired once: bus, database, auth, state, telemetry.

A service's `app.py` builds a `Runtime`, registers its own subscribers and controllers, and
hands both to `create_app`. Nothing connects until the app's lifespan starts; a broker or
database that is not there yet is retried in the background while `/ready` says 503.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from faststream.kafka import KafkaBroker
from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.plugins.prometheus import PrometheusConfig
from litestar.types import ASGIApp, ControllerRouterHandler
from psycopg_pool import AsyncConnectionPool

from switchboard_shared.audit_trail import AuditTrail
from switchboard_shared.auth.revocations import RevocationList
from switchboard_shared.auth.tokens import JwksKeySource, TokenVerifier
from switchboard_shared.build_info import build_commit, package_version
from switchboard_shared.bus import Consumer, EventBus, create_broker
from switchboard_shared.db import check_database, create_pool, role_dsn
from switchboard_shared.envelope import event_key
from switchboard_shared.errors import EXCEPTION_HANDLERS
from switchboard_shared.events import ControlState, Heartbeat, Revocation
from switchboard_shared.gate import ProcessingGate
from switchboard_shared.health import HealthController
from switchboard_shared.logging import configure_logging
from switchboard_shared.maintenance import MaintenanceState
from switchboard_shared.migrations import apply_migrations, load_migrations
from switchboard_shared.replicas import reuse_port_socket, run_replicas
from switchboard_shared.settings import ServiceSettings
from switchboard_shared.topic_reader import newest_record
from switchboard_shared.topics import AUTH_REVOCATIONS, CONTROL_STATE, SERVICES_HEARTBEAT
from switchboard_shared.tracing import configure_tracing
from switchboard_shared.write_guard import write_guard

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0
RETRY_SECONDS = 1.0
Hook = Callable[["Runtime"], Awaitable[None]]


@dataclass
class Runtime:
    settings: ServiceSettings
    package: str
    broker: KafkaBroker
    bus: EventBus
    consumer: Consumer
    pool: AsyncConnectionPool
    verifier: TokenVerifier
    revocations: RevocationList
    maintenance: MaintenanceState
    gate: ProcessingGate
    audit: AuditTrail
    instance: str = field(default_factory=lambda: f"{socket.gethostname()}-{os.getpid()}")
    connected: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def schema(self) -> str:
        return self.settings.service_name.replace("-", "_")

    async def broker_ready(self) -> bool:
        return self.connected.is_set() and await self.broker.ping(timeout=1.0)

    async def database_ready(self) -> bool:
        return self.connected.is_set() and await check_database(self.pool, timeout=1.0)


def build_runtime(settings: ServiceSettings, package: str) -> Runtime:
    """Builds every collaborator without connecting anything."""
    broker = create_broker(
        settings.kafka_bootstrap_servers,
        client_id=settings.service_name,
        enable_idempotence=settings.kafka_enable_idempotence,
    )
    bus = EventBus(broker, source=f"switchboard/{settings.service_name}")
    maintenance = MaintenanceState()
    gate = ProcessingGate(maintenance)
    consumer = Consumer(broker, bus, max_attempts=settings.kafka_consumer_max_attempts, gate=gate)
    password = (
        settings.db_service_password.get_secret_value() if settings.db_service_password else None
    )
    pool = create_pool(
        role_dsn(settings.database_url, settings.db_role, password),
        min_size=settings.db_pool_min,
        max_size=settings.db_pool_max,
        name=settings.service_name,
    )
    revocations = RevocationList()
    verifier = TokenVerifier(
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        keys=JwksKeySource(settings.jwks_url),
        shared_secret=settings.jwt_secret.get_secret_value().encode()
        if settings.jwt_secret
        else None,
        revocations=revocations,
    )
    runtime = Runtime(
        settings=settings,
        package=package,
        broker=broker,
        bus=bus,
        consumer=consumer,
        pool=pool,
        verifier=verifier,
        revocations=revocations,
        maintenance=maintenance,
        gate=gate,
        audit=AuditTrail(bus),
    )
    consumer.subscribe(
        CONTROL_STATE, ControlState, maintenance.on_state, group_id=None, gated=False
    )
    consumer.subscribe(
        AUTH_REVOCATIONS, Revocation, revocations.on_revocation, group_id=None, gated=False
    )
    return runtime


async def _connect(runtime: Runtime, on_connected: Sequence[Hook]) -> None:
    settings = runtime.settings
    password = (
        settings.db_service_password.get_secret_value() if settings.db_service_password else None
    )
    await _retrying(
        "migrations",
        lambda: apply_migrations(
            settings.database_url,
            schema=runtime.schema,
            role=settings.db_role,
            role_password=password,
            migrations=load_migrations(runtime.package),
        ),
    )
    await runtime.pool.open(wait=False)
    await _retrying("operating mode", lambda: _learn_operating_mode(runtime))
    await _retrying("broker", runtime.broker.start)
    runtime.connected.set()
    for hook in on_connected:
        await _retrying(getattr(hook, "__name__", "startup hook"), lambda h=hook: h(runtime))  # type: ignore[misc]
    log.info("%s connected", settings.service_name)


async def _learn_operating_mode(runtime: Runtime) -> None:
    """Before the first processing consumer starts: a replica that starts during maintenance
    holds its first message instead of processing it."""
    record = await newest_record(runtime.settings.kafka_bootstrap_servers, CONTROL_STATE.name)
    if record is not None and record.value:
        runtime.maintenance.learn(ControlState.model_validate_json(record.value))
    log.info("operating mode at start: %s", runtime.maintenance.mode)


async def _retrying(what: str, action: Callable[[], Awaitable[Any]]) -> None:
    attempt = 0
    while True:
        try:
            await action()
            return
        except Exception as error:
            attempt += 1
            if attempt == 1 or attempt % 10 == 0:
                log.warning("%s not available yet (attempt %d): %s", what, attempt, error)
            await asyncio.sleep(RETRY_SECONDS)


async def _heartbeat(runtime: Runtime) -> None:
    await runtime.connected.wait()
    while True:
        beat = Heartbeat(
            service=runtime.settings.service_name,
            instance=runtime.instance,
            ready=await runtime.database_ready(),
            mode=runtime.maintenance.mode,
            version=package_version(runtime.package),
            commit=build_commit(),
            consumer_groups={g: sorted(t) for g, t in runtime.consumer.groups.items()},
        )
        with contextlib.suppress(Exception):
            await runtime.bus.publish(SERVICES_HEARTBEAT, beat, key=event_key(None, beat.service))
        # A mode change is reported at once: status shows which replicas applied it.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(runtime.maintenance.next_change(), HEARTBEAT_SECONDS)


def create_app(
    runtime: Runtime,
    route_handlers: Sequence[ControllerRouterHandler],
    *,
    on_connected: Sequence[Hook] = (),
    state: dict[str, Any] | None = None,
    title: str | None = None,
) -> Litestar:
    settings = runtime.settings

    @contextlib.asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        connect = asyncio.create_task(_connect(runtime, on_connected))
        beat = asyncio.create_task(_heartbeat(runtime))
        try:
            yield
        finally:
            for task in (connect, beat):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            with contextlib.suppress(Exception):
                await runtime.broker.stop()
            await runtime.pool.close()

    return Litestar(
        route_handlers=[HealthController, *route_handlers],
        lifespan=[lifespan],
        exception_handlers=EXCEPTION_HANDLERS,
        guards=[write_guard],
        middleware=[
            PrometheusConfig(
                app_name=settings.service_name, group_path=True, exclude=["/metrics"]
            ).middleware
        ],
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title=title or f"switchboard {settings.service_name}", version="1.0.0"
        ),
        state=_state(runtime, state),
        debug=False,
    )


def _state(runtime: Runtime, extra: dict[str, Any] | None) -> Any:
    from litestar.datastructures import State

    return State(
        {
            "runtime": runtime,
            "service_name": runtime.settings.service_name,
            "verifier": runtime.verifier,
            "maintenance": runtime.maintenance,
            "readiness_checks": {
                "database": runtime.database_ready,
                "broker": runtime.broker_ready,
            },
            **(extra or {}),
        }
    )


def run(app: ASGIApp, settings: ServiceSettings) -> None:
    """The process entry point: JSON logs, tracing, then serve until SIGTERM or Ctrl-C. With
    HTTP_WORKERS > 1 this process becomes the parent of that many replicas instead."""
    if settings.http_workers > 1:
        sys.exit(run_replicas(settings.http_workers))
    configure_logging(settings.service_name, settings.log_level)
    configure_tracing(settings.service_name, settings.otel_exporter_otlp_endpoint)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=settings.http_host,
            port=settings.http_port,
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=10,
        )
    )
    if settings.http_reuse_port:
        server.run(sockets=[reuse_port_socket(settings.http_host, settings.http_port)])
    else:
        server.run()
