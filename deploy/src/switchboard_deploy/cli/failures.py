"""What can go wrong when `switchboard` talks to the platform, and how each one ends the run."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer

from switchboard_deploy.cli.exit_codes import ExitCode


class Refused(Exception):
    """The platform answered with an error status; `body` is its JSON error answer."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"refused with {status}")
        self.status = status
        self.body = body


class Unreachable(Exception):
    """Nothing answered: the gateway or broker is down, or the reply did not come in time."""


class NoToken(Exception):
    """Neither SWITCHBOARD_TOKEN nor a stored sign-in."""


def stop(code: ExitCode, message: str) -> typer.Exit:
    """Prints `message` on standard error; raise what it returns to end with `code`."""
    print(message, file=sys.stderr)
    return typer.Exit(int(code))


@contextmanager
def reporting_failures() -> Iterator[None]:
    """One place that turns a failure into its exit status and its message on standard error."""
    try:
        yield
    except Refused as refused:
        body = refused.body if refused.body is not None else {"status": refused.status}
        text = body if isinstance(body, str) else json.dumps(body)
        raise stop(ExitCode.REFUSED, text) from refused
    except Unreachable as error:
        raise stop(ExitCode.UNREACHABLE, str(error)) from error
    except NoToken as error:
        raise stop(ExitCode.USAGE, str(error)) from error
