"""In-memory stand-ins for the audit stores, for the use cases' unit tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from switchboard_audit.checkpoint_store import RetentionMark, StoredCheckpoint, Verification
from switchboard_audit.domain import Entry, EntryDraft, EntryQuery, place
from switchboard_audit.encoding import entry_leaf_hash
from switchboard_audit.signing import StoredKey
from switchboard_audit.store import LogShape, StoredLeaf
from switchboard_shared.merkle import Frontier, NodeId


class MemoryAuditStore:
    def __init__(self) -> None:
        self.entries: dict[int, Entry] = {}
        self.tree: dict[NodeId, bytes] = {}
        self.claimed: set[str] = set()

    async def append(self, drafts: Sequence[EntryDraft]) -> list[Entry]:
        size = await self.tree_size()
        frontier = Frontier.at(size, self.tree)
        stored: list[Entry] = []
        for draft in drafts:
            if draft.event_id in self.claimed:
                continue
            self.claimed.add(draft.event_id)
            entry = place(draft, size + len(stored) + 1, datetime.now(UTC))
            self.entries[entry.seq] = entry
            self.tree.update(frontier.append(entry_leaf_hash(entry)))
            stored.append(entry)
        return stored

    async def find(self, query: EntryQuery) -> list[Entry]:
        found = sorted(self.entries.values(), key=lambda e: -e.seq)
        return found[: query.limit]

    async def get(self, seq: int, scope: str) -> Entry | None:
        entry = self.entries.get(seq)
        return entry if entry and scope in ("*", entry.tenant_id) else None

    async def last_seq_before(self, cutoff: datetime) -> int:
        return max((s for s, e in self.entries.items() if e.recorded_at < cutoff), default=0)

    async def after(self, after: int, limit: int) -> list[Entry]:
        return [e for seq, e in sorted(self.entries.items()) if after < seq <= after + limit]

    async def walk(self, after: int) -> AsyncIterator[list[StoredLeaf]]:
        batch = [StoredLeaf(seq, self.tree.get((0, seq - 1))) for seq in sorted(self.entries)]
        if batch := [leaf for leaf in batch if leaf.seq > after]:
            yield batch

    async def unfaithful(self, after: int, limit: int, through: int | None = None) -> list[int]:
        last = through if through is not None else max(self.entries, default=0)
        changed = [
            seq
            for seq, entry in sorted(self.entries.items())
            if after < seq <= last and self.tree.get((0, seq - 1)) != entry_leaf_hash(entry)
        ]
        return changed[:limit]

    async def tree_size(self) -> int:
        return sum(1 for level, _ in self.tree if level == 0)

    async def head(self) -> tuple[int, bytes]:
        size = await self.tree_size()
        return size, Frontier.at(size, self.tree).root()

    async def nodes(self, ids: Iterable[NodeId]) -> dict[NodeId, bytes]:
        return {node: self.tree[node] for node in ids if node in self.tree}

    async def shape(self) -> LogShape:
        return LogShape(len(self.entries), max(self.entries, default=0), await self.tree_size())


class MemoryCheckpointStore:
    def __init__(self) -> None:
        self.stored_keys: list[StoredKey] = []
        self.checkpoints: list[StoredCheckpoint] = []
        self.verifications: list[Verification] = []
        self.published: list[StoredCheckpoint] = []
        self.marks: list[RetentionMark] = []

    async def keys(self) -> list[StoredKey]:
        return list(self.stored_keys)

    async def active_key(self) -> StoredKey | None:
        active = [k for k in self.stored_keys if k.retired_at is None]
        return active[-1] if active else None

    async def add_key_unless_active(self, key: StoredKey) -> StoredKey:
        active = [k for k in self.stored_keys if k.retired_at is None]
        if active:
            return active[-1]
        stored = replace(key, created_at=datetime.now(UTC))
        self.stored_keys.append(stored)
        return stored

    async def retire_keys(self, except_key_id: str) -> None:
        now = datetime.now(UTC)
        self.stored_keys = [
            k if k.key_id == except_key_id or k.retired_at else replace(k, retired_at=now)
            for k in self.stored_keys
        ]

    async def add_checkpoint(
        self, tree_size: int, root_hash: bytes, key_id: str, note: str
    ) -> StoredCheckpoint:
        checkpoint = StoredCheckpoint(
            len(self.checkpoints) + 1, tree_size, root_hash, key_id, note, datetime.now(UTC)
        )
        self.checkpoints.append(checkpoint)
        return checkpoint

    async def latest(self) -> StoredCheckpoint | None:
        return self.checkpoints[-1] if self.checkpoints else None

    async def at_size(self, tree_size: int) -> StoredCheckpoint | None:
        return next((c for c in reversed(self.checkpoints) if c.tree_size == tree_size), None)

    async def page(self, before_id: int | None, limit: int) -> list[StoredCheckpoint]:
        older = [c for c in self.checkpoints if before_id is None or c.id < before_id]
        return list(reversed(older))[:limit]

    async def after(self, after_id: int) -> list[StoredCheckpoint]:
        return [c for c in self.checkpoints if c.id > after_id]

    async def last_verification(self) -> Verification | None:
        return self.verifications[-1] if self.verifications else None

    async def retention_mark(self) -> RetentionMark | None:
        return self.marks[-1] if self.marks else None

    async def add_verification(self, checkpoint: StoredCheckpoint) -> None:
        self.verifications.append(
            Verification(
                checkpoint.id, checkpoint.tree_size, checkpoint.root_hash, datetime.now(UTC)
            )
        )
