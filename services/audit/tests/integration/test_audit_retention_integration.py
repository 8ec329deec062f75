"""Retention that stays verifiable: archive, check, remove, and the rest still proves itself."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from audit_private_log import ENTRIES, HEADERS, PrivateLog, drafts
from psycopg import sql

from switchboard_audit.checkpoint_store import StoredCheckpoint
from switchboard_audit.checkpoints import Checkpointer
from switchboard_audit.ports import AuditPorts
from switchboard_audit.retention import Retention
from switchboard_audit.retention_store import PostgresEntryRemover
from switchboard_audit.signing import KeyVault
from switchboard_deploy.audit_cli import export_log
from switchboard_shared.audit_export import read_export, verify_export
from switchboard_shared.db import role_dsn
from switchboard_shared.merkle import verify_consistency
from switchboard_shared.signed_note import open_note, parse_vkey
from switchboard_shared.tlog_checkpoint import parse_checkpoint

pytestmark = pytest.mark.integration
KEEP = timedelta(days=90)


def retention_of(log: PrivateLog, directory: Path) -> Retention:
    vault = KeyVault(log.settings.encryption_secret)

    async def publish(_: StoredCheckpoint) -> None:
        return None

    origin = log.settings.log_origin
    checkpointer = Checkpointer(log.store, log.keys, vault, origin, publish)
    ports = AuditPorts(log.store, log.keys, checkpointer, vault, origin)
    return Retention(ports, PostgresEntryRemover(log.owner_url, log.schema), directory, KEEP)


LATER = datetime.now(UTC) + KEEP + timedelta(days=1)


async def test_entries_past_their_time_are_archived_removed_and_the_log_still_verifies(
    log: PrivateLog,
    tmp_path: Path,
):
    log.client.headers.update(HEADERS)
    old_note = (await log.client.get("/api/audit/checkpoints")).json()["items"][-1]["note"]
    assert (await log.verify(full=True))["valid"] is True
    await log.store.append(drafts(ENTRIES + 1, 3))  # not covered by any checkpoint yet
    result = await retention_of(log, tmp_path / "archives").run(now=LATER)
    assert (result["from_seq"], result["through_seq"], result["removed"]) == (1, ENTRIES, ENTRIES)
    with log.owner() as conn:
        left = conn.execute("SELECT min(seq) AS low, count(*) AS n FROM entries").fetchone()
        kept = conn.execute("SELECT count(*) AS n FROM tree_nodes WHERE data IS NULL AND level = 0")
        assert kept.fetchone() == {"n": ENTRIES}
    assert left == {"low": ENTRIES + 1, "n": 3}

    keys = (await log.client.get("/api/audit/public-keys")).json()["keys"]
    trusted = [parse_vkey(k["vkey"]) for k in keys]
    archive = verify_export(*read_export(Path(result["archive"])), trusted)
    assert archive.valid, archive.problems
    assert archive.verified_tree_size == ENTRIES

    for full in (True, False):
        report = await log.verify(full=full)
        assert report["valid"] is True, report
    await log.checkpoint()
    after = await log.verify(full=True)
    assert after["valid"] is True, after
    assert (after["started_at_tree_size"], after["entries_checked"]) == (ENTRIES, 3)

    old = parse_checkpoint(open_note(old_note, trusted)[0])
    new_note = (await log.client.get("/api/audit/checkpoint")).text
    new = parse_checkpoint(open_note(new_note, trusted)[0])
    params = {"first": old.size, "second": new.size}
    proof = (await log.client.get("/api/audit/consistency", params=params)).json()["hashes"]
    verify_consistency(old.size, new.size, old.root, new.root, [base64.b64decode(h) for h in proof])

    export = tmp_path / "after.jsonl"
    assert await export_log(log.client, export) == 3
    offline = verify_export(*read_export(export), trusted)
    assert offline.valid, offline.problems
    assert offline.verified_tree_size == ENTRIES + 3


async def test_retention_removes_nothing_a_signed_checkpoint_does_not_cover(
    log: PrivateLog,
    tmp_path: Path,
):
    await log.store.append(drafts(ENTRIES + 1, 4))
    retention = retention_of(log, tmp_path)
    first = await retention.run(now=LATER)
    assert first["through_seq"] == ENTRIES
    again = await retention.run(now=LATER)
    assert again["removed"] == 0
    with log.owner() as conn:
        seqs = [r["seq"] for r in conn.execute("SELECT seq FROM entries ORDER BY seq")]
    assert seqs == list(range(ENTRIES + 1, ENTRIES + 5))


async def test_nothing_is_removed_before_its_time_and_the_service_role_still_cannot_delete(
    log: PrivateLog,
    tmp_path: Path,
):
    result = await retention_of(log, tmp_path).run()
    assert result["removed"] == 0
    dsn = role_dsn(log.owner_url, log.settings.db_role, None)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(log.schema)))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM entries WHERE seq = 1")
