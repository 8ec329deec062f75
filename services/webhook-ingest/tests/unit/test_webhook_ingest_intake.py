"""The webhook front: it answers webhook POSTs itself and hands everything else to the app."""

from __future__ import annotations

import json
from typing import Any

import pytest
from litestar import Litestar, get
from litestar.datastructures import State
from litestar.params import FromPath

from switchboard_webhook_ingest.intake import WebhookIntake, webhook_token

LIMIT = 64


@get("/api/webhooks/{provider:str}", sync_to_thread=False)
def counts(provider: FromPath[str]) -> dict[str, str]:
    return {"served_by": "app", "provider": provider}


def front() -> WebhookIntake:
    app = Litestar([counts], state=State({"public_base_url": "https://switchboard.test"}))
    return WebhookIntake(app, max_body_bytes=LIMIT)


async def call(
    service: WebhookIntake,
    method: str,
    path: str,
    *,
    parts: list[dict[str, Any]] | None = None,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> tuple[int, dict[str, Any]]:
    """Runs one request through the front as a server would; answers status and JSON body."""
    incoming = list(parts or [{"type": "http.request", "body": b"", "more_body": False}])
    sent: list[dict[str, Any]] = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers or [],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "state": {},
    }

    async def receive() -> dict[str, Any]:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await service(scope, receive, send)  # type: ignore[arg-type]
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body)


async def test_a_get_on_the_webhook_path_is_answered_by_the_app() -> None:
    status, body = await call(front(), "GET", "/api/webhooks/standard")
    assert (status, body) == (200, {"served_by": "app", "provider": "standard"})


@pytest.mark.parametrize("path", ["/api/webhooks/", "/api/webhooks/a/b", "/api/calls"])
async def test_a_post_elsewhere_goes_to_the_app_and_its_routing(path: str) -> None:
    status, _ = await call(front(), "POST", path)
    assert status in (404, 405)


async def test_a_declared_body_over_the_limit_is_refused_before_it_is_read() -> None:
    headers = [(b"content-length", str(LIMIT + 1).encode())]
    status, body = await call(front(), "POST", "/api/webhooks/standard", headers=headers)
    assert status == 413
    assert body["error"] == "payload_too_large"


async def test_a_streamed_body_over_the_limit_is_refused_as_it_grows() -> None:
    chunk = {"type": "http.request", "body": b"x" * (LIMIT // 2 + 1), "more_body": True}
    status, body = await call(front(), "POST", "/api/webhooks/standard", parts=[chunk, chunk])
    assert status == 413
    assert body["error"] == "payload_too_large"


async def test_a_client_that_leaves_mid_body_gets_a_client_error_not_a_half_body() -> None:
    first = {"type": "http.request", "body": b'{"type": "call', "more_body": True}
    status, body = await call(front(), "POST", "/api/webhooks/standard", parts=[first])
    assert status == 400
    assert body["error"] == "malformed_body"


def test_the_webhook_token_comes_from_the_query_then_the_header_then_a_bearer() -> None:
    headers = {"x-webhook-token": "from-header", "authorization": "Bearer from-bearer"}
    assert webhook_token(b"other=1&token=from-query", headers) == "from-query"
    assert webhook_token(b"token=", headers) == "from-header"
    assert webhook_token(b"", {"authorization": "bearer  from-bearer "}) == "from-bearer"
    assert webhook_token(b"", {"authorization": "Basic abc"}) is None
