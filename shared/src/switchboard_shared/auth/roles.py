"""Roles and the permission matrix: one table, the only source of every access decision."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    OPERATOR = "operator"
    VIEWER = "viewer"
    SUPER_ADMIN = "super_admin"
    SRE = "sre"
    IMPLEMENTATION_LEAD = "implementation_lead"


TENANT_ROLES = (Role.OWNER, Role.ADMIN, Role.OPERATOR, Role.VIEWER)
PLATFORM_ROLES = (Role.SUPER_ADMIN, Role.SRE, Role.IMPLEMENTATION_LEAD)


class Permission(StrEnum):
    CALLS_READ = "calls:read"
    CALLS_READ_ALL_TENANTS = "calls:read_all_tenants"
    CALLS_ADMIN_VIEW = "calls:admin_view"
    PHONE_NUMBERS_UNMASKED = "calls:phone_numbers_unmasked"
    WEBHOOK_TOKENS_MANAGE = "webhook_tokens:manage"
    PROVIDER_SECRETS_MANAGE = "provider_secrets:manage"
    TENANTS_CREATE = "tenants:create"
    TENANTS_READ_ALL = "tenants:read_all"
    USERS_READ = "users:read"
    USERS_MANAGE = "users:manage"
    INVITATIONS_CREATE = "invitations:create"
    AUDIT_READ = "audit:read"
    AUDIT_VERIFY = "audit:verify"
    SYSTEM_STATUS = "system:status"
    COMMANDS_EXECUTE = "commands:execute"
    MONITORING_READ = "monitoring:read"
    DEAD_LETTERS_MANAGE = "dead_letters:manage"
    LOCATIONS_READ_OWN = "locations:read_own"
    LOCATIONS_READ_ALL = "locations:read_all"
    LOCATIONS_CREATE = "locations:create"
    ONBOARDING_EDIT_OWN = "onboarding:edit_own"
    ONBOARDING_EDIT_ANY = "onboarding:edit_any"
    ONBOARDING_OVERRIDE = "onboarding:override"
    ONBOARDING_SUBMIT = "onboarding:submit"
    APPROVALS_DECIDE = "approvals:decide"
    PROVISIONING_READ = "provisioning:read"
    PROVISIONING_TRIGGER = "provisioning:trigger"
    BULK_OPERATE = "bulk:operate"


P = Permission

_VIEWER = {P.CALLS_READ, P.LOCATIONS_READ_OWN}
_OPERATOR = _VIEWER | {P.PHONE_NUMBERS_UNMASKED, P.ONBOARDING_EDIT_OWN, P.ONBOARDING_SUBMIT}
_ADMIN = _OPERATOR | {
    P.CALLS_ADMIN_VIEW,
    P.WEBHOOK_TOKENS_MANAGE,
    P.PROVIDER_SECRETS_MANAGE,
    P.USERS_READ,
    P.USERS_MANAGE,
    P.INVITATIONS_CREATE,
    P.LOCATIONS_CREATE,
}
_OWNER = _ADMIN | {P.AUDIT_READ, P.SYSTEM_STATUS}
_IMPLEMENTATION_LEAD = {
    P.LOCATIONS_READ_OWN,
    P.LOCATIONS_READ_ALL,
    P.LOCATIONS_CREATE,
    P.ONBOARDING_EDIT_OWN,
    P.ONBOARDING_EDIT_ANY,
    P.ONBOARDING_OVERRIDE,
    P.ONBOARDING_SUBMIT,
    P.APPROVALS_DECIDE,
    P.PROVISIONING_READ,
    P.PROVISIONING_TRIGGER,
    P.BULK_OPERATE,
    P.AUDIT_READ,
    P.AUDIT_VERIFY,
}
_SRE = {
    P.SYSTEM_STATUS,
    P.COMMANDS_EXECUTE,
    P.MONITORING_READ,
    P.DEAD_LETTERS_MANAGE,
    P.AUDIT_READ,
    P.AUDIT_VERIFY,
    P.TENANTS_READ_ALL,
}

PERMISSION_MATRIX: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset(_VIEWER),
    Role.OPERATOR: frozenset(_OPERATOR),
    Role.ADMIN: frozenset(_ADMIN),
    Role.OWNER: frozenset(_OWNER),
    Role.IMPLEMENTATION_LEAD: frozenset(_IMPLEMENTATION_LEAD),
    Role.SRE: frozenset(_SRE),
    Role.SUPER_ADMIN: frozenset(Permission),
}

_TENANT_RANK = {Role.VIEWER: 1, Role.OPERATOR: 2, Role.ADMIN: 3, Role.OWNER: 4}


def can(role: Role, permission: Permission) -> bool:
    return permission in PERMISSION_MATRIX[role]


def can_grant(granter: Role, role: Role) -> bool:
    """Nobody grants a role above their own; only the super admin grants platform roles."""
    if granter is Role.SUPER_ADMIN:
        return True
    if granter not in _TENANT_RANK or role not in _TENANT_RANK:
        return False
    return _TENANT_RANK[role] <= _TENANT_RANK[granter]
