"""Every status change of a location, as one table: from, to, by whom, under which name. No I/O.

A use case asks `transition(location, target, actor)` and gets the rule, or a refusal: 409
naming the current status and the statuses this actor may move it to, or 403 when only a
lead may make that move.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from switchboard_onboarding.domain import Location, Status
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission
from switchboard_shared.errors import Forbidden
from switchboard_shared.problems import TransitionRefused


class Actor(StrEnum):
    CUSTOMER = "customer"
    LEAD = "lead"
    """An implementation lead (or super admin): may also do whatever a customer may."""
    SYSTEM = "system"
    """Provisioning reporting back."""


@dataclass(frozen=True)
class Rule:
    action: str
    """The name of the move in audit entries: `onboarding.<action>`."""
    actor: Actor
    needs_reason: bool = False


S = Status
_CUSTOMER, _LEAD, _SYSTEM = Actor.CUSTOMER, Actor.LEAD, Actor.SYSTEM

TABLE: Mapping[tuple[Status, Status], Rule] = {
    (S.NOT_STARTED, S.IN_PROGRESS): Rule("started", _CUSTOMER),
    (S.NOT_STARTED, S.PENDING_APPROVAL): Rule("submitted", _CUSTOMER),
    (S.IN_PROGRESS, S.PENDING_APPROVAL): Rule("submitted", _CUSTOMER),
    (S.PENDING_APPROVAL, S.APPROVED): Rule("approved", _LEAD),
    (S.PENDING_APPROVAL, S.IN_PROGRESS): Rule("rejected", _LEAD),
    (S.APPROVED, S.PROVISIONING): Rule("provisioning_generated", _SYSTEM),
    (S.APPROVED, S.COMPLETED): Rule("provisioning_completed", _SYSTEM),
    (S.PROVISIONING, S.COMPLETED): Rule("provisioning_completed", _SYSTEM),
    (S.APPROVED, S.BLOCKED): Rule("blocked", _LEAD, needs_reason=True),
    (S.PROVISIONING, S.BLOCKED): Rule("blocked", _LEAD, needs_reason=True),
    (S.NOT_STARTED, S.BLOCKED): Rule("blocked", _LEAD, needs_reason=True),
    (S.IN_PROGRESS, S.BLOCKED): Rule("blocked", _LEAD, needs_reason=True),
    (S.PENDING_APPROVAL, S.BLOCKED): Rule("blocked", _LEAD, needs_reason=True),
    (S.BLOCKED, S.IN_PROGRESS): Rule("reopened", _LEAD),
    (S.CANCELLED, S.IN_PROGRESS): Rule("reopened", _LEAD),
    (S.NOT_STARTED, S.CANCELLED): Rule("cancelled", _CUSTOMER),
    (S.IN_PROGRESS, S.CANCELLED): Rule("cancelled", _CUSTOMER),
    (S.PENDING_APPROVAL, S.CANCELLED): Rule("cancelled", _CUSTOMER),
    (S.APPROVED, S.CANCELLED): Rule("cancelled", _LEAD),
    (S.PROVISIONING, S.CANCELLED): Rule("cancelled", _LEAD),
    (S.BLOCKED, S.CANCELLED): Rule("cancelled", _LEAD),
}
"""Unblocking (BLOCKED back to the status it was blocked from) is `resume_target`'s job."""

SUBMISSION = frozenset({"submitted"})
DECISIONS = frozenset({"approved", "rejected"})
MANUAL_ACTIONS = frozenset({"blocked", "unblocked", "reopened", "cancelled"})
"""What `POST /api/onboarding/{id}/status` may do; the other moves have their own routes."""

PROVISIONING_FAILURE = Rule("provisioning_failed", _SYSTEM)
UNBLOCK = Rule("unblocked", _LEAD)


def resume_target(location: Location) -> Status | None:
    """Where unblocking returns: the status it was blocked from (an approval stays approved,
    so provisioning can be asked again)."""
    if location.status is not Status.BLOCKED or location.blocked_from is None:
        return None
    if location.blocked_from is Status.PROVISIONING:
        return Status.APPROVED
    return location.blocked_from


def actor_of(principal: Principal) -> Actor:
    return Actor.LEAD if principal.can(Permission.ONBOARDING_OVERRIDE) else Actor.CUSTOMER


def _may(actor: Actor, rule: Rule) -> bool:
    return rule.actor is actor or (actor is Actor.LEAD and rule.actor is Actor.CUSTOMER)


def rules_from(location: Location) -> dict[Status, Rule]:
    rules = {target: rule for (source, target), rule in TABLE.items() if source is location.status}
    resume = resume_target(location)
    if resume is not None:
        rules[resume] = UNBLOCK
    return rules


def allowed_next(
    location: Location, actor: Actor, actions: frozenset[str] | None = None
) -> set[str]:
    return {
        target.value
        for target, rule in rules_from(location).items()
        if _may(actor, rule) and _listed(rule, actions)
    }


def transition(
    location: Location, target: Status, actor: Actor, actions: frozenset[str] | None = None
) -> Rule:
    """The rule that moves this location to `target`, or the refusal."""
    rule = rules_from(location).get(target)
    if rule is None or not _listed(rule, actions) or _system_only(rule, actor):
        raise TransitionRefused(location.status, target, allowed_next(location, actor, actions))
    if not _may(actor, rule):
        raise Forbidden(
            f"{location.status} to {target} ({rule.action}) is for implementation leads"
        )
    return rule


def _listed(rule: Rule, actions: frozenset[str] | None) -> bool:
    return actions is None or rule.action in actions


def _system_only(rule: Rule, actor: Actor) -> bool:
    """Provisioning's moves are nobody else's: asking for one is a conflict, not a 403."""
    return rule.actor is Actor.SYSTEM and actor is not Actor.SYSTEM


def after_provisioning(location: Location, outcome: str) -> tuple[Status, Rule] | None:
    """The move a provisioning report makes, or None when it no longer applies."""
    target = {
        "requested": Status.PROVISIONING,
        "generated": Status.PROVISIONING,
        "completed": Status.COMPLETED,
        "failed": Status.BLOCKED,
    }.get(outcome)
    if target is None:
        return None
    if target is Status.BLOCKED:
        if location.status in (Status.APPROVED, Status.PROVISIONING):
            return target, PROVISIONING_FAILURE
        return None
    rule = TABLE.get((location.status, target))
    return (target, rule) if rule is not None and rule.actor is Actor.SYSTEM else None
