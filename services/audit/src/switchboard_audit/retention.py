"""Retention that stays verifiable: archive old entries, check the archive, then remove them.

Only entries a signed checkpoint covers are ever removed. The archive is an export (see
`switchboard_shared.audit_export`) of the removed entries, starting from the tree's edge where
the previous removal stopped, with the checkpoint and a consistency proof from the archive's
end to it; it is read back and verified with the log's genuine keys before anything is removed.
The tree is never rebuilt: its hashes stay, only the removed leaves' bytes go.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from switchboard_audit.checkpoint_store import StoredCheckpoint
from switchboard_audit.encoding import canonical_bytes
from switchboard_audit.ports import AuditPorts
from switchboard_audit.retention_store import EntryRemover, Removal
from switchboard_shared.audit_export import ExportHeader, read_export, verify_export, write_export
from switchboard_shared.merkle import (
    Frontier,
    consistency_plan,
    frontier_ids,
    leaf_hash,
    nodes_for,
    proof_hashes,
)
from switchboard_shared.signed_note import NoteError, NoteVerifier, open_note

log = logging.getLogger(__name__)
PAGE = 5000


class RetentionRefused(Exception):
    """Nothing was removed: the archive or the checkpoint did not check out."""


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


@dataclass
class Retention:
    ports: AuditPorts
    remover: EntryRemover
    directory: Path
    keep: timedelta

    async def run(self, now: datetime | None = None) -> dict[str, Any]:
        cutoff = (now or datetime.now(UTC)) - self.keep
        mark = await self.ports.checkpoints.retention_mark()
        after = mark.removed_through if mark else 0
        latest = await self.ports.checkpoints.latest()
        if latest is None:
            return {"removed": 0, "reason": "no signed checkpoint covers any entry"}
        verifiers = await self._genuine_verifiers(latest)
        through = min(await self.ports.log.last_seq_before(cutoff), latest.tree_size)
        if through <= after:
            return {"removed": 0, "reason": "nothing old enough is covered by a checkpoint"}
        path, root = await self._archive(after, through, latest)
        self._check(path, through, verifiers)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        removal = Removal(after, through, root, latest.id, str(path), digest)
        removed = await self.remover.remove(removal)
        log.info("audit retention removed entries %d to %d (%s)", after + 1, through, path)
        return {"removed": removed, "from_seq": after + 1, "through_seq": through,
                "archive": str(path), "archive_sha256": digest}  # fmt: skip

    async def _genuine_verifiers(self, latest: StoredCheckpoint) -> list[NoteVerifier]:
        keys = [k for k in await self.ports.checkpoints.keys() if self.ports.vault.genuine(k)]
        verifiers = [key.verifier for key in keys]
        try:
            open_note(latest.note, verifiers)
        except NoteError as error:
            raise RetentionRefused(f"the latest checkpoint is not trusted: {error}") from error
        return verifiers

    async def _archive(
        self, after: int, through: int, latest: StoredCheckpoint
    ) -> tuple[Path, bytes]:
        edge_nodes = await self.ports.log.nodes(frontier_ids(after))
        frontier = Frontier.at(after, edge_nodes)
        header = ExportHeader(
            origin=self.ports.origin,
            checkpoints=[latest.note],
            public_keys=[k.verifier.vkey for k in await self.ports.checkpoints.keys()],
            start_size=after,
            start_edge=[_b64(h) for h in frontier.edge],
            proofs=await self._proofs(through, latest.tree_size),
        )
        lines: list[bytes] = []
        for first in range(after, through, PAGE):
            batch = await self.ports.log.after(first, min(PAGE, through - first))
            lines += [canonical_bytes(entry) for entry in batch]
        for line in lines:
            frontier.append(leaf_hash(line))
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"audit-archive-{after + 1:012d}-{through:012d}.jsonl"
        with path.open("wb") as out:
            await asyncio.to_thread(write_export, out, header, lines)
        return path, frontier.root()

    async def _proofs(self, through: int, signed: int) -> dict[str, list[str]]:
        if through == signed:
            return {}
        spans = consistency_plan(through, signed)
        hashes = proof_hashes(spans, await self.ports.log.nodes(nodes_for(spans)))
        return {str(signed): [_b64(h) for h in hashes]}

    def _check(self, path: Path, through: int, verifiers: list[NoteVerifier]) -> None:
        report = verify_export(*read_export(path), verifiers)
        if not report.valid or report.verified_tree_size != through:
            problems = "; ".join(report.problems) or "it does not reach its last entry"
            raise RetentionRefused(f"the archive {path} does not verify: {problems}")


async def retention_forever(retention: Retention, *, every: float) -> None:
    while True:
        await asyncio.sleep(every)
        try:
            await retention.run()
        except RetentionRefused as error:
            log.error("audit retention refused: %s", error)
        except Exception:
            log.exception("audit retention failed; retrying at the next round")
