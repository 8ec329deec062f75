"""Use cases that prove: an entry with its leaf hash, inclusion and consistency proofs.

A tenant caller sees only entries of their own tenant (row-level security answers nothing
otherwise, which reads as not found); proofs hold only hashes, never another entry's content.
"""

from __future__ import annotations

import base64
from typing import Any

from switchboard_audit.encoding import canonical_bytes, entry_leaf_hash
from switchboard_audit.handlers import entry_view
from switchboard_audit.ports import AuditPorts
from switchboard_shared.auth.principal import Principal
from switchboard_shared.errors import BadRequest, Conflict, NotFound
from switchboard_shared.merkle import (
    Span,
    consistency_plan,
    frontier_ids,
    inclusion_plan,
    nodes_for,
    proof_hashes,
)


def b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


async def entry_with_leaf(ports: AuditPorts, principal: Principal, seq: int) -> dict[str, Any]:
    entry = await ports.log.get(seq, principal.tenant_scope())
    if entry is None:
        raise NotFound(f"no audit entry {seq}", code="entry_not_found")
    return {
        **entry_view(entry),
        "leaf_index": seq - 1,
        "leaf_data": canonical_bytes(entry).decode(),
        "leaf_hash": b64(entry_leaf_hash(entry)),
    }


async def inclusion_proof(
    ports: AuditPorts, principal: Principal, seq: int, tree_size: int | None
) -> dict[str, Any]:
    entry = await entry_with_leaf(ports, principal, seq)
    size = tree_size if tree_size is not None else await _signed_size(ports)
    await _within_tree(ports, size)
    if size < seq:
        raise BadRequest(f"entry {seq} is not in a tree of size {size}", code="invalid_tree_size")
    hashes = await _hashes(ports, inclusion_plan(seq - 1, size))
    checkpoint = await ports.checkpoints.at_size(size)
    return {
        "leaf_index": seq - 1,
        "tree_size": size,
        "leaf_hash": entry["leaf_hash"],
        "hashes": hashes,
        "checkpoint": checkpoint.note if checkpoint else None,
    }


async def consistency_proof(ports: AuditPorts, first: int, second: int | None) -> dict[str, Any]:
    second = second if second is not None else await _signed_size(ports)
    await _within_tree(ports, second)
    if not 0 < first <= second:
        detail = "a consistency proof needs 0 < first <= second"
        raise BadRequest(detail, code="invalid_tree_size")
    hashes = await _hashes(ports, consistency_plan(first, second))
    return {"first": first, "second": second, "hashes": hashes}


async def export_page(ports: AuditPorts, after: int, limit: int) -> dict[str, Any]:
    """Entries as canonical bytes, in order: the lines of an export (docs/audit-log.md)."""
    mark = await ports.checkpoints.retention_mark()
    start = mark.removed_through if mark else 0
    after = max(after, start)
    entries = await ports.log.after(after, limit)
    last = (await ports.log.shape()).max_seq
    next_after = after + limit if after + limit < last else None
    return {
        "lines": [canonical_bytes(e).decode() for e in entries],
        "next_after": next_after,
        "start_size": start,
        "start_edge": [b64(h) for h in await _edge(ports, start)],
    }


async def _edge(ports: AuditPorts, size: int) -> list[bytes]:
    ids = frontier_ids(size)
    nodes = await ports.log.nodes(ids)
    return [nodes[node] for node in ids]


async def _signed_size(ports: AuditPorts) -> int:
    """Without a size, proofs are made against the latest signed checkpoint."""
    latest = await ports.checkpoints.latest()
    if latest is None:
        raise NotFound("no checkpoint has been signed yet", code="no_checkpoint")
    return latest.tree_size


async def _within_tree(ports: AuditPorts, size: int) -> None:
    current = await ports.log.tree_size()
    if not 0 < size <= current:
        detail = f"tree_size must be between 1 and {current}"
        raise BadRequest(detail, code="invalid_tree_size")


async def _hashes(ports: AuditPorts, spans: list[Span]) -> list[str]:
    nodes = await ports.log.nodes(nodes_for(spans))
    try:
        return [b64(h) for h in proof_hashes(spans, nodes)]
    except KeyError as error:
        raise Conflict("the stored tree is missing nodes", code="tree_damaged") from error
