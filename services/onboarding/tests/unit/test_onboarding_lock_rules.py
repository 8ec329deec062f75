"""Locks, transitions and the form rules of onboarding."""

from __future__ import annotations

import pytest

from switchboard_onboarding import domain
from switchboard_onboarding.domain import Location, Status
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Role
from switchboard_shared.errors import AppError

LOCKED = (Status.APPROVED, Status.PROVISIONING, Status.COMPLETED)
UNLOCKED = tuple(s for s in Status if s not in LOCKED)
OWNER = Principal("u", "u@example.test", Role.OWNER, "t1", "sid", "jti", 0, 0)
LEAD = Principal("l", "l@example.test", Role.IMPLEMENTATION_LEAD, None, "sid", "jti", 0, 0)


def at(status: Status, data: dict[str, object] | None = None) -> Location:
    return Location("loc-1", "t1", "Main", status, data or {})


@pytest.mark.parametrize("status", LOCKED)
def test_a_locked_status_refuses_ordinary_edits_even_from_a_lead(status: Status) -> None:
    for who in (OWNER, LEAD):
        with pytest.raises(AppError) as caught:
            domain.check_edit(who, at(status))
        assert (caught.value.status_code, caught.value.code) == (409, "locked")


@pytest.mark.parametrize("status", UNLOCKED)
def test_an_unlocked_status_accepts_edits(status: Status) -> None:
    domain.check_edit(OWNER, at(status))
    assert not domain.is_locked(status)


def test_editing_starts_or_reopens_the_work() -> None:
    assert domain.status_after_edit(Status.NOT_STARTED) is Status.IN_PROGRESS
    assert domain.status_after_edit(Status.BLOCKED) is Status.IN_PROGRESS
    assert domain.status_after_edit(Status.PENDING_APPROVAL) is Status.PENDING_APPROVAL


@pytest.mark.parametrize("status", [Status.PENDING_APPROVAL, Status.CANCELLED])
def test_submitting_twice_or_after_cancelling_is_a_conflict(status: Status) -> None:
    with pytest.raises(AppError) as caught:
        domain.check_submit(OWNER, at(status))
    assert caught.value.code == "invalid_transition"


def test_only_a_pending_request_can_be_decided() -> None:
    assert domain.decide(at(Status.PENDING_APPROVAL), "approve") is Status.APPROVED
    assert domain.decide(at(Status.PENDING_APPROVAL), "reject") is Status.IN_PROGRESS
    with pytest.raises(AppError):
        domain.decide(at(Status.IN_PROGRESS), "approve")


@pytest.mark.parametrize(
    ("current", "outcome", "expected"),
    [
        (Status.APPROVED, "generated", Status.PROVISIONING),
        (Status.PROVISIONING, "generated", None),
        (Status.PROVISIONING, "completed", Status.COMPLETED),
        (Status.APPROVED, "failed", Status.BLOCKED),
        (Status.COMPLETED, "failed", None),
        (Status.IN_PROGRESS, "generated", None),
        (Status.APPROVED, "unknown", None),
    ],
)
def test_provisioning_outcomes_only_move_a_location_forward(
    current: Status, outcome: str, expected: Status | None
) -> None:
    assert domain.status_after_provisioning(current, outcome) is expected
