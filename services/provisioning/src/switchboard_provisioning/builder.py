"""Turns an approved onboarding form into a provisioning payload that holds together."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from switchboard_provisioning.intake import DeviceIn, FormIn, ProvisioningInput
from switchboard_provisioning.payload import (
    Address,
    CallFlow,
    Contact,
    Contacts,
    Device,
    Extension,
    LocationDetails,
    Metadata,
    PayloadError,
    ProvisioningPayload,
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
    _check_consistency(form)
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
            contacts=Contacts(primary=Contact(**form.primary_contact.model_dump())),
            devices=[_device(d) for d in form.devices],
            users=_users(form.devices),
            extensions=[_extension(d) for d in form.devices],
            working_hours=[WorkingHours(**w.model_dump()) for w in form.working_hours],
            call_flow=_call_flow(form),
            metadata=Metadata(source_event_id=source_event_id, approved_by=approved_by),
        )
    except ValidationError as error:
        raise PayloadError(_describe(error)) from error
    problems = schema_errors(payload_document(payload))
    if problems:
        raise PayloadError("; ".join(problems))
    return payload


def payload_document(payload: ProvisioningPayload) -> dict[str, Any]:
    return payload.model_dump(mode="json", by_alias=True)


def normal_mac(mac: str) -> str:
    return mac.upper().replace("-", ":")


def _device(device: DeviceIn) -> Device:
    return Device(
        id=device.id,
        brand=device.brand.upper(),
        model=device.model,
        mac_address=normal_mac(device.mac_address),
        extension=device.extension,
    )


def _users(devices: list[DeviceIn]) -> list[User]:
    """Users come from the device assignments, one per e-mail address."""
    users: dict[str, User] = {}
    for device in devices:
        if device.user and device.user.email.lower() not in users:
            users[device.user.email.lower()] = User(
                name=device.user.name, email=device.user.email, extension=device.extension
            )
    return list(users.values())


def _extension(device: DeviceIn) -> Extension:
    email = device.user.email if device.user else None
    return Extension(number=device.extension, device_id=device.id, user_email=email)


def _call_flow(form: FormIn) -> CallFlow:
    return CallFlow.model_validate(form.call_flow.model_dump())


def _check_consistency(form: FormIn) -> None:
    problems = _duplicates("extension", [d.extension for d in form.devices])
    problems += _duplicates("MAC address", [normal_mac(d.mac_address) for d in form.devices])
    known = {d.extension for d in form.devices}
    targets = [o.extension for o in form.call_flow.options] + [form.call_flow.destination or ""]
    problems += [
        f"call flow routes to unknown extension {t}" for t in targets if t and t not in known
    ]
    if form.call_flow.type == "direct" and not form.call_flow.destination:
        problems.append("a direct call flow needs a destination extension")
    if form.call_flow.type == "ivr" and not form.call_flow.options:
        problems.append("an IVR call flow needs at least one option")
    if problems:
        raise PayloadError("; ".join(problems))


def _duplicates(what: str, values: list[str]) -> list[str]:
    return [f"duplicate {what} {value}" for value, n in Counter(values).items() if n > 1]


def _describe(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
