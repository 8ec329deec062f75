"""Request bodies of the onboarding API."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from switchboard_onboarding.domain import Status


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LocationCreate(Body):
    name: str = Field(min_length=1, max_length=200)
    tenant_id: str | None = Field(default=None, min_length=1, max_length=100)


class Override(Body):
    reason: str = Field(min_length=1, max_length=2000)
    fields: dict[str, Any]


class Decision(Body):
    decision: Literal["approve", "reject"]
    comment: str | None = Field(default=None, max_length=2000)


class StatusChange(Body):
    status: Status
    reason: str | None = Field(default=None, min_length=1, max_length=2000)


class BulkLocations(Body):
    location_ids: list[str]


class BulkStatusChange(StatusChange):
    location_ids: list[str]


class BulkDecision(Decision):
    location_id: str


class BulkDecisions(Body):
    items: list[BulkDecision]


class ExtensionRange(Body):
    tenant_id: str | None = Field(default=None, min_length=1, max_length=100)
    extension_min: int = Field(ge=0, le=999_999)
    extension_max: int = Field(ge=0, le=999_999)

    @model_validator(mode="after")
    def _ordered(self) -> ExtensionRange:
        if self.extension_max < self.extension_min:
            raise ValueError("extension_max must not be below extension_min")
        return self
