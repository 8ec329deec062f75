"""What the gateway tells the rest of the platform: audit events and revocations."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from switchboard_shared.audit_trail import AuditTrail
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.revocations import RevocationList
from switchboard_shared.bus import EventBus
from switchboard_shared.envelope import event_key
from switchboard_shared.errors import Unavailable
from switchboard_shared.events import AuditResult, Notification, Revocation
from switchboard_shared.topics import AUTH_REVOCATIONS, NOTIFICATIONS

log = logging.getLogger(__name__)

PUBLISH_SECONDS = 5.0


class Announcer:
    def __init__(
        self,
        bus: EventBus,
        revocations: RevocationList,
        token_lifetime_seconds: int,
        audit: AuditTrail | None = None,
    ) -> None:
        self._bus = bus
        self._audit = audit or AuditTrail(bus)
        self._revocations = revocations
        self._token_lifetime = token_lifetime_seconds

    async def audit(
        self,
        action: str,
        actor: Principal | None,
        *,
        tenant_id: str | None = None,
        resource: str | None = None,
        result: AuditResult = AuditResult.SUCCESS,
        reason: str | None = None,
        params: dict[str, Any] | None = None,
        actor_id: str | None = None,
        actor_email: str | None = None,
    ) -> None:
        """Raises AuditUnavailable (503) when the audit log does not take the entry."""
        await self._audit.record(
            action,
            actor=actor,
            actor_id=actor_id,
            actor_email=actor_email,
            tenant_id=tenant_id,
            resource=resource,
            params=params,
            result=result,
            reason=reason,
        )

    async def revoke(self, kind: Literal["session", "user"], subject_id: str) -> None:
        """Refused here at once, and everywhere else as soon as the event arrives."""
        expires_at = datetime.now(UTC) + timedelta(seconds=self._token_lifetime)
        revocation = Revocation(kind=kind, subject_id=subject_id, expires_at=expires_at)
        self._revocations.add(revocation)
        try:
            await asyncio.wait_for(
                self._bus.publish(AUTH_REVOCATIONS, revocation, key=event_key(None, subject_id)),
                PUBLISH_SECONDS,
            )
        except Exception as error:
            log.error("could not publish %s revocation: %s", kind, error)
            raise Unavailable(
                "revoked here, but not yet announced; retry", retry_after=5
            ) from error

    async def notify(self, notification: Notification) -> None:
        """Raises when the broker does not take it, so the caller can roll back."""
        try:
            await asyncio.wait_for(
                self._bus.publish(
                    NOTIFICATIONS, notification, key=event_key(None, notification.notification_id)
                ),
                PUBLISH_SECONDS,
            )
        except Exception as error:
            log.error("could not publish notification: %s", error)
            raise Unavailable("the message could not be queued; retry", retry_after=5) from error
