"""What onboarding tells the rest of the platform: state changes and audit entries."""

from __future__ import annotations

from typing import Any

from switchboard_onboarding.domain import Location
from switchboard_shared.audit_trail import AuditTrail
from switchboard_shared.auth.principal import Principal
from switchboard_shared.bus import EventBus
from switchboard_shared.envelope import event_key
from switchboard_shared.events import OnboardingEvent
from switchboard_shared.topics import ONBOARDING_EVENTS


def provisioning_input(location: Location) -> dict[str, Any]:
    """Everything provisioning needs, carried in the event (it never reads this schema)."""
    return {"location_name": location.name, "form": location.data}


class Announcer:
    def __init__(self, bus: EventBus) -> None:
        self._bus = bus
        self._audit = AuditTrail(bus)

    async def status_changed(
        self,
        location: Location,
        status: str,
        previous: str | None,
        actor_id: str | None,
        data: dict[str, Any] | None = None,
        envelope_id: str | None = None,
    ) -> None:
        event = OnboardingEvent(
            location_id=location.id,
            status=status,
            previous_status=previous,
            actor_id=actor_id,
            data=data or {},
        )
        await self._bus.publish(
            ONBOARDING_EVENTS,
            event,
            key=event_key(location.tenant_id, location.id),
            tenant_id=location.tenant_id,
            actor=actor_id,
            envelope_id=envelope_id,
        )

    async def audit(
        self,
        action: str,
        location: Location,
        principal: Principal | None,
        params: dict[str, Any] | None = None,
        reason: str | None = None,
    ) -> None:
        await self.audit_resource(
            action, location.tenant_id, f"location:{location.id}", principal, params, reason
        )

    async def audit_resource(
        self,
        action: str,
        tenant_id: str,
        resource: str,
        principal: Principal | None,
        params: dict[str, Any] | None = None,
        reason: str | None = None,
    ) -> None:
        await self._audit.record(
            action,
            actor=principal,
            tenant_id=tenant_id,
            resource=resource,
            params=params,
            reason=reason,
        )
