"""Offline verification of an audit export: only the file and a trusted key."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from switchboard_shared.audit_export import (
    ExportHeader,
    read_export,
    verify_export,
    write_export,
)
from switchboard_shared.merkle import (
    Frontier,
    NodeId,
    consistency_plan,
    frontier_ids,
    leaf_hash,
    proof_hashes,
    root_of,
)
from switchboard_shared.signed_note import NoteSigner, sign_note
from switchboard_shared.tlog_checkpoint import Checkpoint

ORIGIN = "test.example/audit"
SIGNER = NoteSigner(ORIGIN, Ed25519PrivateKey.generate())


def lines(count: int) -> list[bytes]:
    return [json.dumps({"action": f"a{n}", "seq": n}, separators=(",", ":")).encode()
            for n in range(1, count + 1)]  # fmt: skip


def note(entries: list[bytes], size: int, signer: NoteSigner = SIGNER) -> str:
    root = root_of(leaf_hash(line) for line in entries[:size])
    return sign_note(Checkpoint(ORIGIN, size, root).text(), [signer])


def header(entries: list[bytes], *sizes: int) -> ExportHeader:
    return ExportHeader(ORIGIN, [note(entries, s) for s in sizes], [SIGNER.verifier.vkey])


def test_an_intact_export_verifies_against_every_checkpoint(tmp_path: Path) -> None:
    entries = lines(12)
    path = tmp_path / "audit.jsonl"
    with path.open("wb") as out:
        assert write_export(out, header(entries, 5, 12), entries) == 12
    read_header, read_lines = read_export(path)
    report = verify_export(read_header, read_lines, [SIGNER.verifier])
    assert report.valid, report.problems
    assert (report.entries_checked, report.verified_tree_size) == (12, 12)
    assert report.checkpoints_trusted == 2


def test_a_changed_entry_is_located_between_two_checkpoints() -> None:
    entries = lines(12)
    signed = header(entries, 5, 12)
    entries[7] = entries[7].replace(b'"a8"', b'"a8!"')
    report = verify_export(signed, entries, [SIGNER.verifier])
    assert not report.valid
    assert report.first_broken_seq == 6
    assert report.verified_tree_size == 5


def test_a_deleted_entry_is_named() -> None:
    entries = lines(12)
    signed = header(entries, 12)
    del entries[3]
    report = verify_export(signed, entries, [SIGNER.verifier])
    assert report.first_broken_seq == 4


def test_a_cut_off_export_is_smaller_than_its_checkpoint() -> None:
    entries = lines(12)
    report = verify_export(header(entries, 12), entries[:9], [SIGNER.verifier])
    assert not report.valid
    assert report.first_broken_seq == 10


def test_checkpoints_of_keys_not_given_are_not_trusted() -> None:
    entries = lines(4)
    stranger = NoteSigner(ORIGIN, Ed25519PrivateKey.generate())
    forged = ExportHeader(ORIGIN, [note(entries, 4, stranger)], [stranger.verifier.vkey])
    report = verify_export(forged, entries, [SIGNER.verifier])
    assert not report.valid
    assert report.checkpoints_trusted == 0


def test_a_file_that_is_not_an_export_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.jsonl"
    path.write_bytes(b'{"hello": 1}\n')
    with pytest.raises(ValueError, match="not an audit log export"):
        read_export(path)


def test_the_header_is_one_json_line() -> None:
    out = io.BytesIO()
    write_export(out, header(lines(1), 1), lines(1))
    first, second = out.getvalue().splitlines()
    assert json.loads(first)["format"] == "switchboard-audit-export/v1"
    assert second == lines(1)[0]


def b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def slice_header(entries: list[bytes], start: int, end: int, signed: int) -> ExportHeader:
    """Lines start+1..end of a log whose checkpoint covers `signed` entries."""
    nodes: dict[NodeId, bytes] = {}
    frontier = Frontier()
    for line in entries:
        nodes.update(frontier.append(leaf_hash(line)))
    edge = [b64(nodes[node]) for node in frontier_ids(start)]
    proof = [b64(h) for h in proof_hashes(consistency_plan(end, signed), nodes)]
    return ExportHeader(
        ORIGIN, [note(entries, signed)], [SIGNER.verifier.vkey], start, edge, {str(signed): proof}
    )


def test_an_archived_slice_verifies_against_a_checkpoint_of_a_larger_tree() -> None:
    entries = lines(12)
    report = verify_export(slice_header(entries, 4, 8, 12), entries[4:8], [SIGNER.verifier])
    assert report.valid, report.problems
    assert (report.entries_checked, report.verified_tree_size) == (4, 8)


def test_a_changed_line_of_an_archived_slice_is_refused() -> None:
    entries = lines(12)
    header = slice_header(entries, 4, 8, 12)
    changed = [*entries[4:6], b'{"action":"forged","seq":7}', entries[7]]
    report = verify_export(header, changed, [SIGNER.verifier])
    assert not report.valid
    assert report.first_broken_seq == 5
