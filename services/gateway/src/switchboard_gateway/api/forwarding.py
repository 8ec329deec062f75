"""Every `/api/...` path another service owns: forwarded as it came, answered as it went."""

from __future__ import annotations

from typing import Any

from litestar import HttpMethod, Request, Response, route
from litestar.datastructures import State

from switchboard_gateway.accounts import AccountService
from switchboard_gateway.proxy import Forwarder, Incoming, owning_service
from switchboard_shared.errors import NotFound
from switchboard_shared.write_guard import open_in_maintenance

METHODS: list[HttpMethod] = [
    HttpMethod.GET,
    HttpMethod.POST,
    HttpMethod.PUT,
    HttpMethod.PATCH,
    HttpMethod.DELETE,
]
FORWARDED_PATHS = [
    "/api/webhooks/{rest:path}",
    "/api/tenants/{tenant_id:str}/webhook-tokens",
    "/api/tenants/{tenant_id:str}/webhook-tokens/{rest:path}",
    "/api/tenants/{tenant_id:str}/providers/{rest:path}",
    "/api/calls",
    "/api/calls/{rest:path}",
    "/api/admin/calls",
    "/api/admin/calls/{rest:path}",
    "/api/locations",
    "/api/locations/{rest:path}",
    "/api/onboarding/{rest:path}",
    "/api/approvals/{rest:path}",
    "/api/bulk/{rest:path}",
    "/api/provisioning/{rest:path}",
    "/api/audit",
    "/api/audit/{rest:path}",
    "/api/owner/command",
    "/api/system/status",
    "/api/admin/dlq",
    "/api/admin/dlq/{rest:path}",
]


@route(
    FORWARDED_PATHS,
    http_method=METHODS,
    include_in_schema=False,
    opt=open_in_maintenance("the service behind the gateway applies its own write guard"),
)
async def forward(request: Request[Any, Any, State]) -> Response[bytes]:
    path = request.url.path
    service = owning_service(path)
    if service is None:
        raise NotFound("no such route")
    tenant_id = request.path_params.get("tenant_id")
    accounts: AccountService = request.app.state.accounts
    if tenant_id is not None and not await accounts.tenant_exists(str(tenant_id)):
        raise NotFound("no such tenant")
    forwarder: Forwarder = request.app.state.forwarder
    reply = await forwarder.forward(service, await _incoming(request))
    return Response(reply.content, status_code=reply.status_code, headers=reply.headers)


async def _incoming(request: Request[Any, Any, State]) -> Incoming:
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    return Incoming(
        method=request.method,
        raw_path=raw_path.decode("latin-1").split("?", 1)[0],
        query=request.scope.get("query_string", b""),
        headers=dict(request.headers),
        body=await request.body(),
        client_address=request.client.host if request.client else None,
        host=request.headers.get("host", ""),
        scheme=request.url.scheme,
    )
