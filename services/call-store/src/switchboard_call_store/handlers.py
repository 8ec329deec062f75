"""Use cases: store a call event, store a lead event. Each runs in one tenant transaction that
also records the event id, so a redelivered event has no second effect."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from switchboard_call_store.domain import CallRecord, merge, merge_contact, recording_fetch
from switchboard_call_store.store import CallStore, CallWriter
from switchboard_shared.events import CallEvent, LeadEvent

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Outcome:
    applied: bool
    call_pk: uuid.UUID | None = None


async def record_call_event(
    store: CallStore, event: CallEvent, *, tenant_id: str, event_id: str, now: Clock = utc_now
) -> Outcome:
    async with store.writer(tenant_id) as writer:
        if not await writer.remember_event(event_id):
            return Outcome(applied=False)
        pk, call = await _upsert_call(writer, event)
        if call.transcript is not None or call.segments:
            await writer.save_transcript(pk, call)
        await _queue_recording(writer, pk, call, now())
        return Outcome(applied=True, call_pk=pk)


async def _upsert_call(writer: CallWriter, event: CallEvent) -> tuple[uuid.UUID, CallRecord]:
    """Merge under a row lock; when two writers race to create the call, the loser merges again."""
    while True:
        found = await writer.lock_call(event.call_id)
        call = merge(found[1] if found else None, event)
        contact_id = await _contact(writer, call)
        if found is not None:
            await writer.update_call(found[0], call, contact_id)
            return found[0], call
        created = await writer.insert_call(call, contact_id)
        if created is not None:
            return created, call


async def _contact(writer: CallWriter, call: CallRecord) -> uuid.UUID | None:
    if not call.lead_id:
        return None
    return await writer.contact_for_lead(call.lead_id, call.phone_number)


async def _queue_recording(
    writer: CallWriter, pk: uuid.UUID, call: CallRecord, now: datetime
) -> None:
    fetch = recording_fetch(call, now)
    if fetch is None:
        await writer.close_recording_job(pk)
    else:
        await writer.schedule_recording(pk, call, fetch)


async def record_lead_event(
    store: CallStore, event: LeadEvent, *, tenant_id: str, event_id: str
) -> Outcome:
    async with store.writer(tenant_id) as writer:
        if not await writer.remember_event(event_id):
            return Outcome(applied=False)
        contact = merge_contact(await writer.lock_contact(event.lead_id), event)
        await writer.save_contact(contact)
        return Outcome(applied=True)
