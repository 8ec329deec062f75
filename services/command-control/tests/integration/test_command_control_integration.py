"""Command-control (and an audit replica beside it) in-process against the real infrastructure."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from litestar import Litestar
from litestar.testing import AsyncTestClient

from switchboard_audit.app import build_app as build_audit_app
from switchboard_audit.settings import AuditSettings
from switchboard_command_control.app import build_app
from switchboard_command_control.settings import CommandControlSettings
from switchboard_deploy.testing import TEST_JWT_SECRET, eventually, mint_token, unique_id
from switchboard_shared.events import ControlState, Heartbeat, OperatingMode
from switchboard_shared.topic_reader import topic_is_empty
from switchboard_shared.topics import CONTROL_STATE, PROVISIONING_EVENTS, SERVICES_HEARTBEAT

pytestmark = pytest.mark.integration

MODE_SWITCH_SECONDS = 3.0
READY_SECONDS = 90.0  # joining a consumer group the broker is still rebalancing takes a while
APPROVED = {"approvalConfirmed": True}
HOURS_2 = timedelta(hours=2)


def common_settings(infrastructure) -> dict[str, Any]:
    """Consumer groups of their own keep these apps out of a running platform's groups."""
    return {
        "database_url": infrastructure.database_url,
        "kafka_bootstrap_servers": infrastructure.bootstrap_servers,
        "kafka_enable_idempotence": not infrastructure.embedded_broker,
        "jwt_secret": TEST_JWT_SECRET,
    }


@contextlib.asynccontextmanager
async def running(app: Litestar) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(app) as client:

        async def ready() -> bool:
            return (await client.get("/ready")).status_code == 200

        await eventually(ready, "the service to be ready", READY_SECONDS)
        yield client


@pytest.fixture(scope="module")
async def control(infrastructure) -> AsyncIterator[AsyncTestClient]:
    settings = CommandControlSettings(
        **common_settings(infrastructure), consumer_group=unique_id("command-control")
    )
    async with running(build_app(settings)) as client:
        yield client


@pytest.fixture(scope="module")
async def audit(infrastructure) -> AsyncIterator[AsyncTestClient]:
    """Another service in the same process, to watch it learn the operating mode."""
    settings = AuditSettings(**common_settings(infrastructure), consumer_group=unique_id("audit"))
    async with running(build_audit_app(settings)) as client:
        yield client


def bearer(role: str, tenant_id: str | None = None, user_id: str | None = None) -> dict[str, str]:
    token = mint_token(role=role, tenant_id=tenant_id, user_id=user_id)
    return {"Authorization": f"Bearer {token}"}


async def command(client: AsyncTestClient, headers: dict[str, str], name: str, **params: Any):
    return await client.post(
        "/api/owner/command", json={"command": name, "params": params}, headers=headers
    )


async def states_on_the_broker(bootstrap_servers: str) -> list[ControlState]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        partition = TopicPartition(CONTROL_STATE.name, 0)
        consumer.assign([partition])
        await consumer.seek_to_beginning(partition)
        found: list[ControlState] = []
        while batch := await consumer.getmany(partition, timeout_ms=300):
            found += [ControlState.model_validate_json(r.value) for r in batch[partition]]
        return found
    finally:
        await consumer.stop()


async def mode_becomes(client: AsyncTestClient, mode: OperatingMode) -> None:
    maintenance = client.app.state.runtime.maintenance

    async def switched() -> bool:
        return maintenance.mode is mode

    await eventually(switched, f"the other service to switch to {mode}", MODE_SWITCH_SECONDS)


async def test_a_shutdown_without_approval_is_refused(control):
    response = await command(control, bearer("sre"), "shutdown", reason="no approval")
    assert response.status_code == 400
    assert response.json()["error"] == "approval_required"


async def test_an_approved_shutdown_reaches_the_broker_and_other_services_then_restart_undoes_it(
    control, audit, infrastructure
):
    sre = bearer("sre")
    try:
        response = await command(control, sre, "shutdown", reason="drill", **APPROVED)
        assert response.status_code == 200, response.text
        answer = response.json()
        assert (answer["success"], answer["command"]) == (True, "shutdown")
        assert answer["result"]["mode"] == "maintenance"
        states = await states_on_the_broker(infrastructure.bootstrap_servers)
        mine = [s for s in states if s.command_id == answer["command_id"]]
        assert [s.mode for s in mine] == [OperatingMode.MAINTENANCE]
        await mode_becomes(audit, OperatingMode.MAINTENANCE)
    finally:
        restart = await command(control, sre, "restart_system", **APPROVED)
    assert restart.status_code == 200, restart.text
    assert restart.json()["result"] == {
        "mode": "running",
        "previous_mode": "maintenance",
        "reason": None,
    }
    await mode_becomes(audit, OperatingMode.RUNNING)


