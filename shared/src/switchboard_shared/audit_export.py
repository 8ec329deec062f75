"""An audit log export and its offline verification: no database, no service, only the file,
the checkpoints in it and public keys the verifier trusts on its own.

The file is JSON lines. The first line is a header `{"format", "origin", "checkpoints":
[signed notes], "public_keys": [vkeys]}`; every further line is one entry's canonical bytes
exactly as the log hashed them (docs/audit-log.md), in `seq` order, so leaf = SHA-256(0x00 ||
line). The keys in the header are informative only: verification uses the keys it is given.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from switchboard_shared.merkle import Frontier, leaf_hash
from switchboard_shared.signed_note import NoteError, NoteVerifier, open_note
from switchboard_shared.tlog_checkpoint import CheckpointError, parse_checkpoint

EXPORT_FORMAT = "switchboard-audit-export/v1"


@dataclass(frozen=True)
class ExportHeader:
    origin: str
    checkpoints: list[str]
    public_keys: list[str]

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
    header = ExportHeader(first["origin"], list(first["checkpoints"]), list(first["public_keys"]))

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
    frontier, checked_from = Frontier(), 0
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
    signed = max(claims, default=0)
    if signed > frontier.size:
        report.problems.append(f"the export ends at {frontier.size}; a checkpoint signed {signed}")
        report.first_broken_seq = frontier.size + 1
    return report


def _seq(line: bytes) -> int | None:
    try:
        seq = json.loads(line).get("seq")
    except (ValueError, AttributeError):
        return None
    return seq if isinstance(seq, int) else None
