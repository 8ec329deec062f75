"""Starts service processes, waits until they are ready, and stops them all, cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from switchboard_deploy.children import start_logged
from switchboard_deploy.services import ServiceSpec


@dataclass
class ServiceProcess:
    spec: ServiceSpec
    port: int
    process: subprocess.Popen[bytes]
    log_file: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Supervisor:
    log_dir: Path
    processes: dict[str, ServiceProcess] = field(default_factory=dict)

    def start(self, spec: ServiceSpec, port: int, env: dict[str, str]) -> ServiceProcess:
        log_file = self.log_dir / f"{spec.name}.log"
        process = start_logged(
            [sys.executable, "-m", spec.module],
            log_file,
            env={**os.environ, **env, "HTTP_PORT": str(port), "HTTP_HOST": "127.0.0.1"},
        )
        running = ServiceProcess(spec, port, process, log_file)
        self.processes[spec.name] = running
        return running

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        pending = dict(self.processes)
        with httpx.Client(timeout=2.0) as client:
            while pending:
                for name, service in list(pending.items()):
                    if service.process.poll() is not None:
                        raise RuntimeError(
                            f"{name} exited; the end of {service.log_file}:\n{_tail(service)}"
                        )
                    try:
                        if client.get(f"{service.base_url}/ready").status_code == 200:
                            del pending[name]
                    except httpx.HTTPError:
                        pass
                if pending and time.monotonic() > deadline:
                    raise TimeoutError(f"not ready in {timeout:.0f}s: {', '.join(pending)}")
                time.sleep(0.2)

    def kill(self, name: str) -> None:
        """kill -9, as a crash would."""
        service = self.processes[name]
        service.process.send_signal(signal.SIGKILL)
        service.process.wait(10)

    def restart(self, name: str, env: dict[str, str]) -> ServiceProcess:
        old = self.processes[name]
        if old.process.poll() is None:
            self.stop_one(old)
        return self.start(old.spec, old.port, env)

    def stop_one(self, service: ServiceProcess, timeout: float = 15.0) -> None:
        if service.process.poll() is None:
            service.process.send_signal(signal.SIGTERM)
            try:
                service.process.wait(timeout)
            except subprocess.TimeoutExpired:
                service.process.kill()
                service.process.wait(5)

    def stop_all(self) -> None:
        for service in self.processes.values():
            if service.process.poll() is None:
                service.process.send_signal(signal.SIGTERM)
        for service in self.processes.values():
            self.stop_one(service)
        self.processes.clear()


def _tail(service: ServiceProcess, lines: int = 20) -> str:
    """The last lines of a service's log, for an error that outlives the log's folder."""
    try:
        text = service.log_file.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])
