"""Listing dead letters across every `*.dlq` topic (replay belongs to the owning service)."""

from __future__ import annotations

from typing import Any

from switchboard_command_control.broker_reader import Position, read_dead_letters
from switchboard_shared.auth.principal import Principal
from switchboard_shared.dead_letter_view import visible_letter
from switchboard_shared.errors import BadRequest
from switchboard_shared.topics import ALL_TOPICS

DLQ_TOPICS = {topic.dlq: topic for topic in ALL_TOPICS}


def dlq_topics(requested: str | None) -> list[str]:
    if requested is None:
        return sorted(DLQ_TOPICS)
    name = requested if requested.endswith(".dlq") else f"{requested}.dlq"
    if name not in DLQ_TOPICS:
        raise BadRequest(f"no such topic {requested!r}", code="unknown_topic")
    return [name]


def _position(cursor: str | None) -> Position | None:
    if not cursor:
        return None
    return Position.decode(cursor)


async def list_dead_letters(
    bootstrap_servers: str,
    principal: Principal,
    *,
    topic: str | None,
    limit: int,
    cursor: str | None,
    seconds: float,
) -> dict[str, Any]:
    letters, last = await read_dead_letters(
        bootstrap_servers, dlq_topics(topic), after=_position(cursor), limit=limit, seconds=seconds
    )
    return {
        "items": [visible_letter(letter, principal) for letter in letters],
        "next_cursor": last.encode() if last else None,
    }
