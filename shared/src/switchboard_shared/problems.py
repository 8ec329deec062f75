"""Errors whose JSON body says more than a code and a sentence, so a client can act on them.

- `FieldsInvalid` (422) lists every problem of a document at once, each with its field path
  (`devices[2].mac_address`), a code and a message.
- `TransitionRefused` (409) names the current state and the states that may follow it.

Their extra fields travel in `AppError.extra`, so the shared handler answers them like any
other error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from switchboard_shared.errors import Conflict, ValidationFailed


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
        self.problems = tuple(problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} to fix",
            code=code,
            extra={"errors": [problem.as_dict() for problem in self.problems]},
        )


class TransitionRefused(Conflict):
    code = "invalid_transition"

    def __init__(self, current: str, wanted: str, allowed: Iterable[str]) -> None:
        self.current = current
        self.allowed = sorted(allowed)
        options = ", ".join(self.allowed) or "none"
        self.wanted = wanted
        super().__init__(
            f"cannot go from {current} to {wanted}; allowed next: {options}",
            extra={"current": current, "requested": wanted, "allowed": self.allowed},
        )
