"""A page of locations; its cursor is the shared keyset codec's (created_at, location id)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from switchboard_shared.cursors import decode_keyset as decode_cursor
from switchboard_shared.cursors import encode_keyset as encode_cursor

__all__ = ["Page", "decode_cursor", "encode_cursor"]


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None
