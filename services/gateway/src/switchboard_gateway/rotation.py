"""Signing-key rotation as an operator task, for the command line to call."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from prometheus_client import CollectorRegistry

from switchboard_gateway.key_store import KeyRing
from switchboard_gateway.keys import KeyCipher
from switchboard_gateway.settings import GatewaySettings
from switchboard_shared.bus import EventBus, create_broker
from switchboard_shared.db import create_pool, role_dsn
from switchboard_shared.envelope import event_key
from switchboard_shared.events import AuditEvent
from switchboard_shared.topics import AUDIT_EVENTS

log = logging.getLogger(__name__)

ANNOUNCE_SECONDS = 10.0


async def rotate_signing_key(settings: GatewaySettings) -> str:
    """Adds a new signing key and retires the old one (still published until it expires).

    Running gateways sign with the new key within a minute; tokens signed before keep working.
    The rotation is audited as `auth.key_rotated`. Returns the new key id.
    """
    kid = await _rotate(settings)
    await _announce(settings, kid)
    return kid


async def _rotate(settings: GatewaySettings) -> str:
    password = (
        settings.db_service_password.get_secret_value() if settings.db_service_password else None
    )
    pool = create_pool(
        role_dsn(settings.database_url, settings.db_role, password),
        min_size=1,
        max_size=1,
        name="gateway-keys",
    )
    await pool.open()
    try:
        ring = KeyRing(pool, KeyCipher(settings.encryption_secret), settings.signing_key_seconds)
        return (await ring.rotate()).kid
    finally:
        await pool.close()


async def _announce(settings: GatewaySettings, kid: str) -> None:
    """An audit event that cannot be published is logged; the rotation has happened."""
    broker = create_broker(
        settings.kafka_bootstrap_servers,
        client_id="gateway-keys",
        enable_idempotence=settings.kafka_enable_idempotence,
        registry=CollectorRegistry(),
    )
    resource = f"signing_key:{kid}"
    event = AuditEvent(action="auth.key_rotated", actor_id=None, resource=resource)
    try:
        await asyncio.wait_for(broker.start(), ANNOUNCE_SECONDS)
        bus = EventBus(broker, settings.service_name)
        publish = bus.publish(AUDIT_EVENTS, event, key=event_key(None, resource))
        await asyncio.wait_for(publish, ANNOUNCE_SECONDS)
    except Exception as error:
        log.error("key %s rotated, but its audit event was not published: %s", kid, error)
    finally:
        with contextlib.suppress(Exception):
            await broker.stop()
