"""What provisioning reads from an approval: the onboarding form as the event carries it.

A tolerant reader: unknown keys are ignored, missing or malformed ones fail the generation.
"""

from __future__ import annotations

from datetime import date

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


class ContactsIn(Part):
    primary: ContactIn
    technical: ContactIn | None = None
    billing: ContactIn | None = None


class PortedNumberIn(Part):
    number: str
    carrier: str


class VoicemailIn(Part):
    enabled: bool = False
    email: str | None = None


class RecordingIn(Part):
    enabled: bool = False
    announce: bool = True


class PhoneSystemIn(Part):
    provider: str
    sip_domain: str | None = None
    trunk: str | None = None
    numbers_to_port: list[PortedNumberIn] = Field(default_factory=list)
    caller_id: str | None = None
    voicemail: VoicemailIn = VoicemailIn()
    recording: RecordingIn = RecordingIn()


class UserIn(Part):
    id: str
    name: str
    email: str
    role: str
    extension: str


class DeviceIn(Part):
    id: str
    brand: str
    model: str
    mac_address: str
    user_id: str


class DayHoursIn(Part):
    day: str
    closed: bool = False
    open: str | None = None
    close: str | None = None


class HolidayIn(Part):
    date: date
    name: str | None = None


class WorkingHoursIn(Part):
    days: list[DayHoursIn] = Field(min_length=1)
    holidays: list[HolidayIn] = Field(default_factory=list)


class TargetIn(Part):
    kind: str
    ref: str


class QueueIn(Part):
    id: str
    name: str
    members: list[str] = Field(default_factory=list)


class IvrOptionIn(Part):
    digit: str
    target: TargetIn


class CallFlowIn(Part):
    type: str
    greeting: str | None = None
    options: list[IvrOptionIn] = Field(default_factory=list)
    destination: TargetIn | None = None
    queues: list[QueueIn] = Field(default_factory=list)


class FormIn(Part):
    account_name: str
    address: AddressIn
    contacts: ContactsIn
    phone_system: PhoneSystemIn
    users: list[UserIn] = Field(min_length=1)
    devices: list[DeviceIn] = Field(min_length=1)
    working_hours: WorkingHoursIn
    call_flow: CallFlowIn
    notes: str | None = None


class ProvisioningInput(Part):
    location_name: str
    form: FormIn
