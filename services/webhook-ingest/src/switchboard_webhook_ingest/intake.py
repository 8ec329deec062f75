"""The webhook hot path as a bare ASGI front.

`POST /api/webhooks/{provider}` is answered here, without the framework's per-request machinery
(signature models, dependency injection, response objects), which cost about a fifth of a
webhook's CPU. Every other request, the `GET` on the same path included, goes on to the app.
The answers are the app's: the same JSON bodies, error codes and `Retry-After`.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from litestar import Litestar
from litestar.enums import ScopeType
from litestar.types import (
    HTTPResponseStartEvent,
    Receive,
    Scope,
    Send,
)
from prometheus_client import Counter, Histogram

from switchboard_shared.errors import AppError, BadRequest, PayloadTooLarge
from switchboard_webhook_ingest import ingest
from switchboard_webhook_ingest.handlers import database_guard
from switchboard_webhook_ingest.ingest import Outcome, WebhookRequest

log = logging.getLogger(__name__)

PREFIX = "/api/webhooks/"
TOKEN_HEADER = "x-webhook-token"
JSON_HEADERS = [(b"content-type", b"application/json")]


class WebhookMetrics:
    """The request metrics the app keeps for its own routes, kept here for the webhooks."""

    def __init__(self) -> None:
        self.answered = Counter(
            "webhook_requests",
            "Webhook requests answered, by provider and status",
            ["provider", "status_code"],
        )
        self.seconds = Histogram(
            "webhook_request_duration_seconds", "Time to answer a webhook, in seconds", ["provider"]
        )


@functools.cache
def webhook_metrics() -> WebhookMetrics:
    """One set per process: the default registry refuses a metric registered twice."""
    return WebhookMetrics()


class WebhookIntake:
    routes_served = (("POST", "/api/webhooks/{provider}"),)
    """What this front answers itself, for whoever lists the service's routes."""

    def __init__(self, app: Litestar, *, max_body_bytes: int) -> None:
        self.app = app
        self._metrics = webhook_metrics()
        self._max_body = max_body_bytes

    @property
    def state(self) -> Any:
        return self.app.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        provider = _webhook_provider(scope)
        if provider is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status, body, headers = await self._answer(provider, scope, receive)
        start: HTTPResponseStartEvent = {
            "type": "http.response.start",
            "status": status,
            "headers": [*JSON_HEADERS, (b"content-length", str(len(body)).encode()), *headers],
        }
        await send(start)
        await send({"type": "http.response.body", "body": body, "more_body": False})
        self._metrics.answered.labels(provider, str(status)).inc()
        self._metrics.seconds.labels(provider).observe(time.perf_counter() - started)

    async def _answer(
        self, provider: str, scope: Scope, receive: Receive
    ) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
        state = self.app.state
        try:
            headers = {
                k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]
            }
            request = WebhookRequest(
                provider=provider,
                token=webhook_token(scope["query_string"], headers),
                body=await _body(receive, headers, self._max_body),
                content_type=headers.get("content-type", ""),
                headers=headers,
                public_url=_public_url(state.public_base_url, scope),
            )
            # One trace per webhook: both events it produces carry its traceparent.
            with state.tracer.start_as_current_span("webhook.receive"):
                async with database_guard():
                    outcome = await ingest.ingest(state.ingest_deps, request)
        except AppError as error:
            return _error(error)
        except Exception:
            log.exception("unhandled error on POST %s%s", PREFIX, provider)
            return 500, _json({"error": "internal", "detail": "an internal error occurred"}), []
        return 202, _json(_accepted(outcome)), []


def _webhook_provider(scope: Scope) -> str | None:
    """The provider named by a `POST /api/webhooks/{provider}` request; None for anything else."""
    if scope["type"] != ScopeType.HTTP or scope["method"] != "POST":
        return None
    path = scope["path"]
    if not path.startswith(PREFIX):
        return None
    provider = path[len(PREFIX) :].removesuffix("/")
    return provider if provider and "/" not in provider else None


async def _body(receive: Receive, headers: dict[str, str], limit: int) -> bytes:
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge("the request body is too large")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise BadRequest("the client went away before the body ended", code="malformed_body")
        part = message
        chunk = part.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge("the request body is too large")
        chunks.append(chunk)
        if not part.get("more_body", False):
            break
    return b"".join(chunks)


def webhook_token(query: bytes, headers: Mapping[str, str]) -> str | None:
    """The tenant's webhook token: `?token=`, `X-Webhook-Token` or a bearer header."""
    if query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if name == "token" and value:
                return value
    scheme, _, bearer = headers.get("authorization", "").partition(" ")
    return headers.get(TOKEN_HEADER) or (bearer.strip() if scheme.lower() == "bearer" else None)


def _public_url(base: str, scope: Scope) -> str:
    """The URL as the provider called it through the gateway: what Twilio signs."""
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
    path = raw_path.split(b"?", 1)[0]  # some servers leave the query in raw_path
    query: bytes = scope.get("query_string", b"")
    url = base.rstrip("/") + path.decode("latin-1")
    return url + ("?" + query.decode("latin-1") if query else "")


def _accepted(outcome: Outcome) -> dict[str, Any]:
    body: dict[str, Any] = {"event_id": outcome.event_id, "duplicate": outcome.duplicate}
    if outcome.ignored:
        body["ignored"] = outcome.ignored
    return body


def _error(error: AppError) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    headers = []
    if error.retry_after is not None:
        headers.append((b"retry-after", str(error.retry_after).encode()))
    return error.status_code, _json({"error": error.code, "detail": error.detail}), headers


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()
