"""The provisioning payload (format 2.0.0), how it is built, and its JSON Schema.

The schema is generated from `ProvisioningPayload`, never written by hand; every payload is
validated against it before it is stored.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any, Final, Literal

from jsonschema import Draft202012Validator
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

PAYLOAD_VERSION: Final = "2.0.0"
MAC_ADDRESS = r"^[0-9A-F]{2}(:[0-9A-F]{2}){5}$"
EXTENSION = r"^[0-9]{2,6}$"
E164 = r"^\+[1-9][0-9]{6,14}$"
CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class PayloadError(ValueError):
    """The approved data cannot make a valid payload; the reason is shown to people."""


class Part(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=True
    )


class Address(Part):
    line1: str = Field(min_length=1)
    line2: str | None = None
    city: str = Field(min_length=1)
    state: str = Field(min_length=1)
    zipcode: str = Field(min_length=1)


class LocationDetails(Part):
    name: str = Field(min_length=1)
    address: Address


class Contact(Part):
    name: str = Field(min_length=1)
    email: str = Field(min_length=3)
    phone: str = Field(min_length=3)


class Contacts(Part):
    primary: Contact
    technical: Contact | None = None
    billing: Contact | None = None


class PortedNumber(Part):
    number: str = Field(pattern=E164)
    carrier: str = Field(min_length=1)


class Voicemail(Part):
    enabled: bool
    email: str | None = None


class Recording(Part):
    enabled: bool
    announce: bool


class PhoneSystem(Part):
    provider: str = Field(min_length=1)
    sip_domain: str | None = None
    trunk: str | None = None
    numbers_to_port: list[PortedNumber]
    caller_id: str | None = Field(default=None, pattern=E164)
    voicemail: Voicemail
    recording: Recording


class Device(Part):
    id: str = Field(min_length=1)
    brand: str = Field(min_length=1)
    model: str = Field(min_length=1)
    mac_address: str = Field(pattern=MAC_ADDRESS)
    extension: str = Field(pattern=EXTENSION)
    user_id: str


class User(Part):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    email: str = Field(min_length=3)
    role: str = Field(min_length=1)
    extension: str = Field(pattern=EXTENSION)
    device_ids: list[str]


class Extension(Part):
    number: str = Field(pattern=EXTENSION)
    user_id: str
    user_email: str
    device_ids: list[str]


class WorkingHours(Part):
    day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    closed: bool
    open: str | None = Field(default=None, pattern=CLOCK)
    close: str | None = Field(default=None, pattern=CLOCK)


class Holiday(Part):
    date: date
    name: str | None = None


class Target(Part):
    kind: Literal["extension", "user", "queue"]
    ref: str
    extensions: list[str] = Field(description="the extensions this target rings")


class Queue(Part):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    extensions: list[str]


class CallFlowOption(Part):
    digit: str = Field(pattern=r"^[0-9*#]$")
    target: Target


class CallFlow(Part):
    type: Literal["ivr", "direct"]
    greeting: str | None = None
    options: list[CallFlowOption] = Field(default_factory=list)
    destination: Target | None = None
    queues: list[Queue] = Field(default_factory=list)


class Metadata(Part):
    source_event_id: str
    approved_by: str | None = None
    revision: str = Field(
        default="",
        description="A digest of everything but the timestamp and this metadata: the same "
        "approved data always gives the same revision",
    )


class ProvisioningPayload(Part):
    """The implementation-ready hand-off for one location."""

    location_id: str = Field(min_length=1)
    location_name: str = Field(min_length=1)
    account_id: str = Field(min_length=1)
    account_name: str = Field(min_length=1)
    timestamp: datetime
    version: Literal["2.0.0"] = PAYLOAD_VERSION
    location: LocationDetails
    contacts: Contacts
    phone_system: PhoneSystem
    devices: list[Device] = Field(min_length=1)
    users: list[User] = Field(min_length=1)
    extensions: list[Extension] = Field(min_length=1)
    working_hours: list[WorkingHours] = Field(min_length=1)
    holidays: list[Holiday]
    call_flow: CallFlow
    notes: str | None = None
    metadata: Metadata


@cache
def payload_schema() -> dict[str, Any]:
    schema = ProvisioningPayload.model_json_schema(by_alias=True, mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_errors(document: dict[str, Any]) -> list[str]:
    validator = Draft202012Validator(payload_schema())
    return sorted(
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in validator.iter_errors(document)
    )
