"""Kafka entry points: every audit event and every owner command becomes a chained entry."""

from __future__ import annotations

from switchboard_audit.handlers import record_audit_event, record_command
from switchboard_audit.store import AuditStore
from switchboard_shared.bus import Consumer
from switchboard_shared.envelope import Envelope
from switchboard_shared.events import AuditEvent, ControlCommand
from switchboard_shared.topics import AUDIT_EVENTS, CONTROL_COMMANDS


def subscribe(consumer: Consumer, store: AuditStore, *, group: str) -> None:
    async def on_audit_event(event: AuditEvent, envelope: Envelope) -> None:
        await record_audit_event(store, event, envelope)

    async def on_command(command: ControlCommand, envelope: Envelope) -> None:
        await record_command(store, command, envelope)

    consumer.subscribe(AUDIT_EVENTS, AuditEvent, on_audit_event, group_id=group)
    consumer.subscribe(CONTROL_COMMANDS, ControlCommand, on_command, group_id=group)
