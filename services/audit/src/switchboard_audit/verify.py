"""The use case that checks the log: incrementally from the last verified checkpoint, or fully.

Incremental: the stored edge of the tree at the last verified checkpoint must still fold to
its signed root; from there the new entries are checked against their recorded leaves and the
leaves replayed against the checkpoints signed since.
Full: every entry from the first (or from where archived and removed entries end: the stored
edge of the tree there must fold to the root recorded when they were removed).
Either way, a clean run marks the newest matching checkpoint as verified, and every key must
be genuine (its private half opens under SECRETS_KEY).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from switchboard_audit.checkpoint_store import StoredCheckpoint, Verification
from switchboard_audit.ports import AuditPorts
from switchboard_audit.verification import Problem, Replay, trusted_checkpoints
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission
from switchboard_shared.merkle import (
    Frontier,
    ProofError,
    consistency_plan,
    frontier_ids,
    nodes_for,
    proof_hashes,
    verify_consistency,
)
from switchboard_shared.signed_note import NoteVerifier

log = logging.getLogger(__name__)
MAX_REPORTED = 20
CONTENT_CHECK_SLICES = 2  # PostgreSQL backends checking content at once (one per core here)


async def verify_log(ports: AuditPorts, principal: Principal, *, full: bool) -> dict[str, Any]:
    """The log spans every tenant, so only platform roles may check it."""
    principal.require(Permission.AUDIT_VERIFY)
    verifiers, problems = await _genuine_keys(ports)
    mark = await ports.checkpoints.retention_mark()
    floor = mark.as_start() if mark else None  # where the archived entries end
    last = None if full else await ports.checkpoints.last_verification()
    incremental = last is not None and (floor is None or last.tree_size >= floor.tree_size)
    start = last if incremental else floor
    since = await ports.checkpoints.after(last.checkpoint_id if last and incremental else 0)
    claims, untrusted = trusted_checkpoints(since, verifiers, ports.origin)
    problems += untrusted
    frontier = await _start(ports, start, problems)
    older = [c for c in claims if start and c.tree_size < start.tree_size]
    problems += await _older_claims(ports, start, older)
    replay = Replay(frontier, [c for c in claims if c not in older])
    if not problems:
        # PostgreSQL checks the leaves' content while the leaves are folded here.
        content = asyncio.create_task(_unfaithful(ports, after=frontier.size))
        async for batch in ports.log.walk(after=frontier.size):
            replay.feed(batch)
            if replay.stopped:
                break
        replay.finish(await ports.log.shape(), removed=floor.tree_size if floor else 0)
        problems += await content
    problems += replay.problems
    if not problems and replay.verified is not None:
        await ports.checkpoints.add_verification(replay.verified)
    return _report(not incremental, start, replay, problems, len(claims))


async def _unfaithful(ports: AuditPorts, *, after: int) -> list[Problem]:
    """The content check is the costly part: it runs as parallel queries over slices."""
    last = (await ports.log.shape()).max_seq
    step = max(1, -(-(last - after) // CONTENT_CHECK_SLICES))
    slices = [(start, min(start + step, last)) for start in range(after, last, step)]
    found = await asyncio.gather(
        *(ports.log.unfaithful(start, MAX_REPORTED, end) for start, end in slices)
    )
    seqs = sorted(seq for part in found for seq in part)[:MAX_REPORTED]
    detail = "entry {} is not what its recorded leaf says (changed after it was appended)"
    return [Problem("changed_entry", detail.format(seq), seq=seq) for seq in seqs]


async def _genuine_keys(ports: AuditPorts) -> tuple[list[NoteVerifier], list[Problem]]:
    verifiers: list[NoteVerifier] = []
    problems: list[Problem] = []
    for key in await ports.checkpoints.keys():
        if ports.vault.genuine(key):
            verifiers.append(key.verifier)
        else:
            detail = f"key {key.key_id} was not made by this log (its private half does not open)"
            problems.append(Problem("untrusted_key", detail))
    return verifiers, problems


async def _start(
    ports: AuditPorts, start: Verification | None, problems: list[Problem]
) -> Frontier:
    if start is None:
        return Frontier()
    try:
        frontier = Frontier.at(
            start.tree_size, await ports.log.nodes(frontier_ids(start.tree_size))
        )
    except KeyError:
        frontier = Frontier()
    if frontier.size != start.tree_size or frontier.root() != start.root_hash:
        detail = f"the stored tree no longer leads to the verified root at {start.tree_size}"
        problems.append(Problem("tree_changed", detail))
    return frontier


async def _older_claims(
    ports: AuditPorts, start: Verification | None, older: list[StoredCheckpoint]
) -> list[Problem]:
    """Checkpoints newly signed for a smaller tree must be consistent with the verified one."""
    problems: list[Problem] = []
    for claim in older:
        assert start is not None
        try:
            spans = consistency_plan(claim.tree_size, start.tree_size)
            proof = proof_hashes(spans, await ports.log.nodes(nodes_for(spans)))
            verify_consistency(
                claim.tree_size, start.tree_size, claim.root_hash, start.root_hash, proof
            )
        except (ProofError, KeyError):
            detail = f"checkpoint of size {claim.tree_size} is not a prefix of the verified tree"
            problems.append(Problem("checkpoint_mismatch", detail, checkpoint_id=claim.id))
    return problems


def _report(
    full: bool,
    start: Verification | None,
    replay: Replay,
    problems: list[Problem],
    checkpoints_checked: int,
) -> dict[str, Any]:
    verified = replay.verified
    verified_size = verified.tree_size if verified else (start.tree_size if start else 0)
    first_broken = next((p.seq for p in problems if p.seq is not None), None)
    if problems:
        log.error("audit log check failed: %s", "; ".join(p.detail for p in problems[:5]))
    return {
        "valid": not problems,
        "mode": "full" if full else "incremental",
        "started_at_tree_size": start.tree_size if start else 0,
        "entries_checked": replay.entries_checked,
        "tree_size": replay.frontier.size,
        "checkpoints_checked": checkpoints_checked,
        "verified_tree_size": verified_size,
        "first_broken_seq": first_broken,
        "problems": [p.view() for p in problems],
    }
