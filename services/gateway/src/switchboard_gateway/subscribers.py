"""Kafka entry points of the gateway: e-mail delivery of its own notifications (held during
maintenance), and of the mode changes to the platform owners (sent during maintenance too)."""

from __future__ import annotations

from switchboard_gateway.mailer import Mailer, SmtpConfig, SmtpTransport
from switchboard_gateway.mode_mail import ModeChangeMail
from switchboard_gateway.settings import GatewaySettings
from switchboard_shared.bus import Consumer
from switchboard_shared.events import ControlState, Notification
from switchboard_shared.runtime import Runtime
from switchboard_shared.topics import CONTROL_STATE, NOTIFICATIONS


def smtp_config(settings: GatewaySettings) -> SmtpConfig | None:
    if not settings.smtp_host:
        return None
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=password,
        starttls=settings.smtp_starttls,
        sender=settings.smtp_from,
        timeout_seconds=settings.smtp_timeout_seconds,
    )


def subscribe_mailer(consumer: Consumer, runtime: Runtime, settings: GatewaySettings) -> None:
    config = smtp_config(settings)
    mailer = Mailer(runtime.pool, SmtpTransport(config) if config else None, settings.smtp_from)
    consumer.subscribe(
        NOTIFICATIONS, Notification, mailer.deliver, group_id=settings.mailer_group_id
    )
    consumer.subscribe(
        CONTROL_STATE,
        ControlState,
        ModeChangeMail(runtime.pool, mailer).on_state,
        group_id=settings.mode_mail_group_id,
        gated=False,
    )
