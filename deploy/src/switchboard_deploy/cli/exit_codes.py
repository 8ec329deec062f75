"""The exit statuses of `switchboard`, one per outcome a script can act on."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    REFUSED = 1
    """The platform answered with an error; its JSON body is on standard error."""
    USAGE = 2
    """A wrong option or argument, or no token to act with."""
    UNREACHABLE = 3
    """No answer: the gateway or the broker cannot be reached, or no reply came in time."""
    DECLINED = 4
    """The confirmation was declined (or could not be asked: no terminal and no `--yes`)."""


EXIT_CODES_HELP = "\n\n".join(
    f"{code.value}  {text}"
    for code, text in (
        (ExitCode.OK, "done"),
        (ExitCode.REFUSED, "the platform refused: its JSON error body is on standard error"),
        (ExitCode.USAGE, "usage error, or no token (run `switchboard login`)"),
        (ExitCode.UNREACHABLE, "gateway or broker unreachable, or no reply in time"),
        (ExitCode.DECLINED, "confirmation declined"),
    )
)
