"""Provisioning's reports move a location along; each event counts once, never backwards."""

from __future__ import annotations

import logging

from switchboard_onboarding import transitions
from switchboard_onboarding.events import Announcer
from switchboard_onboarding.moves import move
from switchboard_onboarding.store import Store
from switchboard_shared.db import ALL_TENANTS
from switchboard_shared.envelope import Envelope
from switchboard_shared.events import ProvisioningEvent

log = logging.getLogger(__name__)

JOB_OUTCOMES = frozenset({"generated", "failed"})
"""Provisioning's answers that settle a bulk provisioning item."""


class ProvisioningOutcomes:
    """Moves a location along as provisioning reports back; each event counts once."""

    def __init__(self, store: Store, announcer: Announcer) -> None:
        self._store = store
        self._announce = announcer

    async def on_event(self, event: ProvisioningEvent, envelope: Envelope) -> None:
        async with self._store.session(envelope.tenant_id or ALL_TENANTS) as session:
            if not await session.first_time(envelope.id):
                return
            if envelope.correlation_id and event.status in JOB_OUTCOMES:
                await session.jobs.record_outcome(
                    envelope.correlation_id, event.status, event.reason
                )
            location = await session.get(event.location_id, for_update=True)
            found = transitions.after_provisioning(location, event.status) if location else None
            if location is None or found is None:
                log.info("provisioning %s for %s changes nothing", event.status, event.location_id)
                return
            target, rule = found
            await move(session, self._announce, location, target, rule, None, event.reason)
