"""Use cases of the admin routes: webhook tokens and provider secrets, audited on the bus."""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import psycopg
from aiokafka.errors import MessageSizeTooLargeError

from switchboard_shared.audit_trail import AuditTrail
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.revocations import RevocationList
from switchboard_shared.bus import Publisher
from switchboard_shared.envelope import event_key
from switchboard_shared.errors import NotFound, PayloadTooLarge, Unavailable, ValidationFailed
from switchboard_shared.events import Revocation
from switchboard_shared.topics import AUTH_REVOCATIONS
from switchboard_webhook_ingest.admission import AdmissionControl
from switchboard_webhook_ingest.directory import TokenDirectory
from switchboard_webhook_ingest.domain import (
    Provider,
    TokenSummary,
    new_token,
    provider_named,
    token_hash,
    webhook_url,
)
from switchboard_webhook_ingest.secretbox import SecretBox
from switchboard_webhook_ingest.signatures import check_secret_shape
from switchboard_webhook_ingest.store import Store

log = logging.getLogger(__name__)

TENANT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")
MAX_SECRET_LENGTH = 512
RETRY_AFTER_SECONDS = 5
T = TypeVar("T")


@dataclass(frozen=True)
class CreatedToken:
    summary: TokenSummary
    token: str
    webhook_url: str


@dataclass(frozen=True)
class AdminDeps:
    store: Store
    bus: Publisher
    box: SecretBox
    directory: TokenDirectory
    admission: AdmissionControl
    revocations: RevocationList
    public_base_url: str
    publish_timeout: float
    audit: AuditTrail


def tenant_for(principal: Principal, requested: str) -> str:
    """The tenant of the path, if this caller may act on it; otherwise 404 (never 403)."""
    if not TENANT_ID.fullmatch(requested):
        raise NotFound("no such tenant")
    return str(principal.tenant_scope(requested))


@asynccontextmanager
async def database_guard() -> AsyncIterator[None]:
    """A database that fails or times out is a 503 with Retry-After, never a 500."""
    try:
        yield
    except psycopg.Error as error:
        log.warning("database unavailable: %r", error)
        raise Unavailable(
            "the database is unavailable; retry later", retry_after=RETRY_AFTER_SECONDS
        ) from error


async def acknowledged(step: Awaitable[T], limit: float) -> T:
    """A publish bounded in time; no acknowledgement means 503 with Retry-After."""
    try:
        return await asyncio.wait_for(step, limit)
    except MessageSizeTooLargeError as error:
        raise PayloadTooLarge("the event is larger than the broker accepts") from error
    except Exception as error:
        log.warning("publish not acknowledged: %r", error)
        raise Unavailable(
            "the event bus did not acknowledge; retry later", retry_after=RETRY_AFTER_SECONDS
        ) from error


async def create_token(
    deps: AdminDeps, principal: Principal, tenant_id: str, provider_name: Any
) -> CreatedToken:
    provider = _provider(provider_name)
    token = new_token()
    async with deps.store.transaction(tenant_id) as tx:
        summary = await tx.insert_token(tenant_id, provider, token_hash(token), principal.user_id)
        await _audit(
            deps, principal, tenant_id, "webhook_token.create", summary.id, provider=provider.value
        )
    return CreatedToken(summary, token, webhook_url(deps.public_base_url, provider, token))


async def list_tokens(deps: AdminDeps, tenant_id: str) -> list[TokenSummary]:
    async with deps.store.transaction(tenant_id) as tx:
        return list(await tx.list_tokens(tenant_id))


async def revoke_token(
    deps: AdminDeps, principal: Principal, tenant_id: str, token_id: str
) -> None:
    """Deactivates in the database, then tells every replica through `auth.revocations`."""
    if not _is_uuid(token_id):
        raise NotFound("no such webhook token")
    async with deps.store.transaction(tenant_id) as tx:
        if not await tx.deactivate_token(tenant_id, token_id):
            raise NotFound("no such webhook token")
        revocation = Revocation(kind="webhook_token", subject_id=token_id)
        await acknowledged(
            deps.bus.publish(
                AUTH_REVOCATIONS,
                revocation,
                key=event_key(tenant_id, token_id),
                tenant_id=tenant_id,
                actor=principal.user_id,
            ),
            deps.publish_timeout,
        )
        await _audit(deps, principal, tenant_id, "webhook_token.revoke", token_id)
    deps.revocations.add(revocation)
    deps.directory.forget(token_id)


async def set_secrets(
    deps: AdminDeps, principal: Principal, tenant_id: str, provider_name: str, secrets: Any
) -> None:
    provider = provider_named(provider_name)
    values = _secrets(provider, secrets)
    sealed = deps.box.seal(values, tenant_id=tenant_id, provider=provider.value)
    async with deps.store.transaction(tenant_id) as tx:
        await tx.save_secrets(tenant_id, provider, sealed, len(values), principal.user_id)
        await _audit(
            deps, principal, tenant_id, "provider_secrets.update", provider.value, count=len(values)
        )
    deps.admission.forget_secrets(tenant_id, provider.value)


def _provider(name: Any) -> Provider:
    if name is None:
        raise ValidationFailed("missing required field: provider", code="missing_field")
    if isinstance(name, str) and name in Provider._value2member_map_:
        return provider_named(name)
    raise ValidationFailed(
        f"field provider must be one of {', '.join(Provider)}", code="invalid_field"
    )


def _secrets(provider: Provider, secrets: Any) -> list[str]:
    if not isinstance(secrets, list) or not 1 <= len(secrets) <= 2:
        raise ValidationFailed(
            "field secrets must list one or two secrets (newest first)", code="invalid_field"
        )
    for value in secrets:
        if (
            not isinstance(value, str)
            or not 8 <= len(value) <= MAX_SECRET_LENGTH
            or not value.isprintable()
        ):
            raise ValidationFailed(
                f"each secret must be printable text of 8 to {MAX_SECRET_LENGTH} characters",
                code="invalid_field",
            )
        check_secret_shape(provider, value)
    return list(secrets)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


async def _audit(
    deps: AdminDeps, principal: Principal, tenant_id: str, action: str, resource: str, **params: Any
) -> None:
    await deps.audit.record(
        action, actor=principal, tenant_id=tenant_id, resource=resource, params=params
    )
