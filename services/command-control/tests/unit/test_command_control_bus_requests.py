"""Owner commands sent on the bus, against in-memory fakes of the ports."""

from datetime import timedelta

from test_command_control_handlers import FakeBus, FakeStore, principal

from switchboard_command_control.bus_requests import answer_request
from switchboard_command_control.ports import Ports
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Role
from switchboard_shared.errors import Unauthorized
from switchboard_shared.events import ControlReply, ControlRequest, OperatingMode, utcnow
from switchboard_shared.maintenance import MaintenanceState


class FakeTokens:
    """Knows one token per caller; any other token is refused as the verifier would."""

    def __init__(self, **callers: Principal) -> None:
        self.callers = callers

    async def verify(self, token: str) -> Principal:
        if token not in self.callers:
            raise Unauthorized("invalid token: signature", code="invalid_token")
        return self.callers[token]


def ports() -> Ports:
    return Ports(store=FakeStore(), bus=FakeBus(), maintenance=MaintenanceState())


def request(command: str, token: str, request_id: str = "req-1", **params: object):
    now = utcnow()
    return ControlRequest(
        request_id=request_id,
        command=command,
        params=params,
        access_token=token,
        issued_at=now,
        expires_at=now + timedelta(seconds=30),
    )


def replies(p: Ports) -> list[ControlReply]:
    return [event for topic, event, _ in p.bus.sent if topic == "control.replies.v1"]


async def test_an_approved_shutdown_on_the_bus_is_executed_and_answered_under_its_request_id():
    p, tokens = ports(), FakeTokens(sre=principal(Role.SRE))
    shutdown = request("shutdown", "sre", reason="gateway down", approvalConfirmed=True)
    reply = await answer_request(p, tokens, shutdown)
    assert (reply.status, reply.body["result"]["mode"]) == (200, "maintenance")
    assert p.store.states[-1].mode is OperatingMode.MAINTENANCE
    assert p.store.commands[-1].command_id == "req-1"
    assert replies(p) == [reply]
    assert [t for t, _, _ in p.bus.sent] == [
        "control.state.v1", "control.commands.v1", "audit.events.v1", "control.replies.v1",
    ]  # fmt: skip


async def test_a_bad_token_is_answered_401_and_nothing_is_executed_or_recorded():
    p = ports()
    reply = await answer_request(p, FakeTokens(), request("shutdown", "forged"))
    assert (reply.status, reply.body["error"]) == (401, "invalid_token")
    assert p.store.commands == []
    assert [t for t, _, _ in p.bus.sent] == ["control.replies.v1"]


async def test_a_tenant_owner_is_denied_on_the_bus_and_the_denial_is_audited():
    p, tokens = ports(), FakeTokens(owner=principal(Role.OWNER))
    reply = await answer_request(p, tokens, request("restart_system", "owner"))
    assert (reply.status, reply.body["error"]) == (403, "forbidden")
    assert p.store.commands[-1].outcome == "denied"
    assert "audit.events.v1" in [t for t, _, _ in p.bus.sent]


async def test_a_refused_command_is_answered_with_its_error_and_audited():
    p, tokens = ports(), FakeTokens(sre=principal(Role.SRE))
    reply = await answer_request(p, tokens, request("shutdown", "sre", reason="no approval"))
    assert (reply.status, reply.body["error"]) == (400, "approval_required")
    assert (p.store.commands[-1].outcome, p.store.commands[-1].reason) == (
        "failure",
        "approval_required",
    )


async def test_an_expired_request_is_not_executed():
    p, tokens = ports(), FakeTokens(sre=principal(Role.SRE))
    late = request("shutdown", "sre", approvalConfirmed=True)
    reply = await answer_request(p, tokens, late, now=late.expires_at + timedelta(seconds=1))
    assert (reply.status, reply.body["error"]) == (400, "request_expired")
    assert p.store.states == []


async def test_a_redelivered_request_gets_the_same_answer_without_a_second_execution():
    p, tokens = ports(), FakeTokens(sre=principal(Role.SRE))
    read_only = request("read_only", "sre", reason="drill")
    first = await answer_request(p, tokens, read_only)
    again = await answer_request(p, tokens, read_only)
    assert again.status == 200
    assert again.body["result"] == first.body["result"]
    assert len(p.store.states) == 1


async def test_a_request_id_of_someone_elses_command_is_refused():
    p = ports()
    alice = principal(Role.SRE)
    mallory = Principal("u2", "m@example.com", Role.SRE, None, "s2", "j2", 0, 0)
    tokens = FakeTokens(alice=alice, mallory=mallory)
    await answer_request(p, tokens, request("status", "alice"))
    reply = await answer_request(p, tokens, request("status", "mallory"))
    assert (reply.status, reply.body["error"]) == (409, "request_id_in_use")


async def test_the_status_command_lists_every_instance_and_the_mode_it_applied():
    p, tokens = ports(), FakeTokens(sre=principal(Role.SRE))
    reply = await answer_request(p, tokens, request("status", "sre"))
    assert {"mode", "reason", "changed_by", "changed_at", "services", "stale"} <= set(
        reply.body["result"]
    )
