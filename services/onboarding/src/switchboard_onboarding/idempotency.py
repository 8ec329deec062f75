"""Bulk requests made at most once per `Idempotency-Key`: a retry gets the first answer back.

The key belongs to the caller. The same key with another body is 422; while the first call is
still running a retry is 409 with `Retry-After`. A first call that failed with an error, or
died without answering for longer than `stale_seconds`, leaves the key free to be used again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from switchboard_onboarding.store import Store
from switchboard_shared.auth.principal import Principal
from switchboard_shared.errors import BadRequest, Conflict, ValidationFailed

MAX_KEY_LENGTH = 200
IN_PROGRESS_RETRY_SECONDS = 2


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: dict[str, Any]
    replayed: bool = False


def fingerprint(operation: str, body: Any) -> str:
    canonical = json.dumps([operation, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def checked_key(key: str | None) -> str | None:
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise BadRequest(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters",
            code="invalid_idempotency_key",
        )
    return key


class Once:
    def __init__(self, store: Store, scope_of: Callable[[Principal], str], stale_seconds: float):
        self._store = store
        self._scope_of = scope_of
        self._stale = stale_seconds

    async def run(
        self,
        principal: Principal,
        key: str | None,
        operation: str,
        body: Any,
        work: Callable[[], Awaitable[Answer]],
    ) -> Answer:
        key = checked_key(key)
        if key is None:
            return await work()
        scope, actor = self._scope_of(principal), principal.user_id
        digest = fingerprint(operation, body)
        async with self._store.session(scope) as session:
            earlier = await session.requests.claim(
                scope, actor, key, operation, digest, self._stale
            )
        if earlier is not None:
            return _replay(earlier.fingerprint == digest, earlier.status_code, earlier.response)
        try:
            answer = await work()
        except BaseException:
            async with self._store.session(scope) as session:
                await session.requests.forget(actor, key)
            raise
        async with self._store.session(scope) as session:
            await session.requests.finish(actor, key, answer.status_code, answer.body)
        return answer


def _replay(same_body: bool, status_code: int | None, body: dict[str, Any] | None) -> Answer:
    if not same_body:
        raise ValidationFailed(
            "this Idempotency-Key was used for another request", code="idempotency_key_reused"
        )
    if status_code is None or body is None:
        raise Conflict(
            "the first request with this Idempotency-Key is still running",
            code="request_in_progress",
            retry_after=IN_PROGRESS_RETRY_SECONDS,
        )
    return Answer(status_code, body, replayed=True)
