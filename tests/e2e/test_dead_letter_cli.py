"""`switchboard dlq list|replay`: an operator sees call-store's dead letters and redrives them."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import psycopg
import pytest
from aiokafka import AIOKafkaProducer
from journey_helpers import eventually

from switchboard_deploy.cli import main
from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import unique_id
from switchboard_shared.envelope import Envelope, event_key
from switchboard_shared.events import CallEvent
from switchboard_shared.topics import CALLS_EVENTS

pytestmark = pytest.mark.e2e


def call_event(call_id: str) -> CallEvent:
    return CallEvent.model_validate(
        {"call_id": call_id, "provider": "standard", "event": "ended",
         "occurred_at": "2026-03-01T10:00:00Z", "agent_name": "Redriven"}
    )  # fmt: skip


def publish(servers: str, topic: str, event: CallEvent, envelope: Envelope) -> None:
    async def send() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=servers, acks="all")
        await producer.start()
        try:
            await producer.send_and_wait(
                topic,
                event.model_dump_json().encode(),
                key=event_key(envelope.tenant_id, event.call_id),
                headers=[(k, v.encode()) for k, v in envelope.to_headers().items()],
            )
        finally:
            await producer.stop()

    asyncio.run(send())


def dlq(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["dlq", *args])
    out, err = capsys.readouterr()
    return code, out, err


def stored(database_url: str, tenant: str, call_id: str) -> bool:
    with psycopg.connect(database_url) as db:
        row = db.execute(
            "SELECT 1 FROM call_store.calls WHERE tenant_id = %s AND call_id = %s",
            (tenant, call_id),
        ).fetchone()
    return row is not None


def test_an_operator_lists_a_dead_letter_and_replays_one_that_can_be_stored(
    platform: Stack,
    gateway_url: str,
    owner_token: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SWITCHBOARD_TOKEN", owner_token)
    orphan = call_event(unique_id("call"))  # no tenant: it can never be stored
    poison = Envelope(type=orphan.ce_type, source="tests", id=str(uuid.uuid4()))
    publish(platform.bootstrap_servers, CALLS_EVENTS.name, orphan, poison)

    def listed() -> bool:
        code, out, _ = dlq(capsys, "list", "--url", gateway_url)
        assert code == 0
        return poison.id in {item["headers"].get("ce_id") for item in json.loads(out)["items"]}

    assert eventually(listed, timeout=30)

    tenant, event = unique_id("tenant"), call_event(unique_id("call"))
    redrivable = Envelope(type=event.ce_type, source="tests", tenant_id=tenant)
    publish(platform.bootstrap_servers, CALLS_EVENTS.dlq, event, redrivable)
    code, out, _ = dlq(capsys, "replay", "--url", gateway_url)
    assert code == 0
    assert json.loads(out)["replayed"] >= 1
    assert eventually(lambda: stored(platform.database_url, tenant, event.call_id), timeout=30)


def test_without_a_token_or_with_a_bad_one_it_says_so_and_fails(
    gateway_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no stored sign-in either
    monkeypatch.delenv("SWITCHBOARD_TOKEN", raising=False)
    code, _, err = dlq(capsys, "list", "--url", gateway_url)
    assert code == 2
    assert "SWITCHBOARD_TOKEN" in err

    monkeypatch.setenv("SWITCHBOARD_TOKEN", "not-a-token")
    code, out, err = dlq(capsys, "replay", "--url", gateway_url)
    assert (code, out) == (1, "")
    assert json.loads(err)["error"] == "invalid_token"
