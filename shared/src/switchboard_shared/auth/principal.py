"""Who is calling, as proven by a verified token, and which tenants they may see."""

from __future__ import annotations

from dataclasses import dataclass

from switchboard_shared.auth.roles import PLATFORM_ROLES, Permission, Role, can
from switchboard_shared.db import ALL_TENANTS
from switchboard_shared.errors import Forbidden, NotFound


@dataclass(frozen=True)
class Principal:
    user_id: str
    email: str
    role: Role
    tenant_id: str | None
    session_id: str
    token_id: str
    issued_at: int
    expires_at: int
    locations: tuple[str, ...] | None = None

    @property
    def is_platform(self) -> bool:
        return self.role in PLATFORM_ROLES

    def can(self, permission: Permission) -> bool:
        return can(self.role, permission)

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise Forbidden(f"role {self.role} may not {permission}")

    def tenant_scope(self, requested: str | None = None) -> str:
        """The tenant this caller acts on; another tenant's id reads as not found (never 403)."""
        if self.is_platform:
            return requested or ALL_TENANTS
        if self.tenant_id is None or (requested and requested != self.tenant_id):
            raise NotFound("no such tenant")
        return self.tenant_id
