"""Call and lead events on the real broker become one call record per call, whatever the order
or the number of deliveries."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from conftest import CallStoreHarness, call_event, lead_event
from switchboard_deploy.testing import eventually, unique_id

pytestmark = pytest.mark.integration

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def call_row(harness: CallStoreHarness, tenant: str, call_id: str) -> dict[str, Any] | None:
    rows = await harness.rows(
        "SELECT * FROM calls WHERE tenant_id = %s AND call_id = %s", tenant, call_id
    )
    return rows[0] if rows else None


async def test_a_call_event_becomes_a_call_record(call_store: CallStoreHarness) -> None:
    tenant = unique_id("tenant")
    event = call_event(
        agent_name="Ana", disposition="Completed", duration_sec=95, phone_number="+15551234567"
    )
    await call_store.publish(event, tenant_id=tenant)
    row = await eventually(lambda: call_row(call_store, tenant, event.call_id))
    assert (row["agent_name"], row["disposition"], row["duration_sec"]) == ("Ana", "Completed", 95)
    assert row["status"] == "ended"


async def test_the_same_envelope_delivered_twice_has_one_effect(
    call_store: CallStoreHarness,
) -> None:
    tenant = unique_id("tenant")
    envelope_id = str(uuid.uuid4())
    first = call_event(event="started", occurred_at=T0, agent_name="first")
    replay = call_event(
        first.call_id, event="updated", occurred_at=T0 + timedelta(seconds=5), agent_name="replayed"
    )
    marker = call_event(unique_id("marker"), occurred_at=T0)
    await call_store.publish(first, tenant_id=tenant, envelope_id=envelope_id)
    await call_store.publish(replay, tenant_id=tenant, envelope_id=envelope_id)
    await call_store.publish(marker, tenant_id=tenant)
    await eventually(lambda: call_row(call_store, tenant, marker.call_id))
    await eventually(lambda: call_row(call_store, tenant, first.call_id))
    rows = await call_store.rows(
        "SELECT agent_name FROM calls WHERE tenant_id = %s AND call_id = %s", tenant, first.call_id
    )
    assert [r["agent_name"] for r in rows] == ["first"]
    processed = await call_store.rows(
        "SELECT count(*) AS n FROM processed_events WHERE event_id = %s", envelope_id
    )
    assert processed[0]["n"] == 1


async def test_many_events_of_one_call_upsert_a_single_row(call_store: CallStoreHarness) -> None:
    tenant = unique_id("tenant")
    call_id = unique_id("call")
    kinds = ["started", "updated", "updated", "ended", "analyzed"]
    for offset, kind in enumerate(kinds):
        await call_store.publish(
            call_event(
                call_id, event=kind, occurred_at=T0 + timedelta(seconds=offset), duration_sec=offset
            ),
            tenant_id=tenant,
        )

    async def analyzed() -> dict[str, Any] | None:
        row = await call_row(call_store, tenant, call_id)
        return row if row and row["status"] == "analyzed" else None

    await eventually(analyzed)
    rows = await call_store.rows(
        "SELECT count(*) AS n FROM calls WHERE tenant_id = %s AND call_id = %s", tenant, call_id
    )
    assert rows[0]["n"] == 1


async def test_an_older_event_arriving_late_does_not_overwrite_newer_fields(
    call_store: CallStoreHarness,
) -> None:
    tenant = unique_id("tenant")
    newer = call_event(
        occurred_at=T0 + timedelta(minutes=5), disposition="Completed", duration_sec=300
    )
    older = call_event(
        newer.call_id,
        event="started",
        occurred_at=T0,
        disposition="Ringing",
        campaign="spring",
        duration_sec=0,
    )
    await call_store.publish(newer, tenant_id=tenant)
    await eventually(lambda: call_row(call_store, tenant, newer.call_id))
    await call_store.publish(older, tenant_id=tenant)

    async def campaign_filled() -> dict[str, Any] | None:
        row = await call_row(call_store, tenant, newer.call_id)
        return row if row and row["campaign"] == "spring" else None

    row = await eventually(campaign_filled)
    assert (row["disposition"], row["duration_sec"], row["status"]) == ("Completed", 300, "ended")
    assert row["last_event_at"] == newer.occurred_at


async def test_a_transcript_with_segments_is_kept(call_store: CallStoreHarness) -> None:
    tenant = unique_id("tenant")
    segments = [{"speaker": "Agent", "start": 0.0, "end": 2.0, "text": "Hello"}]
    event = call_event(transcript="Agent: Hello", segments=segments)
    await call_store.publish(event, tenant_id=tenant)
    row = await eventually(lambda: call_row(call_store, tenant, event.call_id))
    transcripts = await eventually(
        lambda: call_store.rows(
            "SELECT text, segments, tenant_id FROM transcripts WHERE call_pk = %s", row["id"]
        )
    )
    assert transcripts[0]["text"] == "Agent: Hello"
    assert transcripts[0]["segments"] == segments
    assert transcripts[0]["tenant_id"] == tenant


async def test_a_call_is_linked_to_the_contact_of_its_lead(call_store: CallStoreHarness) -> None:
    tenant = unique_id("tenant")
    lead_id = unique_id("lead")
    await call_store.publish(
        lead_event(lead_id, first_name="Ada", last_name="Byron", email="ada@example.test"),
        tenant_id=tenant,
    )
    contact = await eventually(
        lambda: call_store.rows(
            "SELECT * FROM contacts WHERE tenant_id = %s AND lead_id = %s", tenant, lead_id
        )
    )
    event = call_event(lead_id=lead_id, phone_number="+15550001111")
    await call_store.publish(event, tenant_id=tenant)
    row = await eventually(lambda: call_row(call_store, tenant, event.call_id))
    assert row["contact_id"] == contact[0]["id"]
    assert contact[0]["name"] == "Ada Byron"


async def test_a_call_with_an_unknown_lead_creates_its_contact(
    call_store: CallStoreHarness,
) -> None:
    tenant = unique_id("tenant")
    event = call_event(lead_id=unique_id("lead"), phone_number="+15550002222")
    await call_store.publish(event, tenant_id=tenant)
    row = await eventually(lambda: call_row(call_store, tenant, event.call_id))
    contacts = await call_store.rows("SELECT * FROM contacts WHERE id = %s", row["contact_id"])
    assert (contacts[0]["lead_id"], contacts[0]["phone"]) == (event.lead_id, "+15550002222")


async def test_an_ended_call_without_recording_queues_a_fetch_now(
    call_store: CallStoreHarness,
) -> None:
    tenant = unique_id("tenant")
    before = datetime.now(UTC)
    event = call_event(started_at=T0, ended_at=T0 + timedelta(minutes=3))
    await call_store.publish(event, tenant_id=tenant)
    row = await eventually(lambda: call_row(call_store, tenant, event.call_id))
    jobs = await call_store.rows("SELECT * FROM recording_jobs WHERE call_pk = %s", row["id"])
    assert jobs[0]["status"] == "pending"
    assert jobs[0]["scheduled_for"] >= before
    assert jobs[0]["call_ended_at"] == event.ended_at


async def test_a_recording_that_arrives_later_closes_the_fetch(
    call_store: CallStoreHarness,
) -> None:
    tenant = unique_id("tenant")
    ended = call_event(occurred_at=T0)
    await call_store.publish(ended, tenant_id=tenant)
    await call_store.publish(
        call_event(
            ended.call_id,
            event="analyzed",
            occurred_at=T0 + timedelta(minutes=1),
            recording_url="https://rec.example/1.mp3",
        ),
        tenant_id=tenant,
    )

    async def done() -> list[dict[str, Any]]:
        return await call_store.rows(
            "SELECT j.status FROM recording_jobs j JOIN calls c ON c.id = j.call_pk "
            "WHERE c.tenant_id = %s AND c.call_id = %s AND j.status = 'done'",
            tenant,
            ended.call_id,
        )

    await eventually(done)


async def test_a_call_with_its_recording_queues_nothing(call_store: CallStoreHarness) -> None:
    tenant = unique_id("tenant")
    event = call_event(recording_url="https://rec.example/2.mp3")
    await call_store.publish(event, tenant_id=tenant)
    row = await eventually(lambda: call_row(call_store, tenant, event.call_id))
    assert await call_store.rows("SELECT * FROM recording_jobs WHERE call_pk = %s", row["id"]) == []
