"""The checks a form must pass before submission, each problem with its field path. No I/O.

`parse` covers the format of every value (run on every edit too), `missing` the sections
submission needs, and `form_rules` what holds between values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from switchboard_onboarding.form_rules import TenantRules, form_problems
from switchboard_onboarding.forms import REQUIRED_FOR_SUBMISSION, OnboardingForm
from switchboard_shared.problems import FieldProblem, FieldsInvalid


def path_of(location: Sequence[int | str]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
    return path


def parse(data: Mapping[str, Any]) -> tuple[OnboardingForm | None, list[FieldProblem]]:
    try:
        return OnboardingForm.model_validate(data), []
    except ValidationError as error:
        return None, [FieldProblem(path_of(e["loc"]), e["type"], e["msg"]) for e in error.errors()]


def missing(data: Mapping[str, Any]) -> list[FieldProblem]:
    return [
        FieldProblem(name, "required", "required before submission")
        for name in REQUIRED_FOR_SUBMISSION
        if data.get(name) in (None, "", [], {})
    ]


def submission_problems(data: Mapping[str, Any], rules: TenantRules) -> list[FieldProblem]:
    """Every problem that stands between this form and its submission."""
    form, problems = parse(data)
    problems += missing(data)
    if form is not None:
        problems += form_problems(form, rules)
    return problems


def canonical(data: Mapping[str, Any]) -> dict[str, Any]:
    """The stored form of these fields, or 422 listing every value of the wrong shape."""
    form, problems = parse(data)
    if form is None:
        raise FieldsInvalid(problems)
    return form.model_dump(mode="json", exclude_none=True)
