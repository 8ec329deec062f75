"""The webhook use case: authenticate, admit, verify, parse, deduplicate, publish, acknowledge."""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qsl

from switchboard_shared.bus import Outgoing
from switchboard_shared.envelope import event_key
from switchboard_shared.errors import AppError, BadRequest, PayloadTooLarge, Unauthorized
from switchboard_shared.events import LeadEvent, WebhookReceived, utcnow
from switchboard_shared.topics import CALLS_EVENTS, LEADS_EVENTS, WEBHOOKS_RECEIVED
from switchboard_webhook_ingest.admission import AdmissionControl
from switchboard_webhook_ingest.deliveries import DeliveryBatcher
from switchboard_webhook_ingest.directory import TokenDirectory
from switchboard_webhook_ingest.domain import Provider, WebhookToken, event_id, provider_named
from switchboard_webhook_ingest.ports import Preparer
from switchboard_webhook_ingest.providers import PARSERS, Incoming, Parsed
from switchboard_webhook_ingest.secretbox import SecretBox, SecretBoxError
from switchboard_webhook_ingest.signatures import VERIFIERS, SignedRequest
from switchboard_webhook_ingest.store import Claim, Store

log = logging.getLogger(__name__)

MAX_KEY_LENGTH = 200
MAX_EVENT_BYTES = 1_000_000  # below the producer's request size, with room for headers
Verification = Literal["verified", "unsigned"]


@dataclass(frozen=True)
class WebhookRequest:
    provider: str
    token: str | None
    body: bytes
    content_type: str
    headers: Mapping[str, str]
    public_url: str


@dataclass(frozen=True)
class Outcome:
    event_id: str | None
    duplicate: bool = False
    ignored: str | None = None


@dataclass(frozen=True)
class IngestDeps:
    store: Store
    bus: Preparer
    deliveries: DeliveryBatcher
    box: SecretBox
    directory: TokenDirectory
    admission: AdmissionControl
    tolerance: int
    clock: Callable[[], float] = field(default=time.time)


async def ingest(deps: IngestDeps, request: WebhookRequest) -> Outcome:
    provider = provider_named(request.provider)
    token = await deps.directory.resolve(request.token)
    if token.provider is not provider:
        raise Unauthorized("this token is for another provider", code="invalid_token")
    secrets = await _admit(deps, token)
    try:
        verification = _verify(deps, provider, request, secrets)
        parsed = PARSERS[provider](Incoming(request.body, request.content_type, request.headers))
        prepared = _prepare(deps, token, request, parsed, verification)
    except AppError as error:
        await _log_outcome(deps, token, "rejected", None, f"{error.code}: {error.detail}"[:300])
        raise
    if prepared is None:
        await _log_outcome(deps, token, "ignored", None, parsed.ignored)
        return Outcome(event_id=None, ignored=parsed.ignored)
    claim, messages = prepared
    new = await deps.deliveries.deliver(claim, messages)
    return Outcome(event_id=claim.event_id, duplicate=not new)


async def _admit(deps: IngestDeps, token: WebhookToken) -> list[str]:
    """A rate-limit token for the tenant, then its secrets for this provider (if any)."""
    sealed = await deps.admission.admit(token, touch=deps.directory.due_for_touch(token.id))
    if sealed is None:
        return []
    try:
        return deps.box.open(sealed, tenant_id=token.tenant_id, provider=token.provider.value)
    except SecretBoxError:
        log.error("provider secrets of a tenant cannot be opened; check SECRETS_KEY")
        raise Unauthorized("signature cannot be verified", code="invalid_signature") from None


def _verify(
    deps: IngestDeps, provider: Provider, request: WebhookRequest, secrets: list[str]
) -> Verification:
    if not secrets:
        return "unsigned"
    form = (
        parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True)
        if _is_form(request)
        else []
    )
    signed = SignedRequest(
        body=request.body,
        headers=request.headers,
        url=request.public_url,
        form=form,
        now=deps.clock(),
        tolerance=deps.tolerance,
    )
    VERIFIERS[provider](signed, secrets)
    return "verified"


def _is_form(request: WebhookRequest) -> bool:
    return "application/x-www-form-urlencoded" in request.content_type.lower()


def stored_key(dedup_key: str) -> str:
    """Provider keys as given when short and printable; otherwise their SHA-256."""
    if len(dedup_key) <= MAX_KEY_LENGTH and dedup_key.isprintable():
        return dedup_key
    return "sha256:" + hashlib.sha256(dedup_key.encode("utf-8", "replace")).hexdigest()


def _prepare(
    deps: IngestDeps,
    token: WebhookToken,
    request: WebhookRequest,
    parsed: Parsed,
    verification: Verification,
) -> tuple[Claim, list[Outgoing]] | None:
    """The dedup claim and the two encoded events (normalised, and the raw delivery log)."""
    if parsed.event is None:
        return None
    dedup_key = stored_key(parsed.dedup_key)
    eid = event_id(token.tenant_id, token.provider, dedup_key)
    key = event_key(token.tenant_id, parsed.entity_id)
    topic = LEADS_EVENTS if isinstance(parsed.event, LeadEvent) else CALLS_EVENTS
    received = WebhookReceived(
        delivery_id=eid,
        provider=token.provider.value,
        token_id=token.id,
        received_at=utcnow(),
        verification=verification,
        content_type=request.content_type[:200],
        body=request.body.decode("utf-8", "replace"),
    )
    try:
        messages = [
            deps.bus.prepare(
                topic,
                parsed.event,
                key=key,
                tenant_id=token.tenant_id,
                envelope_id=eid,
                correlation_id=eid,
            ),
            deps.bus.prepare(
                WEBHOOKS_RECEIVED,
                received,
                key=key,
                tenant_id=token.tenant_id,
                envelope_id=str(uuid.uuid5(uuid.UUID(eid), "received")),
                correlation_id=eid,
            ),
        ]
    except (ValueError, TypeError, UnicodeError) as error:
        # An event that cannot be encoded is the client's fault (400), not a reason to retry.
        raise BadRequest(
            f"body cannot be re-encoded: {str(error)[:120]}", code="malformed_body"
        ) from None
    if any(len(message.body) > MAX_EVENT_BYTES for message in messages):
        raise PayloadTooLarge("the event is larger than the broker accepts")
    claim = Claim(token.tenant_id, token.provider.value, dedup_key, eid, token.id)
    return claim, messages


async def _log_outcome(
    deps: IngestDeps, token: WebhookToken, status: str, eid: str | None, detail: str | None
) -> None:
    """Best effort: a failure to log a refusal must not change the answer."""
    try:
        async with deps.store.transaction(token.tenant_id) as tx:
            await tx.log_delivery(token.tenant_id, token.id, token.provider, status, eid, detail)
    except Exception as error:
        log.warning("could not record a %s delivery: %r", status, error)


async def recent_counts(
    deps: IngestDeps, provider_name: str, token_value: str | None
) -> dict[str, object]:
    provider = provider_named(provider_name)
    token = await deps.directory.resolve(token_value)
    if token.provider is not provider:
        raise Unauthorized("this token is for another provider", code="invalid_token")
    async with deps.store.transaction(token.tenant_id) as tx:
        counts = await tx.delivery_counts(token.id, hours=24)
    return {
        "provider": provider.value,
        "token_id": token.id,
        "window_hours": 24,
        "accepted": counts.get("accepted", 0),
        "duplicates": counts.get("duplicate", 0),
        "ignored": counts.get("ignored", 0),
        "rejected": counts.get("rejected", 0),
    }
