"""What the gateway's own routes answer, for the OpenAPI document (the handlers build dicts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from litestar.openapi.datastructures import ResponseSpec
from pydantic import BaseModel, ConfigDict

from switchboard_gateway.api.errors import ERROR_RESPONSES
from switchboard_shared.auth.roles import Role


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Tokens(Answer):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"]
    expires_in: int


class Account(Answer):
    id: str
    tenant_id: str | None
    email: str
    role: Role
    disabled: bool
    created_at: datetime
    locations: list[str] | None
    mfa_enabled: bool


class Me(Account):
    session_id: str
    permissions: list[str]


class SessionView(Answer):
    id: str
    user_agent: str | None
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    current: bool


class Sessions(Answer):
    items: list[SessionView]


class TenantView(Answer):
    id: str
    name: str
    created_at: datetime
    mfa_required: bool


class TenantPage(Answer):
    items: list[TenantView]
    next_cursor: str | None


class AccountPage(Answer):
    items: list[Account]
    next_cursor: str | None


class InvitationView(Answer):
    id: str
    tenant_id: str
    email: str
    role: Role
    created_at: datetime
    expires_at: datetime


class Invitations(Answer):
    items: list[InvitationView]


class MfaRequired(Answer):
    """A correct password of an account with a second factor: send a code with this token."""

    mfa_required: Literal[True]
    mfa_token: str
    expires_in: int


class MfaEnrolmentRequired(Answer):
    """The tenant requires a second factor this account lacks: the token only enrols one."""

    mfa_enrolment_required: Literal[True]
    mfa_token: str
    expires_in: int


LoginAnswer = Tokens | MfaRequired | MfaEnrolmentRequired


class MfaEnrolment(Answer):
    secret: str
    otpauth_uri: str
    algorithm: Literal["SHA1"]
    digits: int
    period: int


class MfaConfirmed(Answer):
    """Recovery codes, shown this once; tokens too when the enrolment was part of a sign-in."""

    recovery_codes: list[str]
    access_token: str | None = None
    refresh_token: str | None = None
    token_type: Literal["bearer"] | None = None
    expires_in: int | None = None


def answers(status: int, model: Any) -> dict[int, ResponseSpec]:
    """The documented success answer of a route, with every error answer."""
    return {
        **ERROR_RESPONSES,
        status: ResponseSpec(data_container=model, description="success", generate_examples=False),
    }
