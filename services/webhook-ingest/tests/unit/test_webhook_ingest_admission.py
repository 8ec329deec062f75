"""Rate tokens leased from a shared bucket in batches; secrets cached and forgotten on change."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from switchboard_shared.errors import RateLimited
from switchboard_webhook_ingest.admission import AdmissionControl
from switchboard_webhook_ingest.domain import Provider, WebhookToken
from switchboard_webhook_ingest.store import Admission

TOKEN = WebhookToken("tok-1", "tenant-1", Provider.VAPI, active=True)


@dataclass
class SharedBucket:
    """One bucket row, as every replica sees it; time stands still unless moved."""

    tokens: float
    calls: list[int] = field(default_factory=list)
    sealed: bytes | None = b"sealed"

    async def admit(
        self, token: WebhookToken, rate: float, burst: int, want: int, touch: bool
    ) -> Admission:
        self.calls.append(want)
        granted = int(min(want, self.tokens))
        self.tokens -= granted
        return Admission(granted=granted, tokens=self.tokens, sealed=self.sealed)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_tokens_are_leased_in_batches_of_a_twentieth_of_the_rate() -> None:
    bucket = SharedBucket(tokens=1000)
    control = AdmissionControl(bucket, rate_per_second=500, burst=1000, clock=Clock())  # type: ignore[arg-type]
    for _ in range(50):
        await control.admit(TOKEN, touch=False)
    assert bucket.calls == [25, 25]


async def test_replicas_together_never_admit_more_than_the_bucket_holds() -> None:
    bucket = SharedBucket(tokens=40)
    clock = Clock()
    replicas = [
        AdmissionControl(bucket, rate_per_second=100, burst=40, clock=clock) for _ in range(3)
    ]  # type: ignore[arg-type]
    admitted = 0
    for _ in range(30):
        for replica in replicas:
            try:
                await replica.admit(TOKEN, touch=False)
                admitted += 1
            except RateLimited:
                pass
    assert admitted == 40


async def test_an_empty_bucket_is_a_429_with_the_seconds_until_a_token() -> None:
    bucket = SharedBucket(tokens=0.2)
    control = AdmissionControl(bucket, rate_per_second=0.5, burst=1, clock=Clock())  # type: ignore[arg-type]
    with pytest.raises(RateLimited) as refused:
        await control.admit(TOKEN, touch=False)
    assert refused.value.retry_after == 2


async def test_an_unspent_lease_expires_after_a_second() -> None:
    bucket, clock = SharedBucket(tokens=1000), Clock()
    control = AdmissionControl(bucket, rate_per_second=500, burst=1000, clock=clock)  # type: ignore[arg-type]
    await control.admit(TOKEN, touch=False)
    clock.now += 1.5
    await control.admit(TOKEN, touch=False)
    assert bucket.calls == [25, 25]


async def test_secrets_are_read_again_once_forgotten() -> None:
    bucket, clock = SharedBucket(tokens=1000), Clock()
    control = AdmissionControl(bucket, rate_per_second=500, burst=1000, clock=clock)  # type: ignore[arg-type]
    assert await control.admit(TOKEN, touch=False) == b"sealed"
    bucket.sealed = b"rotated"
    assert await control.admit(TOKEN, touch=False) == b"sealed"
    control.forget_secrets(TOKEN.tenant_id, TOKEN.provider.value)
    assert await control.admit(TOKEN, touch=False) == b"rotated"
    assert bucket.calls == [25, 0]
