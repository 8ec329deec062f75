"""Request bodies: strict (an unknown field is refused, never silently assigned)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from switchboard_gateway.domain import Session, Tenant, User
from switchboard_shared.auth.roles import Role

Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$"
    ),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


MAX_LOCATIONS = 500
LocationId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Locations = Annotated[list[LocationId], Field(max_length=MAX_LOCATIONS)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=64)]
ChallengeToken = Annotated[str, StringConstraints(min_length=1, max_length=200)]


def location_tuple(locations: list[str] | None) -> tuple[str, ...] | None:
    """Duplicates dropped, order kept; None means every location of the tenant."""
    return tuple(dict.fromkeys(locations)) if locations is not None else None


class LoginRequest(Strict):
    email: Annotated[str, StringConstraints(max_length=254)]
    password: Annotated[str, StringConstraints(max_length=256)]


class RefreshRequest(Strict):
    refresh_token: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class TenantCreate(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class UserCreate(Strict):
    email: Email
    password: Annotated[str, StringConstraints(max_length=256)]
    role: Role
    locations: Locations | None = None


class UserUpdate(Strict):
    """`locations` left out keeps them; `null` lifts the limit; a list sets it."""

    role: Role | None = None
    disabled: bool | None = None
    locations: Locations | None = None


class TenantUpdate(Strict):
    mfa_required: bool


class MfaVerifyRequest(Strict):
    mfa_token: ChallengeToken
    code: Code


class MfaEnrolRequest(Strict):
    """Signed in (bearer token), or with the `mfa_token` of a sign-in that must enrol first."""

    mfa_token: ChallengeToken | None = None


class MfaConfirmRequest(Strict):
    code: Code
    mfa_token: ChallengeToken | None = None


class MfaDisableRequest(Strict):
    code: Code


class InvitationCreate(Strict):
    email: Email
    role: Role


class InvitationAccept(Strict):
    token: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    password: Annotated[str, StringConstraints(max_length=256)]


class PageQuery(Strict):
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = None


def tenant_view(tenant: Tenant) -> dict[str, Any]:
    return {
        "id": tenant.id,
        "name": tenant.name,
        "created_at": tenant.created_at.isoformat(),
        "mfa_required": tenant.mfa_required,
    }


def user_view(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "tenant_id": user.tenant_id,
        "email": user.email,
        "role": str(user.role),
        "disabled": user.disabled,
        "created_at": user.created_at.isoformat(),
        "locations": list(user.locations) if user.locations is not None else None,
        "mfa_enabled": user.mfa_enabled,
    }


def session_view(session: Session, current: str) -> dict[str, Any]:
    return {
        "id": session.id,
        "user_agent": session.user_agent,
        "created_at": session.created_at.isoformat(),
        "last_used_at": session.last_used_at.isoformat(),
        "expires_at": session.expires_at.isoformat(),
        "current": session.id == current,
    }
