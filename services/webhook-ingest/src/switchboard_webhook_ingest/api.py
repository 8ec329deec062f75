"""HTTP entry points: thin controllers that decode, call a use case, and encode."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from switchboard_shared.auth.guards import provide_principal, requires
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission
from switchboard_shared.errors import BadRequest
from switchboard_webhook_ingest import handlers, ingest
from switchboard_webhook_ingest.domain import TokenSummary
from switchboard_webhook_ingest.handlers import AdminDeps, database_guard, tenant_for
from switchboard_webhook_ingest.intake import webhook_token


def _object(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise BadRequest("body must be a JSON object", code="malformed_body")
    return data


def _token_json(summary: TokenSummary) -> dict[str, Any]:
    return {
        "id": summary.id,
        "provider": summary.provider,
        "created_at": summary.created_at.isoformat(),
        "last_used_at": summary.last_used_at.isoformat() if summary.last_used_at else None,
        "active": summary.active,
    }


class WebhookTokenController(Controller):
    path = "/api/tenants/{tenant_id:str}/webhook-tokens"
    guards = [requires(Permission.WEBHOOK_TOKENS_MANAGE)]
    dependencies = {"principal": Provide(provide_principal)}

    @post("/", status_code=HTTP_201_CREATED)
    async def create(
        self,
        state: State,
        principal: NamedDependency[Principal],
        tenant_id: FromPath[str],
        data: JSONBody[Any],
    ) -> dict[str, Any]:
        deps: AdminDeps = state.admin_deps
        tenant = tenant_for(principal, tenant_id)
        async with database_guard():
            created = await handlers.create_token(
                deps, principal, tenant, _object(data).get("provider")
            )
        return {
            **_token_json(created.summary),
            "token": created.token,
            "webhook_url": created.webhook_url,
        }

    @get("/")
    async def list_tokens(
        self, state: State, principal: NamedDependency[Principal], tenant_id: FromPath[str]
    ) -> dict[str, Any]:
        tenant = tenant_for(principal, tenant_id)
        async with database_guard():
            tokens = await handlers.list_tokens(state.admin_deps, tenant)
        return {"items": [_token_json(t) for t in tokens]}

    @delete("/{token_id:str}", status_code=HTTP_204_NO_CONTENT)
    async def revoke(
        self,
        state: State,
        principal: NamedDependency[Principal],
        tenant_id: FromPath[str],
        token_id: FromPath[str],
    ) -> None:
        tenant = tenant_for(principal, tenant_id)
        async with database_guard():
            await handlers.revoke_token(state.admin_deps, principal, tenant, token_id)


class ProviderSecretController(Controller):
    path = "/api/tenants/{tenant_id:str}/providers"
    guards = [requires(Permission.PROVIDER_SECRETS_MANAGE)]
    dependencies = {"principal": Provide(provide_principal)}

    @put("/{provider:str}", status_code=HTTP_204_NO_CONTENT)
    async def replace(
        self,
        state: State,
        principal: NamedDependency[Principal],
        tenant_id: FromPath[str],
        provider: FromPath[str],
        data: JSONBody[Any],
    ) -> None:
        tenant = tenant_for(principal, tenant_id)
        async with database_guard():
            await handlers.set_secrets(
                state.admin_deps, principal, tenant, provider, _object(data).get("secrets")
            )


class WebhookController(Controller):
    """The delivery counts of a webhook token; the POST on this path is answered by the
    webhook front (intake.py) before it reaches the app."""

    path = "/api/webhooks/{provider:str}"

    @get("/")
    async def counts(
        self, state: State, request: Request[Any, Any, Any], provider: FromPath[str]
    ) -> dict[str, object]:
        async with database_guard():
            return await ingest.recent_counts(
                state.ingest_deps,
                provider,
                webhook_token(request.scope["query_string"], request.headers),
            )
