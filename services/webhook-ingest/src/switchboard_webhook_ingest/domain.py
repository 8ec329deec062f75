"""The rules of webhook ingestion that need no I/O: providers, tokens, event identity."""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from switchboard_shared.errors import NotFound

TOKEN_BYTES = 32
EVENT_NAMESPACE = uuid.UUID("6f1c2a0e-8b1d-4d5e-9a57-0c3f9e1b7d42")


class Provider(StrEnum):
    BLAND = "bland"
    VAPI = "vapi"
    TWILIO = "twilio"
    RETELL = "retell"
    CONVOSO_CALLS = "convoso-calls"
    CONVOSO_LEADS = "convoso-leads"
    STANDARD = "standard"


def provider_named(name: str) -> Provider:
    try:
        return Provider(name)
    except ValueError:
        raise NotFound(f"unknown provider {name[:40]!r}", code="unknown_provider") from None


def new_token() -> str:
    """32 random bytes, URL-safe base64 without padding: shown once, never stored."""
    return base64.urlsafe_b64encode(secrets.token_bytes(TOKEN_BYTES)).rstrip(b"=").decode()


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def webhook_url(public_base_url: str, provider: Provider, token: str) -> str:
    return f"{public_base_url.rstrip('/')}/api/webhooks/{provider.value}?token={token}"


@dataclass(frozen=True)
class WebhookToken:
    """What the service knows about a token once its hash was found."""

    id: str
    tenant_id: str
    provider: Provider
    active: bool


@dataclass(frozen=True)
class TokenSummary:
    id: str
    provider: str
    created_at: datetime
    last_used_at: datetime | None
    active: bool


def event_id(tenant_id: str, provider: Provider, dedup_key: str) -> str:
    """Deterministic, so a retry that is published twice carries the same id downstream."""
    return str(uuid.uuid5(EVENT_NAMESPACE, f"{tenant_id}\x1f{provider.value}\x1f{dedup_key}"))
