"""The provisioning payload (seed format, version 1.0.0), how it is built, and its JSON Schema.

The schema is generated from `ProvisioningPayload`, never written by hand; every payload is
validated against it before it is stored.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, Final, Literal

from jsonschema import Draft202012Validator
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

PAYLOAD_VERSION: Final = "1.0.0"
MAC_ADDRESS = r"^[0-9A-F]{2}(:[0-9A-F]{2}){5}$"
EXTENSION = r"^[0-9]{2,6}$"


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


class Device(Part):
    id: str = Field(min_length=1)
    brand: str = Field(min_length=1)
    model: str = Field(min_length=1)
    mac_address: str = Field(pattern=MAC_ADDRESS)
    extension: str = Field(pattern=EXTENSION)


class User(Part):
    name: str = Field(min_length=1)
    email: str = Field(min_length=3)
    extension: str = Field(pattern=EXTENSION)


class Extension(Part):
    number: str = Field(pattern=EXTENSION)
    device_id: str
    user_email: str | None = None


class WorkingHours(Part):
    day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    open: str = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    close: str = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


class CallFlowOption(Part):
    digit: str = Field(pattern=r"^[0-9*#]$")
    extension: str = Field(pattern=EXTENSION)


class CallFlow(Part):
    type: Literal["ivr", "direct"]
    greeting: str | None = None
    options: list[CallFlowOption] = Field(default_factory=list)
    destination: str | None = Field(default=None, pattern=EXTENSION)


class Metadata(Part):
    source_event_id: str
    approved_by: str | None = None


class ProvisioningPayload(Part):
    """The implementation-ready hand-off for one location."""

    location_id: str = Field(min_length=1)
    location_name: str = Field(min_length=1)
    account_id: str = Field(min_length=1)
    account_name: str = Field(min_length=1)
    timestamp: datetime
    version: Literal["1.0.0"] = PAYLOAD_VERSION
    location: LocationDetails
    contacts: Contacts
    devices: list[Device] = Field(min_length=1)
    users: list[User]
    extensions: list[Extension] = Field(min_length=1)
    working_hours: list[WorkingHours] = Field(min_length=1)
    call_flow: CallFlow
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
