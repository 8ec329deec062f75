"""The forwarder passes what the owning service needs and turns a silent service into 503."""

from __future__ import annotations

import httpx
import pytest

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


async def test_method_path_query_body_and_signature_headers_are_passed_on() -> None:
    seen: list[httpx.Request] = []

    def upstream(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202, json={"event_id": "e1"}, headers={"x-request-id": "r"})

    forwarder = Forwarder(
        URLS, 1.0, client=httpx.AsyncClient(transport=httpx.MockTransport(upstream))
    )
    reply = await forwarder.forward("webhook-ingest", _incoming())
    sent = seen[0]
    assert reply.status_code == 202
    assert sent.method == "POST"
    assert str(sent.url) == "http://ingest.internal/api/webhooks/twilio?token=abc&x=%20y"
    assert sent.content == b"CallSid=CA1&From=%2B15551234567"
    assert sent.headers["x-twilio-signature"] == "sig"
    assert sent.headers["webhook-id"] == "msg_1"
    assert sent.headers["authorization"] == "Bearer t"
    assert "cookie" not in sent.headers
    assert sent.headers["x-forwarded-for"] == "203.0.113.9"
    assert sent.headers["x-forwarded-host"] == "public.example"
    assert sent.headers["x-forwarded-proto"] == "https"
    assert sent.headers["x-request-id"]


async def test_an_earlier_forwarded_for_is_kept() -> None:
    seen: list[httpx.Request] = []

    def upstream(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    forwarder = Forwarder(
        URLS, 1.0, client=httpx.AsyncClient(transport=httpx.MockTransport(upstream))
    )
    incoming = _incoming(headers={"x-forwarded-for": "198.51.100.1", "x-request-id": "abc"})
    await forwarder.forward("call-store", incoming)
    assert seen[0].headers["x-forwarded-for"] == "198.51.100.1, 203.0.113.9"
    assert seen[0].headers["x-request-id"] == "abc"


@pytest.mark.parametrize("failure", [httpx.ReadTimeout("slow"), httpx.ConnectError("down")])
async def test_a_silent_or_absent_service_is_unavailable(failure: Exception) -> None:
    def upstream(request: httpx.Request) -> httpx.Response:
        raise failure

    forwarder = Forwarder(
        URLS, 1.0, client=httpx.AsyncClient(transport=httpx.MockTransport(upstream))
    )
    with pytest.raises(Unavailable) as caught:
        await forwarder.forward("call-store", _incoming())
    assert caught.value.retry_after is not None


def test_the_peer_is_the_client_unless_it_is_a_trusted_proxy() -> None:
    trusted = frozenset({"10.0.0.1"})
    assert client_address("203.0.113.9", "198.51.100.1", trusted) == "203.0.113.9"
    assert client_address("10.0.0.1", "198.51.100.1, 203.0.113.9", trusted) == "203.0.113.9"
    assert client_address("10.0.0.1", "198.51.100.1, 10.0.0.1", trusted) == "198.51.100.1"
    assert client_address("10.0.0.1", None, trusted) == "10.0.0.1"
