"""Child processes that end with their parent, so a killed launcher leaves nothing running."""

from __future__ import annotations

import ctypes
import signal

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """On Linux, SIGTERM this process when its parent dies (also usable as a `preexec_fn`)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass  # not Linux: the launcher's own shutdown still stops its children
