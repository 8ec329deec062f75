"""The range a tenant's extensions must fall in: configured per tenant, else the default."""

from __future__ import annotations

from typing import Any

from switchboard_onboarding.events import Announcer
from switchboard_onboarding.store import Session, Store
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission
from switchboard_shared.db import ALL_TENANTS
from switchboard_shared.errors import ValidationFailed


class ExtensionRanges:
    def __init__(self, store: Store, announcer: Announcer, default: tuple[int, int]) -> None:
        self._store = store
        self._announce = announcer
        self._default = default

    async def of(self, session: Session, tenant_id: str) -> tuple[int, int]:
        return await session.extension_range(tenant_id) or self._default

    async def show(self, principal: Principal, tenant_id: str | None) -> dict[str, Any]:
        tenant = self._named_tenant(principal, tenant_id)
        async with self._store.session(tenant) as session:
            configured = await session.extension_range(tenant)
        low, high = configured or self._default
        return {
            "tenant_id": tenant,
            "extension_min": low,
            "extension_max": high,
            "configured": configured is not None,
        }

    async def replace(
        self, principal: Principal, tenant_id: str | None, low: int, high: int
    ) -> dict[str, Any]:
        tenant = self._named_tenant(principal, tenant_id)
        async with self._store.session(tenant) as session:
            await session.set_extension_range(tenant, low, high, principal.user_id)
            await self._announce.audit_resource(
                "onboarding.extension_range_set",
                tenant,
                f"tenant:{tenant}",
                principal,
                {"extension_min": low, "extension_max": high},
            )
        return {
            "tenant_id": tenant,
            "extension_min": low,
            "extension_max": high,
            "configured": True,
        }

    @staticmethod
    def _named_tenant(principal: Principal, tenant_id: str | None) -> str:
        """The caller's tenant, or the one a platform role names (it must name one)."""
        principal.require(Permission.LOCATIONS_CREATE)
        tenant = principal.tenant_scope(tenant_id)
        if tenant == ALL_TENANTS:
            raise ValidationFailed(
                "tenant_id is required for platform roles", code="tenant_required"
            )
        return tenant
