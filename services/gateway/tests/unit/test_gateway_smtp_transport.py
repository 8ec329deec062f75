"""How SMTP answers are classified: what may pass later is transient, a refusal is final."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from switchboard_deploy.ports import free_port
from switchboard_gateway.mailer import (
    Mailer,
    SmtpConfig,
    SmtpTransport,
    UndeliverableEmail,
    compose,
)
from switchboard_shared.envelope import Envelope
from switchboard_shared.events import Notification

NOTE = Notification(notification_id="n-1", to="ada@example.test", subject="Hi", body="Hello")


class Answering:
    def __init__(self, answer: str) -> None:
        self.answer = answer

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return self.answer


@pytest.fixture
def server() -> Iterator[tuple[Answering, int]]:
    handler = Answering("250 OK")
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def _transport(port: int) -> SmtpTransport:
    config = SmtpConfig("127.0.0.1", port, None, None, False, "sb@example.test", 5.0)
    return SmtpTransport(config)


async def test_an_accepted_message_is_sent_without_error(server: tuple[Answering, int]) -> None:
    _, port = server
    await _transport(port).send(compose(NOTE, "sb@example.test"))


async def test_a_deferral_is_a_connection_error_so_the_consumer_retries(
    server: tuple[Answering, int],
) -> None:
    handler, port = server
    handler.answer = "451 4.3.0 later"
    with pytest.raises(ConnectionError, match="451"):
        await _transport(port).send(compose(NOTE, "sb@example.test"))


async def test_a_refusal_is_final_and_does_not_repeat_the_servers_text(
    server: tuple[Answering, int],
) -> None:
    handler, port = server
    handler.answer = "550 5.1.1 <ada@example.test> unknown"
    with pytest.raises(UndeliverableEmail) as raised:
        await _transport(port).send(compose(NOTE, "sb@example.test"))
    assert "ada@" not in str(raised.value)


async def test_a_server_that_does_not_listen_is_a_connection_error() -> None:
    with pytest.raises(ConnectionError):
        await _transport(free_port()).send(compose(NOTE, "sb@example.test"))


async def test_without_an_smtp_host_the_mail_is_skipped_and_logged_masked(
    caplog: pytest.LogCaptureFixture,
) -> None:
    mailer = Mailer(pool=None, transport=None, sender="sb@example.test")  # type: ignore[arg-type]
    with caplog.at_level(logging.INFO, logger="switchboard_gateway.mailer"):
        await mailer.deliver(NOTE, Envelope(type="t", source="s"))
    assert "a***@example.test" in caplog.text
    assert "ada@example.test" not in caplog.text
