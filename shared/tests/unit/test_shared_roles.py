"""The permission matrix, cell by cell, against seed 000's role table and seed 001's matrix."""

import itertools

import pytest

from switchboard_shared.auth.roles import PERMISSION_MATRIX, Permission, Role, can, can_grant

P = Permission

# Seed 001: customer (tenant roles) vs implementation lead.
SEED_001 = {
    P.LOCATIONS_READ_OWN: (True, True),
    P.LOCATIONS_READ_ALL: (False, True),
    P.ONBOARDING_EDIT_OWN: (True, True),
    P.ONBOARDING_EDIT_ANY: (False, True),
    P.ONBOARDING_OVERRIDE: (False, True),
    P.ONBOARDING_SUBMIT: (True, True),
    P.APPROVALS_DECIDE: (False, True),
    P.PROVISIONING_READ: (False, True),
    P.PROVISIONING_TRIGGER: (False, True),
    P.AUDIT_READ: (False, True),
}


@pytest.mark.parametrize(("permission", "expected"), SEED_001.items())
def test_seed_001_matrix_holds_for_customers_and_implementation_leads(
    permission: Permission, expected: tuple[bool, bool]
) -> None:
    customer, lead = expected
    assert can(Role.OPERATOR, permission) is customer
    assert can(Role.IMPLEMENTATION_LEAD, permission) is lead


@pytest.mark.parametrize(
    "permission",
    [P.USERS_MANAGE, P.WEBHOOK_TOKENS_MANAGE, P.INVITATIONS_CREATE, P.PROVIDER_SECRETS_MANAGE],
)
def test_seed_000_admins_manage_users_and_configuration_but_operators_do_not(
    permission: Permission,
) -> None:
    assert can(Role.OWNER, permission)
    assert can(Role.ADMIN, permission)
    assert not can(Role.OPERATOR, permission)
    assert not can(Role.VIEWER, permission)


def test_tenant_owners_read_their_own_audit_trail_but_never_approve_or_provision() -> None:
    assert can(Role.OWNER, P.AUDIT_READ)
    assert not can(Role.OWNER, P.APPROVALS_DECIDE)
    assert not can(Role.OWNER, P.PROVISIONING_TRIGGER)


def test_seed_000_viewers_only_read() -> None:
    assert PERMISSION_MATRIX[Role.VIEWER] == {P.CALLS_READ, P.LOCATIONS_READ_OWN}


def test_each_tenant_role_holds_everything_the_role_below_it_holds() -> None:
    ladder = [Role.VIEWER, Role.OPERATOR, Role.ADMIN, Role.OWNER]
    for lower, higher in itertools.pairwise(ladder):
        assert PERMISSION_MATRIX[lower] < PERMISSION_MATRIX[higher]


def test_only_the_platform_stops_and_restarts_processing() -> None:
    allowed = {role for role in Role if can(role, P.COMMANDS_EXECUTE)}
    assert allowed == {Role.SUPER_ADMIN, Role.SRE}


def test_only_platform_roles_verify_the_audit_chain_that_spans_every_tenant() -> None:
    allowed = {role for role in Role if can(role, P.AUDIT_VERIFY)}
    assert allowed == {Role.SUPER_ADMIN, Role.SRE, Role.IMPLEMENTATION_LEAD}


def test_the_super_admin_holds_every_permission() -> None:
    assert PERMISSION_MATRIX[Role.SUPER_ADMIN] == frozenset(Permission)


@pytest.mark.parametrize(
    ("granter", "role", "allowed"),
    [
        (Role.ADMIN, Role.OWNER, False),
        (Role.ADMIN, Role.ADMIN, True),
        (Role.ADMIN, Role.VIEWER, True),
        (Role.OWNER, Role.OWNER, True),
        (Role.OPERATOR, Role.ADMIN, False),
        (Role.OWNER, Role.SUPER_ADMIN, False),
        (Role.SRE, Role.VIEWER, False),
        (Role.SUPER_ADMIN, Role.SRE, True),
    ],
)
def test_nobody_grants_a_role_above_their_own(granter: Role, role: Role, allowed: bool) -> None:
    assert can_grant(granter, role) is allowed
