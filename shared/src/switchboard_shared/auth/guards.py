"""Litestar glue: authenticate the bearer token once per request and check one permission."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission
from switchboard_shared.auth.tokens import TokenVerifier
from switchboard_shared.errors import Forbidden, Unauthorized

PRINCIPAL_KEY = "principal"


def bearer_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("a bearer token is required", code="missing_token")
    return token.strip()


async def authenticate(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    cached = connection.scope.get("state", {}).get(PRINCIPAL_KEY)
    if isinstance(cached, Principal):
        return cached
    verifier: TokenVerifier = connection.app.state.verifier
    principal = await verifier.verify(bearer_token(connection))
    connection.scope.setdefault("state", {})[PRINCIPAL_KEY] = principal
    return principal


def requires(*permissions: Permission) -> Guard:
    """A guard: the caller is authenticated and holds every listed permission."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        principal = await authenticate(connection)
        missing = [p for p in permissions if not principal.can(p)]
        if missing:
            raise Forbidden(f"role {principal.role} lacks {', '.join(missing)}")

    return guard


def authenticated() -> Guard:
    return requires()


async def provide_principal(request: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    return await authenticate(request)
