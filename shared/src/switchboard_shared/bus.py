"""The Kafka bus: broker factory, enveloped publishing, consumers that retry then dead-letter."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypedDict, TypeVar

import psycopg
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from faststream.message import StreamMessage
from opentelemetry import propagate
from prometheus_client import REGISTRY, CollectorRegistry
from pydantic import ValidationError
from typing_extensions import Unpack

from switchboard_shared.envelope import Envelope
from switchboard_shared.events import Event
from switchboard_shared.gate import ProcessingGate
from switchboard_shared.topics import Topic

log = logging.getLogger(__name__)

EventT = TypeVar("EventT", bound=Event)
Handler = Callable[[EventT, Envelope], Awaitable[None]]
BatchHandler = Callable[[list[tuple[EventT, Envelope]]], Awaitable[None]]

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    psycopg.OperationalError,
    KafkaConnectionError,
    KafkaTimeoutError,
    ConnectionError,
    TimeoutError,
)
MAX_BACKOFF_SECONDS = 5.0
DEFAULT_FETCH_MAX_WAIT_MS = 500  # the Kafka client's default
DEFAULT_BATCH_TIMEOUT_MS = 50


def create_broker(
    bootstrap_servers: str,
    *,
    client_id: str,
    enable_idempotence: bool,
    registry: CollectorRegistry = REGISTRY,
) -> KafkaBroker:
    """A broker whose producer waits for every in-sync replica before a publish returns."""
    return KafkaBroker(
        bootstrap_servers.split(","),
        client_id=client_id,
        acks="all",
        enable_idempotence=enable_idempotence,
        linger_ms=2,
        request_timeout_ms=10_000,
        middlewares=(
            KafkaTelemetryMiddleware(),
            KafkaPrometheusMiddleware(registry=registry, app_name=client_id),
        ),
        logger=logging.getLogger(f"{client_id}.bus"),
    )


@dataclasses.dataclass(frozen=True)
class Outgoing:
    """An event encoded in its envelope, ready to publish (its size is known before sending).
    `trace` holds the trace context (`traceparent`) of where it was prepared, for producers
    that send it later, from elsewhere."""

    topic: str
    body: bytes
    key: bytes | None
    envelope: Envelope
    trace: dict[str, str] = dataclasses.field(default_factory=dict)


class EnvelopeFields(TypedDict, total=False):
    """What an event's envelope may carry besides its type, source, time and id."""

    tenant_id: str | None
    actor: str | None
    correlation_id: str | None
    envelope_id: str | None  # a deterministic id, so a retry carries the same one


class Publisher(Protocol):
    """What a use case needs of the bus (tests hand in fakes)."""

    async def publish(
        self, topic: Topic | str, event: Event, *, key: bytes, **fields: Unpack[EnvelopeFields]
    ) -> Envelope:
        """Returns once the broker acknowledged (acks=all)."""


class EventBus:
    """Publishes events in the CloudEvents envelope; returns once the broker acknowledged."""

    def __init__(self, broker: KafkaBroker, source: str) -> None:
        self._broker = broker
        self._source = source

    def prepare(
        self, topic: Topic | str, event: Event, *, key: bytes, **fields: Unpack[EnvelopeFields]
    ) -> Outgoing:
        envelope = Envelope(
            type=event.ce_type,
            source=self._source,
            tenant_id=fields.get("tenant_id"),
            actor=fields.get("actor"),
            correlation_id=fields.get("correlation_id"),
        )
        if envelope_id := fields.get("envelope_id"):
            envelope = dataclasses.replace(envelope, id=envelope_id)
        name = topic.name if isinstance(topic, Topic) else topic
        trace: dict[str, str] = {}
        propagate.inject(trace)
        return Outgoing(name, event.model_dump_json().encode(), key, envelope, trace)

    async def publish(
        self, topic: Topic | str, event: Event, *, key: bytes, **fields: Unpack[EnvelopeFields]
    ) -> Envelope:
        outgoing = self.prepare(topic, event, key=key, **fields)
        await self.send(outgoing)
        return outgoing.envelope

    async def send(self, outgoing: Outgoing) -> None:
        await self.publish_raw(
            outgoing.topic, outgoing.body, outgoing.key, outgoing.envelope.to_headers()
        )

    async def publish_raw(
        self, topic: Topic | str, body: bytes, key: bytes | None, headers: dict[str, str]
    ) -> None:
        name = topic.name if isinstance(topic, Topic) else topic
        await self._broker.publish(body, topic=name, key=key, headers=headers)


