"""Replicas spend the shared request count in leases: never more than the limit together,
and few trips to the shared count; addresses, users and actions each have buckets of their own."""

from __future__ import annotations

import pytest
from psycopg_pool import PoolTimeout

from switchboard_gateway.request_actions import Action
from switchboard_gateway.request_limits import RequestLimiter, UserActionLimiter
from switchboard_shared.errors import RateLimited


class SharedCounts:
    """A fake of the PostgreSQL counts: one window, 30 s left in it."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.takes = 0

    async def take(self, bucket: str, amount: int) -> tuple[int, float]:
        self.takes += 1
        self.counts[bucket] = self.counts.get(bucket, 0) + amount
        return self.counts[bucket], 30.0


class DownCounts:
    async def take(self, bucket: str, amount: int) -> tuple[int, float]:
        raise PoolTimeout("no connection")


async def _admitted(limiter: RequestLimiter, address: str) -> bool:
    try:
        await limiter.admit(address)
    except RateLimited:
        return False
    return True


async def test_one_replica_admits_exactly_the_limit_then_refuses_with_retry_after() -> None:
    limiter = RequestLimiter(SharedCounts(), per_minute=100)
    answers = [await _admitted(limiter, "198.51.100.7") for _ in range(100)]
    with pytest.raises(RateLimited) as refused:
        await limiter.admit("198.51.100.7")
    assert all(answers)
    assert refused.value.retry_after == 30


async def test_replicas_together_never_admit_more_than_the_limit() -> None:
    counts = SharedCounts()
    replicas = [RequestLimiter(counts, per_minute=100) for _ in range(3)]
    admitted = [await _admitted(replicas[n % 3], "198.51.100.8") for n in range(300)]
    batch = 100 // 20
    assert 100 - 3 * (batch - 1) <= sum(admitted) <= 100


async def test_leases_spare_the_shared_count_and_a_flood_costs_nothing() -> None:
    counts = SharedCounts()
    limiter = RequestLimiter(counts, per_minute=100)
    for _ in range(1000):
        await _admitted(limiter, "198.51.100.9")
    assert counts.takes == 100 // 5 + 1  # twenty leases of five, then one refusal


async def test_addresses_are_counted_apart() -> None:
    limiter = RequestLimiter(SharedCounts(), per_minute=1)
    assert await _admitted(limiter, "198.51.100.10")
    assert not await _admitted(limiter, "198.51.100.10")
    assert await _admitted(limiter, "198.51.100.11")


async def test_a_database_that_does_not_answer_admits_the_request() -> None:
    limiter = RequestLimiter(DownCounts(), per_minute=1)
    assert await _admitted(limiter, "198.51.100.12")
    assert await _admitted(limiter, "198.51.100.12")


async def _user_admitted(limiter: UserActionLimiter, user: str, action: Action) -> bool:
    try:
        await limiter.admit(user, action)
    except RateLimited:
        return False
    return True


async def test_a_user_is_limited_per_action_and_the_refusal_names_the_action() -> None:
    limiter = UserActionLimiter(SharedCounts(), {Action.BULK: 2, Action.READ: 3})
    bulk = [await _user_admitted(limiter, "user-1", Action.BULK) for _ in range(2)]
    with pytest.raises(RateLimited) as refused:
        await limiter.admit("user-1", Action.BULK)
    assert bulk == [True, True]
    assert "bulk" in refused.value.detail
    assert refused.value.retry_after == 30
    assert await _user_admitted(limiter, "user-1", Action.READ)
    assert await _user_admitted(limiter, "user-2", Action.BULK)


async def test_users_and_addresses_with_the_same_text_are_counted_apart() -> None:
    counts = SharedCounts()
    by_address = RequestLimiter(counts, per_minute=1)
    by_user = UserActionLimiter(counts, {Action.WRITE: 1})
    assert await _admitted(by_address, "same")
    assert await _user_admitted(by_user, "same", Action.WRITE)
    assert len(counts.counts) == 2
    assert not any("same" in bucket for bucket in counts.counts)
