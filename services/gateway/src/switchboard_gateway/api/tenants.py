"""`/api/tenants`, `/api/tenants/{tid}/users` and `/api/platform/users`."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from switchboard_gateway.accounts import AccountService
from switchboard_gateway.api.dependencies import ACCOUNTS, PRINCIPAL
from switchboard_gateway.api.errors import ERROR_RESPONSES
from switchboard_gateway.api.responses import Account, AccountPage, TenantPage, TenantView, answers
from switchboard_gateway.api.schemas import (
    TenantCreate,
    TenantUpdate,
    UserCreate,
    UserUpdate,
    location_tuple,
    tenant_view,
    user_view,
)
from switchboard_gateway.domain import KEEP, Tenant, User
from switchboard_gateway.pagination import clamp_limit, encode_cursor
from switchboard_shared.auth.guards import authenticated, requires
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission

Limit = Annotated[int | None, QueryParameter(required=False, ge=1, le=200)]
MANAGE = requires(Permission.USERS_MANAGE)
# Platform accounts: managing users, and seeing every tenant (only the super admin has both).
PLATFORM_MANAGE = requires(Permission.USERS_MANAGE, Permission.TENANTS_READ_ALL)


def _page(items: list[Any], limit: int, view: Any) -> dict[str, Any]:
    last: Tenant | User | None = items[-1] if len(items) == limit else None
    return {
        "items": [view(item) for item in items],
        "next_cursor": encode_cursor(last.created_at, last.id) if last else None,
    }


class TenantController(Controller):
    path = "/api/tenants"
    guards = [authenticated()]
    dependencies = {**ACCOUNTS, **PRINCIPAL}

    @post(
        "/",
        status_code=201,
        guards=[requires(Permission.TENANTS_CREATE)],
        responses=answers(201, TenantView),
    )
    async def create(
        self,
        data: JSONBody[TenantCreate],
        principal: NamedDependency[Principal],
        accounts: NamedDependency[AccountService],
    ) -> dict[str, Any]:
        return tenant_view(await accounts.create_tenant(principal, data.name))

    @get("/", responses=answers(200, TenantPage))
    async def list(
        self,
        principal: NamedDependency[Principal],
        accounts: NamedDependency[AccountService],
        limit: Limit = None,
        cursor: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        size = clamp_limit(limit)
        return _page(await accounts.list_tenants(principal, size, cursor), size, tenant_view)

    @patch(
        "/{tenant_id:str}",
        guards=[requires(Permission.USERS_MANAGE)],
        responses=answers(200, TenantView),
    )
    async def update(
        self,
        tenant_id: FromPath[str],
        data: JSONBody[TenantUpdate],
        principal: NamedDependency[Principal],
        accounts: NamedDependency[AccountService],
    ) -> dict[str, Any]:
        return tenant_view(await accounts.require_mfa(principal, tenant_id, data.mfa_required))


class TenantUserController(Controller):
    path = "/api/tenants/{tenant_id:str}/users"
    guards = [authenticated()]
    dependencies = {**ACCOUNTS, **PRINCIPAL}

    @post("/", status_code=201, guards=[MANAGE], responses=answers(201, Account))
    async def create(
        self,
        tenant_id: FromPath[str],
        data: JSONBody[UserCreate],
        principal: NamedDependency[Principal],
        accounts: NamedDependency[AccountService],
    ) -> dict[str, Any]:
        user = await accounts.create_user(
            principal,
            tenant_id,
            data.email,
            data.password,
            data.role,
            location_tuple(data.locations),
        )
        return user_view(user)

    @get("/", guards=[requires(Permission.USERS_READ)], responses=answers(200, AccountPage))
    async def list(
        self,
        tenant_id: FromPath[str],
        principal: NamedDependency[Principal],
        accounts: NamedDependency[AccountService],
        limit: Limit = None,
        cursor: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        size = clamp_limit(limit)
        return _page(await accounts.list_users(principal, tenant_id, size, cursor), size, user_view)

    @patch("/{user_id:str}", guards=[MANAGE], responses=answers(200, Account))
    async def update(
        self,
        tenant_id: FromPath[str],
        user_id: FromPath[str],
        data: JSONBody[UserUpdate],
        principal: NamedDependency[Principal],
        accounts: NamedDependency[AccountService],
    ) -> dict[str, Any]:
        locations = location_tuple(data.locations) if "locations" in data.model_fields_set else KEEP
        user = await accounts.update_user(
            principal, tenant_id, user_id, data.role, data.disabled, locations
        )
        return user_view(user)

    @delete("/{user_id:str}", status_code=204, guards=[MANAGE], responses=ERROR_RESPONSES)
    async def remove(
        self,
        tenant_id: FromPath[str],
        user_id: FromPath[str],
        principal: NamedDependency[Principal],
        accounts: NamedDependency[AccountService],
    ) -> None:
        await accounts.remove_user(principal, tenant_id, user_id)

    @delete("/{user_id:str}/mfa", status_code=204, guards=[MANAGE], responses=ERROR_RESPONSES)
    async def reset_mfa(
        self,
        tenant_id: FromPath[str],
        user_id: FromPath[str],
        principal: NamedDependency[Principal],
        accounts: NamedDependency[AccountService],
    ) -> None:
        await accounts.reset_mfa(principal, tenant_id, user_id)


class PlatformUserController(Controller):
    """Platform accounts (super_admin, sre, implementation_lead) belong to no tenant."""

    path = "/api/platform/users"
    guards = [authenticated()]
    dependencies = {**ACCOUNTS, **PRINCIPAL}

    @post("/", status_code=201, guards=[PLATFORM_MANAGE], responses=answers(201, Account))
    async def create(
        self,
        data: JSONBody[UserCreate],
        principal: NamedDependency[Principal],
        accounts: NamedDependency[AccountService],
    ) -> dict[str, Any]:
        user = await accounts.create_user(
            principal, None, data.email, data.password, data.role, location_tuple(data.locations)
        )
        return user_view(user)

    @get("/", guards=[requires(Permission.TENANTS_READ_ALL)], responses=answers(200, AccountPage))
    async def list(
        self,
        principal: NamedDependency[Principal],
        accounts: NamedDependency[AccountService],
        limit: Limit = None,
        cursor: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        size = clamp_limit(limit)
        return _page(await accounts.list_users(principal, None, size, cursor), size, user_view)
