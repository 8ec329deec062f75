"""What a caller asks of the call list: validated filters and an opaque keyset cursor."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from switchboard_shared.cursors import InvalidCursor, decode_keyset, encode_keyset
from switchboard_shared.errors import BadRequest

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True)
class Cursor:
    """The position after the last item shown: (started_at or created_at, id), newest first."""

    sort_at: datetime
    id: uuid.UUID

    def encode(self) -> str:
        return encode_keyset(self.sort_at, str(self.id))

    @classmethod
    def decode(cls, token: str) -> Cursor:
        keyset = decode_keyset(token)
        assert keyset is not None
        try:
            return cls(sort_at=keyset[0], id=uuid.UUID(keyset[1]))
        except ValueError as error:
            raise InvalidCursor from error


@dataclass(frozen=True)
class CallQuery:
    call_id: str | None = None
    disposition: str | None = None
    agent: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    tenant_id: str | None = None
    limit: int = DEFAULT_LIMIT
    cursor: Cursor | None = None


def parse_call_query(params: dict[str, str]) -> CallQuery:
    since, until = _instant(params, "since"), _instant(params, "until")
    if since and until and since > until:
        raise BadRequest("since must not be after until", code="invalid_filter")
    cursor = params.get("cursor")
    return CallQuery(
        call_id=params.get("call_id") or None,
        disposition=params.get("disposition") or None,
        agent=params.get("agent") or None,
        since=since,
        until=until,
        tenant_id=params.get("tenant_id") or None,
        limit=_limit(params.get("limit")),
        cursor=Cursor.decode(cursor) if cursor else None,
    )


def _instant(params: dict[str, str], name: str) -> datetime | None:
    value = params.get(name)
    if not value:
        return None
    try:
        return _aware(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError as error:
        raise BadRequest(f"{name} must be an ISO 8601 date-time", code="invalid_filter") from error


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _limit(value: str | None) -> int:
    if value is None or value == "":
        return DEFAULT_LIMIT
    if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise BadRequest(f"limit must be an integer from 1 to {MAX_LIMIT}", code="invalid_filter")
    return int(value)
