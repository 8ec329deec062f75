"""What the command-control use cases are given: the store, the bus and the learned mode."""

from __future__ import annotations

from dataclasses import dataclass

from switchboard_command_control.store import ControlStore
from switchboard_shared.audit_trail import AuditTrail
from switchboard_shared.bus import Publisher
from switchboard_shared.maintenance import MaintenanceState

STATE_KEY = b"state"
"""Every `ControlState` is published under one key: the topic's last value is the mode."""


@dataclass(frozen=True)
class Ports:
    store: ControlStore
    bus: Publisher
    maintenance: MaintenanceState
    bootstrap_servers: str = ""
    call_store_url: str = ""
    """Where the report's call figures are read (call-store's own read route)."""
    """Where consumer lag is read; empty: status does not measure it."""
    stale_after: float = 15.0
    forget_after: float = 3600.0

    @property
    def audit(self) -> AuditTrail:
        return AuditTrail(self.bus)
