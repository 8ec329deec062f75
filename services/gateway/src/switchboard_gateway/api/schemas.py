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


class UserUpdate(Strict):
    role: Role | None = None
    disabled: bool | None = None


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
    return {"id": tenant.id, "name": tenant.name, "created_at": tenant.created_at.isoformat()}


def user_view(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "tenant_id": user.tenant_id,
        "email": user.email,
        "role": str(user.role),
        "disabled": user.disabled,
        "created_at": user.created_at.isoformat(),
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
