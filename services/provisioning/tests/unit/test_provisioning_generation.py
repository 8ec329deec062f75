"""Which onboarding events lead to a generation, and what a generation records."""

from __future__ import annotations

from switchboard_provisioning.handlers import TRIGGERS, generate
from switchboard_shared.envelope import Envelope
from switchboard_shared.events import OnboardingEvent


def test_only_an_approval_or_an_explicit_request_triggers_a_generation() -> None:
    assert {"APPROVED", "PROVISIONING_REQUESTED"} == TRIGGERS


def test_a_bad_approval_records_a_failed_generation_with_its_reason() -> None:
    event = OnboardingEvent(location_id="loc-1", status="APPROVED", data={"location_name": "x"})
    envelope = Envelope(type=event.ce_type, source="test", tenant_id="t1")

    generation = generate(event, envelope, "t1")

    assert (generation.status, generation.payload) == ("failed", None)
    assert "form" in str(generation.reason)
    assert generation.source_event_id == envelope.id
