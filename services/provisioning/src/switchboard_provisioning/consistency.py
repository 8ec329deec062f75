"""The second line of defence: an approved form must hold together before it becomes a payload.

Onboarding checks the same before submission; these checks catch what reaches provisioning
anyway (an override, an older producer), so a payload never names what does not exist.
"""

from __future__ import annotations

from collections import Counter

from switchboard_provisioning.intake import FormIn, TargetIn
from switchboard_provisioning.payload import PayloadError


def normal_mac(mac: str) -> str:
    return mac.upper().replace("-", ":")


def check_consistency(form: FormIn) -> None:
    problems = [
        *_duplicates("extension", [u.extension for u in form.users]),
        *_duplicates("user id", [u.id for u in form.users]),
        *_duplicates("MAC address", [normal_mac(d.mac_address) for d in form.devices]),
        *_unassigned_devices(form),
        *_call_flow_problems(form),
        *_hours_problems(form),
    ]
    if problems:
        raise PayloadError("; ".join(problems))


def _duplicates(what: str, values: list[str]) -> list[str]:
    return [f"duplicate {what} {value}" for value, n in Counter(values).items() if n > 1]


def _unassigned_devices(form: FormIn) -> list[str]:
    users = {u.id for u in form.users}
    return [
        f"device {d.id} is assigned to unknown user {d.user_id}"
        for d in form.devices
        if d.user_id not in users
    ]


def _unknown_target(form: FormIn, target: TargetIn) -> str | None:
    known = {
        "extension": {u.extension for u in form.users},
        "user": {u.id for u in form.users},
        "queue": {q.id for q in form.call_flow.queues},
    }
    if target.ref in known.get(target.kind, set()):
        return None
    return f"call flow routes to unknown {target.kind} {target.ref}"


def _call_flow_problems(form: FormIn) -> list[str]:
    flow = form.call_flow
    targets = [o.target for o in flow.options] + ([flow.destination] if flow.destination else [])
    problems = [p for p in (_unknown_target(form, t) for t in targets) if p]
    users = {u.id for u in form.users}
    problems += [
        f"queue {q.id} has unknown member {m}"
        for q in flow.queues
        for m in q.members
        if m not in users
    ]
    if flow.type == "direct" and not flow.destination:
        problems.append("a direct call flow needs a destination")
    if flow.type == "ivr" and not flow.options:
        problems.append("an IVR call flow needs at least one option")
    return problems


def _hours_problems(form: FormIn) -> list[str]:
    problems = _duplicates("working day", [d.day for d in form.working_hours.days])
    for day in form.working_hours.days:
        if not day.closed and (not day.open or not day.close or day.open >= day.close):
            problems.append(f"{day.day} is open but its hours do not make sense")
    return problems
