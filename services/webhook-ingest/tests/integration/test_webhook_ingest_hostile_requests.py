"""Whatever a client sends to the webhook routes, the answer is a clear 4xx or a 202, not a 500."""

from __future__ import annotations

import random
from typing import Any

import pytest
from webhook_ingest_harness import IngestHarness

pytestmark = pytest.mark.integration

PROVIDERS = ["bland", "vapi", "twilio", "retell", "convoso-calls", "convoso-leads", "standard"]
CONTENT_TYPES = [
    "application/json",
    "application/x-www-form-urlencoded",
    "text/plain",
    "multipart/form-data; boundary=x",
    "",
    "application/json; charset=latin-1",
]
BODIES: list[bytes] = [
    b"",
    b"{}",
    b"null",
    b'{"message": null}',
    b'{"message": {"type": "end-of-call-report", "call": []}}',
    b'{"event": 7, "call": {"call_id": {}}}',
    b'{"type": "call.ended", "data": {"call_id": "x", "segments": [1, 2]}}',
    b'{"type": "call.ended", "data": {"call_id": "x", "occurred_at": 1e400}}',
    b'{"call_id": "\\u0000", "agent": "\\ud800", "status": "s", "duration": 1e308}',
    b"CallSid=%00&CallStatus=%FF&Timestamp=Mon%2C+99+Foo",
    b"a=1&a=2&" * 200,
    b"\x00\x01\x02\xff" * 64,
    b'{"call_id": ' + b"9" * 5000 + b"}",
    b"{" + b'"k": {' * 400 + b"}" * 401,
]


def hostile_headers(rng: random.Random) -> dict[str, bytes]:
    names = ["x-signature", "x-timestamp", "webhook-id", "webhook-timestamp", "webhook-signature"]
    names += ["x-retell-signature", "x-twilio-signature", "x-webhook-signature", "x-vapi-secret"]
    values = ["", "v=,d=", "v1,", "NaN", "-1e999", "\u00e9\u00e8", "x" * 3000, "v=1,d=" + "0" * 64]
    return {name: rng.choice(values).encode("latin-1") for name in rng.sample(names, k=3)}


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_hostile_bodies_and_headers_get_a_client_error_or_an_acceptance(
    webhook_ingest: IngestHarness, provider: str
) -> None:
    tenant, created = await webhook_ingest.new_token(provider)
    rng = random.Random(provider)
    answers: list[tuple[int, Any]] = []
    for signed in (False, True):
        if signed:
            secret = (
                "whsec_c2lnbmluZy1zZWNyZXQtZm9yLXRlc3Rz"
                if provider == "standard"
                else "a-shared-secret-01"
            )
            await webhook_ingest.set_secrets(tenant, provider, [secret])
        for body in BODIES:
            headers = {"content-type": rng.choice(CONTENT_TYPES), **hostile_headers(rng)}
            response = await webhook_ingest.post(provider, created["token"], body, headers)
            answers.append((response.status_code, response.json() if response.content else None))
    for status, payload in answers:
        assert status in (202, 400, 401, 413, 415, 422), (status, payload)
        if status != 202:
            assert payload["error"]
            assert payload["detail"]


async def test_hostile_tokens_and_paths_are_refused_cleanly(webhook_ingest: IngestHarness) -> None:
    for token in ["%00", "%FF%FE", "a b", "\u00e9", "' OR 1=1 --", "x" * 300]:
        response = await webhook_ingest.client.post(
            f"/api/webhooks/standard?token={token}", content=b"{}"
        )
        assert response.status_code == 401, token
    for provider in ["..%2F..%2Fetc", "%00", "STANDARD", "a" * 500]:
        response = await webhook_ingest.client.post(
            f"/api/webhooks/{provider}?token=x", content=b"{}"
        )
        assert response.status_code == 404, provider
