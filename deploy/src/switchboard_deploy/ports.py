"""Ports for servers started on this machine: free when chosen, distinct, and below the range the
kernel hands out to outgoing connections, so that a client socket opened before the server
binds (a pool, a broker client) cannot take the port first."""

from __future__ import annotations

import random
import socket
from pathlib import Path

EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
LOWEST_PORT = 10_000
DEFAULT_EPHEMERAL_START = 32_768


def free_ports(count: int) -> list[int]:
    chooser = random.SystemRandom()
    highest = _ephemeral_start() - 1
    chosen: list[int] = []
    while len(chosen) < count:
        port = chooser.randint(LOWEST_PORT, highest)
        if port not in chosen and _bindable(port):
            chosen.append(port)
    return chosen


def free_port() -> int:
    return free_ports(1)[0]


def _ephemeral_start() -> int:
    try:
        start = int(EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return DEFAULT_EPHEMERAL_START
    return start if start > LOWEST_PORT + 1_000 else DEFAULT_EPHEMERAL_START


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
