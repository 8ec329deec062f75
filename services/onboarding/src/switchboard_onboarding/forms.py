"""The onboarding form a customer fills in: its shape and the format of every value.

Each edit is checked against this shape; the rules between fields (uniqueness, references,
ranges) are in `checks.py` and run before submission.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
TargetKind = Literal["extension", "user", "queue"]

_MAC = re.compile(r"^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$")
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
_EXTENSION = re.compile(r"^[0-9]{2,6}$")
_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _matching(pattern: re.Pattern[str], code: str, message: str) -> AfterValidator:
    def check(value: str) -> str:
        if not pattern.match(value):
            raise PydanticCustomError(code, message)
        return value

    return AfterValidator(check)


def normal_mac(mac: str) -> str:
    return mac.upper().replace("-", ":")


MacAddress = Annotated[
    str,
    _matching(_MAC, "invalid_mac", "a MAC address is six hex pairs, e.g. 00:15:5D:01:01:01"),
    AfterValidator(normal_mac),
]
PhoneNumber = Annotated[
    str, _matching(_E164, "invalid_e164", "a phone number in E.164, e.g. +12125550101")
]
ExtensionNumber = Annotated[
    str, _matching(_EXTENSION, "invalid_extension", "an extension is 2 to 6 digits")
]
Clock = Annotated[str, _matching(_CLOCK, "invalid_time", "a time of day as HH:MM, 00:00-23:59")]
Email = Annotated[
    str, Field(max_length=320), _matching(_EMAIL, "invalid_email", "an e-mail address")
]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Key = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")]


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Address(Part):
    line1: Name
    line2: str | None = Field(default=None, max_length=200)
    city: Name
    state: Name
    zipcode: str = Field(min_length=1, max_length=20)


class Contact(Part):
    name: Name
    email: Email
    phone: PhoneNumber


class Contacts(Part):
    primary: Contact
    technical: Contact | None = None
    billing: Contact | None = None


class PortedNumber(Part):
    number: PhoneNumber
    carrier: Name


class Voicemail(Part):
    enabled: bool
    email: Email | None = None


class Recording(Part):
    enabled: bool
    announce: bool = True


class PhoneSystem(Part):
    provider: Name
    sip_domain: str | None = Field(default=None, min_length=1, max_length=255)
    trunk: str | None = Field(default=None, min_length=1, max_length=255)
    numbers_to_port: list[PortedNumber] = Field(default_factory=list, max_length=200)
    caller_id: PhoneNumber | None = None
    voicemail: Voicemail = Voicemail(enabled=False)
    recording: Recording = Recording(enabled=False)


class User(Part):
    id: Key
    name: Name
    email: Email
    role: Literal["admin", "manager", "staff", "reception"]
    extension: ExtensionNumber


class Device(Part):
    id: Key
    brand: Name
    model: Name
    mac_address: MacAddress
    user_id: Key


class DayHours(Part):
    day: Day
    closed: bool = False
    open: Clock | None = None
    close: Clock | None = None


class Holiday(Part):
    date: date
    name: str | None = Field(default=None, max_length=200)


class WorkingHours(Part):
    days: list[DayHours] = Field(min_length=1, max_length=7 * 3)
    holidays: list[Holiday] = Field(default_factory=list, max_length=366)


class Target(Part):
    kind: TargetKind
    ref: str = Field(min_length=1, max_length=100)


class Queue(Part):
    id: Key
    name: Name
    members: list[Key] = Field(default_factory=list, max_length=500)


class IvrOption(Part):
    digit: str = Field(pattern=r"^[0-9*#]$")
    target: Target


class CallFlow(Part):
    type: Literal["ivr", "direct"]
    greeting: str | None = Field(default=None, max_length=2000)
    options: list[IvrOption] = Field(default_factory=list, max_length=12)
    destination: Target | None = None
    queues: list[Queue] = Field(default_factory=list, max_length=50)


class OnboardingForm(Part):
    """Every field is optional while the customer works; submission needs the required ones."""

    account_name: Name | None = None
    address: Address | None = None
    contacts: Contacts | None = None
    phone_system: PhoneSystem | None = None
    users: list[User] | None = Field(default=None, max_length=500)
    devices: list[Device] | None = Field(default=None, max_length=500)
    working_hours: WorkingHours | None = None
    call_flow: CallFlow | None = None
    notes: str | None = Field(default=None, max_length=10_000)


FIELDS = tuple(OnboardingForm.model_fields)
REQUIRED_FOR_SUBMISSION = (
    "account_name",
    "address",
    "contacts",
    "phone_system",
    "users",
    "devices",
    "working_hours",
    "call_flow",
)
