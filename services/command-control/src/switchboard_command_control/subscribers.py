"""Kafka entry points, neither held by the processing gate: every replica's heartbeat lands in
the heartbeats table in maintenance too (status is how an operator sees that every replica
paused), and owner commands sent on the bus are answered in maintenance too (they are how an
SRE ends it when the gateway is down)."""

from __future__ import annotations

from switchboard_command_control.bus_requests import TokenCheck, answer_request
from switchboard_command_control.ports import Ports
from switchboard_command_control.status import record_heartbeat
from switchboard_shared.bus import Consumer
from switchboard_shared.envelope import Envelope
from switchboard_shared.events import ControlRequest, Heartbeat
from switchboard_shared.topics import CONTROL_REQUESTS, SERVICES_HEARTBEAT


def subscribe(consumer: Consumer, ports: Ports, tokens: TokenCheck, *, group: str) -> None:
    async def on_heartbeat(beat: Heartbeat, _: Envelope) -> None:
        await record_heartbeat(ports.store, beat, ports.forget_after)

    async def on_request(request: ControlRequest, _: Envelope) -> None:
        await answer_request(ports, tokens, request)

    consumer.subscribe(SERVICES_HEARTBEAT, Heartbeat, on_heartbeat, group_id=group, gated=False)
    consumer.subscribe(
        CONTROL_REQUESTS, ControlRequest, on_request, group_id=f"{group}-requests", gated=False
    )
