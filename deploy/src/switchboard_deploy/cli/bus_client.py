"""An owner command sent as a `ControlRequest` on the bus, and its `ControlReply` awaited: the
SRE's way in when the gateway is down."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError

from switchboard_deploy.cli.failures import Refused, Unreachable
from switchboard_shared.envelope import Envelope
from switchboard_shared.events import ControlReply, ControlRequest, utcnow
from switchboard_shared.topic_reader import partitions_of
from switchboard_shared.topics import CONTROL_REPLIES, CONTROL_REQUESTS

SOURCE = "switchboard/cli"
POLL_MS = 200


def request_over_bus(
    bootstrap_servers: str, token: str, command: str, params: dict[str, Any], timeout: float
) -> Any:
    """The reply's body, as `POST /api/owner/command` would have answered; Refused on an error
    status, Unreachable when the broker is down or no reply came within `timeout` seconds."""
    issued = utcnow()
    request = ControlRequest(
        request_id=str(uuid.uuid4()),
        command=command,
        params=params,
        access_token=token,
        issued_at=issued,
        expires_at=issued + timedelta(seconds=timeout),
    )
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # the failure is reported below
    try:
        reply = asyncio.run(_round_trip(bootstrap_servers, request, timeout))
    except (KafkaError, OSError) as error:
        raise Unreachable(f"cannot reach the broker at {bootstrap_servers}: {error!r}") from error
    if reply.status >= 400:
        raise Refused(reply.status, reply.body)
    return reply.body


async def _round_trip(servers: str, request: ControlRequest, timeout: float) -> ControlReply:
    deadline = time.monotonic() + timeout
    async with _replies_reader(servers) as replies:
        partitions = await partitions_of(replies, CONTROL_REPLIES.name)
        if not partitions:
            raise Unreachable(f"the broker has no {CONTROL_REPLIES.name}: run `switchboard topics`")
        replies.assign(partitions)
        await replies.seek_to_end(*partitions)
        for partition in partitions:  # the start is fixed before the request leaves
            await replies.position(partition)
        await _send(servers, request)
        return await _reply_to(replies, request.request_id, deadline)


@contextlib.asynccontextmanager
async def _replies_reader(servers: str) -> AsyncIterator[AIOKafkaConsumer]:
    """Never joins a group nor commits; closed even when it could not connect."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=servers.split(","), group_id=None, enable_auto_commit=False
    )
    try:
        await consumer.start()
        yield consumer
    finally:
        await consumer.stop()


async def _send(servers: str, request: ControlRequest) -> None:
    envelope = Envelope(type=request.ce_type, source=SOURCE, correlation_id=request.request_id)
    producer = AIOKafkaProducer(bootstrap_servers=servers.split(","), acks="all")
    try:
        await producer.start()
        await producer.send_and_wait(
            CONTROL_REQUESTS.name,
            request.model_dump_json().encode(),
            key=request.request_id.encode(),
            headers=[(name, value.encode()) for name, value in envelope.to_headers().items()],
        )
    finally:
        await producer.stop()


async def _reply_to(replies: AIOKafkaConsumer, request_id: str, deadline: float) -> ControlReply:
    wanted = request_id.encode()
    while time.monotonic() < deadline:
        batches = await replies.getmany(timeout_ms=POLL_MS)
        for records in batches.values():
            for record in records:
                if record.key == wanted and record.value:
                    return ControlReply.model_validate_json(record.value)
    raise Unreachable(
        f"no reply on {CONTROL_REPLIES.name} in time: is command-control running? "
        "(a request still unread when it expires is never executed)"
    )
