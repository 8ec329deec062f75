"""The one way every service emits an audit event.

The rule: an audited action is confirmed to its caller only once the broker has acknowledged its
audit entry (acks=all, so the entry is durable on the bus). An entry the broker does not take in
time fails the action with 503 `audit_unavailable`, never a silent success; callers emit the
entry before they commit the action's own transaction wherever they have one, so a refused entry
rolls the action back.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from switchboard_shared.auth.principal import Principal
from switchboard_shared.bus import Publisher
from switchboard_shared.envelope import Envelope, event_key
from switchboard_shared.errors import Unavailable
from switchboard_shared.events import AuditEvent, AuditResult, utcnow
from switchboard_shared.topics import AUDIT_EVENTS

log = logging.getLogger(__name__)

AUDIT_ACK_SECONDS = 5.0
AUDIT_RETRY_AFTER_SECONDS = 5


class AuditUnavailable(Unavailable):
    def __init__(self, action: str) -> None:
        super().__init__(
            f"the audit log did not acknowledge {action!r}; the action is not confirmed",
            code="audit_unavailable",
            retry_after=AUDIT_RETRY_AFTER_SECONDS,
        )


class AuditTrail:
    def __init__(self, bus: Publisher, *, timeout: float = AUDIT_ACK_SECONDS) -> None:
        self._bus = bus
        self._timeout = timeout

    async def record(
        self,
        action: str,
        *,
        actor: Principal | None = None,
        actor_id: str | None = None,
        actor_email: str | None = None,
        actor_role: str | None = None,
        tenant_id: str | None = None,
        resource: str | None = None,
        params: dict[str, Any] | None = None,
        result: AuditResult = AuditResult.SUCCESS,
        reason: str | None = None,
        occurred_at: datetime | None = None,
        key: bytes | None = None,
        correlation_id: str | None = None,
        envelope_id: str | None = None,
    ) -> Envelope:
        """Returns once the entry is acknowledged; raises AuditUnavailable otherwise."""
        event = AuditEvent(
            action=action,
            actor_id=actor.user_id if actor else actor_id,
            actor_email=actor.email if actor else actor_email,
            actor_role=str(actor.role) if actor else actor_role,
            tenant_id=tenant_id,
            resource=resource,
            params=params or {},
            result=result,
            reason=reason,
            occurred_at=occurred_at or utcnow(),
        )
        publish = self._bus.publish(
            AUDIT_EVENTS,
            event,
            key=key or event_key(tenant_id, resource or action),
            tenant_id=tenant_id,
            actor=event.actor_id,
            correlation_id=correlation_id,
            envelope_id=envelope_id,
        )
        try:
            return await asyncio.wait_for(publish, self._timeout)
        except Exception as error:
            log.error("audit entry %s not acknowledged: %s", action, type(error).__name__)
            raise AuditUnavailable(action) from error
