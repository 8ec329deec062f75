"""Provisioning's reports move a location along; each event counts once, never backwards."""

from __future__ import annotations

import logging
from dataclasses import replace

from switchboard_onboarding import domain
from switchboard_onboarding.events import Announcer
from switchboard_onboarding.store import Store
from switchboard_shared.db import ALL_TENANTS
from switchboard_shared.envelope import Envelope
from switchboard_shared.events import ProvisioningEvent

log = logging.getLogger(__name__)


class ProvisioningOutcomes:
    """Moves a location along as provisioning reports back; each event counts once."""

    def __init__(self, store: Store, announcer: Announcer) -> None:
        self._store = store
        self._announce = announcer

    async def on_event(self, event: ProvisioningEvent, envelope: Envelope) -> None:
        async with self._store.session(envelope.tenant_id or ALL_TENANTS) as session:
            if not await session.first_time(envelope.id):
                return
            location = await session.get(event.location_id, for_update=True)
            target = (
                domain.status_after_provisioning(location.status, event.status)
                if location
                else None
            )
            if location is None or target is None:
                log.info("provisioning %s for %s changes nothing", event.status, event.location_id)
                return
            updated = replace(location, status=target)
            await session.save(updated)
            await self._announce.status_changed(updated, target, location.status, None)
            await self._announce.audit(
                f"onboarding.provisioning_{event.status}",
                updated,
                None,
                {"from": location.status, "to": target},
                reason=event.reason,
            )
        log.info("location %s is %s", location.id, target, extra={"location_id": location.id})
