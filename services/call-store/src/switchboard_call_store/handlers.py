"""Use case: store a lead event, in one tenant transaction that also records the event id, so a
redelivered event has no second effect. (Call events are stored in batches: call_batches.py.)"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from switchboard_call_store.domain import merge_contact
from switchboard_call_store.store import CallStore
from switchboard_shared.events import LeadEvent

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Outcome:
    applied: bool
    call_pk: uuid.UUID | None = None


async def record_lead_event(
    store: CallStore, event: LeadEvent, *, tenant_id: str, event_id: str
) -> Outcome:
    async with store.writer(tenant_id) as writer:
        if not await writer.remember_event(event_id):
            return Outcome(applied=False)
        contact = merge_contact(await writer.lock_contact(event.lead_id), event)
        await writer.save_contact(contact)
        return Outcome(applied=True)
