"""Invitation e-mails go out over SMTP; the token in the mail is the invitee's way in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from gateway_harness import STRONG_PASSWORD, bearer, login, new_tenant, started_client
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families

from switchboard_deploy.smtp_inbox import Inbox, start_smtp_server
from switchboard_deploy.stack import Stack
from switchboard_deploy.testing import Owner, unique_id

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def inbox() -> Iterator[Inbox]:
    controller, inbox = start_smtp_server()
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture(scope="module")
async def client(
    infrastructure: Stack, platform_owner: Owner, inbox: Inbox
) -> AsyncIterator[AsyncTestClient[Any]]:
    started = await started_client(
        infrastructure,
        platform_owner,
        smtp_host="127.0.0.1",
        smtp_port=inbox.port,
        smtp_starttls=False,
        smtp_from="Switchboard <invitations@example.test>",
        mailer_group_id=unique_id("mailer"),  # no other gateway of the session takes our mail
    )
    try:
        yield started
    finally:
        await started.__aexit__(None, None, None)


async def _invite(client: AsyncTestClient[Any], owner: str) -> tuple[str, str]:
    tenant = await new_tenant(client, owner)
    email = f"{unique_id('invitee')}@example.test"
    response = await client.post(
        f"/api/tenants/{tenant}/invitations",
        json={"email": email, "role": "viewer"},
        headers=bearer(owner),
    )
    assert response.status_code == 201, response.text
    return tenant, email


def _token_in(body: str) -> str:
    return body.split('"token": "', 1)[1].split('"', 1)[0]


async def _emails_counted(client: AsyncTestClient[Any], result: str) -> float:
    text = (await client.get("/metrics")).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "switchboard_gateway_emails_total" and sample.labels == {
                "result": result
            }:
                return float(sample.value)
    return 0.0


async def test_the_mailed_token_sets_the_password_once_and_the_invitee_signs_in(
    client: AsyncTestClient[Any], owner: str, inbox: Inbox
) -> None:
    tenant, email = await _invite(client, owner)
    mail = await inbox.wait_for(email)
    token = _token_in(mail.get_payload(decode=True).decode())  # type: ignore[union-attr]
    accepted = await client.post(
        "/api/invitations/accept", json={"token": token, "password": STRONG_PASSWORD}
    )
    signed_in = await login(client, email)
    again = await client.post(
        "/api/invitations/accept", json={"token": token, "password": "another-long-password"}
    )
    assert mail["From"] == "Switchboard <invitations@example.test>"
    assert mail["Subject"] == "Your Switchboard invitation"
    assert accepted.status_code == 201, accepted.text
    assert (accepted.json()["tenant_id"], accepted.json()["email"]) == (tenant, email)
    assert signed_in["token_type"] == "bearer"
    assert again.status_code == 404


async def test_a_deferred_e_mail_is_retried_delivered_once_and_counted(
    client: AsyncTestClient[Any], owner: str, inbox: Inbox
) -> None:
    email = f"{unique_id('deferred')}@example.test"
    inbox.defer_first_delivery_to(email)
    failed_before = await _emails_counted(client, "failed")
    sent_before = await _emails_counted(client, "sent")
    tenant = await new_tenant(client, owner)
    response = await client.post(
        f"/api/tenants/{tenant}/invitations",
        json={"email": email, "role": "viewer"},
        headers=bearer(owner),
    )
    await inbox.wait_for(email)
    assert response.status_code == 201
    assert email in inbox.deferred
    assert len(inbox.to(email)) == 1
    assert await _emails_counted(client, "failed") == failed_before + 1
    assert await _emails_counted(client, "sent") >= sent_before + 1
