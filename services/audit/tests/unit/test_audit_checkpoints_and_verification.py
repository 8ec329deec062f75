"""Checkpoints and verification as use cases, over in-memory stores."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from audit_fakes import MemoryAuditStore, MemoryCheckpointStore
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from switchboard_audit.checkpoints import Checkpointer, LogForked
from switchboard_audit.domain import EntryDraft
from switchboard_audit.ports import AuditPorts
from switchboard_audit.proofs import consistency_proof, entry_with_leaf, inclusion_proof
from switchboard_audit.signing import KeyVault, StoredKey
from switchboard_audit.verify import verify_log
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Role
from switchboard_shared.errors import BadRequest, Forbidden, NotFound
from switchboard_shared.merkle import leaf_hash, verify_consistency, verify_inclusion
from switchboard_shared.signed_note import NoteSigner, open_note, parse_vkey, sign_note
from switchboard_shared.tlog_checkpoint import Checkpoint, parse_checkpoint

ORIGIN = "test.example/audit"
SECRET = b"a-secrets-key-of-at-least-32-bytes!!"


def principal(role: Role, tenant_id: str | None = None) -> Principal:
    return Principal(
        user_id="u-1", email="u@example.test", role=role, tenant_id=tenant_id,
        session_id="s", token_id="j", issued_at=0, expires_at=2**31,
    )  # fmt: skip


PLATFORM = principal(Role.SRE)
T0 = datetime(2026, 1, 7, 12, 0, tzinfo=UTC)


def drafts(first: int, count: int, tenant: str | None = None) -> list[EntryDraft]:
    return [
        EntryDraft(
            event_id=f"ev-{n}", occurred_at=T0, action=f"step.{n}", result="success",
            tenant_id=tenant, params={"n": n},
        )
        for n in range(first, first + count)
    ]  # fmt: skip


def make_ports() -> tuple[AuditPorts, MemoryAuditStore, MemoryCheckpointStore]:
    log, checkpoints = MemoryAuditStore(), MemoryCheckpointStore()

    async def publish(checkpoint: object) -> None:
        checkpoints.published.append(checkpoint)  # type: ignore[arg-type]

    vault = KeyVault(SECRET)
    checkpointer = Checkpointer(log, checkpoints, vault, ORIGIN, publish)
    return AuditPorts(log, checkpoints, checkpointer, vault, ORIGIN), log, checkpoints


async def test_a_checkpoint_is_a_signed_note_that_opens_with_the_published_vkey():
    ports, log, checkpoints = make_ports()
    await log.append(drafts(1, 5))
    made = await ports.checkpointer.make()
    [key] = await checkpoints.keys()
    text, _ = open_note(made.note, [parse_vkey(key.verifier.vkey)])
    assert parse_checkpoint(text) == Checkpoint(ORIGIN, 5, (await log.head())[1])
    assert checkpoints.published == [made]


async def test_without_new_entries_no_new_checkpoint_is_made_until_the_log_is_idle_long_enough():
    ports, log, checkpoints = make_ports()
    await log.append(drafts(1, 2))
    first = await ports.checkpointer.make()
    assert await ports.checkpointer.make() == first
    assert await ports.checkpointer.tick(timedelta(hours=1)) is None
    await log.append(drafts(3, 1))
    assert (await ports.checkpointer.tick(timedelta(hours=1))).tree_size == 3  # type: ignore[union-attr]
    assert (await ports.checkpointer.tick(timedelta(0))).tree_size == 3  # type: ignore[union-attr]
    assert len(checkpoints.checkpoints) == 3


async def test_the_log_refuses_to_sign_a_tree_that_does_not_extend_its_last_checkpoint():
    ports, log, _ = make_ports()
    await log.append(drafts(1, 4))
    await ports.checkpointer.make()
    log.tree[(2, 0)] = leaf_hash(b"rewritten")
    await log.append(drafts(5, 1))
    with pytest.raises(LogForked):
        await ports.checkpointer.make()


async def test_a_redelivered_event_is_stored_once():
    _, log, _ = make_ports()
    await log.append(drafts(1, 3))
    assert await log.append(drafts(2, 3)) == [e for e in log.entries.values() if e.seq == 4]


async def test_proofs_from_the_stores_verify_against_the_signed_root():
    ports, log, _ = make_ports()
    await log.append(drafts(1, 11))
    old = await ports.checkpointer.make()
    await log.append(drafts(12, 6))
    new = await ports.checkpointer.make()
    entry = await entry_with_leaf(ports, PLATFORM, 7)
    proof = await inclusion_proof(ports, PLATFORM, 7, None)
    assert proof["tree_size"] == 17
    assert proof["checkpoint"] == new.note
    verify_inclusion(
        b64d(entry["leaf_hash"]), 6, 17, [b64d(h) for h in proof["hashes"]], new.root_hash
    )
    consistency = await consistency_proof(ports, 11, None)
    verify_consistency(
        11, 17, old.root_hash, new.root_hash, [b64d(h) for h in consistency["hashes"]]
    )


def b64d(text: str) -> bytes:
    return base64.b64decode(text)


async def test_a_tenant_owner_gets_proofs_of_their_own_tenant_only():
    ports, log, _ = make_ports()
    await log.append(drafts(1, 2, tenant="t1") + drafts(3, 2, tenant="t2"))
    await ports.checkpointer.make()
    owner = principal(Role.OWNER, "t1")
    assert (await inclusion_proof(ports, owner, 2, None))["leaf_index"] == 1
    with pytest.raises(NotFound):
        await inclusion_proof(ports, owner, 3, None)


@pytest.mark.parametrize(("seq", "size"), [(5, 4), (1, 99), (1, 0)])
async def test_a_proof_for_an_impossible_tree_size_is_a_bad_request(seq: int, size: int):
    ports, log, _ = make_ports()
    await log.append(drafts(1, 5))
    with pytest.raises(BadRequest):
        await inclusion_proof(ports, PLATFORM, seq, size)


async def test_only_platform_roles_verify():
    ports, _, _ = make_ports()
    with pytest.raises(Forbidden):
        await verify_log(ports, principal(Role.OWNER, "t"), full=True)


async def signed_log(count: int = 9) -> tuple[AuditPorts, MemoryAuditStore, MemoryCheckpointStore]:
    ports, log, checkpoints = make_ports()
    await log.append(drafts(1, count - 3))
    await ports.checkpointer.make()
    await log.append(drafts(count - 2, 3))
    await ports.checkpointer.make()
    return ports, log, checkpoints


async def test_an_intact_log_verifies_fully_then_incrementally_from_the_mark():
    ports, log, _ = await signed_log()
    report = await verify_log(ports, PLATFORM, full=True)
    assert report["valid"]
    assert report["entries_checked"] == 9
    assert report["verified_tree_size"] == 9
    await log.append(drafts(10, 4))
    await ports.checkpointer.make()
    again = await verify_log(ports, PLATFORM, full=False)
    assert again["valid"], again
    assert (again["mode"], again["started_at_tree_size"], again["entries_checked"]) == (
        "incremental", 9, 4,
    )  # fmt: skip


async def test_a_changed_entry_is_named():
    ports, log, _ = await signed_log()
    log.entries[4] = replace(log.entries[4], reason="nothing to see")
    report = await verify_log(ports, PLATFORM, full=True)
    assert not report["valid"]
    assert report["first_broken_seq"] == 4


async def test_an_entry_deleted_from_the_middle_is_named():
    ports, log, _ = await signed_log()
    del log.entries[5]
    report = await verify_log(ports, PLATFORM, full=True)
    assert not report["valid"]
    assert report["first_broken_seq"] == 5


async def test_a_cut_off_tail_is_smaller_than_the_signed_checkpoint():
    ports, log, _ = await signed_log()
    for seq in (8, 9):
        del log.entries[seq]
    report = await verify_log(ports, PLATFORM, full=True)
    assert "log_truncated" in {p["kind"] for p in report["problems"]}


async def test_a_checkpoint_signed_by_an_unknown_key_is_reported():
    ports, log, checkpoints = await signed_log()
    stranger = NoteSigner(ORIGIN, Ed25519PrivateKey.generate())
    size, root = await log.head()
    note = sign_note(Checkpoint(ORIGIN, size, root).text(), [stranger])
    await checkpoints.add_checkpoint(size, root, stranger.verifier.key_id.hex(), note)
    report = await verify_log(ports, PLATFORM, full=True)
    assert [p["kind"] for p in report["problems"]] == ["untrusted_checkpoint"]


async def test_a_key_slipped_into_the_key_table_is_not_trusted():
    ports, _, checkpoints = await signed_log()
    forged = StoredKey("00000000", ORIGIN, bytes(32), b"not sealed here")
    checkpoints.stored_keys.append(forged)
    report = await verify_log(ports, PLATFORM, full=True)
    assert "untrusted_key" in {p["kind"] for p in report["problems"]}


async def test_a_genuinely_signed_checkpoint_that_is_not_an_extension_is_reported():
    ports, _log, checkpoints = await signed_log()
    key, signer = await ports.checkpointer.signer()
    fake_root = leaf_hash(b"another history")
    note = sign_note(Checkpoint(ORIGIN, 9, fake_root).text(), [signer])
    await checkpoints.add_checkpoint(9, fake_root, key.key_id, note)
    report = await verify_log(ports, PLATFORM, full=True)
    assert [p["kind"] for p in report["problems"]] == ["checkpoint_mismatch"]


async def test_a_rewritten_and_rehashed_log_fails_against_the_signed_roots():
    ports, log, _ = await signed_log()
    rewritten = MemoryAuditStore()
    await rewritten.append(
        [replace(d, reason="rewritten") if d.event_id == "ev-2" else d for d in drafts(1, 9)]
    )
    log.entries, log.tree = rewritten.entries, rewritten.tree
    report = await verify_log(ports, PLATFORM, full=True)
    assert not report["valid"]
    assert {p["kind"] for p in report["problems"]} == {"checkpoint_mismatch"}


async def test_incremental_verification_notices_a_tree_changed_below_the_mark():
    ports, log, _ = await signed_log()
    assert (await verify_log(ports, PLATFORM, full=True))["valid"]
    log.tree[(3, 0)] = leaf_hash(b"rehashed")
    report = await verify_log(ports, PLATFORM, full=False)
    assert [p["kind"] for p in report["problems"]] == ["tree_changed"]


async def test_keys_rotate_and_old_checkpoints_still_verify():
    ports, log, checkpoints = await signed_log()
    await ports.checkpointer.rotate()
    await log.append(drafts(10, 1))
    await ports.checkpointer.make()
    keys = await checkpoints.keys()
    assert len(keys) == 2
    assert keys[0].retired_at is not None
    assert (await verify_log(ports, PLATFORM, full=True))["valid"]


async def test_a_key_rotated_by_another_replica_signs_the_next_checkpoint():
    ports, log, checkpoints = await signed_log()
    other = Checkpointer(log, checkpoints, ports.vault, ORIGIN, ports.checkpointer.publish)
    new_key = await other.rotate()
    await log.append(drafts(10, 1))
    made = await ports.checkpointer.make()
    assert made.key_id == new_key.key_id


async def test_checkpoints_are_written_to_the_directory_and_kept_when_publishing_fails(
    tmp_path: Path,
):
    log, checkpoints = MemoryAuditStore(), MemoryCheckpointStore()

    async def broker_down(_: object) -> None:
        raise ConnectionError("broker unreachable")

    checkpointer = Checkpointer(
        log, checkpoints, KeyVault(SECRET), ORIGIN, broker_down, tmp_path / "checkpoints"
    )
    await log.append(drafts(1, 3))
    made = await checkpointer.make()
    assert await checkpoints.latest() == made
    assert (tmp_path / "checkpoints" / "latest.txt").read_text() == made.note
    assert (tmp_path / "checkpoints" / f"checkpoint-{made.id:012d}.txt").exists()
