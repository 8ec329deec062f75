"""The use cases that move a location through the transition table: submit, decide, block,
unblock, reopen, cancel, and asking provisioning for a payload.

Events are published inside the database transaction, before it commits: a publish that fails
rolls the change back, so no state change goes unannounced.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from switchboard_onboarding import checks, domain, transitions
from switchboard_onboarding.domain import PROVISIONING_REQUESTED, Location, Status
from switchboard_onboarding.events import Announcer, provisioning_input
from switchboard_onboarding.extension_ranges import ExtensionRanges
from switchboard_onboarding.form_rules import TenantRules
from switchboard_onboarding.handlers import describe, load_for_update, log_action, scope_of
from switchboard_onboarding.metrics import APPROVAL_SECONDS, SUBMISSIONS
from switchboard_onboarding.moves import move
from switchboard_onboarding.store import Session, Store
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission
from switchboard_shared.errors import ValidationFailed
from switchboard_shared.problems import FieldProblem, FieldsInvalid


class Workflow:
    def __init__(self, store: Store, announcer: Announcer, ranges: ExtensionRanges) -> None:
        self._store = store
        self._announce = announcer
        self._ranges = ranges

    async def submit(self, principal: Principal, location_id: str) -> dict[str, Any]:
        principal.require(Permission.ONBOARDING_SUBMIT)
        async with self._store.session(scope_of(principal)) as session:
            location = await load_for_update(session, principal, location_id)
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
        async with self._store.session(scope_of(principal)) as session:
            location = await load_for_update(session, principal, location_id)
            principal.require(domain.edit_permission(principal, location))
            actor = transitions.actor_of(principal)
            rule = transitions.transition(location, target, actor, transitions.MANUAL_ACTIONS)
            if rule.needs_reason and not reason:
                raise ValidationFailed(f"{rule.action} needs a reason", code="reason_required")
            updated = await move(session, self._announce, location, target, rule, principal, reason)
        return describe(updated)

    async def validate(self, principal: Principal, location_id: str) -> dict[str, Any]:
        """The checks of a submission, without submitting."""
        principal.require(Permission.LOCATIONS_READ_OWN)
        async with self._store.session(scope_of(principal)) as session:
            location = domain.ensure_visible(principal, await session.get(location_id))
            problems = await self._problems(session, location)
        return {
            **describe(location),
            "valid": not problems,
            "errors": [problem.as_dict() for problem in problems],
        }

    async def _problems(self, session: Session, location: Location) -> list[FieldProblem]:
        low, high = await self._ranges.of(session, location.tenant_id)
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
        async with self._store.session(scope_of(principal)) as session:
            location = await load_for_update(session, principal, location_id)
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
        async with self._store.session(scope_of(principal)) as session:
            location = domain.ensure_visible(principal, await session.get(location_id))
        domain.check_provisionable(location)
        return location

    async def request_provisioning(
        self, principal: Principal, location_id: str, request_id: str | None = None
    ) -> dict[str, Any]:
        """Asks provisioning for a payload; `request_id` becomes the request event's id, which
        provisioning's answer carries as its correlation id."""
        principal.require(Permission.PROVISIONING_TRIGGER)
        async with self._store.session(scope_of(principal)) as session:
            location = await load_for_update(session, principal, location_id)
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
        log_action("provisioning_requested", principal, location)
        return {**describe(location), "requested": True}
