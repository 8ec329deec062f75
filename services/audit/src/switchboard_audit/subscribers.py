"""Kafka entry points: audit events and owner commands arrive in batches and become entries."""

from __future__ import annotations

from switchboard_audit.handlers import record_audit_events, record_commands
from switchboard_audit.store import AuditStore
from switchboard_shared.bus import Consumer
from switchboard_shared.envelope import Envelope
from switchboard_shared.events import AuditEvent, ControlCommand
from switchboard_shared.topics import AUDIT_EVENTS, CONTROL_COMMANDS


def subscribe(consumer: Consumer, store: AuditStore, *, group: str, batch_size: int) -> None:
    async def on_audit_events(batch: list[tuple[AuditEvent, Envelope]]) -> None:
        await record_audit_events(store, batch)

    async def on_commands(batch: list[tuple[ControlCommand, Envelope]]) -> None:
        await record_commands(store, batch)

    consumer.subscribe_batch(
        AUDIT_EVENTS, AuditEvent, on_audit_events, group_id=group, max_records=batch_size
    )
    consumer.subscribe_batch(
        CONTROL_COMMANDS, ControlCommand, on_commands, group_id=group, max_records=batch_size
    )
