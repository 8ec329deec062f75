"""RFC 9162 §2.1 Merkle trees: hashing, the growing right edge, proof plans and verification.

A node is named by its level (0 for leaves) and its index at that level: `(level, index)` covers
leaves `[index * 2**level, (index + 1) * 2**level)`. Only complete ("perfect") subtrees are
ever stored; every hash a proof needs is one of them or a fold of a few of them, so a proof
costs O(log n) node reads and never a rebuild. Nothing here does I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

NodeId = tuple[int, int]
Span = tuple[int, int]  # leaves [start, end)

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()
HASH_BYTES = 32


class ProofError(ValueError):
    """A proof that does not prove what it claims (or cannot be built for these sizes)."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two strictly smaller than `size` (size >= 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def perfect_nodes(span: Span) -> list[NodeId]:
    """The stored subtrees whose right-to-left fold is MTH of the span, left to right.

    Spans in proofs start on a boundary of a power of two at least their length, so the split
    of RFC 9162 always yields a perfect left part."""
    start, end = span
    found: list[NodeId] = []
    while end - start > 0:
        size = end - start
        part = size if size & (size - 1) == 0 else _split(size)
        level = part.bit_length() - 1
        found.append((level, start >> level))
        start += part
    return found


def span_hash(span: Span, nodes: Mapping[NodeId, bytes]) -> bytes:
    parts = [nodes[node] for node in perfect_nodes(span)]
    if not parts:
        return EMPTY_ROOT
    folded = parts[-1]
    for part in reversed(parts[:-1]):
        folded = node_hash(part, folded)
    return folded


def inclusion_plan(index: int, size: int) -> list[Span]:
    """The spans whose hashes form the audit path of leaf `index` (RFC 9162 §2.1.3.1)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of size {size}")
    spans: list[Span] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            spans.append((start + k, end))
            end = start + k
        else:
            spans.append((start, start + k))
            start += k
    return list(reversed(spans))


def consistency_plan(first: int, second: int) -> list[Span]:
    """The spans whose hashes form PROOF(first, D[second]) (RFC 9162 §2.1.4.1)."""
    if not 0 < first <= second:
        raise ProofError(f"no consistency proof from size {first} to size {second}")
    if first == second:
        return []
    spans: list[Span] = []
    start, end, whole = 0, second, True
    m = first
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            spans.append((start + k, end))
            end = start + k
        else:
            spans.append((start, start + k))
            start, m, whole = start + k, m - k, False
    if not whole:
        spans.append((start, end))
    return list(reversed(spans))


def nodes_for(spans: Iterable[Span]) -> set[NodeId]:
    return {node for span in spans for node in perfect_nodes(span)}


def proof_hashes(spans: Sequence[Span], nodes: Mapping[NodeId, bytes]) -> list[bytes]:
    return [span_hash(span, nodes) for span in spans]


def frontier_ids(size: int) -> list[NodeId]:
    """The perfect subtrees a tree of `size` leaves is made of, left (largest) to right."""
    return perfect_nodes((0, size))


@dataclass
class Frontier:
    """The right edge of a tree: enough to append leaves and to compute the root."""

    size: int = 0
    edge: list[bytes] = field(default_factory=list)  # hashes of frontier_ids(size)

    @classmethod
    def at(cls, size: int, nodes: Mapping[NodeId, bytes]) -> Frontier:
        return cls(size, [nodes[node] for node in frontier_ids(size)])

    def append(self, leaf: bytes) -> list[tuple[NodeId, bytes]]:
        """Adds one leaf hash; answers every node that became complete, the leaf first."""
        index, level, current = self.size, 0, leaf
        made = [((0, index), leaf)]
        while index & 1:
            current = node_hash(self.edge.pop(), current)
            index, level = index >> 1, level + 1
            made.append(((level, index), current))
        self.edge.append(current)
        self.size += 1
        return made

    def root(self) -> bytes:
        if not self.edge:
            return EMPTY_ROOT
        folded = self.edge[-1]
        for part in reversed(self.edge[:-1]):
            folded = node_hash(part, folded)
        return folded


def root_of(leaves: Iterable[bytes]) -> bytes:
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 §2.1.3.2; raises ProofError unless the proof is exactly right."""
    _hashes_sized(leaf, root, *proof)
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of size {size}")
    fn, sn, computed = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            raise ProofError("the inclusion proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            computed = node_hash(sibling, computed)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            computed = node_hash(computed, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the inclusion proof is shorter than the tree is deep")
    if computed != root:
        raise ProofError("the inclusion proof does not lead to the root")


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> None:
    """RFC 9162 §2.1.4.2; raises ProofError unless tree `second` extends tree `first`."""
    _hashes_sized(*proof)
    if not 0 < first <= second:
        raise ProofError(f"size {second} cannot be proven to extend size {first}")
    if first == second:
        if proof:
            raise ProofError("equal sizes take an empty proof")
        if first_root != second_root:
            raise ProofError("equal sizes with different roots")
        return
    if not proof:
        raise ProofError("a consistency proof cannot be empty here")
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the consistency proof is too short")
    if fr != first_root or sr != second_root:
        raise ProofError("the consistency proof does not lead to both roots")


def _hashes_sized(*hashes: bytes) -> None:
    if any(len(value) != HASH_BYTES for value in hashes):
        raise ProofError(f"every hash must be {HASH_BYTES} bytes")
