"""The pytest plugin of the test session: one real PostgreSQL and broker, one running platform.

Infrastructure is embedded unless `DATABASE_URL` / `KAFKA_BOOTSTRAP_SERVERS` name real servers.
Tests share these and never clean them: each test makes its own tenants and ids.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import tempfile
import time
import uuid
import warnings
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import httpx
import pytest

from switchboard_deploy.stack import Stack

if TYPE_CHECKING:
    from switchboard_deploy.smtp_inbox import Inbox

T = TypeVar("T")
DEADLINE_SECONDS = 30.0


def unique_id(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


async def eventually(
    check: Callable[[], Awaitable[T | None]],
    what: str = "the condition",
    within: float = DEADLINE_SECONDS,
) -> T:
    """Polls until the check answers something truthy; fails naming what never happened."""
    deadline = time.monotonic() + within
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {within}s")
        await asyncio.sleep(0.05)


def deprecations_raised_by(build: Callable[[], object]) -> list[str]:
    """What `build` is warned about as deprecated, e.g. a route parameter Litestar must infer."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DeprecationWarning)
        build()
    return [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]


@dataclass(frozen=True)
class Owner:
    email: str
    password: str


@pytest.fixture(scope="session")
def platform_owner() -> Owner:
    return Owner(email="owner@switchboard.test", password=secrets.token_urlsafe(18))


@pytest.fixture(scope="session")
def mail_inbox() -> Iterator[Inbox]:
    """A real SMTP server that keeps what the platform sends (the gateway is pointed at it)."""
    from switchboard_deploy.smtp_inbox import start_smtp_server

    controller, inbox = start_smtp_server()
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def infrastructure(platform_owner: Owner, mail_inbox: Inbox) -> Iterator[Stack]:
    """A real PostgreSQL and Kafka-protocol broker, with every topic created."""
    # Not under pytest's own temporary folder: that one is private to root, and PostgreSQL runs
    # as an unprivileged user when the tests run as root.
    data_dir = Path(tempfile.mkdtemp(prefix="switchboard-test-"))
    stack = Stack.on_free_ports(
        data_dir,
        extra_env={
            "BOOTSTRAP_OWNER_EMAIL": platform_owner.email,
            "BOOTSTRAP_OWNER_PASSWORD": platform_owner.password,
            "LOG_LEVEL": "INFO",
            "RATE_LIMIT_PER_MINUTE": "1000000",
            "USER_ACTION_LIMITS": "bulk=1000000,command=1000000,write=1000000,read=1000000",
        },
        per_service_env={
            "gateway": {
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(mail_inbox.port),
                "SMTP_STARTTLS": "false",
            }
        },
    )
    stack.start_infrastructure()
    try:
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def platform(infrastructure: Stack) -> Iterator[Stack]:
    """All seven services running as processes against the session's infrastructure."""
    infrastructure.start_services()
    try:
        yield infrastructure
    finally:
        if infrastructure.supervisor:
            infrastructure.supervisor.stop_all()


@pytest.fixture(scope="session")
def gateway_url(platform: Stack) -> str:
    return platform.url("gateway")


def login(gateway_url: str, email: str, password: str) -> str:
    response = httpx.post(
        f"{gateway_url}/api/auth/login", json={"email": email, "password": password}
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


@pytest.fixture(scope="session")
def owner_token(gateway_url: str, platform_owner: Owner) -> str:
    return login(gateway_url, platform_owner.email, platform_owner.password)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


TEST_JWT_SECRET = "switchboard-test-session-hs256-secret-0123456789"


def mint_token(
    *,
    role: str,
    tenant_id: str | None,
    user_id: str | None = None,
    email: str = "someone@example.test",
    session_id: str | None = None,
    lifetime: int = 600,
    secret: str = TEST_JWT_SECRET,
    issuer: str = "switchboard",
    audience: str = "switchboard",
    extra: dict[str, object] | None = None,
) -> str:
    """An HS256 access token, for in-process tests of a single service (JWT_SECRET mode)."""
    import time

    import jwt

    now = int(time.time())
    claims = {
        "sub": user_id or unique_id("user"),
        "email": email,
        "role": role,
        "tenant_id": tenant_id,
        "sid": session_id or unique_id("sid"),
        "iat": now,
        "exp": now + lifetime,
        "iss": issuer,
        "aud": audience,
        "jti": unique_id("jti"),
        **(extra or {}),
    }
    return jwt.encode(claims, secret, algorithm="HS256", headers={"typ": "at+jwt"})
