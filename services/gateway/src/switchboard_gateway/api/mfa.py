"""`/api/auth/mfa/*`: enrol, confirm and disable a second factor; verify a sign-in with it."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, post
from litestar.datastructures import CacheControlHeader, State
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody

from switchboard_gateway.api.auth import client_of, tokens_view
from switchboard_gateway.api.dependencies import PRINCIPAL
from switchboard_gateway.api.errors import ERROR_RESPONSES
from switchboard_gateway.api.responses import MfaConfirmed, MfaEnrolment, Tokens, answers
from switchboard_gateway.api.schemas import (
    MfaConfirmRequest,
    MfaDisableRequest,
    MfaEnrolRequest,
    MfaVerifyRequest,
)
from switchboard_gateway.mfa import Caller, MfaService
from switchboard_gateway.totp import DIGITS, STEP_SECONDS
from switchboard_shared.auth.guards import authenticate, authenticated
from switchboard_shared.auth.principal import Principal
from switchboard_shared.write_guard import open_in_maintenance


def _mfa(state: State) -> MfaService:
    return state.mfa  # type: ignore[no-any-return]


MFA = {"mfa": Provide(_mfa, sync_to_thread=False)}


async def _caller(request: Request[Any, Any, Any], mfa: MfaService, token: str | None) -> Caller:
    """A signed-in account, or one holding the enrolment token its sign-in was given."""
    principal = None if token is not None else await authenticate(request)
    return await mfa.caller(principal, token)


class MfaController(Controller):
    path = "/api/auth/mfa"
    cache_control = CacheControlHeader(no_store=True)  # secrets, codes and tokens
    dependencies = MFA

    @post("/enrol", status_code=201, responses=answers(201, MfaEnrolment))
    async def enrol(
        self,
        request: Request[Any, Any, Any],
        mfa: NamedDependency[MfaService],
        data: JSONBody[MfaEnrolRequest | None] = None,
    ) -> dict[str, Any]:
        """A signed-in caller may send no body at all."""
        token = data.mfa_token if data is not None else None
        enrolment = await mfa.enrol(await _caller(request, mfa, token))
        return {
            "secret": enrolment.secret,
            "otpauth_uri": enrolment.otpauth_uri,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        }

    @post("/confirm", status_code=200, responses=answers(200, MfaConfirmed))
    async def confirm(
        self,
        data: JSONBody[MfaConfirmRequest],
        request: Request[Any, Any, Any],
        mfa: NamedDependency[MfaService],
    ) -> dict[str, Any]:
        caller = await _caller(request, mfa, data.mfa_token)
        confirmation = await mfa.confirm(caller, data.code, client_of(request))
        tokens = tokens_view(confirmation.tokens) if confirmation.tokens else {}
        return {"recovery_codes": confirmation.recovery_codes, **tokens}

    @post(
        "/verify",
        status_code=200,
        responses=answers(200, Tokens),
        opt=open_in_maintenance("the second step of signing in"),
    )
    async def verify(
        self,
        data: JSONBody[MfaVerifyRequest],
        request: Request[Any, Any, Any],
        mfa: NamedDependency[MfaService],
    ) -> dict[str, Any]:
        pair = await mfa.verify(data.mfa_token, data.code, client_of(request))
        return tokens_view(pair)

    @delete(
        "/",
        status_code=204,
        guards=[authenticated()],
        dependencies=PRINCIPAL,
        responses=ERROR_RESPONSES,
    )
    async def disable(
        self,
        data: JSONBody[MfaDisableRequest],
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        mfa: NamedDependency[MfaService],
    ) -> None:
        await mfa.disable(principal, data.code, client_of(request))
