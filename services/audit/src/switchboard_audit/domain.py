"""The audit log's rules: what an entry holds, how it is hashed and how the chain is checked."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from switchboard_shared.envelope import Envelope
from switchboard_shared.events import AuditEvent, ControlCommand, Event
from switchboard_shared.masking import mask_email, mask_text, mask_value

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class EntryDraft:
    """An entry before it is chained: every value already masked."""

    event_id: str
    occurred_at: datetime
    action: str
    result: str
    actor_id: str | None = None
    actor_email: str | None = None
    actor_role: str | None = None
    tenant_id: str | None = None
    resource: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None


@dataclass(frozen=True)
class Entry(EntryDraft):
    recorded_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    prev_hash: str = GENESIS_HASH
    hash: str = ""
    seq: int | None = None

    def hashed_fields(self) -> dict[str, Any]:
        values = asdict(self)
        del values["hash"], values["seq"]
        return values


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def canonical_json(values: dict[str, Any]) -> bytes:
    """Sorted keys, no spaces, UTC timestamps with microseconds: one text per entry."""

    def default(value: Any) -> str:
        if isinstance(value, datetime):
            return _timestamp(value)
        raise TypeError(f"not serialisable: {type(value).__name__}")

    text = json.dumps(
        values, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=default
    )
    return text.encode()


def entry_hash(entry: Entry) -> str:
    return hashlib.sha256(canonical_json(entry.hashed_fields())).hexdigest()


def chain(draft: EntryDraft, prev_hash: str, recorded_at: datetime) -> Entry:
    entry = Entry(**asdict(draft), recorded_at=recorded_at, prev_hash=prev_hash)
    return Entry(**{**asdict(entry), "hash": entry_hash(entry)})


@dataclass
class ChainCheck:
    """Walks entries in sequence order; remembers the first one whose link or hash is wrong."""

    last_hash: str = GENESIS_HASH
    entries_checked: int = 0
    first_broken_seq: int | None = None

    def feed(self, entries: Iterable[Entry]) -> None:
        for entry in entries:
            self.entries_checked += 1
            intact = entry.prev_hash == self.last_hash and entry.hash == entry_hash(entry)
            if not intact and self.first_broken_seq is None:
                self.first_broken_seq = entry.seq
            self.last_hash = entry.hash

    @property
    def valid(self) -> bool:
        return self.first_broken_seq is None

    def report(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "entries_checked": self.entries_checked,
            "first_broken_seq": self.first_broken_seq,
        }


def _clean(value: Any) -> Any:
    """PostgreSQL text and jsonb refuse NUL characters; drop them."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_clean(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _utc(value: datetime) -> datetime:
    """A time without a zone is taken as UTC, so the database and the hash agree on it."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _masked(text: str | None) -> str | None:
    return None if text is None else mask_text(_clean(text))


def event_id_for(event: Event, envelope: Envelope) -> str:
    """The envelope id; a message without one is keyed by its content so replays still dedupe."""
    if envelope.id:
        return envelope.id
    return f"{event.ce_type}:{hashlib.sha256(event.model_dump_json().encode()).hexdigest()}"


def draft_from_audit_event(event: AuditEvent, envelope: Envelope) -> EntryDraft:
    return EntryDraft(
        event_id=event_id_for(event, envelope),
        occurred_at=_utc(event.occurred_at),
        action=_clean(event.action),
        result=event.result.value,
        actor_id=_clean(event.actor_id) if event.actor_id else None,
        actor_email=mask_email(_clean(event.actor_email)) if event.actor_email else None,
        actor_role=event.actor_role,
        tenant_id=event.tenant_id,
        resource=_masked(event.resource),
        params=mask_value(_clean(event.params)),
        reason=_masked(event.reason),
    )


def draft_from_command(command: ControlCommand, envelope: Envelope) -> EntryDraft:
    return EntryDraft(
        event_id=event_id_for(command, envelope),
        occurred_at=_utc(command.issued_at),
        action=f"command.{_clean(command.command)}",
        result=command.outcome.value,
        actor_id=_clean(command.actor_id),
        actor_email=mask_email(_clean(command.actor_email)) if command.actor_email else None,
        actor_role=command.actor_role,
        tenant_id=None,
        resource=f"command:{_clean(command.command_id)}",
        params=mask_value(_clean(command.params)),
        reason=_masked(command.reason),
    )


class BadCursor(ValueError):
    pass


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"seq:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, number = text.partition(":")
        if prefix != "seq":
            raise BadCursor("not an audit cursor")
        return int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise BadCursor("malformed cursor") from error
