"""Group commit for accepted webhooks: concurrent requests share one transaction and one produce.

A request waits in a queue; a flush takes what has gathered (up to `max_batch`), claims the keys
in one statement, publishes the events of the new ones, waits until the broker acknowledged all
of them and only then commits. Under light load a flush carries one request; under heavy load
the queue fills while earlier flushes are in flight, so batches grow by themselves and latency
stays near one database round plus one broker acknowledgement.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from switchboard_shared.bus import Outgoing
from switchboard_shared.errors import AppError, Unavailable
from switchboard_webhook_ingest.handlers import RETRY_AFTER_SECONDS, acknowledged
from switchboard_webhook_ingest.ports import Sender
from switchboard_webhook_ingest.store import Claim, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Pending:
    claim: Claim
    messages: tuple[Outgoing, ...]
    answer: asyncio.Future[bool]


class DeliveryBatcher:
    def __init__(
        self,
        store: Store,
        bus: Sender,
        *,
        publish_timeout: float,
        max_batch: int = 256,
        max_in_flight: int = 4,
    ) -> None:
        self._store = store
        self._bus = bus
        self._timeout = publish_timeout
        self._max_batch = max_batch
        self._queue: list[_Pending] = []
        self._wakeup = asyncio.Event()
        self._slots = asyncio.Semaphore(max_in_flight)
        self._runner: asyncio.Task[None] | None = None
        self._flushes: set[asyncio.Task[None]] = set()
        self._closed = False

    async def deliver(self, claim: Claim, messages: Sequence[Outgoing]) -> bool:
        """True once this request's events are acknowledged and its key committed; False when
        the key was already taken (a duplicate: nothing is published)."""
        if self._closed:
            raise Unavailable("the service is stopping; retry later", retry_after=1)
        answer = asyncio.get_running_loop().create_future()
        self._queue.append(_Pending(claim, tuple(messages), answer))
        if self._runner is None:
            self._runner = asyncio.create_task(self._run())
        self._wakeup.set()
        return bool(await answer)

    async def close(self) -> None:
        """Finishes the flushes under way; requests still queued are answered 503."""
        self._closed = True
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
        await asyncio.gather(*self._flushes, return_exceptions=True)
        queued, self._queue = self._queue, []
        for pending in queued:
            _fail(pending.answer, Unavailable("the service is stopping; retry later"))

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._queue:
                await self._slots.acquire()  # while all flushes are busy, the queue grows
                batch = self._queue[: self._max_batch]
                del self._queue[: self._max_batch]
                flush = asyncio.create_task(self._flush(batch))
                self._flushes.add(flush)
                flush.add_done_callback(self._flushes.discard)

    async def _flush(self, batch: list[_Pending]) -> None:
        try:
            fresh = await self._claim_and_publish(batch)
        except Exception as error:
            for pending in batch:
                _fail(pending.answer, error)
        else:
            for pending, new in zip(batch, fresh, strict=True):
                if not pending.answer.done():
                    pending.answer.set_result(new)
        finally:
            self._slots.release()

    async def _claim_and_publish(self, batch: list[_Pending]) -> list[bool]:
        async with self._store.claim_batch([pending.claim for pending in batch]) as claimed:
            fresh = first_claims([pending.claim.event_id for pending in batch], claimed)
            publishing = [pending for pending, new in zip(batch, fresh, strict=True) if new]
            if publishing:
                await acknowledged(self._publish(publishing), self._timeout)
        return fresh

    async def _publish(self, batch: list[_Pending]) -> None:
        await self._bus.send_many([message for pending in batch for message in pending.messages])


def first_claims(event_ids: Sequence[str], claimed: set[str]) -> list[bool]:
    """Which requests own a claimed key: the first of the batch to carry it."""
    seen: set[str] = set()
    fresh = []
    for event_id in event_ids:
        fresh.append(event_id in claimed and event_id not in seen)
        seen.add(event_id)
    return fresh


def _fail(answer: asyncio.Future[bool], error: BaseException) -> None:
    if answer.done():
        return
    if isinstance(error, AppError):
        answer.set_exception(error)
    else:
        log.warning("a batch of webhooks failed: %r", error)
        answer.set_exception(
            Unavailable(
                "webhooks cannot be stored now; retry later", retry_after=RETRY_AFTER_SECONDS
            )
        )
