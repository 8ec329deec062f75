"""Every acknowledged webhook survives a crash (kill -9) of the service after the 202."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from journey_helpers import (
    all_call_ids,
    eventually,
    make_tenant_admin,
    make_webhook_url,
    standard_call,
)

from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import unique_id

pytestmark = pytest.mark.e2e

DELIVERIES = 400
CRASH_AFTER = 120


class WebhookStream:
    """Posts webhooks from a few threads and remembers which ones were acknowledged (202)."""

    def __init__(self, webhook_url: str) -> None:
        self.webhook_url = webhook_url
        self.acknowledged: set[str] = set()
        self.refused: int = 0
        self._lock = threading.Lock()
        self.crash_point = threading.Event()

    def post(self, call_id: str) -> None:
        try:
            response = httpx.post(
                self.webhook_url,
                json=standard_call(call_id),
                headers={"webhook-id": f"msg-{call_id}"},
                timeout=10,
            )
        except httpx.HTTPError:
            response = None
        with self._lock:
            if response is not None and response.status_code == 202:
                self.acknowledged.add(call_id)
                if len(self.acknowledged) >= CRASH_AFTER:
                    self.crash_point.set()
            else:
                self.refused += 1

    def run(self, call_ids: list[str]) -> None:
        with ThreadPoolExecutor(max_workers=6) as pool:
            list(pool.map(self.post, call_ids))


@pytest.fixture
def tenant(gateway_url: str, owner_token: str) -> tuple[str, str, str]:
    tenant_id, admin_token = make_tenant_admin(gateway_url, owner_token)
    return tenant_id, admin_token, make_webhook_url(gateway_url, tenant_id, admin_token)


@pytest.mark.parametrize("victim", ["call-store", "webhook-ingest"])
def test_after_a_kill_9_every_acknowledged_webhook_is_stored_exactly_once(
    platform: Stack, tenant: tuple[str, str, str], victim: str
) -> None:
    _, admin_token, webhook_url = tenant
    assert platform.supervisor is not None
    stream = WebhookStream(webhook_url)
    call_ids = [unique_id("crash") for _ in range(DELIVERIES)]
    sender = threading.Thread(target=stream.run, args=(call_ids,))
    sender.start()
    assert stream.crash_point.wait(60), "the stream never got going"
    platform.supervisor.kill(victim)
    platform.supervisor.restart(victim, platform.service_env(victim))
    sender.join(120)
    platform.supervisor.wait_ready(60)

    # Deliveries refused during the crash are what a provider retries; retry them as it would.
    for call_id in set(call_ids) - stream.acknowledged:
        stream.post(call_id)

    def all_stored() -> bool:
        return len(all_call_ids(platform.url("call-store"), admin_token)) >= DELIVERIES

    eventually(all_stored, timeout=90)
    ids = all_call_ids(platform.url("call-store"), admin_token)
    assert len(stream.acknowledged) == DELIVERIES
    missing, extra = stream.acknowledged - set(ids), set(ids) - stream.acknowledged
    assert sorted(ids) == sorted(stream.acknowledged), (
        f"missing {len(missing)}, extra {len(extra)}, duplicated {len(ids) - len(set(ids))}"
    )
