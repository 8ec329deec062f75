"""The composition root of the command-control service: the one place its parts are wired."""

from __future__ import annotations

from litestar import Litestar

from switchboard_command_control import subscribers
from switchboard_command_control.api import (
    DeadLetterController,
    OwnerCommandController,
    SystemStatusController,
)
from switchboard_command_control.ports import Ports
from switchboard_command_control.settings import CommandControlSettings
from switchboard_command_control.status import republish_last_state
from switchboard_command_control.store import PostgresControlStore
from switchboard_shared.runtime import Runtime, build_runtime, create_app
from switchboard_shared.topic_reader import topic_is_empty
from switchboard_shared.topics import CONTROL_STATE


def build_app(settings: CommandControlSettings) -> Litestar:
    runtime = build_runtime(settings, package=__package__ or "switchboard_command_control")
    store = PostgresControlStore(runtime.pool)
    ports = Ports(
        store=store,
        bus=runtime.bus,
        maintenance=runtime.maintenance,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        call_store_url=settings.call_store_url,
        stale_after=settings.heartbeat_stale_seconds,
        forget_after=settings.heartbeat_forget_seconds,
    )
    subscribers.subscribe(runtime.consumer, ports, runtime.verifier, group=settings.consumer_group)

    async def restore_control_state(_: Runtime) -> None:
        bootstrap = settings.kafka_bootstrap_servers
        await republish_last_state(ports, lambda: topic_is_empty(bootstrap, CONTROL_STATE.name))

    return create_app(
        runtime,
        route_handlers=[OwnerCommandController, SystemStatusController, DeadLetterController],
        on_connected=[restore_control_state],
        state={"control_ports": ports},
    )
