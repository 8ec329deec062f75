"""A bulk request runs once per Idempotency-Key; retries get the first answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from switchboard_onboarding.bulk_store import Remembered
from switchboard_onboarding.idempotency import Answer, Once, fingerprint
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Role
from switchboard_shared.errors import AppError, NotFound

LEAD = Principal("lead-1", "l@example.test", Role.IMPLEMENTATION_LEAD, None, "sid", "jti", 0, 0)


@dataclass
class FakeRequests:
    rows: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    async def claim(
        self, scope: str, actor: str, key: str, operation: str, fingerprint: str, stale: float
    ) -> Remembered | None:
        row = self.rows.get((actor, key))
        if row is None or row.get("forgotten"):
            self.rows[(actor, key)] = {"fingerprint": fingerprint}
            return None
        return Remembered(row["fingerprint"], row.get("status"), row.get("body"))

    async def finish(self, actor: str, key: str, status_code: int, body: dict[str, Any]) -> None:
        self.rows[(actor, key)].update(status=status_code, body=body)

    async def forget(self, actor: str, key: str) -> None:
        self.rows[(actor, key)]["forgotten"] = True


@dataclass
class FakeSession:
    requests: FakeRequests


@dataclass
class FakeStore:
    requests: FakeRequests = field(default_factory=FakeRequests)

    @asynccontextmanager
    async def session(self, scope: str) -> AsyncIterator[FakeSession]:
        yield FakeSession(self.requests)


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def once(store: FakeStore) -> Once:
    return Once(store, lambda _: "*", stale_seconds=60)  # type: ignore[arg-type]


class Work:
    def __init__(self, fail: AppError | None = None) -> None:
        self.calls = 0
        self.fail = fail

    async def __call__(self) -> Answer:
        self.calls += 1
        if self.fail:
            raise self.fail
        return Answer(200, {"call": self.calls})


async def test_a_retry_with_the_same_key_and_body_replays_the_first_answer(once: Once) -> None:
    work = Work()

    first = await once.run(LEAD, "k1", "status", {"ids": [1]}, work)
    retry = await once.run(LEAD, "k1", "status", {"ids": [1]}, work)

    assert (first.body, first.replayed) == ({"call": 1}, False)
    assert (retry.body, retry.replayed, work.calls) == ({"call": 1}, True, 1)


async def test_the_same_key_with_another_body_is_refused(once: Once) -> None:
    await once.run(LEAD, "k1", "status", {"ids": [1]}, Work())

    with pytest.raises(AppError) as caught:
        await once.run(LEAD, "k1", "status", {"ids": [2]}, Work())

    assert (caught.value.status_code, caught.value.code) == (422, "idempotency_key_reused")


async def test_a_retry_while_the_first_call_runs_is_told_to_wait(
    once: Once, store: FakeStore
) -> None:
    store.requests.rows[("lead-1", "k1")] = {"fingerprint": fingerprint("status", {"ids": [1]})}

    with pytest.raises(AppError) as caught:
        await once.run(LEAD, "k1", "status", {"ids": [1]}, Work())

    assert (caught.value.status_code, caught.value.code) == (409, "request_in_progress")
    assert caught.value.retry_after


async def test_a_first_call_that_failed_leaves_the_key_free(once: Once) -> None:
    with pytest.raises(NotFound):
        await once.run(LEAD, "k1", "status", {}, Work(fail=NotFound("gone")))

    answer = await once.run(LEAD, "k1", "status", {}, Work())

    assert (answer.body, answer.replayed) == ({"call": 1}, False)


async def test_without_a_key_every_call_runs(once: Once) -> None:
    work = Work()

    await once.run(LEAD, None, "status", {}, work)
    await once.run(LEAD, None, "status", {}, work)

    assert work.calls == 2


async def test_a_blank_key_is_bad_input(once: Once) -> None:
    with pytest.raises(AppError) as caught:
        await once.run(LEAD, "  ", "status", {}, Work())

    assert caught.value.code == "invalid_idempotency_key"
