"""Group commit of webhooks: one claim and one produce for many requests, all or nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest

from switchboard_shared.bus import Outgoing
from switchboard_shared.envelope import Envelope
from switchboard_shared.errors import Unavailable
from switchboard_webhook_ingest.deliveries import DeliveryBatcher, first_claims
from switchboard_webhook_ingest.store import Claim


@dataclass
class Keys:
    """Claimed keys, committed only when the batch's block ends without an error."""

    committed: set[str] = field(default_factory=set)
    batches: list[list[str]] = field(default_factory=list)

    @asynccontextmanager
    async def claim_batch(self, claims: Sequence[Claim]) -> AsyncIterator[set[str]]:
        ids = [claim.event_id for claim in claims]
        self.batches.append(ids)
        claimed = set(ids) - self.committed
        yield claimed
        self.committed |= claimed


@dataclass
class Broker:
    delay: float = 0.0
    down: bool = False
    sent: list[tuple[str, str]] = field(default_factory=list)

    async def send_many(self, messages: Sequence[Outgoing]) -> None:
        await asyncio.sleep(self.delay)
        if self.down:
            raise ConnectionError("broker unreachable")
        self.sent.extend((m.envelope.id, m.trace.get("traceparent", "")) for m in messages)


def claim(event_id: str) -> Claim:
    return Claim("tenant-1", "standard", f"key-{event_id}", event_id, "token-1")


def message(event_id: str, traceparent: str = "") -> Outgoing:
    envelope = Envelope(type="t", source="test", tenant_id="tenant-1", id=event_id)
    trace = {"traceparent": traceparent} if traceparent else {}
    return Outgoing("calls.events.v1", b"{}", b"tenant-1:c", envelope, trace)


async def deliver(batcher: DeliveryBatcher, event_id: str, traceparent: str = "") -> bool:
    return await batcher.deliver(claim(event_id), [message(event_id, traceparent)])


def test_only_the_first_request_of_a_batch_owns_a_claimed_key() -> None:
    assert first_claims(["a", "b", "a", "c"], {"a", "c"}) == [True, False, False, True]


async def test_concurrent_requests_share_batches_and_each_new_key_is_published_once() -> None:
    keys, broker = Keys(), Broker(delay=0.01)
    batcher = DeliveryBatcher(keys, broker, publish_timeout=2.0, max_in_flight=1)
    ids = [f"e{i}" for i in range(40)] + ["e0", "e1"]

    answers = await asyncio.gather(*(deliver(batcher, i) for i in ids))

    assert answers.count(True) == 40
    assert answers[40:] == [False, False]
    assert sorted(eid for eid, _ in broker.sent) == sorted(set(ids))
    assert len(keys.batches) < len(ids) / 4  # requests waited together, not one by one
    await batcher.close()


async def test_a_failed_publish_fails_the_whole_batch_and_commits_none_of_its_keys() -> None:
    keys, broker = Keys(), Broker(down=True)
    batcher = DeliveryBatcher(keys, broker, publish_timeout=2.0)

    results = await asyncio.gather(
        *(deliver(batcher, f"e{i}") for i in range(5)), return_exceptions=True
    )

    assert all(isinstance(r, Unavailable) and r.retry_after for r in results)
    assert keys.committed == set()
    broker.down = False
    assert await deliver(batcher, "e0") is True
    await batcher.close()


async def test_a_broker_that_never_acknowledges_is_a_503_within_the_timeout() -> None:
    keys, broker = Keys(), Broker(delay=30)
    batcher = DeliveryBatcher(keys, broker, publish_timeout=0.1)

    with pytest.raises(Unavailable):
        await asyncio.wait_for(deliver(batcher, "e0"), 5)
    assert keys.committed == set()
    await batcher.close()


async def test_each_event_keeps_the_trace_of_the_request_that_carried_it() -> None:
    keys, broker = Keys(), Broker()
    batcher = DeliveryBatcher(keys, broker, publish_timeout=2.0)

    await asyncio.gather(*(deliver(batcher, f"e{i}", traceparent=f"t{i}") for i in range(6)))

    assert sorted(broker.sent) == sorted((f"e{i}", f"t{i}") for i in range(6))
    await batcher.close()


async def test_after_close_a_request_is_told_to_retry() -> None:
    batcher = DeliveryBatcher(Keys(), Broker(), publish_timeout=1.0)
    await batcher.close()
    with pytest.raises(Unavailable):
        await deliver(batcher, "e0")
