"""HTTP_WORKERS: one service as several processes on one port, each a full replica.

The parent starts the replicas (the same command, with HTTP_WORKERS=1 and HTTP_REUSE_PORT=true),
passes SIGTERM and SIGINT on to them, and ends when the first of them ends, stopping the rest:
a supervisor above (Kubernetes, compose, `switchboard run`) then sees one failed process and
restarts the whole. Each replica binds its own socket with SO_REUSEPORT, so the kernel spreads
new connections evenly over them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from types import FrameType

from switchboard_shared.lifetime import die_with_parent

STOP_GRACE_SECONDS = 15.0


def reuse_port_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def run_replicas(count: int) -> int:
    """Runs `count` replicas of this very command; answers the exit code of the first to end."""
    env = {**os.environ, "HTTP_WORKERS": "1", "HTTP_REUSE_PORT": "true"}
    command = [sys.executable, *sys.orig_argv[1:]]
    replicas = [
        subprocess.Popen(command, env=env, preexec_fn=die_with_parent)  # noqa: S603
        for _ in range(count)
    ]

    def forward(signum: int, _: FrameType | None) -> None:
        for replica in replicas:
            if replica.poll() is None:
                replica.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    code = _first_exit(replicas)
    forward(signal.SIGTERM, None)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for replica in replicas:
        try:
            replica.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            replica.kill()
    return code


def _first_exit(replicas: list[subprocess.Popen[bytes]]) -> int:
    while True:
        for replica in replicas:
            code = replica.poll()
            if code is not None:
                return code
        time.sleep(0.2)
