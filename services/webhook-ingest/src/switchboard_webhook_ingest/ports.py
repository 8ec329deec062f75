"""The ports the webhook use case needs beyond the shared `Publisher`, so tests can hand in fakes
instead of a broker."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from typing_extensions import Unpack

from switchboard_shared.bus import EnvelopeFields, Outgoing
from switchboard_shared.events import Event
from switchboard_shared.topics import Topic


class Preparer(Protocol):
    def prepare(
        self, topic: Topic | str, event: Event, *, key: bytes, **fields: Unpack[EnvelopeFields]
    ) -> Outgoing:
        """The event encoded in its envelope, not yet sent."""


class Sender(Protocol):
    async def send_many(self, messages: Sequence[Outgoing]) -> None:
        """Returns once the broker acknowledged every message (acks=all)."""
