"""The ports the use cases need, so tests can hand in fakes instead of a broker."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from switchboard_shared.bus import Outgoing
from switchboard_shared.envelope import Envelope
from switchboard_shared.events import Event
from switchboard_shared.topics import Topic


class Publisher(Protocol):
    async def publish(
        self,
        topic: Topic | str,
        event: Event,
        *,
        key: bytes,
        tenant_id: str | None = None,
        actor: str | None = None,
        correlation_id: str | None = None,
        envelope_id: str | None = None,
    ) -> Envelope:
        """Returns once the broker acknowledged (acks=all)."""

    def prepare(
        self,
        topic: Topic | str,
        event: Event,
        *,
        key: bytes,
        tenant_id: str | None = None,
        actor: str | None = None,
        correlation_id: str | None = None,
        envelope_id: str | None = None,
    ) -> Outgoing:
        """The event encoded in its envelope, not yet sent."""


class Sender(Protocol):
    async def send_many(self, messages: Sequence[Outgoing]) -> None:
        """Returns once the broker acknowledged every message (acks=all)."""
