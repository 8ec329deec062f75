"""Kafka entry point: every replica's heartbeat lands in the heartbeats table, in maintenance
too (status is how an operator sees that every replica paused)."""

from __future__ import annotations

from switchboard_command_control.status import record_heartbeat
from switchboard_command_control.store import ControlStore
from switchboard_shared.bus import Consumer
from switchboard_shared.envelope import Envelope
from switchboard_shared.events import Heartbeat
from switchboard_shared.topics import SERVICES_HEARTBEAT


def subscribe(consumer: Consumer, store: ControlStore, *, group: str, forget_after: float) -> None:
    async def on_heartbeat(beat: Heartbeat, _: Envelope) -> None:
        await record_heartbeat(store, beat, forget_after)

    consumer.subscribe(SERVICES_HEARTBEAT, Heartbeat, on_heartbeat, group_id=group, gated=False)
