"""The one way to emit an audit event: confirmed only once acknowledged, else 503."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from switchboard_shared.audit_trail import AuditTrail, AuditUnavailable
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Role
from switchboard_shared.envelope import Envelope
from switchboard_shared.events import AuditEvent, AuditResult


class Bus:
    def __init__(self, *, fail: bool = False, delay: float = 0.0) -> None:
        self.sent: list[tuple[str, AuditEvent, dict[str, Any]]] = []
        self.fail = fail
        self.delay = delay

    async def publish(self, topic: Any, event: Any, *, key: bytes, **fields: Any) -> Envelope:
        await asyncio.sleep(self.delay)
        if self.fail:
            raise ConnectionError("broker down")
        self.sent.append((topic.name, event, {"key": key, **fields}))
        return Envelope(type=event.ce_type, source="test", tenant_id=fields.get("tenant_id"))


ALICE = Principal("u1", "alice@example.test", Role.ADMIN, "t1", "s1", "j1", 0, 0)


async def test_an_entry_names_the_actor_and_is_keyed_by_tenant_and_resource() -> None:
    bus = Bus()
    await AuditTrail(bus).record(
        "webhook_token.create", actor=ALICE, tenant_id="t1", resource="tok-1", params={"n": 1}
    )
    [(topic, event, fields)] = bus.sent
    assert topic == "audit.events.v1"
    assert (event.actor_id, event.actor_role, event.tenant_id) == ("u1", "admin", "t1")
    assert (event.resource, event.params, event.result) == ("tok-1", {"n": 1}, AuditResult.SUCCESS)
    assert fields["key"] == b"t1:tok-1"
    assert fields["tenant_id"] == "t1"
    assert fields["actor"] == "u1"


async def test_an_entry_the_broker_refuses_fails_the_action_with_503() -> None:
    with pytest.raises(AuditUnavailable) as refused:
        await AuditTrail(Bus(fail=True)).record("tenant.create", actor=ALICE)
    assert (refused.value.status_code, refused.value.code) == (503, "audit_unavailable")
    assert refused.value.retry_after


async def test_an_entry_not_acknowledged_in_time_fails_the_action() -> None:
    with pytest.raises(AuditUnavailable):
        await AuditTrail(Bus(delay=1.0), timeout=0.05).record("tenant.create", actor=ALICE)
