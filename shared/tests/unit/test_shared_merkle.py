"""RFC 9162 hashing and proofs, against the published probes of an independent implementation."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from switchboard_shared.merkle import (
    EMPTY_ROOT,
    Frontier,
    NodeId,
    ProofError,
    consistency_plan,
    inclusion_plan,
    leaf_hash,
    nodes_for,
    proof_hashes,
    root_of,
    verify_consistency,
    verify_inclusion,
)

VECTORS = Path(__file__).parent / "vectors"
TEST_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]  # fmt: skip


def load(kind: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((VECTORS / f"rfc9162_{kind}.json").read_text())
    return cases


def b64(value: str | None) -> bytes:
    return base64.b64decode(value) if value else b""


def proof_of(case: dict[str, Any]) -> list[bytes]:
    return [b64(p) for p in case["proof"] or []]


INCLUSION = load("inclusion")
CONSISTENCY = load("consistency")


def stored_tree(leaves: list[bytes]) -> dict[NodeId, bytes]:
    nodes: dict[NodeId, bytes] = {}
    frontier = Frontier()
    for leaf in leaves:
        nodes.update(frontier.append(leaf_hash(leaf)))
    return nodes


NODES = stored_tree(TEST_LEAVES)


def test_leaf_and_empty_tree_hashes_are_the_rfc_ones() -> None:
    assert leaf_hash(b"").hex().startswith("6e340b9cffb37a98")
    assert EMPTY_ROOT.hex().startswith("e3b0c44298fc1c14")
    assert root_of([]) == EMPTY_ROOT


@pytest.mark.parametrize("case", INCLUSION, ids=[c["name"] for c in INCLUSION])
def test_inclusion_probes_are_accepted_or_refused_as_published(case: dict[str, Any]) -> None:
    def check() -> None:
        verify_inclusion(
            b64(case["leafHash"]), case["leafIdx"], case["treeSize"], proof_of(case),
            b64(case["root"]),
        )  # fmt: skip

    if case["wantErr"]:
        with pytest.raises(ProofError):
            check()
    else:
        check()


@pytest.mark.parametrize("case", CONSISTENCY, ids=[c["name"] for c in CONSISTENCY])
def test_consistency_probes_are_accepted_or_refused_as_published(case: dict[str, Any]) -> None:
    def check() -> None:
        verify_consistency(
            case["size1"], case["size2"], b64(case["root1"]), b64(case["root2"]), proof_of(case)
        )

    if case["wantErr"]:
        with pytest.raises(ProofError):
            check()
    else:
        check()


def over_test_leaves(case: dict[str, Any]) -> bool:
    """The happy paths made over the eight test leaves (not the hand-made edge cases)."""
    return not case["wantErr"] and case["name"].split("/")[1].isdigit()


HAPPY_INCLUSION = [c for c in INCLUSION if over_test_leaves(c)]
HAPPY_CONSISTENCY = [c for c in CONSISTENCY if over_test_leaves(c)]


@pytest.mark.parametrize("case", HAPPY_INCLUSION, ids=[c["name"] for c in HAPPY_INCLUSION])
def test_our_inclusion_proofs_and_roots_equal_the_published_ones(case: dict[str, Any]) -> None:
    size = case["treeSize"]
    assert root_of(leaf_hash(leaf) for leaf in TEST_LEAVES[:size]) == b64(case["root"])
    spans = inclusion_plan(case["leafIdx"], size)
    assert proof_hashes(spans, NODES) == proof_of(case)


@pytest.mark.parametrize("case", HAPPY_CONSISTENCY, ids=[c["name"] for c in HAPPY_CONSISTENCY])
def test_our_consistency_proofs_equal_the_published_ones(case: dict[str, Any]) -> None:
    spans = consistency_plan(case["size1"], case["size2"])
    assert proof_hashes(spans, NODES) == proof_of(case)


def leaves(count: int) -> list[bytes]:
    return [leaf_hash(f"entry {n}".encode()) for n in range(count)]


def build(count: int) -> tuple[dict[NodeId, bytes], list[bytes]]:
    """Every stored node of a tree of `count` leaves and the root at each size."""
    nodes: dict[NodeId, bytes] = {}
    roots, frontier = [EMPTY_ROOT], Frontier()
    for leaf in leaves(count):
        nodes.update(frontier.append(leaf))
        roots.append(frontier.root())
    return nodes, roots


def test_every_inclusion_proof_of_every_size_up_to_70_verifies_and_reads_few_nodes() -> None:
    nodes, roots = build(70)
    all_leaves = leaves(70)
    for size in range(1, 71):
        for index in range(size):
            spans = inclusion_plan(index, size)
            assert len(nodes_for(spans)) <= 2 * size.bit_length()
            proof = proof_hashes(spans, nodes)
            verify_inclusion(all_leaves[index], index, size, proof, roots[size])


def test_every_consistency_proof_of_every_size_pair_up_to_70_verifies() -> None:
    nodes, roots = build(70)
    for second in range(1, 71):
        for first in range(1, second + 1):
            proof = proof_hashes(consistency_plan(first, second), nodes)
            assert len(nodes_for(consistency_plan(first, second))) <= 2 * second.bit_length()
            verify_consistency(first, second, roots[first], roots[second], proof)


def test_a_proof_for_one_leaf_does_not_prove_its_neighbour() -> None:
    nodes, roots = build(13)
    proof = proof_hashes(inclusion_plan(5, 13), nodes)
    with pytest.raises(ProofError):
        verify_inclusion(leaves(13)[6], 5, 13, proof, roots[13])
    with pytest.raises(ProofError):
        verify_inclusion(leaves(13)[5], 6, 13, proof, roots[13])


def test_a_rewritten_history_is_not_consistent_with_the_old_root() -> None:
    _, roots = build(20)
    rewritten = [leaf_hash(b"forged"), *leaves(20)[1:]]
    forged_nodes: dict[NodeId, bytes] = {}
    frontier = Frontier()
    for leaf in rewritten:
        forged_nodes.update(frontier.append(leaf))
    proof = proof_hashes(consistency_plan(9, 20), forged_nodes)
    with pytest.raises(ProofError):
        verify_consistency(9, 20, roots[9], frontier.root(), proof)


@pytest.mark.parametrize(("index", "size"), [(-1, 3), (3, 3), (0, 0)])
def test_no_inclusion_plan_for_a_leaf_outside_the_tree(index: int, size: int) -> None:
    with pytest.raises(ProofError):
        inclusion_plan(index, size)


@pytest.mark.parametrize(("first", "second"), [(0, 3), (4, 3), (-1, 2)])
def test_no_consistency_plan_from_an_empty_or_larger_tree(first: int, second: int) -> None:
    with pytest.raises(ProofError):
        consistency_plan(first, second)
