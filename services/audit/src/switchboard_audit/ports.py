"""What the audit use cases are handed: the stores, the checkpointer and the key vault."""

from __future__ import annotations

from dataclasses import dataclass

from switchboard_audit.checkpoint_store import CheckpointStore
from switchboard_audit.checkpoints import Checkpointer
from switchboard_audit.signing import KeyVault
from switchboard_audit.store import AuditStore


@dataclass(frozen=True)
class AuditPorts:
    log: AuditStore
    checkpoints: CheckpointStore
    checkpointer: Checkpointer
    vault: KeyVault
    origin: str