def _text_headers(raw: Sequence[tuple[str, bytes]] | dict[str, Any]) -> dict[str, str]:
    items = raw.items() if isinstance(raw, dict) else raw
    return {k: v.decode(errors="replace") if isinstance(v, bytes) else str(v) for k, v in items}


class Consumer:
    """Registers typed handlers: retries transient failures, dead-letters poison messages, and
    (unless `gated=False`) holds every message at the processing gate during maintenance."""

    def __init__(
        self,
        broker: KafkaBroker,
        bus: EventBus,
        *,
        max_attempts: int,
        gate: ProcessingGate | None = None,
    ) -> None:
        self._broker = broker
        self._bus = bus
        self._max_attempts = max_attempts
        self._gate = gate
        self.groups: dict[str, set[str]] = {}
        """Every consumer group subscribed, with its topics (heartbeats report them)."""

    def _joined(self, group_id: str | None, topic: Topic) -> None:
        if group_id:
            self.groups.setdefault(group_id, set()).add(topic.name)

    async def _pass_gate(self, topic: Topic, gated: bool) -> None:
        if gated and self._gate is not None:
            await self._gate.wait_until_open(topic.name)

    def subscribe(
        self,
        topic: Topic,
        model: type[EventT],
        handler: Handler[EventT],
        *,
        group_id: str | None,
        gated: bool = True,
    ) -> None:
        """With a group, offsets commit after the handler's transaction; without, every replica
        reads the topic from the start (for state such as the maintenance mode). Only readers of
        platform state (the mode, revocations, heartbeats) pass `gated=False`."""

        self._joined(group_id, topic)

        async def entry(message: KafkaMessage) -> None:
            await self._pass_gate(topic, gated)
            headers = _text_headers(message.raw_message.headers)  # type: ignore[union-attr]
            await self._process(topic, model, handler, message.body, headers, message)

        self._broker.subscriber(
            topic.name,
            group_id=group_id,
            ack_policy=AckPolicy.ACK if group_id else AckPolicy.ACK_FIRST,
            auto_offset_reset="earliest",
        )(entry)

    async def _process(
        self,
        topic: Topic,
        model: type[EventT],
        handler: Handler[EventT],
        body: bytes,
        headers: dict[str, str],
        message: Any,
    ) -> None:
        try:
            envelope = Envelope.from_headers(headers)
            event = model.model_validate_json(body)
        except (ValidationError, ValueError) as error:
            await self._dead_letter(topic, body, headers, message, f"undecodable: {error}")
            return
        await self._retry_one(topic, handler, event, envelope, body, headers, message.raw_message)

    def subscribe_batch(
        self,
        topic: Topic,
        model: type[EventT],
        handler: BatchHandler[EventT],
        *,
        group_id: str | None,
        max_records: int = 500,
        batch_timeout_ms: int = DEFAULT_BATCH_TIMEOUT_MS,
        fetch_max_wait_ms: int = DEFAULT_FETCH_MAX_WAIT_MS,
        gated: bool = True,
    ) -> None:
        """Hands the handler up to `max_records` decoded events at once; with a group, the whole
        batch's offsets commit after the handler returns. Undecodable records are dead-lettered
        one by one and left out; a batch that keeps failing is retried record by record, so only
        the poison records reach the dead letters. `fetch_max_wait_ms` bounds how long the broker
        may hold a fetch that found nothing (a broker that does not answer early when records
        arrive delays every event by up to that much)."""

        self._joined(group_id, topic)

        async def entry(message: KafkaMessage) -> None:
            await self._pass_gate(topic, gated)
            records: tuple[Any, ...] = message.raw_message  # type: ignore[assignment]
            await self._process_batch(topic, model, handler, records)

        self._broker.subscriber(
            topic.name,
            group_id=group_id,
            batch=True,
            max_records=max_records,
            batch_timeout_ms=batch_timeout_ms,
            fetch_max_wait_ms=fetch_max_wait_ms,
            ack_policy=AckPolicy.ACK if group_id else AckPolicy.ACK_FIRST,
            auto_offset_reset="earliest",
            decoder=_raw_bodies,
        )(entry)

    async def _process_batch(
        self,
        topic: Topic,
        model: type[EventT],
        handler: BatchHandler[EventT],
        records: Sequence[Any],
    ) -> None:
        decoded: list[tuple[EventT, Envelope, Any]] = []
        for record in records:
            item = await self._decode(topic, model, record)
            if item is not None:
                decoded.append((*item, record))
        if not decoded:
            return
        if await self._retry_batch(topic, handler, [(event, env) for event, env, _ in decoded]):
            return
        for event, envelope, record in decoded:
            await self._deliver_one(topic, handler, event, envelope, record)

    async def _decode(
        self, topic: Topic, model: type[EventT], record: Any
    ) -> tuple[EventT, Envelope] | None:
        body: bytes = record.value or b""
        headers = _text_headers(record.headers)
        try:
            return model.model_validate_json(body), Envelope.from_headers(headers)
        except (ValidationError, ValueError) as error:
            await self._dead_letter_record(topic, body, headers, record, f"undecodable: {error}")
            return None

    async def _retry_batch(
        self, topic: Topic, handler: BatchHandler[EventT], items: list[tuple[EventT, Envelope]]
    ) -> bool:
        """True once the handler took the batch; False after `max_attempts` failures that were
        not transient (transient ones are retried for as long as they last)."""
        attempt = 0
        while True:
            attempt += 1
            try:
                await handler(items)
                return True
            except TRANSIENT_ERRORS as error:
                log.warning("transient failure on %s batch, retrying: %s", topic.name, error)
            except Exception as error:
                if attempt >= self._max_attempts:
                    log.warning(
                        "batch of %d on %s failed %d times, retrying record by record: %r",
                        len(items), topic.name, attempt, error,
                    )  # fmt: skip
                    return False
                log.warning("batch failed on %s (attempt %d): %r", topic.name, attempt, error)
            await asyncio.sleep(_backoff(attempt))

    async def _deliver_one(
        self,
        topic: Topic,
        handler: BatchHandler[EventT],
        event: EventT,
        envelope: Envelope,
        record: Any,
    ) -> None:
        async def single(one: EventT, one_envelope: Envelope) -> None:
            await handler([(one, one_envelope)])

        body: bytes = record.value or b""
        headers = _text_headers(record.headers)
        await self._retry_one(topic, single, event, envelope, body, headers, record)

    async def _retry_one(
        self,
        topic: Topic,
        handler: Handler[EventT],
        event: EventT,
        envelope: Envelope,
        body: bytes,
        headers: dict[str, str],
        record: Any,
    ) -> None:
        attempt = 0
        while True:
            attempt += 1
            try:
                await handler(event, envelope)
                return
            except TRANSIENT_ERRORS as error:
                log.warning("transient failure on %s, retrying: %s", topic.name, error)
            except Exception as error:
                if attempt >= self._max_attempts:
                    await self._dead_letter_record(topic, body, headers, record, repr(error))
                    return
                log.warning("handler failed on %s (attempt %d): %r", topic.name, attempt, error)
            await asyncio.sleep(_backoff(attempt))

    async def _dead_letter(
        self, topic: Topic, body: bytes, headers: dict[str, str], message: Any, error: str
    ) -> None:
        await self._dead_letter_record(topic, body, headers, message.raw_message, error)

    async def _dead_letter_record(
        self, topic: Topic, body: bytes, headers: dict[str, str], record: Any, error: str
    ) -> None:
        dlq_headers = {
            **headers,
            "dlq_error": error[:1000],
            "dlq_topic": topic.name,
            "dlq_partition": str(record.partition),
            "dlq_offset": str(record.offset),
        }
        log.error("dead-lettered %s offset %s: %s", topic.name, record.offset, error[:200])
        await self._bus.publish_raw(topic.dlq, body, record.key, dlq_headers)


async def _raw_bodies(message: StreamMessage[Any]) -> Any:
    """The records are decoded by the consumer itself, into the handler's model."""
    return message.body


def _backoff(attempt: int) -> float:
    return float(min(0.1 * 2**attempt, MAX_BACKOFF_SECONDS))


def describe_dead_letter(body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    """A dead letter as the operator sees it."""
    try:
        payload: Any = json.loads(body)
    except ValueError:
        payload = body.decode(errors="replace")
    return {"headers": headers, "body": payload}
