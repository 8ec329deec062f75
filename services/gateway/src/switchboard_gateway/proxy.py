"""Forwarding `/api/...` to the service that owns the path, over one shared HTTP client.

The client is aiohttp's: its pool hands out an idle keep-alive connection without inspecting
every other one, which keeps forwarding cheap at thousands of requests a second. Idle
connections are dropped before the services' own keep-alive timeout (uvicorn's 5 s), so a
request never goes out on a connection the service is closing.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

import aiohttp
from yarl import URL

from switchboard_shared.errors import Unavailable

log = logging.getLogger(__name__)

FORWARDED_REQUEST_HEADERS = frozenset(
    {
        "authorization",
        "content-type",
        "accept",
        "user-agent",
        "traceparent",
        "tracestate",
        "idempotency-key",
        "x-twilio-signature",
        "x-signature",
        "x-timestamp",
        "x-webhook-signature",
        "x-retell-signature",
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
        "x-webhook-token",
        "x-webhook-secret",
        "x-vapi-secret",
    }
)
DROPPED_RESPONSE_HEADERS = frozenset(
    {
        "connection",
        "keep-alive",
        "transfer-encoding",
        "content-length",
        "content-encoding",
        "date",
        "server",
        "upgrade",
        "proxy-authenticate",
        "trailer",
    }
)
RETRY_AFTER_SECONDS = 5
KEEPALIVE_SECONDS = 2.0
MAX_CONNECTIONS = 256

# (path prefix, owning service); the first match wins, so longer prefixes come first.
ROUTES: tuple[tuple[str, str], ...] = (
    ("/api/webhooks/", "webhook-ingest"),
    ("/api/calls", "call-store"),
    ("/api/admin/calls", "call-store"),
    ("/api/locations", "onboarding"),
    ("/api/onboarding/", "onboarding"),
    ("/api/approvals/", "onboarding"),
    ("/api/bulk/", "onboarding"),
    ("/api/provisioning/", "provisioning"),
    ("/api/audit", "audit"),
    ("/api/owner/command", "command-control"),
    ("/api/system/status", "command-control"),
    ("/api/admin/dlq", "command-control"),
)
TENANT_ROUTES: tuple[tuple[str, str], ...] = (
    ("webhook-tokens", "webhook-ingest"),
    ("providers", "webhook-ingest"),
)


def owning_service(path: str) -> str | None:
    parts = path.split("/")
    if len(parts) >= 5 and parts[1:3] == ["api", "tenants"]:
        return dict(TENANT_ROUTES).get(parts[4])
    for prefix, service in ROUTES:
        base = prefix.rstrip("/")
        if path.startswith(base + "/") or (path == base and not prefix.endswith("/")):
            return service
    return None


@dataclass(frozen=True)
class Incoming:
    method: str
    raw_path: str
    query: bytes
    headers: dict[str, str]
    body: bytes
    client_address: str | None
    host: str
    scheme: str


@dataclass(frozen=True)
class Outgoing:
    status_code: int
    headers: dict[str, str]
    content: bytes


class Forwarder:
    def __init__(
        self,
        service_urls: dict[str, str],
        timeout_seconds: float,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self._urls = service_urls
        self._timeout = timeout_seconds
        self._session = session

    def _http(self) -> aiohttp.ClientSession:
        """Made on first use, inside the serving event loop."""
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=MAX_CONNECTIONS, keepalive_timeout=KEEPALIVE_SECONDS
                ),
                timeout=aiohttp.ClientTimeout(total=self._timeout),
                skip_auto_headers=("Accept-Encoding", "User-Agent"),
            )
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def forward(self, service: str, incoming: Incoming) -> Outgoing:
        target = self._urls[service].rstrip("/") + incoming.raw_path
        if incoming.query:
            target += "?" + incoming.query.decode("latin-1")
        try:
            async with self._http().request(
                incoming.method,
                URL(target, encoded=True),
                headers=_request_headers(incoming),
                data=incoming.body,
                allow_redirects=False,
            ) as response:
                content = await response.read()
        except (TimeoutError, aiohttp.ClientError, ValueError) as error:
            log.warning(
                "%s unavailable for %s %s: %r", service, incoming.method, incoming.raw_path, error
            )
            raise Unavailable(
                f"{service} is not answering; retry shortly", retry_after=RETRY_AFTER_SECONDS
            ) from error
        headers = {
            name: value
            for name, value in ((k.lower(), v) for k, v in response.headers.items())
            if name not in DROPPED_RESPONSE_HEADERS
        }
        return Outgoing(response.status, headers, content)


def client_address(
    peer: str | None, forwarded_for: str | None, trusted: frozenset[str]
) -> str | None:
    """The caller's address: the peer, or behind trusted proxies the last untrusted hop."""
    if peer not in trusted or not forwarded_for:
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    untrusted = [hop for hop in hops if hop not in trusted]
    return untrusted[-1] if untrusted else peer


def _request_headers(incoming: Incoming) -> dict[str, str]:
    headers = {k: v for k, v in incoming.headers.items() if k.lower() in FORWARDED_REQUEST_HEADERS}
    headers["x-request-id"] = incoming.headers.get("x-request-id") or str(uuid.uuid4())
    earlier = incoming.headers.get("x-forwarded-for")
    address = incoming.client_address or "unknown"
    headers["x-forwarded-for"] = f"{earlier}, {address}" if earlier else address
    headers["x-forwarded-host"] = incoming.host
    headers["x-forwarded-proto"] = incoming.scheme
    return headers
