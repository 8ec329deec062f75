"""Child processes of the launcher: their output appended to a log file, their life tied to ours."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from switchboard_shared.lifetime import die_with_parent


def start_logged(command: Sequence[str], log_file: Path, **options: Any) -> subprocess.Popen[bytes]:
    """Starts `command` in its own session, stdout and stderr appended to `log_file`.

    The child gets its own copy of the log's descriptor, so ours is closed once it runs.
    """
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as log:
        return subprocess.Popen(  # noqa: S603
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
            **options,
        )
