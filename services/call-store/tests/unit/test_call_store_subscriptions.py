"""How call-store subscribes: its consumers of call events, with the waits it was given."""

from __future__ import annotations

from typing import Any

from switchboard_call_store.subscribers import CallSubscribers
from switchboard_shared.topics import CALLS_EVENTS, LEADS_EVENTS


class RecordingConsumer:
    def __init__(self) -> None:
        self.batches: list[tuple[str, dict[str, Any]]] = []
        self.singles: list[str] = []

    def subscribe_batch(self, topic: Any, model: Any, handler: Any, **options: Any) -> None:
        self.batches.append((topic.name, options))

    def subscribe(self, topic: Any, model: Any, handler: Any, **options: Any) -> None:
        self.singles.append(topic.name)


def test_each_process_runs_the_configured_consumers_of_call_events_in_one_group() -> None:
    consumer = RecordingConsumer()
    subscribers = CallSubscribers(
        None,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        max_records=500,
        batch_timeout_ms=25,
        fetch_max_wait_ms=200,
        consumers=3,
    )
    subscribers.register(consumer, "call-store")  # type: ignore[arg-type]

    expected = {
        "group_id": "call-store",
        "max_records": 500,
        "batch_timeout_ms": 25,
        "fetch_max_wait_ms": 200,
    }
    assert consumer.batches == [(CALLS_EVENTS.name, expected)] * 3
    assert consumer.singles == [LEADS_EVENTS.name]
