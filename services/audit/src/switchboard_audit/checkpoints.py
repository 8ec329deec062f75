"""Signed checkpoints: made on demand, every minute while entries arrive and hourly when idle.

The log never signs a tree that does not extend its previous checkpoint: before signing, a
consistency proof from the stored nodes must lead from the last signed root to the new one.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from switchboard_audit.checkpoint_store import CheckpointStore, StoredCheckpoint
from switchboard_audit.signing import KeyVault, StoredKey
from switchboard_audit.store import AuditStore
from switchboard_shared.events import AuditCheckpoint
from switchboard_shared.merkle import ProofError, consistency_plan, nodes_for, proof_hashes
from switchboard_shared.merkle import verify_consistency as check_consistency
from switchboard_shared.signed_note import NoteSigner, sign_note
from switchboard_shared.tlog_checkpoint import Checkpoint

log = logging.getLogger(__name__)

Publish = Callable[[StoredCheckpoint], Awaitable[None]]


class LogForked(Exception):
    """The stored tree does not extend the last signed checkpoint: nothing is signed."""


@dataclass
class Checkpointer:
    log: AuditStore
    store: CheckpointStore
    vault: KeyVault
    origin: str
    publish: Publish
    directory: Path | None = None
    _signer: tuple[StoredKey, NoteSigner] | None = field(default=None, init=False)

    async def signer(self) -> tuple[StoredKey, NoteSigner]:
        """The active key's signer; a key rotated by another replica is picked up here."""
        active = await self.store.active_key()
        if active is None:
            active = await self.store.add_key_unless_active(self.vault.new_key(self.origin))
        if self._signer is None or self._signer[0].key_id != active.key_id:
            self._signer = (active, self.vault.signer(active))
        return self._signer

    async def rotate(self) -> StoredKey:
        """A new key signs from now on; the old ones stay listed so old notes still verify."""
        key = self.vault.new_key(self.origin)
        await self.store.retire_keys(except_key_id="")
        stored = await self.store.add_key_unless_active(key)
        self._signer = (stored, self.vault.signer(stored))
        return stored

    async def make(self, *, force: bool = False) -> StoredCheckpoint:
        """A checkpoint of the tree as it is; the latest one if nothing changed and not forced."""
        size, root = await self.log.head()
        latest = await self.store.latest()
        if latest is not None and latest.tree_size == size and not force:
            return latest
        if latest is not None:
            await self._require_extension(latest, size, root)
        key, signer = await self.signer()
        note = sign_note(Checkpoint(self.origin, size, root).text(), [signer])
        stored = await self.store.add_checkpoint(size, root, key.key_id, note)
        await self._announce(stored)
        log.info("audit checkpoint signed at tree size %d", size)
        return stored

    async def tick(self, idle: timedelta) -> StoredCheckpoint | None:
        """One round of the schedule: sign when entries arrived or the last one is too old."""
        latest = await self.store.latest()
        size = await self.log.tree_size()
        stale = latest is None or datetime.now(UTC) - latest.created_at >= idle
        if latest is not None and latest.tree_size == size and not stale:
            return None
        return await self.make(force=True)

    async def _require_extension(self, latest: StoredCheckpoint, size: int, root: bytes) -> None:
        try:
            if latest.tree_size == 0:
                return
            spans = consistency_plan(latest.tree_size, size)
            proof = proof_hashes(spans, await self.log.nodes(nodes_for(spans)))
            check_consistency(latest.tree_size, size, latest.root_hash, root, proof)
        except (ProofError, KeyError) as error:
            log.error("audit tree does not extend checkpoint %d: %s", latest.id, error)
            raise LogForked(f"the tree does not extend checkpoint {latest.id}") from error

    async def _announce(self, checkpoint: StoredCheckpoint) -> None:
        """Stored first; a failed publication is superseded by the next checkpoint, which
        covers everything this one does."""
        try:
            await self.publish(checkpoint)
        except Exception as error:
            log.warning("audit checkpoint %d not published: %s", checkpoint.id, error)
        self._write(checkpoint)

    def _write(self, checkpoint: StoredCheckpoint) -> None:
        if self.directory is None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / f"checkpoint-{checkpoint.id:012d}.txt").write_text(checkpoint.note)
        (self.directory / "latest.txt").write_text(checkpoint.note)


async def checkpoint_forever(checkpointer: Checkpointer, *, busy: float, idle: float) -> None:
    """Every `busy` seconds: a checkpoint if the tree grew, or if `idle` seconds passed."""
    while True:
        await asyncio.sleep(busy)
        try:
            await checkpointer.tick(timedelta(seconds=idle))
        except LogForked:
            pass  # logged; an operator must look before anything is signed again
        except Exception:
            log.exception("audit checkpoint failed; retrying at the next round")


def checkpoint_event(origin: str, checkpoint: StoredCheckpoint) -> AuditCheckpoint:
    """What a witness outside the platform reads on the checkpoints topic."""
    return AuditCheckpoint(
        origin=origin,
        tree_size=checkpoint.tree_size,
        root_hash=base64.b64encode(checkpoint.root_hash).decode(),
        key_id=checkpoint.key_id,
        note=checkpoint.note,
        created_at=checkpoint.created_at,
    )