async def test_read_only_mode_needs_no_approval_and_is_reported_by_status(control, audit):
    sre = bearer("sre")
    try:
        assert (await command(control, sre, "read_only", reason="db failover")).status_code == 200
        await mode_becomes(audit, OperatingMode.READ_ONLY)
        status = (await command(control, sre, "status")).json()["result"]
        assert (status["mode"], status["reason"]) == ("read_only", "db failover")
    finally:
        await command(control, sre, "restart_system", **APPROVED)
    await mode_becomes(audit, OperatingMode.RUNNING)


async def test_who_may_command(control):
    owner = bearer("owner", unique_id("tenant"))
    assert (await command(control, owner, "status")).status_code == 403
    assert (await command(control, {}, "status")).status_code == 401
    assert (await command(control, bearer("super_admin"), "status")).status_code == 200


async def test_the_command_catalogue_needs_a_token_and_says_what_needs_approval(control):
    assert (await control.get("/api/owner/command")).status_code == 401
    assert (
        await control.get("/api/owner/command", headers=bearer("viewer", unique_id("t")))
    ).status_code == 403
    answer = await control.get("/api/owner/command", headers=bearer("sre"))
    assert answer.status_code == 200
    commands = {c["command"]: c for c in answer.json()["commands"]}
    assert commands["shutdown"]["approval_required"] is True
    assert commands["shutdown"]["sets_mode"] == "maintenance"
    assert commands["status"]["approval_required"] is False
    assert commands["scale_division"]["supported"] is False


async def test_unsupported_and_unknown_commands_are_clear_400s(control):
    sre = bearer("sre")
    unsupported = await command(control, sre, "view_financials")
    unknown = await command(control, sre, "self_destruct")
    garbage = await control.post("/api/owner/command", content=b"{not json", headers=sre)
    assert (unsupported.status_code, unsupported.json()["error"]) == (400, "unsupported_command")
    assert (unknown.status_code, unknown.json()["error"]) == (400, "unknown_command")
    assert garbage.status_code == 400


async def test_every_command_outcome_lands_once_in_the_audit_log(control, audit):
    user = unique_id("user")
    await command(control, bearer("sre", user_id=user), "status")
    await command(control, bearer("sre", user_id=user), "shutdown")
    await command(control, bearer("owner", unique_id("tenant"), user_id=user), "report")
    platform = bearer("super_admin")

    async def recorded() -> list[dict]:
        response = await audit.get("/api/audit", params={"user_id": user}, headers=platform)
        items = response.json()["items"]
        return items if len(items) >= 3 else []

    entries = await eventually(recorded, "three command entries")
    outcomes = sorted((e["action"], e["result"]) for e in entries)
    assert outcomes == [
        ("command.report", "denied"),
        ("command.shutdown", "failure"),
        ("command.status", "success"),
    ]
    verify = (await audit.get("/api/audit/verify", headers=platform)).json()
    assert verify["valid"] is True


async def test_system_status_lists_heartbeating_services(control, audit):
    headers = bearer("sre")

    async def both_seen() -> dict | None:
        status = (await control.get("/api/system/status", headers=headers)).json()
        names = {s["service"] for s in status["services"] if s["ready"]}
        return status if {"audit", "command-control"} <= names else None

    status = await eventually(both_seen, "heartbeats of audit and command-control")
    assert status["mode"] in {"running", "maintenance", "read_only"}
    assert all(i["last_heartbeat"] for s in status["services"] for i in s["instances"])
    assert (
        await control.get("/api/system/status", headers=bearer("viewer", "t"))
    ).status_code == 403


