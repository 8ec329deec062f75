"""Which statuses lock a location against ordinary edits."""

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


def test_the_first_edit_starts_the_work_and_later_ones_keep_the_status() -> None:
    assert domain.status_after_edit(Status.NOT_STARTED) is Status.IN_PROGRESS
    assert domain.status_after_edit(Status.BLOCKED) is Status.BLOCKED
    assert domain.status_after_edit(Status.CANCELLED) is Status.CANCELLED
    assert domain.status_after_edit(Status.PENDING_APPROVAL) is Status.PENDING_APPROVAL
