"""Seed 001's permission matrix, row by row, for customers and implementation leads."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from switchboard_onboarding import domain
from switchboard_onboarding.domain import Location, Status
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission, Role
from switchboard_shared.errors import AppError

CUSTOMERS = (Role.OWNER, Role.ADMIN, Role.OPERATOR)
LEADS = (Role.IMPLEMENTATION_LEAD, Role.SUPER_ADMIN)
HOME, OTHER = "tenant-home", "tenant-other"


def principal(role: Role, locations: tuple[str, ...] | None = None) -> Principal:
    tenant = HOME if role in CUSTOMERS or role is Role.VIEWER else None
    return Principal("u", "u@example.test", role, tenant, "sid", "jti", 0, 0, locations)


def location(
    tenant: str = HOME, status: Status = Status.IN_PROGRESS, id: str = "loc-1"
) -> Location:
    return Location(id, tenant, "Main", status, {})


def allowed(action: Callable[[], object]) -> bool:
    try:
        action()
    except AppError:
        return False
    return True


ACTIONS: dict[str, Callable[[Principal], bool]] = {
    "view own locations": lambda p: domain.can_see(p, location()),
    "view all locations": lambda p: domain.can_see(p, location(OTHER)),
    "edit own onboarding (unlocked)": lambda p: allowed(lambda: domain.check_edit(p, location())),
    "edit any onboarding (unlocked)": lambda p: allowed(
        lambda: domain.check_edit(p, location(OTHER))
    ),
    "override locked onboarding": lambda p: p.can(Permission.ONBOARDING_OVERRIDE),
    "submit onboarding": lambda p: allowed(lambda: domain.check_submit(p, location())),
    "approve requests": lambda p: p.can(Permission.APPROVALS_DECIDE),
    "view provisioning": lambda p: p.can(Permission.PROVISIONING_READ),
    "trigger provisioning": lambda p: p.can(Permission.PROVISIONING_TRIGGER),
}
CUSTOMER_MAY = {"view own locations", "edit own onboarding (unlocked)", "submit onboarding"}


@pytest.mark.parametrize("role", CUSTOMERS)
@pytest.mark.parametrize("action", ACTIONS)
def test_a_customer_may_do_only_what_the_customer_column_allows(role: Role, action: str) -> None:
    assert ACTIONS[action](principal(role)) is (action in CUSTOMER_MAY)


@pytest.mark.parametrize("role", LEADS)
@pytest.mark.parametrize("action", ACTIONS)
def test_an_implementation_lead_may_do_everything_in_the_matrix(role: Role, action: str) -> None:
    assert ACTIONS[action](principal(role)) is True


def test_a_viewer_may_look_but_not_edit_or_submit() -> None:
    viewer = principal(Role.VIEWER)

    assert domain.can_see(viewer, location())
    assert not allowed(lambda: domain.check_edit(viewer, location()))
    assert not allowed(lambda: domain.check_submit(viewer, location()))


def test_an_sre_sees_no_locations() -> None:
    assert not domain.can_see(principal(Role.SRE), location())


def test_a_token_naming_locations_limits_a_customer_to_them() -> None:
    limited = principal(Role.OPERATOR, locations=("loc-1",))

    assert domain.can_see(limited, location(id="loc-1"))
    assert not domain.can_see(limited, location(id="loc-2"))


def test_a_location_nobody_may_see_reads_as_not_found() -> None:
    with pytest.raises(AppError) as caught:
        domain.ensure_visible(principal(Role.OWNER), location(OTHER))

    assert caught.value.status_code == 404
