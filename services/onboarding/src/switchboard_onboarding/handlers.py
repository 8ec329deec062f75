"""Location and form use cases: create, list, view, edit, override. Each loads, checks the
rules, writes and announces in one transaction.

Events are published inside the database transaction, before it commits: a publish that fails
rolls the change back, so no state change goes unannounced.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from typing import Any

from switchboard_onboarding import changes, checks, domain, transitions
from switchboard_onboarding.domain import Location, Status
from switchboard_onboarding.events import Announcer
from switchboard_onboarding.metrics import OVERRIDES
from switchboard_onboarding.moves import move
from switchboard_onboarding.paging import Page, decode_cursor, encode_cursor
from switchboard_onboarding.store import Session, Store
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission
from switchboard_shared.db import ALL_TENANTS
from switchboard_shared.errors import ValidationFailed

log = logging.getLogger(__name__)


def describe(location: Location) -> dict[str, Any]:
    return {
        "location_id": location.id,
        "tenant_id": location.tenant_id,
        "name": location.name,
        "status": location.status,
        "locked": domain.is_locked(location.status),
        "blocked_from": location.blocked_from,
    }


async def load_for_update(session: Session, principal: Principal, location_id: str) -> Location:
    """The location, locked for this transaction, if the caller may see it."""
    return domain.ensure_visible(principal, await session.get(location_id, for_update=True))


def log_action(action: str, principal: Principal, location: Location, **extra: Any) -> None:
    log.info(
        "onboarding %s",
        action,
        extra={"action": action, "user_id": principal.user_id, "location_id": location.id, **extra},
    )


class Onboarding:
    def __init__(self, store: Store, announcer: Announcer) -> None:
        self._store = store
        self._announce = announcer

    async def create_location(
        self, principal: Principal, name: str, tenant_id: str | None
    ) -> dict[str, Any]:
        principal.require(Permission.LOCATIONS_CREATE)
        tenant = principal.tenant_scope(tenant_id)
        if tenant == ALL_TENANTS:
            raise ValidationFailed(
                "tenant_id is required for platform roles", code="tenant_required"
            )
        location = Location(f"loc-{uuid.uuid4().hex}", tenant, name, Status.NOT_STARTED, {})
        async with self._store.session(tenant) as session:
            await session.insert(location, principal.user_id)
            await self._announce.status_changed(location, location.status, None, principal.user_id)
            await self._announce.audit(
                "onboarding.location.created", location, principal, {"name": name}
            )
        log_action("location_created", principal, location)
        return describe(location)

    async def list_locations(self, principal: Principal, limit: int, cursor: str | None) -> Page:
        principal.require(Permission.LOCATIONS_READ_OWN)
        only = None if principal.can(Permission.LOCATIONS_READ_ALL) else principal.locations
        async with self._store.session(scope_of(principal)) as session:
            rows = await session.page(only, limit + 1, decode_cursor(cursor))
        items = [describe(location) for location, _ in rows[:limit]]
        if len(rows) <= limit:
            return Page(items=items, next_cursor=None)
        last, created_at = rows[limit - 1]
        return Page(items=items, next_cursor=encode_cursor(created_at, last.id))

    async def view(self, principal: Principal, location_id: str) -> dict[str, Any]:
        principal.require(Permission.LOCATIONS_READ_OWN)
        async with self._store.session(scope_of(principal)) as session:
            location = domain.ensure_visible(principal, await session.get(location_id))
            history = await session.history(location_id)
        allowed = transitions.allowed_next(location, transitions.actor_of(principal))
        return {
            **describe(location),
            "allowed_next": sorted(allowed),
            "data": location.data,
            "history": history,
        }

    async def edit(
        self, principal: Principal, location_id: str, fields: dict[str, Any]
    ) -> dict[str, Any]:
        async with self._store.session(scope_of(principal)) as session:
            location = await load_for_update(session, principal, location_id)
            domain.check_edit(principal, location)
            return await self._apply(session, principal, location, fields, reason=None)

    async def override(
        self, principal: Principal, location_id: str, fields: dict[str, Any], reason: str
    ) -> dict[str, Any]:
        principal.require(Permission.ONBOARDING_OVERRIDE)
        async with self._store.session(scope_of(principal)) as session:
            location = await load_for_update(session, principal, location_id)
            return await self._apply(session, principal, location, fields, reason=reason)

    async def _apply(
        self,
        session: Session,
        principal: Principal,
        location: Location,
        fields: dict[str, Any],
        reason: str | None,
    ) -> dict[str, Any]:
        data = checks.canonical(changes.merge(location.data, fields))
        changed = changes.field_changes(location.data, data)
        if not changed:
            return {**describe(location), "changed": []}
        updated = replace(location, data=data)
        await session.save(updated)
        await session.record_changes(updated, changed, principal.user_id, reason)
        action = "onboarding.override" if reason else "onboarding.edited"
        if reason:
            OVERRIDES.inc()
        names = [c.field for c in changed]
        await self._announce.audit(action, updated, principal, {"fields": names}, reason=reason)
        log_action(action.removeprefix("onboarding."), principal, updated, fields=names)
        target = domain.status_after_edit(location.status)
        if not reason and target is not location.status:
            rule = transitions.transition(updated, target, transitions.actor_of(principal))
            updated = await move(session, self._announce, updated, target, rule, principal)
        return {**describe(updated), "changed": names}


def scope_of(principal: Principal) -> str:
    """The row-level security scope of this caller: every tenant, or their own."""
    return ALL_TENANTS if principal.can(Permission.LOCATIONS_READ_ALL) else principal.tenant_scope()
