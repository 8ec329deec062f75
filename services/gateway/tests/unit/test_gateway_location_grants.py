"""Who may grant which locations: never beyond one's own reach; never to a platform account."""

from __future__ import annotations

import pytest

from switchboard_gateway.domain import check_location_grant
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Role
from switchboard_shared.errors import Forbidden, ValidationFailed


def _admin(locations: tuple[str, ...] | None) -> Principal:
    return Principal("a", "a@example.test", Role.ADMIN, "t-1", "sid", "jti", 0, 1, locations)


@pytest.mark.parametrize("granted", [None, (), ("a",), ("a", "b", "z")])
def test_an_unlimited_manager_grants_any_locations(granted: tuple[str, ...] | None) -> None:
    check_location_grant(_admin(None), granted, "t-1")


@pytest.mark.parametrize("granted", [(), ("a",), ("b", "a")])
def test_a_limited_manager_grants_a_part_of_their_own_locations(
    granted: tuple[str, ...],
) -> None:
    check_location_grant(_admin(("a", "b")), granted, "t-1")


@pytest.mark.parametrize("granted", [None, ("c",), ("a", "c")])
def test_a_limited_manager_grants_nothing_beyond_their_own_locations(
    granted: tuple[str, ...] | None,
) -> None:
    with pytest.raises(Forbidden):
        check_location_grant(_admin(("a", "b")), granted, "t-1")


def test_platform_accounts_are_not_limited_to_locations() -> None:
    with pytest.raises(ValidationFailed):
        check_location_grant(_admin(None), ("a",), None)
