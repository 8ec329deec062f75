"""Onboarding rules: statuses, locks, who may do what to which location. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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


class Locked(Conflict):
    code = "locked"


class NotApproved(Conflict):
    code = "not_approved"


@dataclass(frozen=True)
class Location:
    id: str
    tenant_id: str
    name: str
    status: Status
    data: dict[str, Any]
    blocked_from: Status | None = None
    """The status a BLOCKED location was blocked from; where unblocking returns."""
    submitted_at: datetime | None = None


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


def check_submit(principal: Principal, location: Location) -> None:
    principal.require(Permission.ONBOARDING_SUBMIT)
    principal.require(edit_permission(principal, location))


def status_after_edit(status: Status) -> Status:
    """The first edit starts the work; a blocked or cancelled one stays so until a lead acts."""
    return Status.IN_PROGRESS if status is Status.NOT_STARTED else status


def check_provisionable(location: Location) -> None:
    if location.status not in PROVISIONABLE:
        raise NotApproved(f"provisioning needs an approved location; this is {location.status}")
