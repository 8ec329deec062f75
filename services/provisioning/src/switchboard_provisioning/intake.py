"""What provisioning reads from an approval: the onboarding form as the event carries it.

A tolerant reader: unknown keys are ignored, missing or malformed ones fail the generation.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Part(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class AddressIn(Part):
    line1: str
    line2: str | None = None
    city: str
    state: str
    zipcode: str


class ContactIn(Part):
    name: str
    email: str
    phone: str


class AssignedUserIn(Part):
    name: str
    email: str


class DeviceIn(Part):
    id: str
    brand: str
    model: str
    mac_address: str
    extension: str
    user: AssignedUserIn | None = None


class WorkingHoursIn(Part):
    day: str
    open: str
    close: str


class CallFlowOptionIn(Part):
    digit: str
    extension: str


class CallFlowIn(Part):
    type: str
    greeting: str | None = None
    options: list[CallFlowOptionIn] = Field(default_factory=list)
    destination: str | None = None


class FormIn(Part):
    account_name: str
    address: AddressIn
    primary_contact: ContactIn
    devices: list[DeviceIn] = Field(min_length=1)
    working_hours: list[WorkingHoursIn] = Field(min_length=1)
    call_flow: CallFlowIn


class ProvisioningInput(Part):
    location_name: str
    form: FormIn
