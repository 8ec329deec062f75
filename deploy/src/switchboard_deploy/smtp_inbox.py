"""A real SMTP server on a free local port that keeps what it receives, for the mail tests."""

from __future__ import annotations

import asyncio
import time
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller

from switchboard_deploy.ports import free_port


class Inbox:
    """aiosmtpd handler: keeps every message; defers the first delivery to chosen recipients."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[Message] = []
        self.deferred: set[str] = set()
        self._defer_once: set[str] = set()

    def defer_first_delivery_to(self, address: str) -> None:
        self._defer_once.add(address)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        for recipient in envelope.rcpt_tos:
            if recipient in self._defer_once:
                self._defer_once.discard(recipient)
                self.deferred.add(recipient)
                return "451 4.3.0 try again later"
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [message for message in self.messages if message["To"] == address]

    async def wait_for(self, address: str, seconds: float = 20) -> Message:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if found := self.to(address):
                return found[0]
            await asyncio.sleep(0.1)
        raise TimeoutError(f"no e-mail reached {address}")


def start_smtp_server() -> tuple[Controller, Inbox]:
    inbox = Inbox(free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    return controller, inbox
