"""Every paginated route speaks one cursor codec: a cursor it did not issue is the caller's
`400 invalid_cursor`, on every service, and the cursor it issues leads to the next page."""

from __future__ import annotations

import httpx
import pytest
from journey_helpers import make_tenant_admin

from switchboard_deploy.testing import bearer

pytestmark = pytest.mark.e2e

PAGINATED = [
    ("owner", "/api/tenants"),
    ("owner", "/api/platform/users"),
    ("admin", "/api/tenants/{tenant_id}/users"),
    ("admin", "/api/calls"),
    ("owner", "/api/admin/calls"),
    ("owner", "/api/audit"),
    ("owner", "/api/admin/dlq"),
    ("admin", "/api/locations"),
]
NOT_OURS = ["not-a-cursor", "eyJ0IjogMX0", "WyJzZXEiLCAiMSJd", "%%%"]


@pytest.mark.parametrize(("who", "path"), PAGINATED)
def test_a_cursor_the_route_did_not_issue_is_a_clear_400(
    gateway_url: str, owner_token: str, who: str, path: str
) -> None:
    tenant_id, admin_token = make_tenant_admin(gateway_url, owner_token)
    token = owner_token if who == "owner" else admin_token
    url = gateway_url + path.format(tenant_id=tenant_id)
    assert httpx.get(url, headers=bearer(token), timeout=15).status_code == 200
    for cursor in NOT_OURS:
        answer = httpx.get(url, params={"cursor": cursor}, headers=bearer(token), timeout=15)
        assert answer.status_code == 400, (cursor, answer.text)
        assert answer.json()["error"] == "invalid_cursor", (cursor, answer.text)


def test_the_issued_cursor_leads_to_the_next_page(gateway_url: str, owner_token: str) -> None:
    for _ in range(3):
        make_tenant_admin(gateway_url, owner_token)
    first = httpx.get(
        f"{gateway_url}/api/tenants", params={"limit": 2}, headers=bearer(owner_token)
    ).json()
    assert first["next_cursor"]
    second = httpx.get(
        f"{gateway_url}/api/tenants",
        params={"limit": 2, "cursor": first["next_cursor"]},
        headers=bearer(owner_token),
    ).json()
    seen = {t["id"] for t in first["items"]}
    assert second["items"]
    assert not seen & {t["id"] for t in second["items"]}
