"""The webhook use case with fakes of its ports: what is published, when, and what is refused."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from switchboard_shared.auth.revocations import RevocationList
from switchboard_shared.bus import Outgoing
from switchboard_shared.envelope import Envelope
from switchboard_shared.errors import RateLimited, Unauthorized, Unavailable
from switchboard_shared.events import Event, Revocation
from switchboard_shared.topics import Topic
from switchboard_webhook_ingest.admission import AdmissionControl
from switchboard_webhook_ingest.deliveries import DeliveryBatcher, first_claims
from switchboard_webhook_ingest.directory import TokenDirectory
from switchboard_webhook_ingest.domain import Provider, WebhookToken, token_hash
from switchboard_webhook_ingest.ingest import IngestDeps, WebhookRequest, ingest
from switchboard_webhook_ingest.secretbox import SecretBox
from switchboard_webhook_ingest.store import Admission, Claim

TOKEN = "token-of-tenant-one"
TENANT = "tenant-1"


@dataclass
class FakeTransaction:
    store: FakeStore

    async def log_delivery(
        self, tenant_id: str, token_id: str, provider: Provider, status: str, *_: Any
    ) -> None:
        self.store.statuses.append(status)


@dataclass
class FakeStore:
    tokens: dict[bytes, WebhookToken] = field(default_factory=dict)
    keys: set[tuple[str, str, str]] = field(default_factory=set)
    sealed: dict[tuple[str, str], bytes] = field(default_factory=dict)
    statuses: list[str] = field(default_factory=list)
    lookups: int = 0
    taken: int = 0
    touched: int = 0

    @asynccontextmanager
    async def transaction(self, tenant_id: str) -> AsyncIterator[FakeTransaction]:
        yield FakeTransaction(self)

    async def admit(
        self, token: WebhookToken, rate: float, burst: int, want: int, touch: bool
    ) -> Admission:
        granted = max(0, min(want, burst - self.taken))
        self.taken += granted
        self.touched += touch
        sealed = self.sealed.get((token.tenant_id, token.provider.value))
        return Admission(granted=granted, tokens=0.0 if granted else 0.25, sealed=sealed)

    @asynccontextmanager
    async def claim_batch(self, claims: Sequence[Claim]) -> AsyncIterator[set[str]]:
        new = {(c.tenant_id, c.provider, c.dedup_key): c.event_id for c in claims}
        claimed = {event_id for entry, event_id in new.items() if entry not in self.keys}
        yield claimed  # an exception skips what follows, as a rollback would
        self.keys.update(new)
        fresh = first_claims([c.event_id for c in claims], claimed)
        self.statuses.extend("accepted" if is_new else "duplicate" for is_new in fresh)

    async def find_token(self, key: bytes) -> WebhookToken | None:
        self.lookups += 1
        return self.tokens.get(key)


@dataclass
class FakeBus:
    fail: bool = False
    published: list[tuple[str, bytes, bytes | None, str | None]] = field(default_factory=list)

    async def publish(self, topic: Topic | str, event: Event, *, key: bytes, **kw: Any) -> Envelope:
        outgoing = self.prepare(topic, event, key=key, **kw)
        await self.send_many([outgoing])
        return outgoing.envelope

    def prepare(self, topic: Topic | str, event: Event, *, key: bytes, **kw: Any) -> Outgoing:
        name = topic.name if isinstance(topic, Topic) else topic
        envelope = Envelope(type=event.ce_type, source="test", tenant_id=kw.get("tenant_id"))
        return Outgoing(name, event.model_dump_json().encode(), key, envelope)

    async def send_many(self, messages: Sequence[Outgoing]) -> None:
        if self.fail:
            raise ConnectionError("broker down")
        self.published.extend((m.topic, m.body, m.key, m.envelope.tenant_id) for m in messages)


def deps(
    store: FakeStore, bus: FakeBus, revocations: RevocationList | None = None, burst: int = 100
) -> IngestDeps:
    return IngestDeps(
        store=store,
        bus=bus,
        deliveries=DeliveryBatcher(store, bus, publish_timeout=1.0),
        box=SecretBox(b"k" * 32),
        directory=TokenDirectory(store, revocations or RevocationList(), ttl=30),
        admission=AdmissionControl(store, rate_per_second=1.0, burst=burst),
        tolerance=300,
    )


def store_with(provider: Provider = Provider.STANDARD) -> FakeStore:
    return FakeStore(
        tokens={token_hash(TOKEN): WebhookToken("tok-1", TENANT, provider, active=True)}
    )


def webhook(
    body: dict[str, Any], provider: str = "standard", token: str | None = TOKEN, **headers: str
) -> WebhookRequest:
    return WebhookRequest(
        provider=provider,
        token=token,
        body=json.dumps(body).encode(),
        content_type="application/json",
        headers=headers,
        public_url="https://x.test/api/webhooks/standard",
    )


CALL = {"type": "call.ended", "timestamp": 1772377200, "data": {"call_id": "c-1"}}


async def test_an_accepted_webhook_publishes_event_and_raw_delivery_keyed_by_tenant_and_call() -> (
    None
):
    store, bus = store_with(), FakeBus()
    outcome = await ingest(deps(store, bus), webhook(CALL))
    assert outcome.duplicate is False
    assert sorted(name for name, *_ in bus.published) == ["calls.events.v1", "webhooks.received.v1"]
    assert {key for _, _, key, _ in bus.published} == {b"tenant-1:c-1"}
    assert {tenant for *_, tenant in bus.published} == {TENANT}
    assert store.statuses == ["accepted"]


async def test_a_second_delivery_of_the_same_event_is_a_duplicate_and_publishes_nothing() -> None:
    store, bus = store_with(), FakeBus()
    first = await ingest(deps(store, bus), webhook(CALL))
    again = await ingest(deps(store, bus), webhook(CALL))
    assert again.duplicate is True
    assert again.event_id == first.event_id
    assert len(bus.published) == 2
    assert store.statuses == ["accepted", "duplicate"]


async def test_a_failed_publish_leaves_no_dedup_key_so_the_retry_is_published() -> None:
    store, bus = store_with(), FakeBus(fail=True)
    with pytest.raises(Unavailable) as refused:
        await ingest(deps(store, bus), webhook(CALL))
    assert refused.value.retry_after
    bus.fail = False
    retried = await ingest(deps(store, bus), webhook(CALL))
    assert retried.duplicate is False
    assert len(bus.published) == 2


async def test_a_revoked_token_is_refused_even_while_cached() -> None:
    store, bus, revocations = store_with(), FakeBus(), RevocationList()
    pipeline = deps(store, bus, revocations)
    await ingest(pipeline, webhook(CALL))
    revocations.add(Revocation(kind="webhook_token", subject_id="tok-1"))
    with pytest.raises(Unauthorized):
        await ingest(pipeline, webhook({**CALL, "timestamp": 1}))
    assert store.lookups == 1


async def test_a_token_for_another_provider_is_refused() -> None:
    store = store_with(Provider.BLAND)
    with pytest.raises(Unauthorized, match="another provider"):
        await ingest(deps(store, FakeBus()), webhook(CALL))


async def test_a_tenant_past_its_burst_is_rate_limited_with_a_retry_after() -> None:
    store, bus = store_with(), FakeBus()
    pipeline = deps(store, bus, burst=1)
    await ingest(pipeline, webhook(CALL))
    with pytest.raises(RateLimited) as limited:
        await ingest(pipeline, webhook({**CALL, "timestamp": 2}))
    assert limited.value.retry_after == 1


async def test_with_a_secret_set_an_unsigned_request_is_refused_and_logged() -> None:
    store, bus = store_with(), FakeBus()
    pipeline = deps(store, bus)
    store.sealed[(TENANT, "standard")] = pipeline.box.seal(
        ["whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ="], tenant_id=TENANT, provider="standard"
    )
    with pytest.raises(Unauthorized):
        await ingest(pipeline, webhook(CALL))
    assert bus.published == []
    assert store.statuses == ["rejected"]


async def test_last_used_is_touched_at_most_once_a_minute() -> None:
    store, bus = store_with(), FakeBus()
    pipeline = deps(store, bus)
    for stamp in range(3):
        await ingest(pipeline, webhook({**CALL, "timestamp": stamp + 10}))
    assert store.touched == 1
