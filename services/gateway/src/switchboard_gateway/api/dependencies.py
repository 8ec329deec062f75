"""Where controllers get their collaborators: the app state, filled by the composition root."""

from __future__ import annotations

from litestar.datastructures import State
from litestar.di import Provide

from switchboard_gateway.accounts import AccountService
from switchboard_gateway.auth import AuthService
from switchboard_shared.auth.guards import provide_principal


def _auth(state: State) -> AuthService:
    return state.auth  # type: ignore[no-any-return]


def _accounts(state: State) -> AccountService:
    return state.accounts  # type: ignore[no-any-return]


AUTH = {"auth": Provide(_auth, sync_to_thread=False)}
ACCOUNTS = {"accounts": Provide(_accounts, sync_to_thread=False)}
PRINCIPAL = {"principal": Provide(provide_principal)}
