"""The command use case against in-memory fakes of its ports."""

from datetime import datetime

import pytest

from switchboard_command_control.domain import CommandRecord, InstanceBeat
from switchboard_command_control.handlers import execute_command
from switchboard_command_control.ports import Ports
from switchboard_command_control.status import republish_last_state
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Role
from switchboard_shared.envelope import Envelope
from switchboard_shared.errors import AppError
from switchboard_shared.events import ControlState, Event, OperatingMode
from switchboard_shared.maintenance import MaintenanceState


class FakeStore:
    def __init__(self) -> None:
        self.commands: list[CommandRecord] = []
        self.states: list[ControlState] = []

    async def record_command(self, record: CommandRecord) -> None:
        self.commands.append(record)

    async def record_mode_change(self, record: CommandRecord, state: ControlState) -> None:
        self.commands.append(record)
        self.states.append(state)

    async def current_state(self) -> ControlState | None:
        return self.states[-1] if self.states else None

    async def find_command(self, command_id: str) -> CommandRecord | None:
        return next((c for c in self.commands if c.command_id == command_id), None)

    async def save_heartbeat(self, beat: InstanceBeat) -> None:
        pass

    async def forget_heartbeats(self, service: str, before: datetime) -> None:
        pass

    async def heartbeats_since(self, since: datetime) -> list[InstanceBeat]:
        return []


class FakeBus:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[tuple[str, Event, str | None]] = []
        self.fail = fail

    async def publish(self, topic, event, *, key, envelope_id=None, **_) -> Envelope:
        if self.fail:
            raise ConnectionError("broker down")
        self.sent.append((topic.name, event, envelope_id))
        return Envelope(type=event.ce_type, source="test")


def principal(role: Role, email: str = "alice@example.com") -> Principal:
    tenant = "t1" if role in (Role.OWNER, Role.ADMIN) else None
    return Principal("u1", email, role, tenant, "s1", "j1", 0, 0)


def ports(bus: FakeBus | None = None) -> Ports:
    return Ports(store=FakeStore(), bus=bus or FakeBus(), maintenance=MaintenanceState())


async def status_of(call) -> tuple[int, str]:
    with pytest.raises(AppError) as caught:
        await call
    return caught.value.status_code, caught.value.code


async def test_an_approved_shutdown_publishes_maintenance_and_keeps_history():
    p = ports()
    body = {"command": "shutdown", "params": {"approvalConfirmed": True, "reason": "drill"}}
    answer = await execute_command(p, principal(Role.SRE), body)
    assert answer["success"] is True
    assert answer["result"]["mode"] == "maintenance"
    topics = [topic for topic, _, _ in p.bus.sent]
    assert topics == ["control.state.v1", "control.commands.v1", "audit.events.v1"]
    assert p.store.states[-1].mode is OperatingMode.MAINTENANCE


async def test_a_tenant_owner_is_denied_and_the_denial_is_recorded_and_announced():
    p = ports()
    body = {"command": "shutdown", "params": {"approvalConfirmed": True}}
    assert await status_of(execute_command(p, principal(Role.OWNER), body)) == (403, "forbidden")
    assert p.store.commands[-1].outcome == "denied"
    assert [t for t, _, _ in p.bus.sent] == ["control.commands.v1", "audit.events.v1"]
    assert p.store.states == []


async def test_a_shutdown_without_approval_is_refused_and_recorded():
    p = ports()
    refused = execute_command(p, principal(Role.SUPER_ADMIN), {"command": "shutdown"})
    assert await status_of(refused) == (400, "approval_required")
    assert (p.store.commands[-1].outcome, p.store.commands[-1].reason) == (
        "failure",
        "approval_required",
    )


async def test_both_announcements_share_the_command_id_so_the_audit_keeps_one_entry():
    p = ports()
    await execute_command(p, principal(Role.SRE), {"command": "status"})
    ids = {envelope_id for _, _, envelope_id in p.bus.sent}
    assert ids == {p.store.commands[-1].command_id}


async def test_the_history_masks_the_actor_email_and_params():
    p = ports()
    body = {"command": "read_only", "params": {"reason": "call bob@example.com"}}
    await execute_command(p, principal(Role.SRE, "carol@example.com"), body)
    record = p.store.commands[-1]
    assert record.actor_email == "c***@example.com"
    assert "bob@" not in record.params["reason"]


async def test_a_state_the_broker_did_not_acknowledge_answers_503():
    p = ports(FakeBus(fail=True))
    body = {"command": "restart_system", "params": {"approvalConfirmed": True}}
    assert await status_of(execute_command(p, principal(Role.SRE), body)) == (503, "unavailable")
    assert p.store.states == []
    assert p.store.commands[-1].outcome == "failure"


async def test_the_last_state_is_republished_only_when_the_topic_is_empty():
    p = ports()
    p.store.states.append(ControlState(mode=OperatingMode.MAINTENANCE, reason="drill"))

    async def empty() -> bool:
        return True

    async def not_empty() -> bool:
        return False

    assert await republish_last_state(p, not_empty) is None
    restored = await republish_last_state(p, empty)
    assert restored is not None
    assert p.bus.sent[-1][0] == "control.state.v1"
    assert p.bus.sent[-1][1].mode is OperatingMode.MAINTENANCE
