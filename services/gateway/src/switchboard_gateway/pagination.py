"""Opaque keyset cursors: the (created_at, id) of the last row a page returned."""

from __future__ import annotations

from datetime import datetime

from switchboard_shared.cursors import decode_keyset, encode_keyset
from switchboard_shared.errors import BadRequest

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode_cursor(created_at: datetime, row_id: str) -> str:
    return encode_keyset(created_at, row_id)


def decode_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    return decode_keyset(cursor)


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if limit < 1:
        raise BadRequest("limit must be at least 1")
    return min(limit, MAX_LIMIT)
