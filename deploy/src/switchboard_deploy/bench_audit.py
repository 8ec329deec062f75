"""`make bench` stage of the audit log: appends/s, a full verification, one proof.

Starts an embedded PostgreSQL of its own and runs `python -m switchboard_audit.bench` against
it (a separate process: the deploy package does not import services).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from switchboard_deploy.embedded_postgres import EmbeddedPostgres
from switchboard_deploy.ports import free_port


def main() -> None:
    parser = argparse.ArgumentParser(prog="switchboard-bench-audit")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    postgres = EmbeddedPostgres(
        Path(tempfile.mkdtemp(prefix="switchboard-bench-audit-")), free_port()
    )
    postgres.start()
    try:
        command = [
            sys.executable, "-m", "switchboard_audit.bench", "--database-url",
            postgres.owner_url, "--entries", str(args.entries), "--batch", str(args.batch),
        ]  # fmt: skip
        print(f"audit log, {args.entries:,} entries:", flush=True)
        subprocess.run(command, check=True)  # noqa: S603 - our own interpreter and module
    finally:
        postgres.stop()


if __name__ == "__main__":
    main()
