"""The one place an entry becomes bytes and a leaf hash (docs/audit-log.md states it exactly)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from switchboard_audit.domain import Entry
from switchboard_shared.merkle import leaf_hash

LEAF_FIELDS = (
    "seq", "event_id", "occurred_at", "recorded_at", "actor_id", "actor_email", "actor_role",
    "tenant_id", "action", "resource", "params", "result", "reason",
)  # fmt: skip


def timestamp(value: datetime) -> str:
    """UTC, microseconds, `+00:00`: 2026-01-02T03:04:05.000006+00:00."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def canonical_bytes(entry: Entry) -> bytes:
    """One JSON object of LEAF_FIELDS: keys sorted, no spaces, UTF-8 without escapes."""
    values: dict[str, Any] = {name: getattr(entry, name) for name in LEAF_FIELDS}
    values["occurred_at"] = timestamp(entry.occurred_at)
    values["recorded_at"] = timestamp(entry.recorded_at)
    return _ENCODER.encode(values).encode()


def entry_leaf_hash(entry: Entry) -> bytes:
    return leaf_hash(canonical_bytes(entry))
