"""`/api/auth/*` and `/.well-known/jwks.json`."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from switchboard_gateway.api.dependencies import AUTH, PRINCIPAL
from switchboard_gateway.api.errors import ERROR_RESPONSES
from switchboard_gateway.api.responses import LoginAnswer, Me, Sessions, Tokens, answers
from switchboard_gateway.api.schemas import LoginRequest, RefreshRequest, session_view, user_view
from switchboard_gateway.auth import AuthService, Client, TokenPair
from switchboard_gateway.challenges import MfaChallenge
from switchboard_gateway.key_store import KeyRing
from switchboard_gateway.proxy import client_address
from switchboard_gateway.settings import GatewaySettings
from switchboard_shared.auth.guards import authenticated
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import PERMISSION_MATRIX
from switchboard_shared.write_guard import open_in_maintenance


def tokens_view(pair: TokenPair) -> dict[str, Any]:
    return {
        "access_token": pair.access_token,
        "refresh_token": pair.refresh_token,
        "token_type": "bearer",
        "expires_in": pair.expires_in,
    }


def challenge_view(challenge: MfaChallenge) -> dict[str, Any]:
    flag = "mfa_required" if challenge.purpose == "verify" else "mfa_enrolment_required"
    return {flag: True, "mfa_token": challenge.token, "expires_in": challenge.expires_in}


def client_of(request: Request[Any, Any, Any]) -> Client:
    settings: GatewaySettings = request.app.state.settings
    peer = request.client.host if request.client else None
    forwarded = request.headers.get("x-forwarded-for")
    address = client_address(peer, forwarded, settings.trusted_proxy_addresses)
    return Client(address, request.headers.get("user-agent"))


class AuthController(Controller):
    path = "/api/auth"
    dependencies = AUTH

    @post(
        "/login",
        status_code=200,
        responses=answers(200, LoginAnswer),
        opt=open_in_maintenance("operators sign in to end maintenance"),
    )
    async def login(
        self,
        data: JSONBody[LoginRequest],
        request: Request[Any, Any, Any],
        auth: NamedDependency[AuthService],
    ) -> dict[str, Any]:
        answer = await auth.login(data.email, data.password, client_of(request))
        if isinstance(answer, MfaChallenge):
            return challenge_view(answer)
        return tokens_view(answer)

    @post(
        "/refresh",
        status_code=200,
        responses=answers(200, Tokens),
        opt=open_in_maintenance("a session outlives maintenance"),
    )
    async def refresh(
        self, data: JSONBody[RefreshRequest], auth: NamedDependency[AuthService]
    ) -> dict[str, Any]:
        return tokens_view(await auth.refresh(data.refresh_token))

    @post(
        "/logout",
        status_code=204,
        opt=open_in_maintenance("signing out only ever takes access away"),
        guards=[authenticated()],
        dependencies=PRINCIPAL,
        responses=ERROR_RESPONSES,
    )
    async def logout(
        self, principal: NamedDependency[Principal], auth: NamedDependency[AuthService]
    ) -> None:
        await auth.logout(principal)

    @get("/me", guards=[authenticated()], dependencies=PRINCIPAL, responses=answers(200, Me))
    async def me(
        self, principal: NamedDependency[Principal], auth: NamedDependency[AuthService]
    ) -> dict[str, Any]:
        user = await auth.me(principal)
        return {
            **user_view(user),
            "session_id": principal.session_id,
            "permissions": _permissions(principal),
        }

    @get(
        "/sessions",
        guards=[authenticated()],
        dependencies=PRINCIPAL,
        responses=answers(200, Sessions),
    )
    async def sessions(
        self, principal: NamedDependency[Principal], auth: NamedDependency[AuthService]
    ) -> dict[str, Any]:
        found = await auth.sessions(principal)
        return {"items": [session_view(s, principal.session_id) for s in found]}

    @delete(
        "/sessions/{sid:str}",
        status_code=204,
        opt=open_in_maintenance("ending a session only ever takes access away"),
        guards=[authenticated()],
        dependencies=PRINCIPAL,
        responses=ERROR_RESPONSES,
    )
    async def revoke(
        self,
        sid: FromPath[str],
        principal: NamedDependency[Principal],
        auth: NamedDependency[AuthService],
    ) -> None:
        await auth.revoke_session(principal, sid)


def _permissions(principal: Principal) -> list[str]:
    return sorted(str(p) for p in PERMISSION_MATRIX[principal.role])


class JwksController(Controller):
    path = "/.well-known/jwks.json"
    include_in_schema = False

    @get("/", responses=ERROR_RESPONSES)
    async def jwks(self, state: State) -> Response[dict[str, Any]]:
        keys: KeyRing = state.key_ring
        await keys.refresh_if_stale()
        body = {"keys": [key.public_jwk() for key in keys.published()]}
        return Response(body, headers={"Cache-Control": "public, max-age=60"})
