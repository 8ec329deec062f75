"""Accounts, tenants and sessions as plain records, and the rules about who may grant what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import PLATFORM_ROLES, Role, can_grant
from switchboard_shared.errors import Forbidden, ValidationFailed

INVALID_CREDENTIALS = "invalid email or password"


class Keep(Enum):
    """A field an update leaves as it is (where None is a value of its own)."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class Tenant:
    id: str
    name: str
    created_at: datetime
    mfa_required: bool = False


@dataclass(frozen=True)
class User:
    id: str
    tenant_id: str | None
    email: str
    role: Role
    disabled: bool
    created_at: datetime
    password_hash: str = ""
    locations: tuple[str, ...] | None = None
    mfa_enabled: bool = False


@dataclass(frozen=True)
class Session:
    id: str
    user_id: str
    tenant_id: str | None
    user_agent: str | None
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None


def check_role_assignment(actor: Principal, role: Role, tenant_id: str | None) -> None:
    """Nobody grants above their own role; platform roles belong to no tenant."""
    if not can_grant(actor.role, role):
        raise Forbidden(f"role {actor.role} may not grant {role}")
    if (role in PLATFORM_ROLES) != (tenant_id is None):
        where = "no tenant" if role in PLATFORM_ROLES else "a tenant"
        raise ValidationFailed(f"role {role} belongs to {where}")


def check_may_manage(actor: Principal, target: User) -> None:
    """An account at or above the actor's own rank is out of the actor's reach."""
    if actor.user_id == target.id:
        raise Forbidden("you may not change your own account here")
    if not can_grant(actor.role, target.role):
        raise Forbidden(f"role {actor.role} may not manage a {target.role}")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_location_grant(
    actor: Principal, locations: tuple[str, ...] | None, tenant_id: str | None
) -> None:
    """Locations belong to tenant accounts; nobody grants a location beyond their own reach."""
    if locations is not None and tenant_id is None:
        raise ValidationFailed("platform accounts are not limited to locations")
    if actor.locations is None:
        return
    if locations is None or not set(locations) <= set(actor.locations):
        raise Forbidden("you may only grant locations within your own")
