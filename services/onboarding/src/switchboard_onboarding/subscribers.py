"""Kafka entry points of the onboarding service."""

from __future__ import annotations

from switchboard_onboarding.outcomes import ProvisioningOutcomes
from switchboard_shared.events import ProvisioningEvent
from switchboard_shared.runtime import Runtime
from switchboard_shared.topics import PROVISIONING_EVENTS

CONSUMER_GROUP = "onboarding"


def subscribe(runtime: Runtime, outcomes: ProvisioningOutcomes) -> None:
    runtime.consumer.subscribe(
        PROVISIONING_EVENTS, ProvisioningEvent, outcomes.on_event, group_id=CONSUMER_GROUP
    )
