"""Shutdown and restart as an SRE runs them, with webhooks of two tenants streaming throughout:
every service pauses within 2 s, writes answer 503 while webhooks still get 202, and after the
restart every acknowledged webhook is stored exactly once; both commands are audited and the
platform owners were told by e-mail."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import datetime
from typing import Any

import httpx
import pytest
from journey_helpers import all_call_ids, make_tenant_admin, make_webhook_url, standard_call
from modes import command, restart, seconds_until_every_service_reports

from switchboard_deploy.smtp_inbox import Inbox
from switchboard_deploy.testing import Owner, bearer, unique_id

pytestmark = pytest.mark.e2e

PAUSE_WITHIN_SECONDS = 2.0


class Stream:
    """Posts webhooks for one tenant until stopped; keeps the ids answered 202."""

    def __init__(self, webhook_url: str) -> None:
        self.webhook_url = webhook_url
        self.acknowledged: list[str] = []
        self.answers: Counter[int] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)

    def _run(self) -> None:
        with httpx.Client(timeout=10) as http:
            while not self._stop.is_set():
                call_id = unique_id("pause")
                answer = http.post(
                    self.webhook_url,
                    json=standard_call(call_id),
                    headers={"webhook-id": f"msg-{call_id}"},
                )
                self.answers[answer.status_code] += 1
                if answer.status_code == 202:
                    self.acknowledged.append(call_id)
                time.sleep(0.01)


def wait_for(check: Any, what: str, within: float = 60.0) -> Any:
    deadline = time.monotonic() + within
    while (result := check()) is None or result is False:
        assert time.monotonic() < deadline, f"{what} not met within {within}s"
        time.sleep(0.2)
    return result


def audited(gateway_url: str, token: str, action: str, command_id: str) -> bool | None:
    page = httpx.get(
        f"{gateway_url}/api/audit", params={"action": action, "limit": 200}, headers=bearer(token)
    )
    assert page.status_code == 200, page.text
    found = any(item.get("resource") == f"command:{command_id}" for item in page.json()["items"])
    return found or None


def writes_refused(gateway_url: str, owner_token: str, tenant_id: str) -> dict[str, Any]:
    """One state-changing call per service that has them, during maintenance."""
    calls = {
        "gateway": ("POST", "/api/tenants", {"name": unique_id("late")}),
        "webhook-ingest": (
            "POST",
            f"/api/tenants/{tenant_id}/webhook-tokens",
            {"provider": "standard"},
        ),
        "onboarding": ("POST", "/api/locations", {"tenant_id": tenant_id}),
        "call-store": ("POST", "/api/admin/calls/dlq/replay?topic=calls.events.v1", None),
    }
    answers = {}
    for service, (method, path, body) in calls.items():
        answer = httpx.request(
            method, gateway_url + path, json=body, headers=bearer(owner_token), timeout=10
        )
        answers[service] = (answer.status_code, answer.json(), answer.headers.get("retry-after"))
    return answers


def test_shutdown_pauses_every_service_and_restart_stores_every_webhook_once(
    gateway_url: str, owner_token: str, platform_owner: Owner, mail_inbox: Inbox
) -> None:
    tenants = [make_tenant_admin(gateway_url, owner_token) for _ in range(2)]
    streams = [Stream(make_webhook_url(gateway_url, t, token)) for t, token in tenants]
    for stream in streams:
        stream.start()
    try:
        wait_for(lambda: all(len(s.acknowledged) >= 30 for s in streams), "webhooks flowing")
        shutdown = command(gateway_url, owner_token, "shutdown", "e2e: shutdown journey")
        since = datetime.fromisoformat(shutdown["timestamp"])
        try:
            paused = seconds_until_every_service_reports(
                gateway_url, owner_token, "maintenance", since
            )
            print(f"every service reported maintenance {paused:.3f} s after the command")
            assert paused <= PAUSE_WITHIN_SECONDS

            time.sleep(1.0)  # a batch taken before the pause may still finish
            stored = [len(all_call_ids(gateway_url, token)) for _, token in tenants]
            acknowledged = [len(s.acknowledged) for s in streams]
            time.sleep(2.0)
            assert [len(s.acknowledged) for s in streams] > acknowledged  # still 202
            assert [len(all_call_ids(gateway_url, token)) for _, token in tenants] == stored

            for service, (status, body, retry) in writes_refused(
                gateway_url, owner_token, tenants[0][0]
            ).items():
                assert status == 503, (service, body)
                assert body["error"] == "maintenance", (service, body)
                assert body["maintenance"] is True
                assert body["mode"] == "maintenance"
                assert retry is not None
        finally:
            restarted = restart(gateway_url, owner_token, "e2e: journey over")
    finally:
        for stream in streams:
            stream.stop()

    for stream, (_, token) in zip(streams, tenants, strict=True):
        assert stream.answers[202] == len(stream.acknowledged)
        expected = sorted(stream.acknowledged)
        wait_for(
            lambda t=token, e=expected: sorted(all_call_ids(gateway_url, t)) == e or None,
            "every acknowledged webhook stored",
        )
        assert sorted(all_call_ids(gateway_url, token)) == expected  # once each

    wait_for(
        lambda: audited(gateway_url, owner_token, "command.shutdown", shutdown["command_id"]),
        "the shutdown in the audit log",
    )
    wait_for(
        lambda: audited(
            gateway_url, owner_token, "command.restart_system", restarted["command_id"]
        ),
        "the restart in the audit log",
    )

    def mails() -> list[str] | None:
        subjects = [str(m["Subject"]) for m in mail_inbox.to(platform_owner.email)]
        told = any("maintenance" in s for s in subjects) and any("running" in s for s in subjects)
        return subjects if told else None

    wait_for(mails, "the owners told of both mode changes")
