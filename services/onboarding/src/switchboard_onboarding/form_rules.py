"""The rules between a form's values: uniqueness, references, ranges. No I/O.

Each problem names the deepest path it concerns (`devices[2].mac_address`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from switchboard_onboarding.forms import OnboardingForm, Target
from switchboard_shared.problems import FieldProblem


@dataclass(frozen=True)
class TenantRules:
    """What the tenant's other locations and its configuration add to the checks."""

    extension_min: int
    extension_max: int
    macs_elsewhere: frozenset[str] = frozenset()


def form_problems(form: OnboardingForm, rules: TenantRules) -> list[FieldProblem]:
    return [
        *_device_problems(form, rules),
        *_extension_problems(form, rules),
        *_hours_problems(form),
        *_call_flow_problems(form),
        *_phone_system_problems(form),
    ]


def _repeats(values: Sequence[str]) -> Iterator[int]:
    """Indexes of values already seen earlier in the sequence."""
    counts: Counter[str] = Counter()
    for index, value in enumerate(values):
        counts[value] += 1
        if counts[value] > 1:
            yield index


def _device_problems(form: OnboardingForm, rules: TenantRules) -> Iterator[FieldProblem]:
    devices = form.devices or []
    macs = [d.mac_address for d in devices]
    for i in _repeats(macs):
        yield FieldProblem(
            f"devices[{i}].mac_address", "duplicate_mac", f"{macs[i]} is listed twice"
        )
    for i, mac in enumerate(macs):
        if mac in rules.macs_elsewhere:
            yield FieldProblem(
                f"devices[{i}].mac_address", "mac_in_use", f"{mac} is used by another location"
            )
    for i in _repeats([d.id for d in devices]):
        yield FieldProblem(f"devices[{i}].id", "duplicate_id", "two devices share this id")
    users = {u.id for u in form.users or []}
    for i, device in enumerate(devices):
        if device.user_id not in users:
            yield FieldProblem(
                f"devices[{i}].user_id", "unknown_user", f"no user {device.user_id} in users"
            )


def _extension_problems(form: OnboardingForm, rules: TenantRules) -> Iterator[FieldProblem]:
    users = form.users or []
    extensions = [u.extension for u in users]
    for i in _repeats(extensions):
        yield FieldProblem(
            f"users[{i}].extension", "duplicate_extension", f"{extensions[i]} is taken"
        )
    for i, extension in enumerate(extensions):
        if not rules.extension_min <= int(extension) <= rules.extension_max:
            yield FieldProblem(
                f"users[{i}].extension",
                "extension_out_of_range",
                f"extensions run from {rules.extension_min} to {rules.extension_max}",
            )
    for i in _repeats([u.id for u in users]):
        yield FieldProblem(f"users[{i}].id", "duplicate_id", "two users share this id")
    for i in _repeats([u.email.lower() for u in users]):
        yield FieldProblem(f"users[{i}].email", "duplicate_email", "two users share this e-mail")


def _hours_problems(form: OnboardingForm) -> Iterator[FieldProblem]:
    if form.working_hours is None:
        return
    days = form.working_hours.days
    for i in _repeats([d.day for d in days]):
        yield FieldProblem(
            f"working_hours.days[{i}].day", "duplicate_day", "this day is listed twice"
        )
    for i, day in enumerate(days):
        path = f"working_hours.days[{i}]"
        if day.closed:
            if day.open or day.close:
                yield FieldProblem(path, "closed_with_hours", "a closed day has no hours")
        elif day.open is None or day.close is None:
            yield FieldProblem(path, "hours_missing", "an open day needs open and close times")
        elif day.open >= day.close:
            yield FieldProblem(f"{path}.close", "closes_before_open", "close must follow open")
    holidays = [h.date.isoformat() for h in form.working_hours.holidays]
    for i in _repeats(holidays):
        yield FieldProblem(
            f"working_hours.holidays[{i}].date", "duplicate_holiday", "this date is listed twice"
        )


def _known_targets(form: OnboardingForm) -> dict[str, set[str]]:
    queues = form.call_flow.queues if form.call_flow else []
    return {
        "extension": {u.extension for u in form.users or []},
        "user": {u.id for u in form.users or []},
        "queue": {q.id for q in queues},
    }


def _call_flow_problems(form: OnboardingForm) -> Iterator[FieldProblem]:
    flow = form.call_flow
    if flow is None:
        return
    known = _known_targets(form)

    def unknown(path: str, target: Target) -> Iterator[FieldProblem]:
        if target.ref not in known[target.kind]:
            yield FieldProblem(
                f"{path}.ref", "unknown_target", f"no {target.kind} {target.ref} in this form"
            )

    if flow.type == "direct":
        if flow.destination is None:
            yield FieldProblem("call_flow.destination", "required", "a direct flow needs one")
        else:
            yield from unknown("call_flow.destination", flow.destination)
    if flow.type == "ivr" and not flow.options:
        yield FieldProblem("call_flow.options", "required", "an IVR menu needs options")
    for i in _repeats([o.digit for o in flow.options]):
        yield FieldProblem(f"call_flow.options[{i}].digit", "duplicate_digit", "digit reused")
    for i, option in enumerate(flow.options):
        yield from unknown(f"call_flow.options[{i}].target", option.target)
    for q, queue in enumerate(flow.queues):
        for m, member in enumerate(queue.members):
            if member not in known["user"]:
                yield FieldProblem(
                    f"call_flow.queues[{q}].members[{m}]", "unknown_user", f"no user {member}"
                )


def _phone_system_problems(form: OnboardingForm) -> Iterator[FieldProblem]:
    system = form.phone_system
    if system is None:
        return
    if not system.sip_domain and not system.trunk:
        yield FieldProblem(
            "phone_system.sip_domain", "required", "a SIP domain or a trunk is needed"
        )
    for i in _repeats([n.number for n in system.numbers_to_port]):
        yield FieldProblem(
            f"phone_system.numbers_to_port[{i}].number", "duplicate_number", "listed twice"
        )
    if system.voicemail.enabled and system.voicemail.email is None:
        yield FieldProblem(
            "phone_system.voicemail.email", "required", "voicemail needs an e-mail address"
        )