async def test_a_poison_heartbeat_is_listed_among_the_dead_letters(control, infrastructure):
    marker = unique_id("poison")
    producer = AIOKafkaProducer(bootstrap_servers=infrastructure.bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(SERVICES_HEARTBEAT.name, f'{{"marker": "{marker}"}}'.encode())
    finally:
        await producer.stop()
    sre = bearer("sre")

    async def listed() -> list[dict]:
        response = await control.get(
            "/api/admin/dlq", params={"topic": SERVICES_HEARTBEAT.name, "limit": 500}, headers=sre
        )
        assert response.status_code == 200, response.text
        return [i for i in response.json()["items"] if i["body"] == {"marker": marker}]

    [letter] = await eventually(listed, "the poison message in the dead-letter topic")
    assert letter["topic"] == SERVICES_HEARTBEAT.name
    assert letter["error"].startswith("undecodable")
    owner = bearer("owner", "t")
    assert (await control.get("/api/admin/dlq", headers=owner)).status_code == 403
    unknown = await control.get("/api/admin/dlq", params={"topic": "nope"}, headers=sre)
    assert unknown.status_code == 400


@pytest.mark.parametrize("limit", ["0", "501", "many"])
async def test_a_dead_letter_page_size_outside_1_to_500_is_a_bad_request(control, limit):
    response = await control.get("/api/admin/dlq", params={"limit": limit}, headers=bearer("sre"))
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"
    assert "limit" in response.json()["detail"]


async def test_the_state_topic_counts_as_empty_only_when_it_is(control, infrastructure):
    fresh = unique_id("empty-topic")
    admin = AIOKafkaAdminClient(bootstrap_servers=infrastructure.bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(fresh, 1, 1)])
    finally:
        await admin.close()
    await command(control, bearer("sre"), "restart_system", **APPROVED)
    assert await topic_is_empty(infrastructure.bootstrap_servers, fresh) is True
    assert await topic_is_empty(infrastructure.bootstrap_servers, CONTROL_STATE.name) is False


async def test_status_shows_a_fresh_instance_and_forgets_one_silent_for_hours(
    control, infrastructure
):
    service = unique_id("svc")
    now = datetime.now(UTC)
    beats = [
        Heartbeat(service=service, instance="old", ready=True, mode="running", at=now - HOURS_2),
        Heartbeat(service=service, instance="new", ready=True, mode="running", at=now),
    ]
    producer = AIOKafkaProducer(bootstrap_servers=infrastructure.bootstrap_servers)
    await producer.start()
    try:
        for beat in beats:
            await producer.send_and_wait(SERVICES_HEARTBEAT.name, beat.model_dump_json().encode())
    finally:
        await producer.stop()

    async def listed() -> list[dict]:
        status = (await control.get("/api/system/status", headers=bearer("sre"))).json()
        return [s for s in status["services"] if s["service"] == service]

    [entry] = await eventually(listed, "the fresh heartbeat in the status")
    assert [i["instance"] for i in entry["instances"]] == ["new"]
    with psycopg.connect(infrastructure.database_url) as conn:
        rows = conn.execute(
            "SELECT instance FROM command_control.heartbeats WHERE service = %s", (service,)
        ).fetchall()
    assert rows == [("new",)]


async def test_status_shows_each_instance_build_and_the_lag_of_its_consumer_groups(
    control, infrastructure
):
    service, group = unique_id("svc"), unique_id("group")
    topic = PROVISIONING_EVENTS.dlq
    tp = TopicPartition(topic, 0)
    committer = AIOKafkaConsumer(
        bootstrap_servers=infrastructure.bootstrap_servers,
        group_id=group,
        enable_auto_commit=False,
    )
    await committer.start()
    producer = AIOKafkaProducer(bootstrap_servers=infrastructure.bootstrap_servers)
    await producer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in committer.partitions_for_topic(topic)]
        committer.assign(partitions)
        ends = await committer.end_offsets(partitions)
        await committer.commit(dict(ends))
        for n in range(3):
            await producer.send_and_wait(topic, f"behind-{n}".encode(), partition=0)
        beat = Heartbeat(
            service=service,
            instance="one",
            ready=True,
            mode="running",
            version="9.9.9",
            commit="abc123",
            consumer_groups={group: [topic]},
        )
        await producer.send_and_wait(SERVICES_HEARTBEAT.name, beat.model_dump_json().encode())
    finally:
        await producer.stop()
        await committer.stop()

    async def measured() -> dict | None:
        status = (await control.get("/api/system/status", headers=bearer("sre"))).json()
        rows = [r for r in status["consumer_lag"]["groups"] if r["group"] == group]
        return {"status": status, "rows": rows} if rows else None

    found = await eventually(measured, "the lag of the heartbeat's consumer group")
    [row] = found["rows"]
    assert row["topic"] == topic
    assert row["partitions"][str(tp.partition)] == 3
    assert found["status"]["consumer_lag"]["method"].startswith("end offset minus committed")
    [entry] = [s for s in found["status"]["services"] if s["service"] == service]
    assert (entry["instances"][0]["version"], entry["instances"][0]["commit"]) == (
        "9.9.9",
        "abc123",
    )
