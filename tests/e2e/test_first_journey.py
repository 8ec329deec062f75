"""The first journey across the bus: a provider's webhook becomes a call only its tenant sees."""

from typing import Any

import httpx
import pytest
from journey_helpers import eventually, make_tenant_admin, make_webhook_url, standard_call

from switchboard_deploy.testing import bearer, unique_id

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def tenant_a(gateway_url: str, owner_token: str) -> tuple[str, str]:
    return make_tenant_admin(gateway_url, owner_token)


@pytest.fixture(scope="module")
def tenant_b(gateway_url: str, owner_token: str) -> tuple[str, str]:
    return make_tenant_admin(gateway_url, owner_token)


@pytest.fixture(scope="module")
def webhook_url(gateway_url: str, tenant_a: tuple[str, str]) -> str:
    return make_webhook_url(gateway_url, *tenant_a)


def test_a_webhook_becomes_a_call_that_only_its_tenant_sees(
    gateway_url: str, webhook_url: str, tenant_a: tuple[str, str], tenant_b: tuple[str, str]
) -> None:
    call_id = unique_id("call")
    accepted = httpx.post(
        webhook_url, json=standard_call(call_id), headers={"webhook-id": unique_id("msg")}
    )
    assert accepted.status_code == 202, accepted.text
    assert accepted.json()["duplicate"] is False

    def find(token: str) -> list[dict[str, Any]]:
        listing = httpx.get(
            f"{gateway_url}/api/calls", params={"call_id": call_id}, headers=bearer(token)
        )
        assert listing.status_code == 200, listing.text
        return list(listing.json()["items"])

    [call] = eventually(lambda: find(tenant_a[1]))
    assert (call["call_id"], call["agent_name"], call["disposition"]) == (call_id, "Ava", "booked")

    assert find(tenant_b[1]) == []
    stranger = httpx.get(f"{gateway_url}/api/calls/{call['id']}", headers=bearer(tenant_b[1]))
    assert stranger.status_code == 404
    assert stranger.json()["error"] == "not_found"


def test_the_same_delivery_twice_is_acknowledged_as_a_duplicate(webhook_url: str) -> None:
    delivery = unique_id("msg")
    body = standard_call(unique_id("call"))
    first = httpx.post(webhook_url, json=body, headers={"webhook-id": delivery})
    second = httpx.post(webhook_url, json=body, headers={"webhook-id": delivery})
    assert (first.status_code, second.status_code) == (202, 202)
    assert (first.json()["duplicate"], second.json()["duplicate"]) == (False, True)


@pytest.mark.parametrize(
    ("content", "status"),
    [
        (b"{not json", 400),
        (b"[]", 400),
        (b'{"type": "call.ended", "timestamp": "2026-01-07T12:00:00Z", "data": {}}', 422),
        (b'{"type": "call.exploded", "data": {"call_id": "x"}}', 422),
    ],
)
def test_bad_webhook_bodies_get_a_clear_json_error_never_a_500(
    webhook_url: str, content: bytes, status: int
) -> None:
    response = httpx.post(
        webhook_url,
        content=content,
        headers={"content-type": "application/json", "webhook-id": unique_id("msg")},
    )
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"]
    assert body["detail"]


def test_a_webhook_with_an_unknown_token_is_refused(gateway_url: str) -> None:
    response = httpx.post(
        f"{gateway_url}/api/webhooks/standard",
        params={"token": "not-a-token"},
        json=standard_call(unique_id("call")),
    )
    assert response.status_code == 401
    assert response.json()["error"]


def test_signing_in_with_a_malformed_body_is_a_400_not_a_500(gateway_url: str) -> None:
    response = httpx.post(
        f"{gateway_url}/api/auth/login",
        content=b"{oops",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"
