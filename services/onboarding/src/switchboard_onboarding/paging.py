"""Opaque keyset cursors for location lists."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from switchboard_shared.errors import BadRequest


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None


def encode_cursor(created_at: datetime, location_id: str) -> str:
    raw = json.dumps([created_at.isoformat(), location_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        at, location_id = json.loads(base64.urlsafe_b64decode(padded))
        return datetime.fromisoformat(at), str(location_id)
    except (ValueError, TypeError, binascii.Error) as error:
        raise BadRequest("invalid cursor", code="invalid_cursor") from error
