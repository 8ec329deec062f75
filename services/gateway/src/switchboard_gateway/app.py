"""The composition root of the gateway service: the one place its parts are wired together."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Litestar, Router
from litestar.types import ControllerRouterHandler

from switchboard_gateway.accounts import AccountService
from switchboard_gateway.api.auth import AuthController, JwksController
from switchboard_gateway.api.forwarding import forward
from switchboard_gateway.api.invitations import (
    InvitationAcceptController,
    TenantInvitationController,
)
from switchboard_gateway.api.limits import request_limit_middleware
from switchboard_gateway.api.mfa import MfaController
from switchboard_gateway.api.monitoring import MonitoringController
from switchboard_gateway.api.tenants import (
    PlatformUserController,
    TenantController,
    TenantUserController,
)
from switchboard_gateway.auth import AuthService
from switchboard_gateway.bootstrap import ensure_platform_owner
from switchboard_gateway.challenges import Challenges
from switchboard_gateway.invitations import InvitationService
from switchboard_gateway.key_store import KeyRing
from switchboard_gateway.keys import KeyCipher
from switchboard_gateway.mfa import MfaService, TotpSecrets
from switchboard_gateway.passwords import Passwords
from switchboard_gateway.proxy import Forwarder
from switchboard_gateway.publishing import Announcer
from switchboard_gateway.ratelimit import LoginLimiter, LoginLimits
from switchboard_gateway.request_limits import (
    PostgresRequestCounts,
    RequestLimiter,
    UserActionLimiter,
)
from switchboard_gateway.settings import GatewaySettings
from switchboard_gateway.subscribers import subscribe_mailer
from switchboard_gateway.tokens import TokenIssuer
from switchboard_shared.auth.tokens import TokenVerifier
from switchboard_shared.runtime import Runtime, build_runtime, create_app

ROUTES: list[ControllerRouterHandler] = [
    AuthController,
    MfaController,
    JwksController,
    TenantController,
    TenantUserController,
    PlatformUserController,
    MonitoringController,
    TenantInvitationController,
    InvitationAcceptController,
    forward,
]


def build_app(settings: GatewaySettings) -> Litestar:
    runtime = build_runtime(settings, package=__package__ or "switchboard_gateway")
    keys = KeyRing(
        runtime.pool, KeyCipher(settings.encryption_secret), settings.signing_key_seconds
    )
    runtime.verifier = _own_verifier(settings, runtime, keys)
    passwords = Passwords()
    subscribe_mailer(runtime.consumer, runtime, settings)
    state = _services(settings, runtime, keys, passwords)

    async def prepare_keys(_: Runtime) -> None:
        await keys.ensure_signing_key()

    async def bootstrap_owner(_: Runtime) -> None:
        if settings.bootstrap_owner_email and settings.bootstrap_owner_password:
            secret = settings.bootstrap_owner_password.get_secret_value()
            await ensure_platform_owner(
                runtime.pool, passwords, settings.bootstrap_owner_email, secret
            )

    limited = Router(path="/", route_handlers=ROUTES, middleware=[request_limit_middleware])
    app = create_app(
        runtime, route_handlers=[limited], on_connected=[prepare_keys, bootstrap_owner], state=state
    )
    app.state.readiness_checks = {
        **app.state.readiness_checks,
        "database": _database_and_keys(runtime, keys),
    }
    app.on_shutdown.append(state["forwarder"].aclose)
    return app


def _services(
    settings: GatewaySettings, runtime: Runtime, keys: KeyRing, passwords: Passwords
) -> dict[str, Any]:
    announcer = Announcer(
        runtime.bus, runtime.revocations, settings.access_token_seconds, runtime.audit
    )
    issuer = TokenIssuer(
        keys,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        lifetime_seconds=settings.access_token_seconds,
    )
    limits = LoginLimits(
        per_address=settings.login_limit_per_address,
        per_account=settings.login_limit_per_account,
        window_seconds=settings.login_window_seconds,
    )
    limiter = LoginLimiter(runtime.pool, limits)
    counts = PostgresRequestCounts(runtime.pool)
    challenges = Challenges(
        runtime.pool, settings.mfa_token_seconds, settings.mfa_required_for_platform_roles
    )
    auth = AuthService(
        runtime.pool,
        passwords,
        issuer,
        announcer,
        limiter,
        settings.refresh_token_seconds,
        challenges,
    )
    secrets = TotpSecrets(settings.encryption_secret)
    return {
        "settings": settings,
        "key_ring": keys,
        "request_limiter": RequestLimiter(counts, settings.rate_limit_per_minute),
        "user_action_limiter": UserActionLimiter(counts, settings.action_limits),
        "forwarder": Forwarder(settings.service_urls(), settings.proxy_timeout_seconds),
        "auth": auth,
        "mfa": MfaService(runtime.pool, auth, challenges, secrets, announcer, limiter),
        "accounts": AccountService(runtime.pool, passwords, announcer),
        "invitations": InvitationService(
            runtime.pool,
            passwords,
            announcer,
            settings.invitation_seconds,
            settings.public_base_url,
        ),
    }


def _database_and_keys(runtime: Runtime, keys: KeyRing) -> Callable[[], Awaitable[bool]]:
    """The gateway's database is ready when it answers and the signing keys are loaded from it."""

    async def check() -> bool:
        return await runtime.database_ready() and await keys.ready()

    return check


def _own_verifier(settings: GatewaySettings, runtime: Runtime, keys: KeyRing) -> TokenVerifier:
    """The gateway verifies its own tokens from its key ring, not over HTTP from itself."""
    secret = settings.jwt_secret.get_secret_value().encode() if settings.jwt_secret else None
    return TokenVerifier(
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        keys=keys,
        shared_secret=secret,
        revocations=runtime.revocations,
    )
