"""Who may grant which role, and the forms a duration may take."""

from __future__ import annotations

import pytest

from switchboard_gateway.domain import User, check_may_manage, check_role_assignment
from switchboard_gateway.durations import parse_duration
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Role
from switchboard_shared.errors import Forbidden, ValidationFailed


def _actor(role: Role, tenant: str | None = "t-1", user_id: str = "actor") -> Principal:
    return Principal(user_id, "a@example.test", role, tenant, "sid", "jti", 0, 1)


def _target(role: Role, user_id: str = "target") -> User:
    from datetime import UTC, datetime

    return User(user_id, "t-1", "b@example.test", role, False, datetime.now(UTC))


@pytest.mark.parametrize(
    ("granter", "role", "allowed"),
    [
        (Role.OWNER, Role.OWNER, True),
        (Role.OWNER, Role.VIEWER, True),
        (Role.ADMIN, Role.ADMIN, True),
        (Role.ADMIN, Role.OPERATOR, True),
        (Role.ADMIN, Role.OWNER, False),
        (Role.OPERATOR, Role.ADMIN, False),
        (Role.VIEWER, Role.OPERATOR, False),
    ],
)
def test_nobody_grants_a_tenant_role_above_their_own(
    granter: Role, role: Role, allowed: bool
) -> None:
    if allowed:
        check_role_assignment(_actor(granter), role, "t-1")
    else:
        with pytest.raises(Forbidden):
            check_role_assignment(_actor(granter), role, "t-1")


@pytest.mark.parametrize("granter", [Role.OWNER, Role.ADMIN, Role.SRE, Role.IMPLEMENTATION_LEAD])
def test_only_the_super_admin_grants_platform_roles(granter: Role) -> None:
    with pytest.raises(Forbidden):
        check_role_assignment(_actor(granter), Role.SRE, None)


def test_the_super_admin_grants_a_platform_role_to_a_platform_account() -> None:
    check_role_assignment(_actor(Role.SUPER_ADMIN, None), Role.SRE, None)


def test_a_platform_role_inside_a_tenant_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        check_role_assignment(_actor(Role.SUPER_ADMIN, None), Role.SRE, "t-1")


def test_an_admin_may_not_manage_an_owner_or_themselves() -> None:
    with pytest.raises(Forbidden):
        check_may_manage(_actor(Role.ADMIN), _target(Role.OWNER))
    with pytest.raises(Forbidden):
        check_may_manage(_actor(Role.ADMIN, user_id="same"), _target(Role.VIEWER, user_id="same"))
    check_may_manage(_actor(Role.ADMIN), _target(Role.OPERATOR))


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("15m", 900), ("24h", 86400), ("3600", 3600), ("30d", 2592000), ("90s", 90)],
)
def test_durations_read_like_operators_write_them(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "0", "-5m", "1w", "ten minutes"])
def test_anything_else_is_not_a_duration(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)
