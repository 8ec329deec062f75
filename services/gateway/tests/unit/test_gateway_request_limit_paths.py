"""Which paths the general request limit covers."""

from __future__ import annotations

import pytest

from switchboard_gateway.api.limits import limited


@pytest.mark.parametrize(
    "path", ["/api/auth/login", "/api/tenants", "/api/calls/abc", "/api/webhooksx"]
)
def test_every_api_path_is_limited(path: str) -> None:
    assert limited(path)


@pytest.mark.parametrize(
    "path", ["/api/webhooks/retell", "/health", "/ready", "/.well-known/jwks.json", "/metrics"]
)
def test_webhooks_and_paths_outside_the_api_are_not_limited(path: str) -> None:
    assert not limited(path)
