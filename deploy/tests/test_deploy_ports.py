"""Ports for a stack: distinct, free, and out of the kernel's range for outgoing connections."""

from __future__ import annotations

import socket

import pytest

from switchboard_deploy import ports


def test_the_ports_are_distinct_free_and_below_the_outgoing_range() -> None:
    chosen = ports.free_ports(40)
    assert len(set(chosen)) == 40
    assert all(ports.LOWEST_PORT <= port < ports._ephemeral_start() for port in chosen)
    for port in chosen:
        with socket.socket() as server:
            server.bind(("127.0.0.1", port))


def test_a_port_in_use_or_already_chosen_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    busy, first, second = ports.free_ports(3)
    offers = iter([busy, first, busy, first, second])

    class Scripted:
        def randint(self, low: int, high: int) -> int:
            return next(offers)

    monkeypatch.setattr("random.SystemRandom", Scripted)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", busy))
        taken.listen()
        assert ports.free_ports(2) == [first, second]
