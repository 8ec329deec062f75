"""Errors whose JSON body says more than a code and a sentence, so a client can act on them.

- `FieldsInvalid` (422) lists every problem of a document at once, each with its field path
  (`devices[2].mac_address`), a code and a message.
- `TransitionRefused` (409) names the current state and the states that may follow it.

A controller that raises them declares `exception_handlers = PROBLEM_HANDLERS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from litestar import Request, Response

from switchboard_shared.errors import Conflict, ValidationFailed, error_response


@dataclass(frozen=True)
class FieldProblem:
    path: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


class FieldsInvalid(ValidationFailed):
    code = "invalid_fields"

    def __init__(self, problems: Sequence[FieldProblem], *, code: str | None = None) -> None:
        count = len(problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} to fix", code=code)
        self.problems = tuple(problems)

    def extra(self) -> dict[str, Any]:
        return {"errors": [problem.as_dict() for problem in self.problems]}


class TransitionRefused(Conflict):
    code = "invalid_transition"

    def __init__(self, current: str, wanted: str, allowed: Iterable[str]) -> None:
        self.current = current
        self.allowed = sorted(allowed)
        options = ", ".join(self.allowed) or "none"
        super().__init__(f"cannot go from {current} to {wanted}; allowed next: {options}")
        self.wanted = wanted

    def extra(self) -> dict[str, Any]:
        return {"current": self.current, "requested": self.wanted, "allowed": self.allowed}


def _problem_response(
    _: Request[Any, Any, Any], error: FieldsInvalid | TransitionRefused
) -> Response[dict[str, Any]]:
    return error_response(error.status_code, error.code, error.detail, **error.extra())


PROBLEM_HANDLERS: dict[Any, Any] = {
    FieldsInvalid: _problem_response,
    TransitionRefused: _problem_response,
}
