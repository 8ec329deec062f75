"""How the log is checked: trusted checkpoints, then a replay of the leaves against them.

A checkpoint counts only if a genuine key of the log signed it. The replay refuses a gap in
the sequence and folds the recorded leaves into roots, comparing each with the checkpoints
signed at that size; that the recorded leaves are the entries' content is the store's check
(`AuditStore.unfaithful`). Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from switchboard_audit.checkpoint_store import StoredCheckpoint
from switchboard_audit.store import LogShape, StoredLeaf
from switchboard_shared.merkle import Frontier
from switchboard_shared.signed_note import NoteError, NoteVerifier, open_note
from switchboard_shared.tlog_checkpoint import CheckpointError, parse_checkpoint


@dataclass(frozen=True)
class Problem:
    kind: str
    detail: str
    seq: int | None = None
    checkpoint_id: int | None = None

    def view(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def trusted_checkpoints(
    checkpoints: Iterable[StoredCheckpoint], verifiers: Sequence[NoteVerifier], origin: str
) -> tuple[list[StoredCheckpoint], list[Problem]]:
    """The checkpoints whose note a genuine key signed and whose text matches their row."""
    trusted: list[StoredCheckpoint] = []
    problems: list[Problem] = []
    for checkpoint in checkpoints:
        problem = _checkpoint_problem(checkpoint, verifiers, origin)
        if problem:
            problems.append(problem)
        else:
            trusted.append(checkpoint)
    return trusted, problems


def _checkpoint_problem(
    checkpoint: StoredCheckpoint, verifiers: Sequence[NoteVerifier], origin: str
) -> Problem | None:
    try:
        text, _ = open_note(checkpoint.note, verifiers)
        signed = parse_checkpoint(text)
    except (NoteError, CheckpointError) as error:
        return Problem("untrusted_checkpoint", str(error), checkpoint_id=checkpoint.id)
    claimed = (checkpoint.tree_size, checkpoint.root_hash)
    if signed.origin != origin or (signed.size, signed.root) != claimed:
        detail = "the signed text names another log, size or root than the stored row"
        return Problem("untrusted_checkpoint", detail, checkpoint_id=checkpoint.id)
    return None


@dataclass
class Replay:
    """Grows a tree from `frontier` with recomputed leaves; checks `claims` on the way."""

    frontier: Frontier
    claims: list[StoredCheckpoint]
    problems: list[Problem] = field(default_factory=list)
    entries_checked: int = 0
    verified: StoredCheckpoint | None = None
    stopped: bool = False

    def __post_init__(self) -> None:
        self._by_size: dict[int, list[StoredCheckpoint]] = {}
        for claim in self.claims:
            self._by_size.setdefault(claim.tree_size, []).append(claim)
        self._compare()

    def feed(self, batch: Iterable[StoredLeaf]) -> None:
        for stored in batch:
            if self.stopped:
                return
            self._one(stored)

    def _one(self, stored: StoredLeaf) -> None:
        expected = self.frontier.size + 1
        if stored.seq != expected:
            self._add(Problem("missing_entry", f"entry {expected} is missing", seq=expected))
            self.stopped = True
            return
        if stored.hash is None:
            detail = f"the tree recorded no leaf for entry {expected}"
            self._add(Problem("missing_leaf", detail, seq=expected))
            self.stopped = True
            return
        self.frontier.append(stored.hash)
        self.entries_checked += 1
        self._compare()

    def _compare(self) -> None:
        claims = self._by_size.get(self.frontier.size)
        if not claims:
            return
        root = self.frontier.root()
        for claim in claims:
            if claim.root_hash == root:
                if self.verified is None or claim.tree_size >= self.verified.tree_size:
                    self.verified = claim
            else:
                detail = f"checkpoint of size {claim.tree_size} does not match the entries"
                self._add(Problem("checkpoint_mismatch", detail, checkpoint_id=claim.id))

    def finish(self, shape: LogShape, *, removed: int = 0) -> None:
        """What only the end of the walk shows: a cut-off tail or a tree out of step."""
        if self.stopped:
            return
        for claim in self.claims:
            if claim.tree_size > self.frontier.size:
                detail = (
                    f"the log holds {self.frontier.size} entries but a checkpoint "
                    f"signed {claim.tree_size}"
                )
                self._add(Problem("log_truncated", detail, checkpoint_id=claim.id))
                break
        last = max(shape.max_seq, removed)
        if last < self.frontier.size:
            detail = f"the log ends at entry {last}, below a verified {self.frontier.size}"
            self._add(Problem("log_truncated", detail, seq=last + 1))
        if shape.entries != last - removed:
            missing = last - removed - shape.entries
            self._add(Problem("missing_entry", f"{missing} entries are missing below {last}"))
        if shape.tree_size != self.frontier.size:
            detail = f"the tree has {shape.tree_size} leaves for {self.frontier.size} entries"
            self._add(Problem("tree_mismatch", detail))

    def _add(self, problem: Problem) -> None:
        self.problems.append(problem)

    @property
    def first_broken_seq(self) -> int | None:
        return next((p.seq for p in self.problems if p.seq is not None), None)
