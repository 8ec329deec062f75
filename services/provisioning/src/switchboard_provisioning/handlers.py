"""Provisioning use cases: generate a payload for each approval, serve it, mark it done.

Events are published inside the database transaction, before it commits: a publish that fails
rolls the generation back and the consumer retries it.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from switchboard_provisioning.builder import build_payload, payload_document, payload_version
from switchboard_provisioning.payload import PayloadError, ProvisioningPayload
from switchboard_provisioning.store import Generation, Store
from switchboard_shared.audit_trail import AuditTrail
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission
from switchboard_shared.bus import EventBus
from switchboard_shared.envelope import Envelope, event_key
from switchboard_shared.errors import Conflict, NotFound
from switchboard_shared.events import AuditResult, OnboardingEvent, ProvisioningEvent
from switchboard_shared.topics import PROVISIONING_EVENTS

log = logging.getLogger(__name__)

TRIGGERS = frozenset({"APPROVED", "PROVISIONING_REQUESTED"})
"""Onboarding statuses that ask for a payload; every other onboarding event is ignored."""


def generate(
    event: OnboardingEvent, envelope: Envelope, tenant_id: str, previous: Generation | None = None
) -> Generation:
    """The outcome of one request: a valid payload, or the reason there is none. When the data
    is what the previous payload was built from, that payload stands, timestamp and all."""
    try:
        payload = build_payload(
            event.data,
            location_id=event.location_id,
            account_id=tenant_id,
            at=event.occurred_at,
            source_event_id=envelope.id,
            approved_by=event.actor_id,
        )
    except PayloadError as error:
        return Generation(
            event.location_id, tenant_id, "failed", None, None, str(error), envelope.id
        )
    revision = payload.metadata.revision
    if previous is not None and _revision(previous) == revision:
        return replace(previous, status="generated", reason=None)
    document = payload_document(payload)
    return Generation(
        event.location_id,
        tenant_id,
        "generated",
        payload_version(revision),
        document,
        None,
        envelope.id,
    )


def _revision(generation: Generation) -> str | None:
    metadata = (generation.payload or {}).get("metadata") or {}
    revision = metadata.get("revision")
    return str(revision) if revision else None


class Provisioning:
    def __init__(self, store: Store, bus: EventBus) -> None:
        self._store = store
        self._bus = bus
        self._audit = AuditTrail(bus)

    async def on_onboarding(self, event: OnboardingEvent, envelope: Envelope) -> None:
        if event.status not in TRIGGERS:
            return
        if not envelope.tenant_id:
            log.warning("onboarding event %s carries no tenant; ignored", envelope.id)
            return
        async with self._store.session(envelope.tenant_id) as session:
            if not await session.first_time(envelope.id):
                return
            previous = await session.get(event.location_id, for_update=True)
            generation = generate(event, envelope, envelope.tenant_id, previous)
            await session.save(generation)
            await self._announce(generation, actor_id=event.actor_id, correlation_id=envelope.id)
        log.info(
            "provisioning payload %s",
            generation.status,
            extra={
                "location_id": generation.location_id,
                "action": "generate",
                "reason": generation.reason,
            },
        )

    async def payload(
        self, principal: Principal, location_id: str, tenant_id: str | None
    ) -> dict[str, Any]:
        principal.require(Permission.PROVISIONING_READ)
        async with self._store.session(principal.tenant_scope(tenant_id)) as session:
            generation = await session.get(location_id)
        if generation is None:
            raise NotFound("no provisioning payload for this location")
        if generation.payload is None:
            raise Conflict(f"generation failed: {generation.reason}", code="generation_failed")
        return payload_document(ProvisioningPayload.model_validate(generation.payload))

    async def complete(
        self, principal: Principal, location_id: str, tenant_id: str | None
    ) -> dict[str, Any]:
        """The implementation team reports the location live; onboarding moves it to COMPLETED."""
        principal.require(Permission.PROVISIONING_TRIGGER)
        async with self._store.session(principal.tenant_scope(tenant_id)) as session:
            generation = await session.get(location_id, for_update=True)
            if generation is None:
                raise NotFound("no provisioning payload for this location")
            if generation.status == "failed":
                raise Conflict("a failed generation cannot be completed", code="generation_failed")
            await session.mark_completed(location_id)
            done = Generation(**{**generation.__dict__, "status": "completed"})
            await self._announce(done, actor_id=principal.user_id, principal=principal)
        return {"location_id": location_id, "status": "completed"}

    async def _announce(
        self,
        generation: Generation,
        *,
        actor_id: str | None,
        principal: Principal | None = None,
        correlation_id: str | None = None,
    ) -> None:
        key = event_key(generation.tenant_id, generation.location_id)
        event = ProvisioningEvent(
            location_id=generation.location_id,
            status=generation.status,  # type: ignore[arg-type]
            payload_version=generation.version,
            reason=generation.reason,
        )
        await self._bus.publish(
            PROVISIONING_EVENTS,
            event,
            key=key,
            tenant_id=generation.tenant_id,
            actor=actor_id,
            correlation_id=correlation_id,
        )
        await self._audit.record(
            f"provisioning.{generation.status}",
            actor_id=actor_id,
            actor_email=principal.email if principal else None,
            actor_role=principal.role if principal else None,
            tenant_id=generation.tenant_id,
            resource=f"location:{generation.location_id}",
            params={"version": generation.version, "source_event_id": generation.source_event_id},
            result=AuditResult.FAILURE if generation.status == "failed" else AuditResult.SUCCESS,
            reason=generation.reason,
            key=key,
            correlation_id=correlation_id,
        )
