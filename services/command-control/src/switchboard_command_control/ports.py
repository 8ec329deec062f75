"""What the command-control use cases are given: the store, the bus and the learned mode."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from switchboard_command_control.store import ControlStore
from switchboard_shared.envelope import Envelope
from switchboard_shared.events import Event
from switchboard_shared.maintenance import MaintenanceState
from switchboard_shared.topics import Topic

STATE_KEY = b"state"
"""Every `ControlState` is published under one key: the topic's last value is the mode."""


class Publisher(Protocol):
    async def publish(
        self,
        topic: Topic | str,
        event: Event,
        *,
        key: bytes,
        tenant_id: str | None = None,
        actor: str | None = None,
        correlation_id: str | None = None,
        envelope_id: str | None = None,
    ) -> Envelope: ...


@dataclass(frozen=True)
class Ports:
    store: ControlStore
    bus: Publisher
    maintenance: MaintenanceState
    stale_after: float = 15.0
    forget_after: float = 3600.0
