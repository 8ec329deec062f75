"""The request limits in front of every gateway `/api` route except webhooks: the general limit
per client address, then, for a request whose bearer token verifies, the limit of its user for
its action (see `request_actions.py`)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send
from prometheus_client import Counter

from switchboard_gateway.proxy import client_address
from switchboard_gateway.request_actions import Action, classify
from switchboard_gateway.request_limits import RequestLimiter, UserActionLimiter
from switchboard_gateway.settings import GatewaySettings
from switchboard_shared.auth.guards import authenticate
from switchboard_shared.errors import RateLimited, Unauthorized

EXEMPT_PREFIXES = ("/api/webhooks/",)  # providers retry on their own; webhook-ingest limits them

REFUSED = Counter(
    "switchboard_gateway_requests_refused",
    "Requests answered 429 by a request limit, by limit (address or user) and action",
    ["limit", "action"],
)


def limited(path: str) -> bool:
    return path.startswith("/api/") and not path.startswith(EXEMPT_PREFIXES)


def request_limit_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and limited(scope["path"]):
            request: Request[Any, Any, Any] = Request(scope)
            action = classify(request.method, scope["path"])
            await _admit_address(request, action)
            if action is not None:
                await _admit_user(request, action)
        await app(scope, receive, send)

    return middleware


async def _admit_address(request: Request[Any, Any, Any], action: Action | None) -> None:
    settings: GatewaySettings = request.app.state.settings
    limiter: RequestLimiter = request.app.state.request_limiter
    peer = request.client.host if request.client else None
    forwarded = request.headers.get("x-forwarded-for")
    address = client_address(peer, forwarded, settings.trusted_proxy_addresses)
    try:
        await limiter.admit(address or "unknown")
    except RateLimited:
        REFUSED.labels("address", action or "other").inc()
        raise


async def _admit_user(request: Request[Any, Any, Any], action: Action) -> None:
    """Counts the user of a token that verifies; any other request is the route's to refuse."""
    try:
        principal = await authenticate(request)
    except Unauthorized:
        return
    limiter: UserActionLimiter = request.app.state.user_action_limiter
    try:
        await limiter.admit(principal.user_id, action)
    except RateLimited:
        REFUSED.labels("user", action).inc()
        raise
