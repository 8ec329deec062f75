"""Onboarding use cases: each loads, checks the rules, writes, and announces in one transaction.

Events are published inside the database transaction, before it commits: a publish that fails
rolls the change back, so no state change goes unannounced.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from switchboard_onboarding import changes, checks, domain, transitions
from switchboard_onboarding.checks import TenantRules
from switchboard_onboarding.domain import PROVISIONING_REQUESTED, Location, Status
from switchboard_onboarding.events import Announcer, provisioning_input
from switchboard_onboarding.metrics import APPROVAL_SECONDS, OVERRIDES, SUBMISSIONS
from switchboard_onboarding.moves import move
from switchboard_onboarding.paging import Page, decode_cursor, encode_cursor
from switchboard_onboarding.store import Session, Store
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission
from switchboard_shared.db import ALL_TENANTS
from switchboard_shared.errors import ValidationFailed
from switchboard_shared.problems import FieldProblem, FieldsInvalid

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


def _log(action: str, principal: Principal, location: Location, **extra: Any) -> None:
    log.info(
        "onboarding %s",
        action,
        extra={"action": action, "user_id": principal.user_id, "location_id": location.id, **extra},
    )


class Onboarding:
    def __init__(
        self, store: Store, announcer: Announcer, default_extensions: tuple[int, int]
    ) -> None:
        self._store = store
        self._announce = announcer
        self._default_extensions = default_extensions

    async def _load(self, session: Session, principal: Principal, location_id: str) -> Location:
        found = await session.get(location_id, for_update=True)
        return domain.ensure_visible(principal, found)

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
        _log("location_created", principal, location)
        return describe(location)

    async def list_locations(self, principal: Principal, limit: int, cursor: str | None) -> Page:
        principal.require(Permission.LOCATIONS_READ_OWN)
        only = None if principal.can(Permission.LOCATIONS_READ_ALL) else principal.locations
        async with self._store.session(self._scope(principal)) as session:
            rows = await session.page(only, limit + 1, decode_cursor(cursor))
        items = [describe(location) for location, _ in rows[:limit]]
        if len(rows) <= limit:
            return Page(items=items, next_cursor=None)
        last, created_at = rows[limit - 1]
        return Page(items=items, next_cursor=encode_cursor(created_at, last.id))

    async def status(self, principal: Principal, location_id: str) -> dict[str, Any]:
        principal.require(Permission.LOCATIONS_READ_OWN)
        async with self._store.session(self._scope(principal)) as session:
            return describe(domain.ensure_visible(principal, await session.get(location_id)))

    async def view(self, principal: Principal, location_id: str) -> dict[str, Any]:
        principal.require(Permission.LOCATIONS_READ_OWN)
        async with self._store.session(self._scope(principal)) as session:
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
        async with self._store.session(self._scope(principal)) as session:
            location = await self._load(session, principal, location_id)
            domain.check_edit(principal, location)
            return await self._apply(session, principal, location, fields, reason=None)

    async def override(
        self, principal: Principal, location_id: str, fields: dict[str, Any], reason: str
    ) -> dict[str, Any]:
        principal.require(Permission.ONBOARDING_OVERRIDE)
        async with self._store.session(self._scope(principal)) as session:
            location = await self._load(session, principal, location_id)
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
        _log(action.removeprefix("onboarding."), principal, updated, fields=names)
        target = domain.status_after_edit(location.status)
        if not reason and target is not location.status:
            rule = transitions.transition(updated, target, transitions.actor_of(principal))
            updated = await move(session, self._announce, updated, target, rule, principal)
        return {**describe(updated), "changed": names}

    async def submit(self, principal: Principal, location_id: str) -> dict[str, Any]:
        principal.require(Permission.ONBOARDING_SUBMIT)
        async with self._store.session(self._scope(principal)) as session:
            location = await self._load(session, principal, location_id)
            domain.check_submit(principal, location)
            target = Status.PENDING_APPROVAL
            actor = transitions.actor_of(principal)
            rule = transitions.transition(location, target, actor, transitions.SUBMISSION)
            await session.lock_tenant(location.tenant_id)
            problems = await self._problems(session, location)
            if problems:
                SUBMISSIONS.labels("invalid").inc()
                raise FieldsInvalid(problems)
            updated = await move(session, self._announce, location, target, rule, principal)
        SUBMISSIONS.labels("accepted").inc()
        return describe(updated)

    async def change_status(
        self, principal: Principal, location_id: str, target: Status, reason: str | None
    ) -> dict[str, Any]:
        """Block, unblock, reopen or cancel, as the transition table allows this caller."""
        async with self._store.session(self._scope(principal)) as session:
            location = await self._load(session, principal, location_id)
            principal.require(domain.edit_permission(principal, location))
            actor = transitions.actor_of(principal)
            rule = transitions.transition(location, target, actor, transitions.MANUAL_ACTIONS)
            if rule.needs_reason and not reason:
                raise ValidationFailed(f"{rule.action} needs a reason", code="reason_required")
            updated = await move(session, self._announce, location, target, rule, principal, reason)
        return describe(updated)

    async def extension_range(self, principal: Principal, tenant_id: str | None) -> dict[str, Any]:
        tenant = self._named_tenant(principal, tenant_id)
        async with self._store.session(tenant) as session:
            configured = await session.extension_range(tenant)
        low, high = configured or self._default_extensions
        return {
            "tenant_id": tenant,
            "extension_min": low,
            "extension_max": high,
            "configured": configured is not None,
        }

    async def set_extension_range(
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

    async def validate(self, principal: Principal, location_id: str) -> dict[str, Any]:
        """The checks of a submission, without submitting."""
        principal.require(Permission.LOCATIONS_READ_OWN)
        async with self._store.session(self._scope(principal)) as session:
            location = domain.ensure_visible(principal, await session.get(location_id))
            problems = await self._problems(session, location)
        return {
            **describe(location),
            "valid": not problems,
            "errors": [problem.as_dict() for problem in problems],
        }

    async def _problems(self, session: Session, location: Location) -> list[FieldProblem]:
        configured = await session.extension_range(location.tenant_id)
        low, high = configured or self._default_extensions
        rules = TenantRules(
            extension_min=low,
            extension_max=high,
            macs_elsewhere=await session.macs_claimed_elsewhere(location.tenant_id, location.id),
        )
        return checks.submission_problems(location.data, rules)

    async def decide(
        self, principal: Principal, location_id: str, decision: str, comment: str | None
    ) -> dict[str, Any]:
        principal.require(Permission.APPROVALS_DECIDE)
        target = Status.APPROVED if decision == "approve" else Status.IN_PROGRESS
        async with self._store.session(self._scope(principal)) as session:
            location = await self._load(session, principal, location_id)
            actor = transitions.actor_of(principal)
            rule = transitions.transition(location, target, actor, transitions.DECISIONS)
            await session.record_decision(location, decision, comment, principal.user_id)
            updated = await move(
                session, self._announce, location, target, rule, principal, comment
            )
        if location.submitted_at is not None:
            waited = datetime.now(UTC) - location.submitted_at
            APPROVAL_SECONDS.labels(decision).observe(waited.total_seconds())
        return describe(updated)

    async def provisionable(self, principal: Principal, location_id: str) -> Location:
        """The location, if provisioning may be asked for it."""
        principal.require(Permission.PROVISIONING_TRIGGER)
        async with self._store.session(self._scope(principal)) as session:
            location = domain.ensure_visible(principal, await session.get(location_id))
        domain.check_provisionable(location)
        return location

    async def request_provisioning(
        self, principal: Principal, location_id: str, request_id: str | None = None
    ) -> dict[str, Any]:
        """Asks provisioning for a payload; `request_id` becomes the request event's id, which
        provisioning's answer carries as its correlation id."""
        principal.require(Permission.PROVISIONING_TRIGGER)
        async with self._store.session(self._scope(principal)) as session:
            location = await self._load(session, principal, location_id)
            domain.check_provisionable(location)
            await self._announce.status_changed(
                location,
                PROVISIONING_REQUESTED,
                location.status,
                principal.user_id,
                provisioning_input(location),
                envelope_id=request_id,
            )
            await self._announce.audit("onboarding.provisioning_requested", location, principal)
        _log("provisioning_requested", principal, location)
        return {**describe(location), "requested": True}

    @staticmethod
    def _scope(principal: Principal) -> str:
        return scope_of(principal)


def scope_of(principal: Principal) -> str:
    """The row-level security scope of this caller: every tenant, or their own."""
    return ALL_TENANTS if principal.can(Permission.LOCATIONS_READ_ALL) else principal.tenant_scope()
