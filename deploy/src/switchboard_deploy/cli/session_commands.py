"""`switchboard login | logout`: sign in once, and the other commands act in your name."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from switchboard_deploy.cli.credentials import current_token, forget_token, save_token
from switchboard_deploy.cli.exit_codes import ExitCode
from switchboard_deploy.cli.failures import Refused, reporting_failures, stop
from switchboard_deploy.cli.gateway_client import call
from switchboard_deploy.cli.options import DEFAULT_GATEWAY_URL, AsJson, GatewayUrl
from switchboard_deploy.cli.output import console, print_json


def login(
    email: Annotated[
        str, typer.Option(envvar="SWITCHBOARD_EMAIL", prompt=True, help="(SWITCHBOARD_EMAIL)")
    ],
    password: Annotated[
        str,
        typer.Option(
            envvar="SWITCHBOARD_PASSWORD",
            prompt=True,
            hide_input=True,
            help="asked without echo when not given (SWITCHBOARD_PASSWORD)",
        ),
    ],
    code: Annotated[
        str | None,
        typer.Option(help="a second-factor code, asked when the account needs one"),
    ] = None,
    url: GatewayUrl = DEFAULT_GATEWAY_URL,
    as_json: AsJson = False,
) -> None:
    """Sign in and keep the access token in your config directory (mode 0600)."""
    with reporting_failures():
        answer = call(url, "POST", "/api/auth/login", body={"email": email, "password": password})
        if answer.get("mfa_enrolment_required"):
            raise stop(
                ExitCode.REFUSED,
                "this account must enrol a second factor first (POST /api/auth/mfa/enrol)",
            )
        if answer.get("mfa_required"):
            answer = _second_step(url, answer["mfa_token"], code)
        token = str(answer["access_token"])
        me = call(url, "GET", "/api/auth/me", token=token)
    path = save_token(token)
    signed_in = {
        "email": me.get("email"),
        "role": me.get("role"),
        "expires_in": answer.get("expires_in"),
        "token_path": str(path),
    }
    if as_json:
        print_json(signed_in)
        return
    console().print(
        f"signed in as {signed_in['email']} ({signed_in['role']}); the token is kept in "
        f"{path} (mode 0600) for {signed_in['expires_in']} s"
    )


def _second_step(url: str, mfa_token: str, code: str | None) -> Any:
    entered = code or typer.prompt("second-factor code")
    return call(url, "POST", "/api/auth/mfa/verify", body={"mfa_token": mfa_token, "code": entered})


def logout(url: GatewayUrl = DEFAULT_GATEWAY_URL) -> None:
    """End the stored session on the platform and forget its token."""
    with reporting_failures():
        token = current_token()
        try:
            call(url, "POST", "/api/auth/logout", token=token)
        except Refused as refused:
            if refused.status != 401:  # an expired or revoked token has nothing left to end
                raise
    forget_token()
    console().print("signed out")
