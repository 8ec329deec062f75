"""The general request limit in front of every gateway `/api` route except webhooks."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from switchboard_gateway.proxy import client_address
from switchboard_gateway.request_limits import RequestLimiter
from switchboard_gateway.settings import GatewaySettings

EXEMPT_PREFIXES = ("/api/webhooks/",)  # providers retry on their own; webhook-ingest limits them


def limited(path: str) -> bool:
    return path.startswith("/api/") and not path.startswith(EXEMPT_PREFIXES)


def request_limit_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and limited(scope["path"]):
            request: Request[Any, Any, Any] = Request(scope)
            settings: GatewaySettings = request.app.state.settings
            limiter: RequestLimiter = request.app.state.request_limiter
            peer = request.client.host if request.client else None
            forwarded = request.headers.get("x-forwarded-for")
            address = client_address(peer, forwarded, settings.trusted_proxy_addresses)
            await limiter.admit(address or "unknown")
        await app(scope, receive, send)

    return middleware
