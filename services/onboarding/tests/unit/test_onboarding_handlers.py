"""The onboarding use cases against in-memory fakes of the store and the bus."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from switchboard_onboarding.changes import FieldChange
from switchboard_onboarding.domain import Location, Status
from switchboard_onboarding.events import Announcer
from switchboard_onboarding.example import example_form
from switchboard_onboarding.extension_ranges import ExtensionRanges
from switchboard_onboarding.handlers import Onboarding
from switchboard_onboarding.outcomes import ProvisioningOutcomes
from switchboard_onboarding.workflow import Workflow
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Role
from switchboard_shared.envelope import Envelope
from switchboard_shared.errors import AppError
from switchboard_shared.events import AuditEvent, OnboardingEvent, ProvisioningEvent
from switchboard_shared.problems import FieldsInvalid

OWNER = Principal("owner-1", "o@example.test", Role.OWNER, "t1", "sid", "jti", 0, 0)
LEAD = Principal("lead-1", "l@example.test", Role.IMPLEMENTATION_LEAD, None, "sid", "jti", 0, 0)


@dataclass
class FakeSession:
    rows: dict[str, Location]
    history_rows: list[dict[str, Any]]
    processed: set[str]
    scope: str

    def _visible(self, location: Location) -> bool:
        return self.scope == "*" or location.tenant_id == self.scope

    async def get(self, location_id: str, *, for_update: bool = False) -> Location | None:
        found = self.rows.get(location_id)
        return found if found and self._visible(found) else None

    async def insert(self, location: Location, created_by: str) -> None:
        self.rows[location.id] = location

    async def page(
        self, only: Sequence[str] | None, limit: int, after: Any
    ) -> list[tuple[Location, datetime]]:
        now = datetime.now(UTC)
        return [(loc, now) for loc in self.rows.values() if self._visible(loc)][:limit]

    async def save(self, location: Location) -> None:
        self.rows[location.id] = location

    async def record_changes(
        self, location: Location, changes: Sequence[FieldChange], actor: str, reason: str | None
    ) -> None:
        self.history_rows += [
            {"field": c.field, "old": c.old, "new": c.new, "reason": reason} for c in changes
        ]

    async def history(self, location_id: str) -> list[dict[str, Any]]:
        return list(self.history_rows)

    async def record_decision(
        self, location: Location, decision: str, comment: str | None, actor: str
    ) -> None:
        return None

    async def first_time(self, event_id: str) -> bool:
        if event_id in self.processed:
            return False
        self.processed.add(event_id)
        return True

    async def lock_tenant(self, tenant_id: str) -> None:
        return None

    async def macs_claimed_elsewhere(self, tenant_id: str, location_id: str) -> frozenset[str]:
        return frozenset()

    async def extension_range(self, tenant_id: str) -> tuple[int, int] | None:
        return None


@dataclass
class FakeStore:
    rows: dict[str, Location] = field(default_factory=dict)
    history_rows: list[dict[str, Any]] = field(default_factory=list)
    processed: set[str] = field(default_factory=set)

    @asynccontextmanager
    async def session(self, scope: str) -> AsyncIterator[FakeSession]:
        yield FakeSession(self.rows, self.history_rows, self.processed, scope)


@dataclass
class FakeBus:
    published: list[tuple[str, Any, str | None]] = field(default_factory=list)

    async def publish(
        self, topic: Any, event: Any, *, key: bytes, tenant_id: str | None = None, **_: Any
    ) -> None:
        self.published.append((topic.name, event, tenant_id))

    def of(self, kind: type) -> list[Any]:
        return [event for _, event, _ in self.published if isinstance(event, kind)]


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def bus() -> FakeBus:
    return FakeBus()


@pytest.fixture
def onboarding(store: FakeStore, bus: FakeBus) -> Onboarding:
    return Onboarding(store, Announcer(bus))  # type: ignore[arg-type]


@pytest.fixture
def workflow(store: FakeStore, bus: FakeBus) -> Workflow:
    ranges = ExtensionRanges(store, Announcer(bus), (100, 9999))  # type: ignore[arg-type]
    return Workflow(store, Announcer(bus), ranges)  # type: ignore[arg-type]


async def test_creating_a_location_announces_it_and_audits_it(
    onboarding: Onboarding, bus: FakeBus
) -> None:
    created = await onboarding.create_location(OWNER, "Main", None)

    assert created["tenant_id"] == "t1"
    assert [e.status for e in bus.of(OnboardingEvent)] == ["NOT_STARTED"]
    assert [e.action for e in bus.of(AuditEvent)] == ["onboarding.location.created"]
    assert {tenant for _, _, tenant in bus.published} == {"t1"}


async def test_every_state_change_is_audited(
    onboarding: Onboarding, workflow: Workflow, store: FakeStore, bus: FakeBus
) -> None:
    store.rows["loc-1"] = Location("loc-1", "t1", "Main", Status.NOT_STARTED, {})

    await onboarding.edit(OWNER, "loc-1", {"account_name": "Acme"})
    store.rows["loc-1"] = Location("loc-1", "t1", "Main", Status.PENDING_APPROVAL, {})
    await workflow.decide(LEAD, "loc-1", "reject", "address is incomplete")

    actions = [e.action for e in bus.of(AuditEvent)]
    assert actions == ["onboarding.edited", "onboarding.started", "onboarding.rejected"]
    assert bus.of(AuditEvent)[1].params == {"from": "NOT_STARTED", "to": "IN_PROGRESS"}
    assert bus.of(AuditEvent)[2].reason == "address is incomplete"
    assert [e.status for e in bus.of(OnboardingEvent)] == ["IN_PROGRESS", "IN_PROGRESS"]


async def test_an_approval_carries_what_provisioning_needs(
    workflow: Workflow, store: FakeStore, bus: FakeBus
) -> None:
    store.rows["loc-1"] = Location(
        "loc-1", "t1", "Main", Status.PENDING_APPROVAL, {"account_name": "Acme"}
    )

    await workflow.decide(LEAD, "loc-1", "approve", None)

    approval = bus.of(OnboardingEvent)[-1]
    assert (approval.status, approval.previous_status) == ("APPROVED", "PENDING_APPROVAL")
    assert approval.data == {"location_name": "Main", "form": {"account_name": "Acme"}}


async def test_an_override_keeps_the_status_and_records_its_reason(
    onboarding: Onboarding, store: FakeStore, bus: FakeBus
) -> None:
    store.rows["loc-1"] = Location("loc-1", "t1", "Main", Status.APPROVED, {"account_name": "Acme"})

    await onboarding.override(LEAD, "loc-1", {"account_name": "Acme Inc"}, "typo on the contract")

    assert store.rows["loc-1"].status is Status.APPROVED
    assert store.history_rows == [
        {
            "field": "account_name",
            "old": "Acme",
            "new": "Acme Inc",
            "reason": "typo on the contract",
        }
    ]
    assert bus.of(AuditEvent)[-1].reason == "typo on the contract"


async def test_a_refused_edit_publishes_nothing(
    onboarding: Onboarding, store: FakeStore, bus: FakeBus
) -> None:
    store.rows["loc-1"] = Location("loc-1", "t1", "Main", Status.COMPLETED, {})

    with pytest.raises(AppError):
        await onboarding.edit(OWNER, "loc-1", {"account_name": "X"})

    assert bus.published == []


async def test_a_provisioning_event_delivered_twice_counts_once(
    store: FakeStore, bus: FakeBus
) -> None:
    store.rows["loc-1"] = Location("loc-1", "t1", "Main", Status.APPROVED, {})
    outcomes = ProvisioningOutcomes(store, Announcer(bus))  # type: ignore[arg-type]
    event = ProvisioningEvent(location_id="loc-1", status="generated", payload_version="1.0.0")
    envelope = Envelope(type=event.ce_type, source="test", tenant_id="t1")

    await outcomes.on_event(event, envelope)
    await outcomes.on_event(event, envelope)

    assert store.rows["loc-1"].status is Status.PROVISIONING
    assert len(bus.of(AuditEvent)) == 1


async def test_an_edit_that_changes_nothing_writes_and_publishes_nothing(
    onboarding: Onboarding, store: FakeStore, bus: FakeBus
) -> None:
    store.rows["loc-1"] = Location(
        "loc-1", "t1", "Main", Status.IN_PROGRESS, {"account_name": "Acme"}
    )

    result = await onboarding.edit(OWNER, "loc-1", {"account_name": "Acme"})

    assert result["changed"] == []
    assert (store.history_rows, bus.published) == ([], [])


async def test_a_refused_submission_lists_its_problems_and_publishes_nothing(
    workflow: Workflow, store: FakeStore, bus: FakeBus
) -> None:
    store.rows["loc-1"] = Location(
        "loc-1", "t1", "Main", Status.IN_PROGRESS, {"account_name": "Acme"}
    )

    with pytest.raises(FieldsInvalid) as caught:
        await workflow.submit(OWNER, "loc-1")

    assert "contacts" in {p.path for p in caught.value.problems}
    assert store.rows["loc-1"].status is Status.IN_PROGRESS
    assert bus.published == []


async def test_a_complete_form_is_submitted_and_announced(
    workflow: Workflow, store: FakeStore, bus: FakeBus
) -> None:
    store.rows["loc-1"] = Location("loc-1", "t1", "Main", Status.IN_PROGRESS, example_form())

    submitted = await workflow.submit(OWNER, "loc-1")

    assert submitted["status"] == "PENDING_APPROVAL"
    assert store.rows["loc-1"].submitted_at is not None
    assert [e.action for e in bus.of(AuditEvent)] == ["onboarding.submitted"]
