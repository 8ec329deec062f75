"""Kafka entry points of the provisioning service."""

from __future__ import annotations

from switchboard_provisioning.handlers import Provisioning
from switchboard_shared.events import OnboardingEvent
from switchboard_shared.runtime import Runtime
from switchboard_shared.topics import ONBOARDING_EVENTS

CONSUMER_GROUP = "provisioning"


def subscribe(runtime: Runtime, provisioning: Provisioning) -> None:
    runtime.consumer.subscribe(
        ONBOARDING_EVENTS, OnboardingEvent, provisioning.on_onboarding, group_id=CONSUMER_GROUP
    )
