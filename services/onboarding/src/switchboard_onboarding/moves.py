"""Applying one status change: save it, announce it on the bus, audit it. One place for all."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime

from switchboard_onboarding.domain import Location, Status
from switchboard_onboarding.events import Announcer, provisioning_input
from switchboard_onboarding.store import Session
from switchboard_onboarding.transitions import Rule
from switchboard_shared.auth.principal import Principal

log = logging.getLogger(__name__)


async def move(
    session: Session,
    announce: Announcer,
    location: Location,
    target: Status,
    rule: Rule,
    principal: Principal | None,
    reason: str | None = None,
) -> Location:
    """Saves the new status and publishes its event and audit entry in the same transaction."""
    blocked_from = location.status if target is Status.BLOCKED else None
    submitted_at = datetime.now(UTC) if target is Status.PENDING_APPROVAL else location.submitted_at
    updated = replace(location, status=target, blocked_from=blocked_from, submitted_at=submitted_at)
    await session.save(updated)
    actor_id = principal.user_id if principal else None
    data = provisioning_input(updated) if target is Status.APPROVED else None
    await announce.status_changed(updated, target, location.status, actor_id, data)
    params = {"from": location.status, "to": target}
    await announce.audit(f"onboarding.{rule.action}", updated, principal, params, reason=reason)
    log.info(
        "onboarding %s",
        rule.action,
        extra={
            "action": rule.action,
            "user_id": actor_id,
            "location_id": location.id,
            "status": target,
        },
    )
    return updated
