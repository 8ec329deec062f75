"""The audit service's use cases: record what happened and read it back."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from switchboard_audit.domain import (
    Entry,
    EntryDraft,
    EntryQuery,
    decode_cursor,
    draft_from_audit_event,
    draft_from_command,
    encode_cursor,
)
from switchboard_audit.store import AuditStore
from switchboard_shared.auth.principal import Principal
from switchboard_shared.envelope import Envelope
from switchboard_shared.events import AuditEvent, ControlCommand

log = logging.getLogger(__name__)


async def record(store: AuditStore, drafts: Sequence[EntryDraft]) -> list[Entry]:
    """One batch, one transaction; a redelivered event id is stored once."""
    entries = await store.append(drafts)
    if len(entries) < len(drafts):
        log.info("%d audit events already recorded", len(drafts) - len(entries))
    return entries


async def record_audit_events(
    store: AuditStore, batch: Sequence[tuple[AuditEvent, Envelope]]
) -> None:
    await record(store, [draft_from_audit_event(event, envelope) for event, envelope in batch])


async def record_commands(
    store: AuditStore, batch: Sequence[tuple[ControlCommand, Envelope]]
) -> None:
    await record(store, [draft_from_command(command, envelope) for command, envelope in batch])


async def list_entries(
    store: AuditStore, principal: Principal, query: EntryQuery, cursor: str | None
) -> dict[str, Any]:
    """Tenant users see their tenant only (another tenant's id reads as not found)."""
    scope = principal.tenant_scope(query.tenant_id)
    tenant_filter = query.tenant_id if principal.is_platform else scope
    scoped = replace(query, scope=scope, tenant_id=tenant_filter, before_seq=_seq(cursor))
    entries = await store.find(replace(scoped, limit=scoped.limit + 1))
    page, more = entries[: scoped.limit], len(entries) > scoped.limit
    next_cursor = encode_cursor(page[-1].seq) if more else None
    return {"items": [entry_view(e) for e in page], "next_cursor": next_cursor}


def _seq(cursor: str | None) -> int | None:
    if not cursor:
        return None
    return decode_cursor(cursor)


def entry_view(entry: Entry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "event_id": entry.event_id,
        "timestamp": entry.occurred_at.isoformat(),
        "recorded_at": entry.recorded_at.isoformat(),
        "user_id": entry.actor_id,
        "user_email": entry.actor_email,
        "user_role": entry.actor_role,
        "tenant_id": entry.tenant_id,
        "action": entry.action,
        "resource": entry.resource,
        "params": entry.params,
        "result": entry.result,
        "reason": entry.reason,
    }
