"""Tells the platform owners by e-mail when the operating mode changes (shutdown, restart,
read-only): who changed it, when, and why. Each change is mailed once to each owner."""

from __future__ import annotations

import uuid

from psycopg_pool import AsyncConnectionPool

from switchboard_gateway import directory
from switchboard_gateway.mailer import Mailer
from switchboard_shared.db import ALL_TENANTS, tenant_transaction
from switchboard_shared.envelope import Envelope
from switchboard_shared.events import ControlState, Notification

SUBJECTS = {
    "maintenance": "Switchboard is in maintenance: processing and writes are paused",
    "read_only": "Switchboard is read-only: writes are paused",
    "running": "Switchboard is running again",
}


def mode_notification(state: ControlState, address: str) -> Notification:
    change = state.command_id or state.changed_at.isoformat()
    body = (
        f"The platform's operating mode is now {state.mode.value}.\n\n"
        f"Changed at: {state.changed_at.isoformat()}\n"
        f"Changed by: {state.changed_by or 'unknown'}\n"
        f"Reason: {state.reason or 'none given'}\n"
        f"Command: {state.command_id or 'none'}\n\n"
        "Webhooks are still accepted and queued while processing is paused.\n"
    )
    return Notification(
        notification_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"mode:{change}:{address}")),
        to=address,
        subject=SUBJECTS.get(state.mode.value, f"Switchboard mode: {state.mode.value}"),
        body=body,
    )


class ModeChangeMail:
    def __init__(self, pool: AsyncConnectionPool, mailer: Mailer) -> None:
        self._pool = pool
        self._mailer = mailer

    async def on_state(self, state: ControlState, envelope: Envelope) -> None:
        if state.command_id is None:
            return  # not a command's change (the initial state, say): nothing to tell
        async with tenant_transaction(self._pool, ALL_TENANTS) as conn:
            owners = await directory.platform_owner_emails(conn)
        for address in owners:
            await self._mailer.deliver(mode_notification(state, address), envelope)
