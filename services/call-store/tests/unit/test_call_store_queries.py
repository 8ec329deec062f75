"""Filters and cursors: bad values are refused with a clear 400, cursors round-trip."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from switchboard_call_store.queries import MAX_LIMIT, Cursor, parse_call_query
from switchboard_shared.errors import BadRequest


def test_defaults_apply_when_nothing_is_asked() -> None:
    query = parse_call_query({})
    assert (query.limit, query.cursor, query.since) == (50, None, None)


def test_a_cursor_round_trips() -> None:
    cursor = Cursor(datetime(2026, 3, 1, tzinfo=UTC), uuid.uuid4())
    assert parse_call_query({"cursor": cursor.encode()}).cursor == cursor


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": str(MAX_LIMIT + 1)},
        {"limit": "ten"},
        {"since": "yesterday"},
        {"until": "2026-13-01"},
        {"since": "2026-03-02T00:00:00Z", "until": "2026-03-01T00:00:00Z"},
        {"cursor": "not-a-cursor"},
    ],
)
def test_bad_values_are_refused(params: dict[str, str]) -> None:
    with pytest.raises(BadRequest):
        parse_call_query(params)


def test_dates_without_zone_are_read_as_utc() -> None:
    query = parse_call_query({"since": "2026-03-01T10:00:00"})
    assert query.since == datetime(2026, 3, 1, 10, tzinfo=UTC)
