"""A message that cannot be stored lands in the dead letters and can be listed; a dead letter
that can be stored is redriven and stored once, however often it is replayed."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from conftest import CallStoreHarness, call_event
from switchboard_call_store.dead_letters import replay_dead_letters
from switchboard_deploy.testing import eventually, unique_id
from switchboard_shared.envelope import Envelope, event_key
from switchboard_shared.topics import CALLS_EVENTS

pytestmark = pytest.mark.integration


async def dead_letter(harness: CallStoreHarness, envelope_id: str) -> dict[str, Any] | None:
    response = await harness.client.get(
        "/api/admin/calls/dlq", headers=harness.headers("sre", None)
    )
    assert response.status_code == 200
    found = [i for i in response.json()["items"] if i["headers"].get("ce_id") == envelope_id]
    return found[0] if found else None


async def test_an_event_without_a_tenant_is_dead_lettered_and_listed(
    call_store: CallStoreHarness,
) -> None:
    envelope_id = str(uuid.uuid4())
    event = call_event()
    await call_store.publish(event, tenant_id=None, envelope_id=envelope_id)
    letter = await eventually(lambda: dead_letter(call_store, envelope_id))
    assert letter["headers"]["dlq_topic"] == CALLS_EVENTS.name
    assert "tenant" in letter["headers"]["dlq_error"]
    assert letter["body"]["call_id"] == event.call_id
    assert await call_store.rows("SELECT 1 FROM calls WHERE call_id = %s", event.call_id) == []


async def test_a_stored_dead_letter_is_replayed_and_stored_once(
    call_store: CallStoreHarness,
) -> None:
    tenant = unique_id("tenant")
    event = call_event(agent_name="Redriven")
    envelope = Envelope(type=event.ce_type, source="switchboard/tests", tenant_id=tenant)
    headers = {**envelope.to_headers(), "dlq_error": "forced", "dlq_topic": CALLS_EVENTS.name}
    await call_store.bus.publish_raw(
        CALLS_EVENTS.dlq,
        event.model_dump_json().encode(),
        event_key(tenant, event.call_id),
        headers,
    )
    response = await call_store.client.post(
        "/api/admin/calls/dlq/replay", headers=call_store.headers("sre", None)
    )
    assert response.status_code == 200
    assert response.json()["replayed"] >= 1

    async def stored() -> list[dict[str, Any]]:
        return await call_store.rows(
            "SELECT * FROM calls WHERE tenant_id = %s AND call_id = %s", tenant, event.call_id
        )

    assert (await eventually(stored))[0]["agent_name"] == "Redriven"
    again = await replay_dead_letters(
        call_store.runtime.settings.kafka_bootstrap_servers,
        call_store.bus,
        CALLS_EVENTS,
        group_id=unique_id("replay"),
    )
    assert envelope.id in {letter.headers.get("ce_id") for letter in again}
    marker = call_event()
    await call_store.publish(marker, tenant_id=tenant)
    await eventually(
        lambda: call_store.rows("SELECT 1 FROM calls WHERE call_id = %s", marker.call_id)
    )
    assert len(await stored()) == 1
    processed = await call_store.rows(
        "SELECT count(*) AS n FROM processed_events WHERE event_id = %s", envelope.id
    )
    assert processed[0]["n"] == 1


async def test_only_roles_that_manage_dead_letters_may_replay(call_store: CallStoreHarness) -> None:
    for role, tenant in (("owner", unique_id("t")), ("viewer", unique_id("t"))):
        response = await call_store.client.post(
            "/api/admin/calls/dlq/replay", headers=call_store.headers(role, tenant)
        )
        assert response.status_code == 403
    bad = await call_store.client.get(
        "/api/admin/calls/dlq", headers=call_store.headers("sre", None), params={"topic": "audit"}
    )
    assert bad.status_code == 400


async def test_an_sre_listing_call_dead_letters_sees_no_raw_phone_number_or_transcript(
    call_store: CallStoreHarness,
) -> None:
    envelope_id = str(uuid.uuid4())
    event = call_event(
        phone_number="+15550109876",
        transcript="Hi, this is Jane (patient@example.test), call me on +1 555 010 9876.",
    )
    await call_store.publish(event, tenant_id=None, envelope_id=envelope_id)
    letter = await eventually(lambda: dead_letter(call_store, envelope_id))
    shown = str(letter["body"])
    assert "5550109876" not in shown
    assert "patient@example.test" not in shown
    assert "Jane" not in shown
    assert letter["body"]["phone_number"].endswith("9876")
    assert letter["body"]["call_id"] == event.call_id
