"""The forwarder passes what the owning service needs and turns a silent service into 503."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from switchboard_deploy.ports import free_port
from switchboard_gateway.proxy import Forwarder, Incoming, client_address, owning_service
from switchboard_shared.errors import Unavailable

URLS = {"webhook-ingest": "http://ingest.internal", "call-store": "http://calls.internal"}


def _incoming(**overrides: object) -> Incoming:
    values: dict[str, object] = {
        "method": "POST",
        "raw_path": "/api/webhooks/twilio",
        "query": b"token=abc&x=%20y",
        "headers": {
            "authorization": "Bearer t",
            "content-type": "application/x-www-form-urlencoded",
            "x-twilio-signature": "sig",
            "webhook-id": "msg_1",
            "cookie": "secret=1",
            "host": "public.example",
        },
        "body": b"CallSid=CA1&From=%2B15551234567",
        "client_address": "203.0.113.9",
        "host": "public.example",
        "scheme": "https",
    }
    values.update(overrides)
    return Incoming(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/api/webhooks/bland", "webhook-ingest"),
        ("/api/tenants/t1/webhook-tokens", "webhook-ingest"),
        ("/api/tenants/t1/providers/twilio", "webhook-ingest"),
        ("/api/calls", "call-store"),
        ("/api/calls/c1/transcript", "call-store"),
        ("/api/admin/calls", "call-store"),
        ("/api/locations", "onboarding"),
        ("/api/bulk/status", "onboarding"),
        ("/api/provisioning/schema", "provisioning"),
        ("/api/audit/verify", "audit"),
        ("/api/owner/command", "command-control"),
        ("/api/admin/dlq/calls.events.v1", "command-control"),
        ("/api/tenants/t1/users", None),
        ("/api/callsign", None),
    ],
)
def test_each_path_belongs_to_one_service(path: str, service: str | None) -> None:
    assert owning_service(path) == service


@dataclass
class Upstream:
    """A real HTTP server standing in for a service: records requests, answers as told."""

    answer: Callable[[web.Request], Awaitable[web.StreamResponse]]
    seen: list[tuple[web.Request, bytes]] = field(default_factory=list)

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[dict[str, str]]:
        async def handle(request: web.Request) -> web.StreamResponse:
            self.seen.append((request, await request.read()))
            return await self.answer(request)

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handle)
        server = TestServer(app)
        await server.start_server()
        try:
            yield {name: str(server.make_url("")) for name in URLS}
        finally:
            await server.close()


async def accepted(_: web.Request) -> web.StreamResponse:
    return web.json_response({"event_id": "e1"}, status=202, headers={"x-request-id": "r"})


async def test_method_path_query_body_and_signature_headers_are_passed_on() -> None:
    upstream = Upstream(accepted)
    async with upstream.serving() as urls:
        forwarder = Forwarder(urls, 1.0)
        reply = await forwarder.forward("webhook-ingest", _incoming())
        await forwarder.aclose()
    sent, body = upstream.seen[0]
    assert reply.status_code == 202
    assert json.loads(reply.content) == {"event_id": "e1"}
    assert reply.headers["x-request-id"] == "r"
    assert sent.method == "POST"
    assert sent.raw_path == "/api/webhooks/twilio?token=abc&x=%20y"
    assert body == b"CallSid=CA1&From=%2B15551234567"
    assert sent.headers["x-twilio-signature"] == "sig"
    assert sent.headers["webhook-id"] == "msg_1"
    assert sent.headers["authorization"] == "Bearer t"
    assert "cookie" not in sent.headers
    assert sent.headers["x-forwarded-for"] == "203.0.113.9"
    assert sent.headers["x-forwarded-host"] == "public.example"
    assert sent.headers["x-forwarded-proto"] == "https"
    assert sent.headers["x-request-id"]


async def test_an_earlier_forwarded_for_is_kept() -> None:
    async def ok(_: web.Request) -> web.StreamResponse:
        return web.Response(status=200)

    upstream = Upstream(ok)
    incoming = _incoming(headers={"x-forwarded-for": "198.51.100.1", "x-request-id": "abc"})
    async with upstream.serving() as urls:
        forwarder = Forwarder(urls, 1.0)
        await forwarder.forward("call-store", incoming)
        await forwarder.aclose()
    sent, _ = upstream.seen[0]
    assert sent.headers["x-forwarded-for"] == "198.51.100.1, 203.0.113.9"
    assert sent.headers["x-request-id"] == "abc"


async def test_a_silent_service_is_unavailable() -> None:
    async def silent(_: web.Request) -> web.StreamResponse:
        await asyncio.sleep(5)
        return web.Response(status=200)

    async with Upstream(silent).serving() as urls:
        forwarder = Forwarder(urls, 0.2)
        with pytest.raises(Unavailable) as caught:
            await forwarder.forward("call-store", _incoming())
        await forwarder.aclose()
    assert caught.value.retry_after is not None


async def test_an_absent_service_is_unavailable() -> None:
    urls = {name: f"http://127.0.0.1:{free_port()}" for name in URLS}
    forwarder = Forwarder(urls, 1.0)
    with pytest.raises(Unavailable) as caught:
        await forwarder.forward("call-store", _incoming())
    await forwarder.aclose()
    assert caught.value.retry_after is not None


def test_the_peer_is_the_client_unless_it_is_a_trusted_proxy() -> None:
    trusted = frozenset({"10.0.0.1"})
    assert client_address("203.0.113.9", "198.51.100.1", trusted) == "203.0.113.9"
    assert client_address("10.0.0.1", "198.51.100.1, 203.0.113.9", trusted) == "203.0.113.9"
    assert client_address("10.0.0.1", "198.51.100.1, 10.0.0.1", trusted) == "198.51.100.1"
    assert client_address("10.0.0.1", None, trusted) == "10.0.0.1"
