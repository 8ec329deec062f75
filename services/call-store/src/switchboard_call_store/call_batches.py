"""Use case: store a batch of call events in one transaction. Events already processed (by
envelope id) are dropped; per tenant, the events of each call are folded in order with the merge
rules, then every call is written with a handful of set-based statements."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from switchboard_call_store.batch_store import CallBatchWriter, CallRow
from switchboard_call_store.domain import CallRecord, RecordingFetch, merge, recording_fetch
from switchboard_call_store.handlers import Clock, utc_now
from switchboard_shared.events import CallEvent


class CallBatchStore(Protocol):
    def batch_writer(self) -> AbstractAsyncContextManager[CallBatchWriter]:
        """One transaction for the whole batch."""


@dataclass(frozen=True)
class StampedCallEvent:
    """A call event with the tenant and envelope id it is stored under."""

    event: CallEvent
    tenant_id: str
    event_id: str


@dataclass(frozen=True)
class Folded:
    """A call after its events in this batch, every lead it was linked to along the way, and the
    recording fetch its states queued (combined as the queue's upsert would combine them)."""

    call: CallRecord
    lead_phones: dict[str, str | None]
    fetch: QueuedFetch | None


@dataclass(frozen=True)
class QueuedFetch:
    fetch: RecordingFetch
    lead_id: str | None


def fold(existing: CallRecord | None, events: Sequence[CallEvent], now: datetime) -> Folded:
    call = existing
    leads: dict[str, str | None] = {}
    queued: QueuedFetch | None = None
    for event in events:
        call = merge(call, event)
        if call.lead_id and leads.get(call.lead_id) is None:
            leads[call.lead_id] = call.phone_number
        fetch = recording_fetch(call, now)
        if fetch is not None:
            queued = _requeue(queued, QueuedFetch(fetch, call.lead_id))
    assert call is not None, "a call is folded from at least one event"
    return Folded(call, leads, queued)


def _requeue(queued: QueuedFetch | None, new: QueuedFetch) -> QueuedFetch:
    """The earliest schedule wins; a known end time and lead id are kept."""
    if queued is None:
        return new
    fetch = replace(
        queued.fetch,
        scheduled_for=min(queued.fetch.scheduled_for, new.fetch.scheduled_for),
        call_ended_at=new.fetch.call_ended_at or queued.fetch.call_ended_at,
    )
    return QueuedFetch(fetch, new.lead_id or queued.lead_id)


async def record_call_events(
    store: CallBatchStore, events: Sequence[StampedCallEvent], *, now: Clock = utc_now
) -> int:
    """Stores the batch; answers how many events had an effect (the others were seen before)."""
    first_of_each = {e.event_id: e for e in reversed(events)}
    async with store.batch_writer() as writer:
        fresh = await writer.remember_events(list(first_of_each))
        by_tenant: dict[str, dict[str, list[CallEvent]]] = {}
        for stamped in events:
            if first_of_each.get(stamped.event_id) is stamped and stamped.event_id in fresh:
                calls = by_tenant.setdefault(stamped.tenant_id, {})
                calls.setdefault(stamped.event.call_id, []).append(stamped.event)
        for tenant_id, calls in by_tenant.items():
            await writer.scope(tenant_id)
            await _store_calls(writer, calls, now())
    return len(fresh)


async def _store_calls(
    writer: CallBatchWriter, pending: dict[str, list[CallEvent]], now: datetime
) -> None:
    """Inserts the calls first as new; those that exist (or that another writer created
    meanwhile) are then locked, merged with what is stored, and updated."""
    found: dict[str, CallRow] = {}
    while pending:
        folded = {cid: fold(found[cid][1] if cid in found else None, evs, now)
                  for cid, evs in pending.items()}  # fmt: skip
        contacts = await writer.contacts_for_leads(_lead_phones(folded.values()))
        await writer.update_calls(
            [(found[cid][0], f.call, _contact(contacts, f.call)) for cid, f in folded.items()
             if cid in found]
        )  # fmt: skip
        created = await writer.insert_calls(
            [(f.call, _contact(contacts, f.call)) for cid, f in folded.items() if cid not in found]
        )
        pks = {cid: pk for cid, (pk, _) in found.items()} | created
        await _follow_up(writer, [(pks[cid], f) for cid, f in folded.items() if cid in pks], now)
        pending = {cid: evs for cid, evs in pending.items() if cid not in pks}
        found = await writer.lock_calls(sorted(pending)) if pending else {}


def _lead_phones(folded: Iterable[Folded]) -> dict[str, str | None]:
    phones: dict[str, str | None] = {}
    for item in folded:
        for lead, phone in item.lead_phones.items():
            if phones.get(lead) is None:
                phones[lead] = phone
    return phones


def _contact(contacts: dict[str, uuid.UUID], call: CallRecord) -> uuid.UUID | None:
    return contacts.get(call.lead_id) if call.lead_id else None


async def _follow_up(
    writer: CallBatchWriter, stored: list[tuple[uuid.UUID, Folded]], now: datetime
) -> None:
    """Transcripts, and the recording fetch queue (seed 004's schedule): a fetch queued by an
    earlier state is closed when the call's newest state brought the recording."""
    await writer.save_transcripts(
        [(pk, f.call) for pk, f in stored if f.call.transcript is not None or f.call.segments]
    )
    await writer.schedule_recordings(
        [(pk, f.call.call_id, f.fetch.lead_id, f.fetch.fetch)
         for pk, f in stored if f.fetch is not None]
    )  # fmt: skip
    await writer.close_recording_jobs(
        [pk for pk, f in stored if recording_fetch(f.call, now) is None]
    )
