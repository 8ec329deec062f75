"""The audit service in-process against the real PostgreSQL and broker."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import psycopg
import pytest
from aiokafka import AIOKafkaConsumer
from litestar.testing import AsyncTestClient
from prometheus_client import CollectorRegistry

from switchboard_audit.app import build_app
from switchboard_audit.settings import AuditSettings
from switchboard_deploy.testing import TEST_JWT_SECRET, eventually, mint_token, unique_id
from switchboard_shared.bus import EventBus, create_broker
from switchboard_shared.db import role_dsn
from switchboard_shared.events import AuditEvent, AuditResult, ControlCommand
from switchboard_shared.merkle import (
    ProofError,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from switchboard_shared.signed_note import open_note, parse_vkey
from switchboard_shared.tlog_checkpoint import parse_checkpoint
from switchboard_shared.topics import AUDIT_CHECKPOINTS, AUDIT_EVENTS, CONTROL_COMMANDS

pytestmark = pytest.mark.integration

JOIN_SECONDS = 90.0  # consumer groups on the embedded broker take a few rounds to settle


@pytest.fixture(scope="module")
async def client(infrastructure) -> AsyncIterator[AsyncTestClient]:
    settings = AuditSettings(
        database_url=infrastructure.database_url,
        kafka_bootstrap_servers=infrastructure.bootstrap_servers,
        kafka_enable_idempotence=not infrastructure.embedded_broker,
        jwt_secret=TEST_JWT_SECRET,
        consumer_group=unique_id("audit"),  # out of a running platform's group
    )
    async with AsyncTestClient(build_app(settings)) as test_client:

        async def ready() -> bool:
            return (await test_client.get("/ready")).status_code == 200

        await eventually(ready, "the audit service to be ready", JOIN_SECONDS)
        yield test_client


@pytest.fixture(scope="module")
async def bus(infrastructure) -> AsyncIterator[EventBus]:
    """The test's own producer: the app under test runs on the test client's event loop."""
    broker = create_broker(
        infrastructure.bootstrap_servers,
        client_id="audit-test",
        enable_idempotence=not infrastructure.embedded_broker,
        registry=CollectorRegistry(),
    )
    await broker.start()
    try:
        yield EventBus(broker, source="switchboard/audit-test")
    finally:
        await broker.stop()


def bearer(role: str, tenant_id: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(role=role, tenant_id=tenant_id)}"}


PLATFORM = {"role": "super_admin"}


async def publish(bus: EventBus, event: AuditEvent, envelope_id: str | None = None) -> str:
    envelope_id = envelope_id or str(uuid.uuid4())
    await bus.publish(
        AUDIT_EVENTS, event, key=b"test", tenant_id=event.tenant_id, envelope_id=envelope_id
    )
    return envelope_id


async def entries(client: AsyncTestClient, headers: dict[str, str], **filters: Any) -> list[dict]:
    response = await client.get("/api/audit", params=filters, headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def arrived(client: AsyncTestClient, actor_id: str, count: int) -> list[dict]:
    async def probe() -> list[dict]:
        found = await entries(client, bearer(**PLATFORM), user_id=actor_id, limit=500)
        return found if len(found) >= count else []

    return list(await eventually(probe, f"{count} entries of {actor_id}"))


async def test_an_audit_event_from_the_bus_becomes_a_masked_chained_entry(client, bus):
    actor = unique_id("actor")
    event = AuditEvent(
        action="user.created",
        actor_id=actor,
        actor_email="alice@example.com",
        actor_role="owner",
        tenant_id=unique_id("tenant"),
        params={"email": "bob@example.com", "phone": "+14155550100"},
    )
    event_id = await publish(bus, event)
    [entry] = await arrived(client, actor, 1)
    assert entry["event_id"] == event_id
    assert entry["user_email"] == "a***@example.com"
    assert entry["params"] == {"email": "b***@example.com", "phone": "*******0100"}
    single = await client.get(f"/api/audit/entries/{entry['seq']}", headers=bearer(**PLATFORM))
    assert single.status_code == 200, single.text
    assert single.json()["leaf_index"] == entry["seq"] - 1
    leaf_data = single.json()["leaf_data"].encode()
    assert base64.b64decode(single.json()["leaf_hash"]) == leaf_hash(leaf_data)
    assert json.loads(leaf_data)["params"] == entry["params"]


async def test_a_redelivered_event_is_recorded_once(client, bus):
    actor = unique_id("actor")
    event = AuditEvent(action="calls.export", actor_id=actor)
    event_id = await publish(bus, event)
    await publish(bus, event, envelope_id=event_id)
    await publish(bus, AuditEvent(action="marker", actor_id=actor))
    found = await arrived(client, actor, 2)
    assert sorted(e["action"] for e in found) == ["calls.export", "marker"]


async def test_a_command_announced_on_both_topics_leaves_one_entry(client, bus):
    actor, command_id = unique_id("sre"), str(uuid.uuid4())
    command = ControlCommand(
        command_id=command_id, command="shutdown", actor_id=actor, outcome=AuditResult.DENIED
    )
    await bus.publish(CONTROL_COMMANDS, command, key=b"c", envelope_id=command_id)
    audit = AuditEvent(action="command.shutdown", actor_id=actor, result=AuditResult.DENIED)
    await publish(bus, audit, envelope_id=command_id)
    await publish(bus, AuditEvent(action="marker", actor_id=actor))
    found = await arrived(client, actor, 2)
    commands = [e for e in found if e["action"] == "command.shutdown"]
    assert [(e["event_id"], e["result"]) for e in commands] == [(command_id, "denied")]


async def test_the_log_verifies_fully_then_incrementally_after_appends(client, bus):
    actor, headers = unique_id("actor"), bearer(**PLATFORM)
    for n in range(3):
        await publish(bus, AuditEvent(action=f"step.{n}", actor_id=actor, params={"n": n / 3}))
    await arrived(client, actor, 3)
    assert (await client.post("/api/audit/checkpoint", headers=headers)).status_code == 201
    full = (await client.get("/api/audit/verify", params={"full": "true"}, headers=headers)).json()
    assert full["valid"] is True, full
    assert full["mode"] == "full"
    assert full["entries_checked"] >= 3
    await publish(bus, AuditEvent(action="step.after", actor_id=actor))
    await arrived(client, actor, 4)
    assert (await client.post("/api/audit/checkpoint", headers=headers)).status_code == 201
    again = (await client.get("/api/audit/verify", headers=headers)).json()
    assert again["valid"] is True, again
    assert again["mode"] == "incremental"
    assert again["started_at_tree_size"] >= full["verified_tree_size"]
    assert again["entries_checked"] == again["tree_size"] - again["started_at_tree_size"]


async def test_an_inclusion_proof_of_an_entry_verifies_against_the_signed_checkpoint(client, bus):
    actor, headers = unique_id("actor"), bearer(**PLATFORM)
    await publish(bus, AuditEvent(action="proved.first", actor_id=actor))
    [first] = await arrived(client, actor, 1)
    old_note = (await client.post("/api/audit/checkpoint", headers=headers)).json()["note"]
    await publish(bus, AuditEvent(action="proved.second", actor_id=actor))
    await arrived(client, actor, 2)
    assert (await client.post("/api/audit/checkpoint", headers=headers)).status_code == 201
    keys = (await client.get("/api/audit/public-keys", headers=headers)).json()["keys"]
    verifiers = [parse_vkey(k["vkey"]) for k in keys]
    note = (await client.get("/api/audit/checkpoint", headers=headers)).text
    signed = parse_checkpoint(open_note(note, verifiers)[0])
    old = parse_checkpoint(open_note(old_note, verifiers)[0])
    seq = first["seq"]
    entry = (await client.get(f"/api/audit/entries/{seq}", headers=headers)).json()
    proof = (await client.get(f"/api/audit/entries/{seq}/proof", headers=headers)).json()
    assert proof["tree_size"] == signed.size
    leaf = base64.b64decode(entry["leaf_hash"])
    hashes = [base64.b64decode(h) for h in proof["hashes"]]
    verify_inclusion(leaf, seq - 1, signed.size, hashes, signed.root)
    with pytest.raises(ProofError):
        verify_inclusion(leaf, seq, signed.size, hashes, signed.root)
    params = {"first": old.size, "second": signed.size}
    consistency = (
        await client.get("/api/audit/consistency", params=params, headers=headers)
    ).json()
    proof_hashes = [base64.b64decode(h) for h in consistency["hashes"]]
    verify_consistency(old.size, signed.size, old.root, signed.root, proof_hashes)


async def test_proof_routes_refuse_impossible_sizes_with_a_clear_400(client, bus):
    headers = bearer(**PLATFORM)
    assert (await client.post("/api/audit/checkpoint", headers=headers)).status_code == 201
    bad = (
        ("/api/audit/entries/1/proof", {"tree_size": 0}),
        ("/api/audit/entries/1/proof", {"tree_size": 2**61}),
        ("/api/audit/entries/1/proof", {"tree_size": "many"}),
        ("/api/audit/consistency", {"first": 0, "second": 1}),
        ("/api/audit/consistency", {"first": 3, "second": 2}),
        ("/api/audit/consistency", {}),
    )
    for path, params in bad:
        response = await client.get(path, params=params, headers=headers)
        assert response.status_code == 400, (path, params, response.text)
        assert response.json()["error"], response.text
    missing = await client.get(f"/api/audit/entries/{2**61}", headers=headers)
    assert missing.status_code == 404


async def test_checkpoints_are_listed_newest_first_and_published_on_their_topic(client, bus):
    headers = bearer(**PLATFORM)
    made = (await client.post("/api/audit/checkpoint", headers=headers)).json()
    page = (await client.get("/api/audit/checkpoints", params={"limit": 1}, headers=headers)).json()
    assert page["items"][0]["id"] >= made["id"]
    if page["next_before"]:
        older = await client.get(
            "/api/audit/checkpoints", params={"before": page["next_before"]}, headers=headers
        )
        assert all(c["id"] < page["next_before"] for c in older.json()["items"])
    seen = await read_checkpoint_topic(client)
    assert made["note"] in seen


async def read_checkpoint_topic(client: AsyncTestClient) -> list[str]:
    runtime = client.app.state.runtime
    consumer = AIOKafkaConsumer(
        AUDIT_CHECKPOINTS.name,
        bootstrap_servers=runtime.settings.kafka_bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        notes: list[str] = []
        batches = await consumer.getmany(timeout_ms=5000)
        for records in batches.values():
            notes += [json.loads(r.value)["note"] for r in records]
        return notes
    finally:
        await consumer.stop()


async def test_the_list_filters_by_result_and_resource_and_searches_free_text(client, bus):
    actor, headers = unique_id("actor"), bearer(**PLATFORM)
    await publish(bus, AuditEvent(action="door.open", actor_id=actor, resource="door:7"))
    await publish(
        bus,
        AuditEvent(
            action="door.close", actor_id=actor, result=AuditResult.DENIED, reason="Night lock"
        ),
    )
    await arrived(client, actor, 2)
    denied = await entries(client, headers, user_id=actor, result="denied")
    assert [e["action"] for e in denied] == ["door.close"]
    door = await entries(client, headers, user_id=actor, resource="door:7")
    assert [e["action"] for e in door] == ["door.open"]
    found = await entries(client, headers, user_id=actor, q="night")
    assert [e["action"] for e in found] == ["door.close"]
    assert [e["action"] for e in await entries(client, headers, user_id=actor, q="100%")] == []
    bad = await client.get("/api/audit", params={"result": "maybe"}, headers=headers)
    assert bad.status_code == 400


async def test_tenant_owners_read_only_their_own_tenant(client, bus):
    mine, theirs, actor = unique_id("tenant"), unique_id("tenant"), unique_id("actor")
    for tenant in (mine, theirs, None):
        await publish(bus, AuditEvent(action="location.created", actor_id=actor, tenant_id=tenant))
    await arrived(client, actor, 3)
    owner = bearer("owner", mine)
    seen = await entries(client, owner, user_id=actor)
    assert [e["tenant_id"] for e in seen] == [mine]
    other = await client.get("/api/audit", params={"tenant_id": theirs}, headers=owner)
    assert other.status_code == 404
    platform = await entries(client, bearer(**PLATFORM), user_id=actor, tenant_id=theirs)
    assert [e["tenant_id"] for e in platform] == [theirs]


async def test_who_may_read_and_verify(client, bus):
    assert (await client.get("/api/audit")).status_code == 401
    assert (await client.get("/api/audit", headers=bearer("viewer", "t"))).status_code == 403
    verify_as_owner = await client.get("/api/audit/verify", headers=bearer("owner", "t"))
    assert verify_as_owner.status_code == 403
    sign_as_owner = await client.post("/api/audit/checkpoint", headers=bearer("owner", "t"))
    assert sign_as_owner.status_code == 403
    assert (await client.get("/api/audit", headers=bearer("sre"))).status_code == 200
    for path in ("/api/audit/checkpoints", "/api/audit/public-keys", "/api/audit/entries/1"):
        assert (await client.get(path, headers=bearer("viewer", "t"))).status_code == 403
        assert (await client.get(path)).status_code == 401


async def test_a_tenant_owner_sees_entries_and_proofs_of_their_own_tenant_only(client, bus):
    mine, theirs, actor = unique_id("tenant"), unique_id("tenant"), unique_id("actor")
    for tenant in (mine, theirs):
        await publish(bus, AuditEvent(action="owned", actor_id=actor, tenant_id=tenant))
    found = await arrived(client, actor, 2)
    await client.post("/api/audit/checkpoint", headers=bearer(**PLATFORM))
    seq_of = {e["tenant_id"]: e["seq"] for e in found}
    owner = bearer("owner", mine)
    own = await client.get(f"/api/audit/entries/{seq_of[mine]}/proof", headers=owner)
    assert own.status_code == 200, own.text
    other = await client.get(f"/api/audit/entries/{seq_of[theirs]}/proof", headers=owner)
    assert other.status_code == 404
    assert (
        await client.get(f"/api/audit/entries/{seq_of[theirs]}", headers=owner)
    ).status_code == 404


async def test_the_list_pages_with_an_opaque_cursor_and_refuses_bad_input(client, bus):
    actor = unique_id("actor")
    for n in range(5):
        await publish(bus, AuditEvent(action=f"page.{n}", actor_id=actor))
    await arrived(client, actor, 5)
    headers, seen, cursor = bearer(**PLATFORM), [], None
    while True:
        params = {"user_id": actor, "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/audit", params=params, headers=headers)).json()
        seen += [e["action"] for e in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert sorted(seen) == [f"page.{n}" for n in range(5)]
    bad_queries = (
        {"cursor": "garbage!"},
        {"limit": 0},
        {"start": "yesterday"},
        {"start": "2026-01-01T00:00:00"},
        {"start": "2026-02-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"},
    )
    for bad in bad_queries:
        response = await client.get("/api/audit", params=bad, headers=headers)
        assert response.status_code == 400, (bad, response.text)


def owner_connection(infrastructure) -> psycopg.Connection:
    return psycopg.connect(infrastructure.database_url, autocommit=True)


def service_connection(infrastructure) -> psycopg.Connection:
    return psycopg.connect(role_dsn(infrastructure.database_url, "sb_audit", None), autocommit=True)


async def some_seq(client: AsyncTestClient, bus: EventBus) -> int:
    actor = unique_id("actor")
    await publish(bus, AuditEvent(action="to.tamper", actor_id=actor, params={"amount": 10}))
    [entry] = await arrived(client, actor, 1)
    return int(entry["seq"])


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit.entries SET reason = 'changed' WHERE seq = %s",
        "DELETE FROM audit.entries WHERE seq = %s",
        "TRUNCATE audit.entries",
    ],
)
async def test_the_log_refuses_changes_from_the_service_role_and_the_owner(
    client, infrastructure, statement, bus
):
    seq = await some_seq(client, bus)
    values = (seq,) if "%s" in statement else ()
    for connect in (service_connection, owner_connection):
        with connect(infrastructure) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement.encode(), values)
    with owner_connection(infrastructure) as conn:
        row = conn.execute("SELECT reason FROM audit.entries WHERE seq = %s", (seq,)).fetchone()
    assert row == (None,)


def audit_partitions(app: Any) -> set[int]:
    for subscriber in app.state.runtime.broker.subscribers:
        if AUDIT_EVENTS.name in subscriber.topic_names and subscriber.consumer is not None:
            return {tp.partition for tp in subscriber.consumer.assignment()}
    return set()


async def test_two_replicas_appending_at_once_keep_one_linear_chain(client, bus, infrastructure):
    """A group of its own: the embedded broker mishandles a group after replicas leave it."""
    settings = AuditSettings(
        database_url=infrastructure.database_url,
        kafka_bootstrap_servers=infrastructure.bootstrap_servers,
        kafka_enable_idempotence=not infrastructure.embedded_broker,
        jwt_secret=TEST_JWT_SECRET,
        consumer_group=unique_id("audit-replicas"),
    )
    actor = unique_id("actor")
    async with (
        AsyncTestClient(build_app(settings)) as first,
        AsyncTestClient(build_app(settings)) as second,
    ):

        async def both_consuming() -> bool:
            mine, theirs = audit_partitions(first.app), audit_partitions(second.app)
            return bool(mine and theirs and not mine & theirs)

        await eventually(both_consuming, "both replicas to share the partitions", JOIN_SECONDS)
        for n in range(60):
            event = AuditEvent(action=f"burst.{n}", actor_id=actor, tenant_id=f"t{n % 7}")
            await bus.publish(AUDIT_EVENTS, event, key=f"t{n % 7}:{n}".encode())
        await arrived(first, actor, 60)
    await client.post("/api/audit/checkpoint", headers=bearer(**PLATFORM))
    params = {"full": "true"}
    report = (
        await client.get("/api/audit/verify", params=params, headers=bearer(**PLATFORM))
    ).json()
    assert report["valid"] is True, report
