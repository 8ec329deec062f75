"""Provider secrets per tenant: stored sealed, never returned, enforced on every webhook."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import pytest
from webhook_ingest_harness import PUBLIC_BASE_URL, IngestHarness, admin_headers

from switchboard_deploy.testing import unique_id
from switchboard_shared.topics import WEBHOOKS_RECEIVED

pytestmark = pytest.mark.integration

STANDARD_SECRET = "whsec_" + base64.b64encode(b"standard-webhooks-key-0123").decode()
PREVIOUS_SECRET = "whsec_" + base64.b64encode(b"previous-webhooks-key-0123").decode()


def standard_signed(secret: str, body: bytes, stamp: int | None = None) -> dict[str, str]:
    message_id, moment = unique_id("msg"), stamp or int(time.time())
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{message_id}.{moment}.".encode() + body, hashlib.sha256).digest()
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(moment),
        "webhook-signature": "v1," + base64.b64encode(digest).decode(),
        "content-type": "application/json",
    }


def call_body() -> bytes:
    return json.dumps({"type": "call.ended", "data": {"call_id": unique_id("call")}}).encode()


async def test_a_secret_is_stored_sealed_and_never_returned(webhook_ingest: IngestHarness) -> None:
    tenant = unique_id("tenant")
    response = await webhook_ingest.client.put(
        f"/api/tenants/{tenant}/providers/standard",
        json={"secrets": [STANDARD_SECRET]},
        headers=admin_headers(tenant),
    )
    assert response.status_code == 204
    assert response.content == b""
    rows = await webhook_ingest.rows("SELECT * FROM provider_secrets WHERE tenant_id = %s", tenant)
    assert len(rows) == 1
    assert STANDARD_SECRET.encode() not in bytes(rows[0]["sealed"])
    assert STANDARD_SECRET.removeprefix("whsec_").encode() not in bytes(rows[0]["sealed"])


async def test_with_a_secret_set_an_unsigned_webhook_is_refused(
    webhook_ingest: IngestHarness,
) -> None:
    tenant, created = await webhook_ingest.new_token("standard")
    await webhook_ingest.set_secrets(tenant, "standard", [STANDARD_SECRET])
    response = await webhook_ingest.post("standard", created["token"], call_body())
    assert response.status_code == 401
    assert response.json()["error"] == "missing_signature"


async def test_a_signed_webhook_is_accepted_and_logged_as_verified(
    webhook_ingest: IngestHarness,
) -> None:
    tenant, created = await webhook_ingest.new_token("standard")
    await webhook_ingest.set_secrets(tenant, "standard", [STANDARD_SECRET])
    body = call_body()
    received = await webhook_ingest.reader(WEBHOOKS_RECEIVED.name)
    try:
        response = await webhook_ingest.post(
            "standard", created["token"], body, standard_signed(STANDARD_SECRET, body)
        )
        assert response.status_code == 202, response.text
        event_id = response.json()["event_id"]
        record = await received.find(lambda r: r.headers.get("ce_correlationid") == event_id)
    finally:
        await received.close()
    assert record.body["verification"] == "verified"


async def test_both_secrets_of_a_rotation_verify_and_a_third_does_not(
    webhook_ingest: IngestHarness,
) -> None:
    tenant, created = await webhook_ingest.new_token("standard")
    await webhook_ingest.set_secrets(tenant, "standard", [STANDARD_SECRET, PREVIOUS_SECRET])
    other = "whsec_" + base64.b64encode(b"somebody-else-entirely-01").decode()
    answers = []
    for secret in (STANDARD_SECRET, PREVIOUS_SECRET, other):
        body = call_body()
        response = await webhook_ingest.post(
            "standard", created["token"], body, standard_signed(secret, body)
        )
        answers.append(response.status_code)
    assert answers == [202, 202, 401]


async def test_a_replayed_signed_webhook_is_refused(webhook_ingest: IngestHarness) -> None:
    tenant, created = await webhook_ingest.new_token("standard")
    await webhook_ingest.set_secrets(tenant, "standard", [STANDARD_SECRET])
    body = call_body()
    headers = standard_signed(STANDARD_SECRET, body, stamp=int(time.time()) - 600)
    response = await webhook_ingest.post("standard", created["token"], body, headers)
    assert response.status_code == 401
    assert response.json()["error"] == "replayed"


async def test_twilio_is_verified_over_the_public_url_it_called(
    webhook_ingest: IngestHarness,
) -> None:
    tenant, created = await webhook_ingest.new_token("twilio")
    auth_token = "twilio-auth-token-0123456789"
    await webhook_ingest.set_secrets(tenant, "twilio", [auth_token])
    params = {
        "CallSid": "CA" + unique_id("s").replace("-", ""),
        "CallStatus": "ringing",
        "To": "+15550001111",
    }
    url = f"{PUBLIC_BASE_URL}/api/webhooks/twilio?token={created['token']}"
    message = url + "".join(k + params[k] for k in sorted(params))
    signature = base64.b64encode(
        hmac.new(auth_token.encode(), message.encode(), hashlib.sha1).digest()
    )
    form = {"Content-Type": "application/x-www-form-urlencoded"}

    good = await webhook_ingest.post(
        "twilio",
        created["token"],
        urlencode(params),
        {**form, "X-Twilio-Signature": signature.decode()},
    )
    bad = await webhook_ingest.post(
        "twilio",
        created["token"],
        urlencode({**params, "CallStatus": "busy"}),
        {**form, "X-Twilio-Signature": signature.decode()},
    )

    assert good.status_code == 202, good.text
    assert bad.status_code == 401


async def test_secrets_of_one_provider_do_not_apply_to_another(
    webhook_ingest: IngestHarness,
) -> None:
    tenant, created = await webhook_ingest.new_token("bland")
    await webhook_ingest.set_secrets(tenant, "vapi", ["vapi-secret-0123456789"])
    body = json.dumps({"call_id": unique_id("call"), "completed": True}).encode()
    response = await webhook_ingest.post(
        "bland", created["token"], body, {"content-type": "application/json"}
    )
    assert response.status_code == 202


@pytest.mark.parametrize(
    "body",
    [
        {"secrets": []},
        {"secrets": ["a", "b", "c"]},
        {"secrets": ["short"]},
        {"secrets": "not-a-list-0123456"},
        {"secrets": [12345678901]},
        {},
        {"secrets": ["whsec_!!!not-base64!!!"]},
    ],
)
async def test_bad_secrets_are_refused_with_422(
    webhook_ingest: IngestHarness, body: dict[str, object]
) -> None:
    tenant = unique_id("tenant")
    response = await webhook_ingest.client.put(
        f"/api/tenants/{tenant}/providers/standard", json=body, headers=admin_headers(tenant)
    )
    assert response.status_code == 422
    assert "secret" in response.json()["detail"]


async def test_secrets_of_an_unknown_provider_are_not_found(webhook_ingest: IngestHarness) -> None:
    tenant = unique_id("tenant")
    response = await webhook_ingest.client.put(
        f"/api/tenants/{tenant}/providers/fax",
        json={"secrets": ["x" * 20]},
        headers=admin_headers(tenant),
    )
    assert response.status_code == 404


async def test_only_admins_of_the_tenant_set_secrets(webhook_ingest: IngestHarness) -> None:
    tenant = unique_id("tenant")
    url = f"/api/tenants/{tenant}/providers/bland"
    body = {"secrets": ["bland-secret-0123456789"]}
    operator = await webhook_ingest.client.put(
        url, json=body, headers=admin_headers(tenant, "operator")
    )
    stranger = await webhook_ingest.client.put(
        url, json=body, headers=admin_headers(unique_id("tenant"))
    )
    assert (operator.status_code, stranger.status_code) == (403, 404)
