"""The rules of the call record: how events merge, when a recording is fetched, what the
library shows. Plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any

from switchboard_shared.db import ALL_TENANTS
from switchboard_shared.events import CallEvent, CallEventKind, LeadEvent


class UnstorableEvent(ValueError):
    """An event that can never be stored as it is; it belongs in the dead letters."""


class MissingTenant(UnstorableEvent):
    pass


def event_identity(event_id: str) -> str:
    """The envelope id that makes redelivery harmless; without it an event cannot be stored."""
    if not event_id.strip():
        raise UnstorableEvent("event has no envelope id (ce_id)")
    return event_id


def event_tenant(tenant_id: str | None) -> str:
    """The tenant an event is stored for; never empty and never the all-tenants scope."""
    if not tenant_id or not tenant_id.strip() or tenant_id == ALL_TENANTS:
        raise MissingTenant(f"event has no usable tenant id: {tenant_id!r}")
    return tenant_id


@dataclass(frozen=True)
class CallRecord:
    """A call as stored: the newest known value of each field, plus its transcript."""

    call_id: str
    provider: str
    status: str
    last_event_at: datetime
    direction: str | None = None
    phone_number: str | None = None
    agent_name: str | None = None
    disposition: str | None = None
    duration_sec: float | None = None
    campaign: str | None = None
    lead_id: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    recording_url: str | None = None
    summary: str | None = None
    qa_score: float | None = None
    transcript: str | None = None
    segments: tuple[dict[str, Any], ...] | None = None


MERGED_FIELDS = tuple(
    f.name for f in fields(CallRecord) if f.name not in {"call_id", "status", "last_event_at"}
)


_EVENT_FIELDS = tuple(name for name in MERGED_FIELDS if name != "segments")
_read_event_fields = attrgetter(*_EVENT_FIELDS)


def record_from_event(event: CallEvent) -> CallRecord:
    segments = tuple(s.model_dump() for s in event.segments) if event.segments else None
    values = dict(zip(_EVENT_FIELDS, _read_event_fields(event), strict=True))
    return CallRecord(
        call_id=event.call_id,
        status=event.event.value,
        last_event_at=event.occurred_at,
        **values,
        segments=segments,
    )


def merge(existing: CallRecord | None, event: CallEvent) -> CallRecord:
    """A newer event overwrites with every value it carries; an older one only fills gaps."""
    incoming = record_from_event(event)
    if existing is None:
        return incoming
    newer = event.occurred_at >= existing.last_event_at
    first, second = (incoming, existing) if newer else (existing, incoming)
    values = {name: _first_known(first, second, name) for name in MERGED_FIELDS}
    return replace(
        existing,
        **values,
        status=incoming.status if newer else existing.status,
        last_event_at=max(existing.last_event_at, incoming.last_event_at),
    )


def _first_known(first: CallRecord, second: CallRecord, name: str) -> Any:
    value = getattr(first, name)
    return getattr(second, name) if value is None else value


@dataclass(frozen=True)
class ContactRecord:
    lead_id: str
    phone: str | None = None
    name: str | None = None
    email: str | None = None
    status: str | None = None
    last_event_at: datetime | None = None


def merge_contact(existing: ContactRecord | None, event: LeadEvent) -> ContactRecord:
    """The same rule as calls: a newer lead event wins, an older one only fills gaps."""
    name = " ".join(p for p in (event.first_name, event.last_name) if p) or None
    incoming = ContactRecord(
        lead_id=event.lead_id,
        phone=event.phone_number,
        name=name,
        email=event.email,
        status=event.status,
        last_event_at=event.occurred_at,
    )
    if existing is None:
        return incoming
    newer = existing.last_event_at is None or event.occurred_at >= existing.last_event_at
    first, second = (incoming, existing) if newer else (existing, incoming)
    return ContactRecord(
        lead_id=existing.lead_id,
        phone=first.phone or second.phone,
        name=first.name or second.name,
        email=first.email or second.email,
        status=first.status or second.status,
        last_event_at=max(t for t in (existing.last_event_at, event.occurred_at) if t),
    )


AVERAGE_CALL = timedelta(minutes=5)
AFTER_ESTIMATED_END = timedelta(minutes=2)


@dataclass(frozen=True)
class RecordingFetch:
    """When to fetch a recording the provider did not send (seed 004's schedule)."""

    scheduled_for: datetime
    call_started_at: datetime
    call_ended_at: datetime | None
    estimated_end_time: datetime | None


def has_ended(call: CallRecord) -> bool:
    return (
        call.status == CallEventKind.ENDED
        or call.ended_at is not None
        or bool(call.duration_sec and call.duration_sec > 0)
    )


def recording_fetch(call: CallRecord, now: datetime) -> RecordingFetch | None:
    """Nothing to fetch when the call has its recording; at once when it ended; otherwise two
    minutes after its estimated end."""
    if call.recording_url:
        return None
    started = call.started_at or now
    if has_ended(call):
        return RecordingFetch(now, started, call.ended_at, None)
    estimated_end = started + AVERAGE_CALL
    return RecordingFetch(estimated_end + AFTER_ESTIMATED_END, started, None, estimated_end)


BEST_DISPOSITIONS = ("completed", "success", "connected", "answered")
WORST_DISPOSITIONS = ("failed", "no answer", "busy", "voicemail", "disconnected", "rejected")
BEST_MIN_DURATION_SEC = 60
WORST_MAX_DURATION_SEC = 30
RECENT_WINDOW = timedelta(days=7)
LIBRARY_SIZE = 20


def is_best(disposition: str | None, duration_sec: float | None) -> bool:
    """A successful disposition on a call longer than a minute."""
    return (
        (disposition or "").strip().lower() in BEST_DISPOSITIONS
        and duration_sec is not None
        and duration_sec > BEST_MIN_DURATION_SEC
    )


def is_worst(disposition: str | None, duration_sec: float | None) -> bool:
    """A failed disposition, or any call shorter than thirty seconds."""
    return (disposition or "").strip().lower() in WORST_DISPOSITIONS or (
        duration_sec is not None and duration_sec < WORST_MAX_DURATION_SEC
    )


def is_recent(started_at: datetime | None, now: datetime) -> bool:
    return started_at is not None and started_at >= now - RECENT_WINDOW
