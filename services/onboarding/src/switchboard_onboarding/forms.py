"""The onboarding form a customer fills in, field by field; validated on every edit."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from switchboard_shared.errors import ValidationFailed

MAC_ADDRESS = r"^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$"
EXTENSION = r"^[0-9]{2,6}$"
CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Address(Part):
    line1: str = Field(min_length=1, max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    city: str = Field(min_length=1, max_length=100)
    state: str = Field(min_length=1, max_length=100)
    zipcode: str = Field(min_length=1, max_length=20)


class Contact(Part):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=320)
    phone: str = Field(min_length=3, max_length=40)


class AssignedUser(Part):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=320)


class Device(Part):
    id: str = Field(min_length=1, max_length=100)
    brand: str = Field(min_length=1, max_length=100)
    model: str = Field(min_length=1, max_length=100)
    mac_address: str = Field(pattern=MAC_ADDRESS)
    extension: str = Field(pattern=EXTENSION)
    user: AssignedUser | None = None


class WorkingHours(Part):
    day: Day
    open: str = Field(pattern=CLOCK)
    close: str = Field(pattern=CLOCK)


class CallFlowOption(Part):
    digit: str = Field(pattern=r"^[0-9*#]$")
    extension: str = Field(pattern=EXTENSION)


class CallFlow(Part):
    type: Literal["ivr", "direct"]
    greeting: str | None = Field(default=None, max_length=2000)
    options: list[CallFlowOption] = Field(default_factory=list, max_length=12)
    destination: str | None = Field(default=None, pattern=EXTENSION)


class OnboardingForm(Part):
    """Every field is optional while the customer works; submit checks the required ones."""

    account_name: str | None = Field(default=None, min_length=1, max_length=200)
    address: Address | None = None
    primary_contact: Contact | None = None
    devices: list[Device] | None = Field(default=None, max_length=500)
    working_hours: list[WorkingHours] | None = Field(default=None, max_length=21)
    call_flow: CallFlow | None = None


FIELDS = tuple(OnboardingForm.model_fields)
REQUIRED_FOR_PROVISIONING = (
    "account_name",
    "address",
    "primary_contact",
    "devices",
    "working_hours",
    "call_flow",
)


def validated(data: dict[str, Any]) -> dict[str, Any]:
    """The canonical form of these fields, or 422 naming each bad one."""
    try:
        form = OnboardingForm.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise ValidationFailed(problems, code="invalid_fields") from error
    return form.model_dump(mode="json", exclude_none=True)
