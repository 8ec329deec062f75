"""The one cursor codec of every paginated route: an opaque, URL-safe token holding the keyset
position after the last item of a page. A token that does not decode is `400 invalid_cursor`."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any

from switchboard_shared.errors import BadRequest


class InvalidCursor(BadRequest):
    def __init__(self) -> None:
        super().__init__("cursor is not one this route issued", code="invalid_cursor")


def encode_cursor(*position: str | int) -> str:
    raw = json.dumps(list(position), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *kinds: type) -> tuple[Any, ...]:
    """The position, each part checked against its kind (str, int or datetime)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw)
    except (binascii.Error, ValueError) as error:
        raise InvalidCursor from error
    if not isinstance(parts, list) or len(parts) != len(kinds):
        raise InvalidCursor
    return tuple(_part(value, kind) for value, kind in zip(parts, kinds, strict=True))


def _part(value: Any, kind: type) -> Any:
    if kind is datetime and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as error:
            raise InvalidCursor from error
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind is str and isinstance(value, str):
        return value
    raise InvalidCursor


def encode_keyset(at: datetime, row_id: str) -> str:
    """The common keyset: (a timestamp, the row's id)."""
    return encode_cursor(at.isoformat(), row_id)


def decode_keyset(cursor: str | None) -> tuple[datetime, str] | None:
    if not cursor:
        return None
    at, row_id = decode_cursor(cursor, datetime, str)
    return at, row_id
