"""Onboarding rules: statuses, locks, who may do what to which location. No I/O here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission
from switchboard_shared.errors import Conflict, NotFound


class Status(StrEnum):
    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    PENDING_APPROVAL = "PENDING_APPROVAL"
    APPROVED = "APPROVED"
    PROVISIONING = "PROVISIONING"
    COMPLETED = "COMPLETED"
    BLOCKED = "BLOCKED"
    CANCELLED = "CANCELLED"


LOCKED_STATUSES = frozenset({Status.APPROVED, Status.PROVISIONING, Status.COMPLETED})
SUBMITTABLE = frozenset({Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED})
CLAIMING_MACS = frozenset(
    {
        Status.PENDING_APPROVAL,
        Status.APPROVED,
        Status.PROVISIONING,
        Status.COMPLETED,
        Status.BLOCKED,
    }
)
"""A location in these states holds its devices' MAC addresses against the tenant's others."""
PROVISIONABLE = frozenset({Status.APPROVED, Status.PROVISIONING})
PROVISIONING_REQUESTED = "PROVISIONING_REQUESTED"
"""The OnboardingEvent status that asks provisioning to (re)generate a payload."""

PROVISIONING_OUTCOMES: Mapping[str, Status] = {
    "requested": Status.PROVISIONING,
    "generated": Status.PROVISIONING,
    "completed": Status.COMPLETED,
    "failed": Status.BLOCKED,
}
_OUTCOME_SOURCES: Mapping[Status, frozenset[Status]] = {
    Status.PROVISIONING: frozenset({Status.APPROVED}),
    Status.COMPLETED: frozenset({Status.APPROVED, Status.PROVISIONING}),
    Status.BLOCKED: frozenset({Status.APPROVED, Status.PROVISIONING}),
}


class Locked(Conflict):
    code = "locked"


class InvalidTransition(Conflict):
    code = "invalid_transition"


@dataclass(frozen=True)
class Location:
    id: str
    tenant_id: str
    name: str
    status: Status
    data: dict[str, Any]


def is_locked(status: Status) -> bool:
    return status in LOCKED_STATUSES


def can_see(principal: Principal, location: Location) -> bool:
    """Customers see their tenant's locations (only the listed ones when the token names them);
    implementation leads see every location."""
    if principal.can(Permission.LOCATIONS_READ_ALL):
        return True
    if (
        not principal.can(Permission.LOCATIONS_READ_OWN)
        or principal.tenant_id != location.tenant_id
    ):
        return False
    return principal.locations is None or location.id in principal.locations


def ensure_visible(principal: Principal, location: Location | None) -> Location:
    if location is None or not can_see(principal, location):
        raise NotFound("no such location")
    return location


def edit_permission(principal: Principal, location: Location) -> Permission:
    owns = principal.tenant_id is not None and principal.tenant_id == location.tenant_id
    return Permission.ONBOARDING_EDIT_OWN if owns else Permission.ONBOARDING_EDIT_ANY


def check_edit(principal: Principal, location: Location) -> None:
    """An ordinary edit: the caller may edit this location and it is not locked."""
    principal.require(edit_permission(principal, location))
    if is_locked(location.status):
        raise Locked(f"onboarding is {location.status}; only an override may change it")


def status_after_edit(status: Status) -> Status:
    return Status.IN_PROGRESS if status in (Status.NOT_STARTED, Status.BLOCKED) else status


def check_submit(principal: Principal, location: Location) -> None:
    principal.require(Permission.ONBOARDING_SUBMIT)
    principal.require(edit_permission(principal, location))
    if is_locked(location.status):
        raise Locked(f"onboarding is {location.status}")
    if location.status not in SUBMITTABLE:
        raise InvalidTransition(f"cannot submit from {location.status}")


def decide(location: Location, decision: str) -> Status:
    if location.status is not Status.PENDING_APPROVAL:
        raise InvalidTransition(f"only PENDING_APPROVAL can be decided; this is {location.status}")
    return Status.APPROVED if decision == "approve" else Status.IN_PROGRESS


def check_provisionable(location: Location) -> None:
    if location.status not in PROVISIONABLE:
        raise InvalidTransition(
            f"provisioning needs an approved location; this is {location.status}"
        )


def status_after_provisioning(current: Status, outcome: str) -> Status | None:
    """The new status a provisioning outcome leads to, or None when it no longer applies."""
    target = PROVISIONING_OUTCOMES.get(outcome)
    if target is None or current is target:
        return None
    return target if current in _OUTCOME_SOURCES[target] else None
