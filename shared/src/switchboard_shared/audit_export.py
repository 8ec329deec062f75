"""An audit log export and its offline verification: no database, no service, only the file,
the checkpoints in it and public keys the verifier trusts on its own.

The file is JSON lines. The first line is a header `{"format", "origin", "checkpoints":
[signed notes], "public_keys": [vkeys]}`; every further line is one entry's canonical bytes
exactly as the log hashed them (docs/audit-log.md), in `seq` order, so leaf = SHA-256(0x00 ||
line). The keys in the header are informative only: verification uses the keys it is given.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from switchboard_shared.merkle import Frontier, ProofError, leaf_hash, verify_consistency
from switchboard_shared.signed_note import NoteError, NoteVerifier, open_note
from switchboard_shared.tlog_checkpoint import CheckpointError, parse_checkpoint

EXPORT_FORMAT = "switchboard-audit-export/v1"


@dataclass(frozen=True)
class ExportHeader:
    """`start_size`/`start_edge`: the tree before the first line (base64 hashes of its
    `frontier_ids`), for a log whose older entries were archived; `proofs`: consistency proofs
    (base64) from the last line's size to checkpoints of larger trees, by their size."""

    origin: str
    checkpoints: list[str]
    public_keys: list[str]
    start_size: int = 0
    start_edge: list[str] = field(default_factory=list)
    proofs: dict[str, list[str]] = field(default_factory=dict)

    def line(self) -> bytes:
        values = {"format": EXPORT_FORMAT, **self.__dict__}
        return json.dumps(values, sort_keys=True, ensure_ascii=False).encode() + b"\n"


def write_export(out: IO[bytes], header: ExportHeader, lines: Iterable[bytes]) -> int:
    out.write(header.line())
    count = 0
    for line in lines:
        out.write(line.rstrip(b"\n") + b"\n")
        count += 1
    return count


def read_export(path: Path) -> tuple[ExportHeader, Iterator[bytes]]:
    handle = path.open("rb")
    first: dict[str, Any] = json.loads(handle.readline() or b"{}")
    if first.get("format") != EXPORT_FORMAT:
        handle.close()
        raise ValueError(f"{path} is not an audit log export ({EXPORT_FORMAT})")
    header = ExportHeader(
        first["origin"],
        list(first["checkpoints"]),
        list(first["public_keys"]),
        int(first.get("start_size", 0)),
        list(first.get("start_edge", [])),
        dict(first.get("proofs", {})),
    )

    def lines() -> Iterator[bytes]:
        with handle:
            for line in handle:
                yield line.rstrip(b"\n")

    return header, lines()


@dataclass
class OfflineReport:
    entries_checked: int = 0
    checkpoints_trusted: int = 0
    verified_tree_size: int = 0
    first_broken_seq: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    def view(self) -> dict[str, Any]:
        return {"valid": self.valid, **self.__dict__}


def _claims(
    notes: Iterable[str], verifiers: list[NoteVerifier], origin: str, report: OfflineReport
) -> dict[int, bytes]:
    claims: dict[int, bytes] = {}
    for number, note in enumerate(notes, start=1):
        try:
            checkpoint = parse_checkpoint(open_note(note, verifiers)[0])
        except (NoteError, CheckpointError) as error:
            report.problems.append(f"checkpoint {number} is not trusted: {error}")
            continue
        if checkpoint.origin != origin:
            report.problems.append(f"checkpoint {number} is of another log ({checkpoint.origin})")
            continue
        if claims.setdefault(checkpoint.size, checkpoint.root) != checkpoint.root:
            report.problems.append(f"two signed roots for tree size {checkpoint.size}")
        report.checkpoints_trusted += 1
    return claims


def verify_export(
    header: ExportHeader, lines: Iterable[bytes], verifiers: list[NoteVerifier]
) -> OfflineReport:
    """Replays the leaves of the file against every checkpoint the given keys signed."""
    report = OfflineReport()
    claims = _claims(header.checkpoints, verifiers, header.origin, report)
    edge = [base64.b64decode(h) for h in header.start_edge]
    frontier = Frontier(header.start_size, edge)
    checked_from = header.start_size
    for line in lines:
        expected = frontier.size + 1
        if _seq(line) != expected:
            report.problems.append(f"entry {expected} is missing or out of place")
            report.first_broken_seq = expected
            return report
        frontier.append(leaf_hash(line))
        report.entries_checked += 1
        if (root := claims.get(frontier.size)) is None:
            continue
        if root != frontier.root():
            report.problems.append(
                f"entries {checked_from + 1} to {frontier.size} do not match the checkpoint "
                f"signed for size {frontier.size}"
            )
            report.first_broken_seq = checked_from + 1
            return report
        report.verified_tree_size = checked_from = frontier.size
    _beyond(header, claims, frontier, report)
    return report


def _beyond(
    header: ExportHeader, claims: dict[int, bytes], frontier: Frontier, report: OfflineReport
) -> None:
    """Checkpoints of larger trees: the export must be their prefix, by a consistency proof."""
    for size, root in sorted(claims.items()):
        if size <= frontier.size:
            continue
        proof = header.proofs.get(str(size))
        if proof is None:
            report.problems.append(
                f"the export ends at {frontier.size}; a checkpoint signed {size}"
            )
            report.first_broken_seq = frontier.size + 1
            return
        try:
            hashes = [base64.b64decode(h) for h in proof]
            verify_consistency(frontier.size, size, frontier.root(), root, hashes)
        except (ProofError, ValueError) as error:
            report.problems.append(
                f"the export ends at {frontier.size}, not a prefix of the checkpoint signed "
                f"for size {size}: {error}"
            )
            report.first_broken_seq = max(report.verified_tree_size, header.start_size) + 1
            return
        report.verified_tree_size = frontier.size


def _seq(line: bytes) -> int | None:
    try:
        seq = json.loads(line).get("seq")
    except (ValueError, AttributeError):
        return None
    return seq if isinstance(seq, int) else None
