"""E-mail delivery over SMTP for the `Notification` events the gateway publishes (invitations).

Delivery is at least once: an e-mail is recorded in `processed_events` after the server took it,
so a message is skipped on redelivery, and a crash between sending and recording sends it again.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from prometheus_client import Counter
from psycopg_pool import AsyncConnectionPool

from switchboard_shared.envelope import Envelope
from switchboard_shared.events import Notification
from switchboard_shared.masking import mask_email

log = logging.getLogger(__name__)

EMAILS = Counter(
    "switchboard_gateway_emails", "E-mails handed to the SMTP server, by result", ["result"]
)
TRANSIENT_SMTP_CODES = range(400, 500)


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None
    password: str | None
    starttls: bool
    sender: str
    timeout_seconds: float


class MailTransport(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


def compose(notification: Notification, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = notification.to
    message["Subject"] = notification.subject
    message["Message-ID"] = f"<{notification.notification_id}@switchboard>"
    message.set_content(notification.body)
    return message


class SmtpTransport:
    """smtplib in a worker thread; what may succeed on a later try raises ConnectionError."""

    def __init__(self, config: SmtpConfig) -> None:
        self._config = config

    async def send(self, message: EmailMessage) -> None:
        await asyncio.to_thread(self._send, message)

    def _send(self, message: EmailMessage) -> None:
        config = self._config
        try:
            with smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds) as smtp:
                if config.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if config.username and config.password:
                    smtp.login(config.username, config.password)
                smtp.send_message(message)
        except smtplib.SMTPResponseException as error:
            raise _classified(error.smtp_code) from error
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            raise _classified(max(codes, default=550)) from error
        except smtplib.SMTPNotSupportedError as error:
            raise UndeliverableEmail("the SMTP server does not offer what is configured") from error
        except OSError as error:  # refused, reset, timed out, disconnected
            raise ConnectionError(f"SMTP server unreachable: {type(error).__name__}") from error


class UndeliverableEmail(RuntimeError):
    """The server refused for good (5xx); its text is not kept since it may name the address."""


def _classified(code: int) -> Exception:
    if code in TRANSIENT_SMTP_CODES:
        return ConnectionError(f"SMTP server deferred the message ({code})")
    return UndeliverableEmail(f"SMTP server refused the message ({code})")


class Mailer:
    """The use case behind the `notifications.v1` subscription."""

    def __init__(
        self, pool: AsyncConnectionPool, transport: MailTransport | None, sender: str
    ) -> None:
        self._pool = pool
        self._transport = transport
        self._sender = sender

    async def deliver(self, notification: Notification, _: Envelope) -> None:
        recipient = mask_email(notification.to)
        if self._transport is None:
            log.info("no SMTP_HOST configured; e-mail to %s not sent", recipient)
            return
        key = f"mail:{notification.notification_id}"
        if await self._already_sent(key):
            return
        try:
            await self._transport.send(compose(notification, self._sender))
        except Exception as error:
            EMAILS.labels(result="failed").inc()
            log.warning("e-mail to %s failed: %s", recipient, type(error).__name__)
            raise
        EMAILS.labels(result="sent").inc()
        await self._record_sent(key)
        log.info("e-mail to %s sent", recipient)

    async def _already_sent(self, key: str) -> bool:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "SELECT 1 FROM processed_events WHERE event_id = %s", (key,)
            )
            return await cursor.fetchone() is not None

    async def _record_sent(self, key: str) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(
                "INSERT INTO processed_events (event_id) VALUES (%s) ON CONFLICT DO NOTHING", (key,)
            )
