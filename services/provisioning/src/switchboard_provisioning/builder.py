"""Turns an approved onboarding form into a provisioning payload that holds together."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from switchboard_provisioning.consistency import check_consistency, normal_mac
from switchboard_provisioning.intake import FormIn, ProvisioningInput, TargetIn
from switchboard_provisioning.payload import (
    PAYLOAD_VERSION,
    Address,
    CallFlow,
    CallFlowOption,
    Contacts,
    Device,
    Extension,
    Holiday,
    LocationDetails,
    Metadata,
    PayloadError,
    PhoneSystem,
    ProvisioningPayload,
    Queue,
    Target,
    User,
    WorkingHours,
    schema_errors,
)


def parse_input(data: dict[str, Any]) -> ProvisioningInput:
    try:
        return ProvisioningInput.model_validate(data)
    except ValidationError as error:
        raise PayloadError(_describe(error)) from error


def build_payload(
    data: dict[str, Any],
    *,
    location_id: str,
    account_id: str,
    at: datetime,
    source_event_id: str,
    approved_by: str | None,
) -> ProvisioningPayload:
    """The payload for this approval, or PayloadError naming what is wrong."""
    intake = parse_input(data)
    form = intake.form
    check_consistency(form)
    try:
        payload = ProvisioningPayload(
            location_id=location_id,
            location_name=intake.location_name,
            account_id=account_id,
            account_name=form.account_name,
            timestamp=at,
            location=LocationDetails(
                name=intake.location_name, address=Address(**form.address.model_dump())
            ),
            contacts=Contacts.model_validate(form.contacts.model_dump()),
            phone_system=PhoneSystem.model_validate(form.phone_system.model_dump()),
            devices=_devices(form),
            users=_users(form),
            extensions=_extensions(form),
            working_hours=[WorkingHours(**d.model_dump()) for d in form.working_hours.days],
            holidays=[Holiday(**h.model_dump()) for h in form.working_hours.holidays],
            call_flow=_call_flow(form),
            notes=form.notes,
            metadata=Metadata(source_event_id=source_event_id, approved_by=approved_by),
        )
    except ValidationError as error:
        raise PayloadError(_describe(error)) from error
    metadata = payload.metadata.model_copy(update={"revision": revision_of(payload)})
    payload = payload.model_copy(update={"metadata": metadata})
    problems = schema_errors(payload_document(payload))
    if problems:
        raise PayloadError("; ".join(problems))
    return payload


def payload_document(payload: ProvisioningPayload) -> dict[str, Any]:
    return payload.model_dump(mode="json", by_alias=True)


def revision_of(payload: ProvisioningPayload) -> str:
    content = payload.model_dump(mode="json", by_alias=True, exclude={"timestamp", "metadata"})
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def payload_version(revision: str) -> str:
    """The format version qualified by the revision: `2.0.0+<revision>`."""
    return f"{PAYLOAD_VERSION}+{revision}"


def _extension_of(form: FormIn) -> dict[str, str]:
    return {user.id: user.extension for user in form.users}


def _devices(form: FormIn) -> list[Device]:
    extension = _extension_of(form)
    return [
        Device(
            id=d.id,
            brand=d.brand.upper(),
            model=d.model,
            mac_address=normal_mac(d.mac_address),
            extension=extension[d.user_id],
            user_id=d.user_id,
        )
        for d in form.devices
    ]


def _device_ids(form: FormIn, user_id: str) -> list[str]:
    return [d.id for d in form.devices if d.user_id == user_id]


def _users(form: FormIn) -> list[User]:
    return [User(**u.model_dump(), device_ids=_device_ids(form, u.id)) for u in form.users]


def _extensions(form: FormIn) -> list[Extension]:
    return [
        Extension(
            number=u.extension,
            user_id=u.id,
            user_email=u.email,
            device_ids=_device_ids(form, u.id),
        )
        for u in form.users
    ]


def _rings(form: FormIn, target: TargetIn) -> list[str]:
    """The extensions a call sent to this target rings."""
    extension = _extension_of(form)
    if target.kind == "extension":
        return [target.ref]
    if target.kind == "user":
        return [extension[target.ref]]
    queue = next(q for q in form.call_flow.queues if q.id == target.ref)
    return [extension[member] for member in queue.members]


def _target(form: FormIn, target: TargetIn) -> Target:
    return Target.model_validate({**target.model_dump(), "extensions": _rings(form, target)})


def _call_flow(form: FormIn) -> CallFlow:
    flow = form.call_flow
    extension = _extension_of(form)
    return CallFlow.model_validate(
        {
            "type": flow.type,
            "greeting": flow.greeting,
            "options": [
                CallFlowOption(digit=o.digit, target=_target(form, o.target)) for o in flow.options
            ],
            "destination": _target(form, flow.destination) if flow.destination else None,
            "queues": [
                Queue(id=q.id, name=q.name, extensions=[extension[m] for m in q.members])
                for q in flow.queues
            ],
        }
    )


def _describe(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
