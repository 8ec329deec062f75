"""Locks, transitions and the form rules of onboarding."""

from __future__ import annotations

import pytest

from switchboard_onboarding import domain, forms
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


def test_submit_reports_every_field_provisioning_still_needs() -> None:
    missing = domain.missing_for_provisioning({"account_name": "Acme", "devices": []})

    assert missing == ["address", "primary_contact", "devices", "working_hours", "call_flow"]


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


def test_a_patch_merges_fields_and_null_clears_one() -> None:
    merged = domain.merge(
        {"account_name": "A", "call_flow": {"type": "direct"}}, {"call_flow": None}
    )

    assert merged == {"account_name": "A"}


def test_field_changes_name_old_and_new_values_of_changed_fields_only() -> None:
    changes = domain.field_changes({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4})

    assert [(c.field, c.old, c.new) for c in changes] == [("b", 2, 3), ("c", None, 4)]


def test_the_form_refuses_unknown_fields_and_bad_values() -> None:
    with pytest.raises(AppError) as unknown:
        forms.validated({"favourite_colour": "blue"})
    with pytest.raises(AppError) as bad_mac:
        forms.validated(
            {
                "devices": [
                    {"id": "d", "brand": "b", "model": "m", "mac_address": "x", "extension": "1"}
                ]
            }
        )

    assert unknown.value.status_code == 422
    assert "mac_address" in bad_mac.value.detail
