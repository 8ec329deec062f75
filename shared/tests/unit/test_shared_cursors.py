"""The one cursor codec: what it encodes comes back; anything else is 400 invalid_cursor."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from switchboard_shared.cursors import (
    InvalidCursor,
    decode_cursor,
    decode_keyset,
    encode_cursor,
    encode_keyset,
)

AT = datetime(2026, 1, 7, 12, 0, tzinfo=UTC)


def test_a_keyset_survives_the_round_trip() -> None:
    assert decode_keyset(encode_keyset(AT, "row-1")) == (AT, "row-1")
    assert decode_keyset(None) is None


def test_a_position_of_several_kinds_survives_the_round_trip() -> None:
    token = encode_cursor("calls.events.v1.dlq", 3, 41)
    assert "=" not in token
    assert decode_cursor(token, str, int, int) == ("calls.events.v1.dlq", 3, 41)


@pytest.mark.parametrize(
    "token",
    [
        "not-a-cursor",
        "%%%",
        base64.urlsafe_b64encode(b'{"t": 1}').decode(),
        encode_cursor("2026-01-07T12:00:00+00:00"),
        encode_cursor("yesterday", "row-1"),
        encode_cursor(AT.isoformat(), 7),
        encode_cursor(True, 1, 2),
    ],
)
def test_anything_else_is_refused_as_the_callers_error(token: str) -> None:
    with pytest.raises(InvalidCursor) as refused:
        decode_cursor(token, datetime, str)
    assert (refused.value.status_code, refused.value.code) == (400, "invalid_cursor")
