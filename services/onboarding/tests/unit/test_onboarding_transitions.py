"""The transition table, cell by cell: every status to every status, for customers and leads."""

from __future__ import annotations

import pytest

from switchboard_onboarding import transitions
from switchboard_onboarding.domain import Location, Status
from switchboard_onboarding.transitions import Actor
from switchboard_shared.errors import AppError, Forbidden
from switchboard_shared.problems import TransitionRefused

S = Status
C, L, SYS = "customer", "lead", "system"
LEGAL: dict[Status, dict[Status, str]] = {
    S.NOT_STARTED: {S.IN_PROGRESS: C, S.PENDING_APPROVAL: C, S.BLOCKED: L, S.CANCELLED: C},
    S.IN_PROGRESS: {S.PENDING_APPROVAL: C, S.BLOCKED: L, S.CANCELLED: C},
    S.PENDING_APPROVAL: {S.APPROVED: L, S.IN_PROGRESS: L, S.BLOCKED: L, S.CANCELLED: C},
    S.APPROVED: {S.PROVISIONING: SYS, S.COMPLETED: SYS, S.BLOCKED: L, S.CANCELLED: L},
    S.PROVISIONING: {S.COMPLETED: SYS, S.BLOCKED: L, S.CANCELLED: L},
    S.COMPLETED: {},
    S.BLOCKED: {S.IN_PROGRESS: L, S.CANCELLED: L},
    S.CANCELLED: {S.IN_PROGRESS: L},
}
"""Who may make each move; a move not listed is illegal for everyone."""


def at(status: Status, blocked_from: Status | None = None) -> Location:
    return Location("loc-1", "t1", "Main", status, {}, blocked_from)


def outcome(source: Status, target: Status, actor: Actor) -> str:
    try:
        transitions.transition(at(source), target, actor)
    except Forbidden:
        return "forbidden"
    except TransitionRefused:
        return "refused"
    return "ok"


def expected(source: Status, target: Status, actor: Actor) -> str:
    who = LEGAL[source].get(target)
    if who is None or who == SYS:
        return "refused"
    if who == L and actor is Actor.CUSTOMER:
        return "forbidden"
    return "ok"


@pytest.mark.parametrize("actor", [Actor.CUSTOMER, Actor.LEAD])
@pytest.mark.parametrize("target", list(Status))
@pytest.mark.parametrize("source", list(Status))
def test_each_cell_of_the_table(source: Status, target: Status, actor: Actor) -> None:
    assert outcome(source, target, actor) == expected(source, target, actor)


@pytest.mark.parametrize("source", list(Status))
def test_a_refusal_names_the_current_status_and_the_legal_next_ones(source: Status) -> None:
    with pytest.raises(TransitionRefused) as caught:
        transitions.transition(at(source), source, Actor.LEAD)

    legal = {t.value for t, who in LEGAL[source].items() if who != SYS}
    assert (caught.value.status_code, caught.value.code) == (409, "invalid_transition")
    assert (caught.value.current, set(caught.value.allowed)) == (source, legal)


def test_a_customer_is_offered_only_their_own_moves() -> None:
    allowed = transitions.allowed_next(at(S.PENDING_APPROVAL), Actor.CUSTOMER)

    assert allowed == {"CANCELLED"}


@pytest.mark.parametrize(
    ("blocked_from", "resumes_to"),
    [
        (S.PROVISIONING, S.APPROVED),
        (S.APPROVED, S.APPROVED),
        (S.PENDING_APPROVAL, S.PENDING_APPROVAL),
        (S.IN_PROGRESS, S.IN_PROGRESS),
    ],
)
def test_unblocking_returns_to_where_the_block_came_from(
    blocked_from: Status, resumes_to: Status
) -> None:
    location = at(S.BLOCKED, blocked_from)

    rule = transitions.transition(location, resumes_to, Actor.LEAD)

    assert rule.action == "unblocked"
    assert resumes_to.value in transitions.allowed_next(location, Actor.LEAD)


def test_an_unblock_never_skips_the_approval() -> None:
    with pytest.raises(TransitionRefused):
        transitions.transition(at(S.BLOCKED, S.IN_PROGRESS), S.APPROVED, Actor.LEAD)


def test_only_the_named_moves_pass_a_restricted_route() -> None:
    location = at(S.BLOCKED, S.PENDING_APPROVAL)

    with pytest.raises(TransitionRefused) as caught:
        transitions.transition(location, S.PENDING_APPROVAL, Actor.LEAD, transitions.SUBMISSION)

    assert caught.value.allowed == []


def test_blocking_needs_a_reason_and_cancelling_does_not() -> None:
    assert transitions.transition(at(S.IN_PROGRESS), S.BLOCKED, Actor.LEAD).needs_reason
    assert not transitions.transition(at(S.IN_PROGRESS), S.CANCELLED, Actor.CUSTOMER).needs_reason


@pytest.mark.parametrize(
    ("current", "report", "expected_status"),
    [
        (S.APPROVED, "generated", S.PROVISIONING),
        (S.PROVISIONING, "generated", None),
        (S.PROVISIONING, "completed", S.COMPLETED),
        (S.APPROVED, "completed", S.COMPLETED),
        (S.APPROVED, "failed", S.BLOCKED),
        (S.PROVISIONING, "failed", S.BLOCKED),
        (S.COMPLETED, "failed", None),
        (S.CANCELLED, "completed", None),
        (S.IN_PROGRESS, "generated", None),
        (S.APPROVED, "unknown", None),
    ],
)
def test_provisioning_reports_only_move_a_location_forward(
    current: Status, report: str, expected_status: Status | None
) -> None:
    found = transitions.after_provisioning(at(current), report)

    assert (found[0] if found else None) is expected_status


def test_a_system_move_asked_for_by_a_person_is_a_conflict_not_a_403() -> None:
    with pytest.raises(AppError) as caught:
        transitions.transition(at(S.APPROVED), S.COMPLETED, Actor.LEAD)

    assert (caught.value.status_code, caught.value.code) == (409, "invalid_transition")
