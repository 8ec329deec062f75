"""Tampering as the database's table owner, each case detected by the service's verification.

Each test gets a log of its own (its own schema and role), so tampering never touches the log
other tests read; no broker is needed, the entries are appended through the real store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from audit_private_log import ENTRIES, HEADERS, PrivateLog, drafts
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from psycopg import sql

from switchboard_audit.domain import EntryQuery
from switchboard_audit.encoding import canonical_bytes
from switchboard_audit.signing import KeyVault
from switchboard_deploy.audit_cli import export_log
from switchboard_deploy.cli import main as cli_main
from switchboard_shared.audit_export import read_export, verify_export
from switchboard_shared.merkle import Frontier, NodeId, leaf_hash
from switchboard_shared.signed_note import NoteSigner, parse_vkey, sign_note
from switchboard_shared.tlog_checkpoint import Checkpoint

pytestmark = pytest.mark.integration


def without_triggers(conn: psycopg.Connection[dict[str, Any]], *tables: str) -> None:
    for table in tables:
        conn.execute(sql.SQL("ALTER TABLE {} DISABLE TRIGGER USER").format(sql.Identifier(table)))


def kinds(report: dict[str, Any]) -> set[str]:
    return {p["kind"] for p in report["problems"]}


async def test_the_untouched_log_verifies(log: PrivateLog):
    report = await log.verify(full=True)
    assert report["valid"] is True, report
    assert (report["entries_checked"], report["verified_tree_size"]) == (ENTRIES, ENTRIES)


async def test_a_changed_entry_is_named(log: PrivateLog):
    with log.owner() as conn:
        without_triggers(conn, "entries")
        conn.execute('UPDATE entries SET params = \'{"n": 7, "amount": 1}\' WHERE seq = 7')
    report = await log.verify(full=True)
    assert report["valid"] is False
    assert report["first_broken_seq"] == 7
    assert kinds(report) == {"changed_entry"}


async def test_an_entry_deleted_from_the_middle_is_named(log: PrivateLog):
    with log.owner() as conn:
        without_triggers(conn, "entries")
        conn.execute("DELETE FROM entries WHERE seq = 9")
    report = await log.verify(full=True)
    assert report["valid"] is False
    assert report["first_broken_seq"] == 9
    assert "missing_entry" in kinds(report)


async def test_a_cut_off_tail_is_smaller_than_the_signed_checkpoint(log: PrivateLog):
    assert (await log.verify(full=True))["valid"] is True
    with log.owner() as conn:
        without_triggers(conn, "entries")
        conn.execute("DELETE FROM entries WHERE seq > %s", (ENTRIES - 3,))
    for full in (False, True):
        report = await log.verify(full=full)
        assert report["valid"] is False, report
        assert "log_truncated" in kinds(report), report


async def test_a_log_rewritten_and_rehashed_fails_against_the_signed_roots(log: PrivateLog):
    assert (await log.verify(full=True))["valid"] is True
    with log.owner() as conn:
        without_triggers(conn, "entries", "tree_nodes")
        conn.execute("UPDATE entries SET reason = 'rewritten' WHERE seq % 2 = 0")
        nodes = await rehashed_tree(log)
        conn.execute("DELETE FROM tree_nodes")
        with conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO tree_nodes (level, idx, hash, data) VALUES (%s, %s, %s, %s)",
                [(level, idx, value, data) for (level, idx), (value, data) in nodes.items()],
            )
    incremental = await log.verify(full=False)
    assert incremental["valid"] is False
    assert "tree_changed" in kinds(incremental)
    full = await log.verify(full=True)
    assert full["valid"] is False
    assert kinds(full) == {"checkpoint_mismatch"}
    await log.store.append(drafts(ENTRIES + 1, 1))
    refused = await log.client.post("/api/audit/checkpoint", headers=HEADERS)
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"] == "log_forked"


async def rehashed_tree(log: PrivateLog) -> dict[NodeId, tuple[bytes, str | None]]:
    """What a careful forger computes: every leaf and node anew, from the rewritten rows."""
    nodes: dict[NodeId, tuple[bytes, str | None]] = {}
    frontier = Frontier()
    rows = await log.store.find(EntryQuery(scope="*", limit=10_000))
    for entry in sorted(rows, key=lambda e: e.seq):
        data = canonical_bytes(entry)
        for node, value in frontier.append(leaf_hash(data)):
            nodes[node] = (value, data.decode() if node[0] == 0 else None)
    return nodes


async def test_a_checkpoint_signed_by_an_unknown_key_is_reported(log: PrivateLog):
    stranger = NoteSigner(log.settings.log_origin, Ed25519PrivateKey.generate())
    root = leaf_hash(b"a tree nobody grew")
    note = sign_note(Checkpoint(log.settings.log_origin, ENTRIES, root).text(), [stranger])
    with log.owner() as conn:
        conn.execute(
            "INSERT INTO checkpoints (tree_size, root_hash, key_id, note) VALUES (%s, %s, %s, %s)",
            (ENTRIES, root, stranger.verifier.key_id.hex(), note),
        )
    report = await log.verify(full=True)
    assert report["valid"] is False
    assert kinds(report) == {"untrusted_checkpoint"}


async def test_a_genuinely_signed_checkpoint_that_is_no_extension_is_reported(log: PrivateLog):
    """The signing key itself leaked: its signature verifies, the tree it names does not."""
    [key] = await log.keys.keys()
    signer = KeyVault(log.settings.encryption_secret).signer(key)
    assert (await log.verify(full=True))["valid"] is True
    root = leaf_hash(b"a forked history")
    note = sign_note(Checkpoint(log.settings.log_origin, ENTRIES + 5, root).text(), [signer])
    await log.store.append(drafts(ENTRIES + 1, 5))
    with log.owner() as conn:
        conn.execute(
            "INSERT INTO checkpoints (tree_size, root_hash, key_id, note) VALUES (%s, %s, %s, %s)",
            (ENTRIES + 5, root, key.key_id, note),
        )
    for full in (False, True):
        report = await log.verify(full=full)
        assert report["valid"] is False, report
        assert kinds(report) == {"checkpoint_mismatch"}, report


async def test_a_signed_checkpoint_row_whose_columns_were_changed_is_reported(log: PrivateLog):
    with log.owner() as conn:
        without_triggers(conn, "checkpoints")
        conn.execute("UPDATE checkpoints SET tree_size = tree_size - 1 WHERE id = 1")
    report = await log.verify(full=True)
    assert kinds(report) == {"untrusted_checkpoint"}


async def test_an_export_verifies_offline_and_a_tampered_log_exports_as_broken(
    log: PrivateLog, tmp_path: Path
):
    """Offline: the file and a trusted key only; nothing here reads the database."""
    log.client.headers.update(HEADERS)
    keys = (await log.client.get("/api/audit/public-keys")).json()["keys"]
    trusted = [parse_vkey(k["vkey"]) for k in keys]
    intact = tmp_path / "intact.jsonl"
    assert await export_log(log.client, intact) == ENTRIES
    report = verify_export(*read_export(intact), trusted)
    assert report.valid, report.problems
    assert (report.entries_checked, report.verified_tree_size) == (ENTRIES, ENTRIES)
    with log.owner() as conn:
        without_triggers(conn, "entries")
        conn.execute("UPDATE entries SET action = 'rewritten' WHERE seq = 17")
    tampered = tmp_path / "tampered.jsonl"
    await export_log(log.client, tampered)
    broken = verify_export(*read_export(tampered), trusted)
    assert not broken.valid
    assert (broken.first_broken_seq, broken.verified_tree_size) == (ENTRIES - 4, ENTRIES - 5)
    stranger = NoteSigner(log.settings.log_origin, Ed25519PrivateKey.generate()).verifier
    assert verify_export(*read_export(intact), [stranger]).checkpoints_trusted == 0
    command = ["audit", "verify", "--vkey", keys[0]["vkey"], "--offline"]
    assert cli_main([*command, str(intact)]) == 0
    assert cli_main([*command, str(tampered)]) == 1
