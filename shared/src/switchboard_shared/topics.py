"""The topic registry: every topic's name, partitions and what flows on it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    name: str
    partitions: int = 6
    description: str = ""

    @property
    def dlq(self) -> str:
        return f"{self.name}.dlq"


WEBHOOKS_RECEIVED = Topic("webhooks.received.v1", description="raw delivery log of every webhook")
CALLS_EVENTS = Topic("calls.events.v1", description="canonical call events")
LEADS_EVENTS = Topic("leads.events.v1", description="canonical lead events")
AUDIT_EVENTS = Topic("audit.events.v1", description="every auditable action")
AUTH_REVOCATIONS = Topic("auth.revocations.v1", 1, "revoked sessions and webhook tokens")
NOTIFICATIONS = Topic("notifications.v1", description="messages to deliver to people")
ONBOARDING_EVENTS = Topic("onboarding.events.v1", description="onboarding state changes")
PROVISIONING_EVENTS = Topic("provisioning.events.v1", description="provisioning hand-offs")
CONTROL_COMMANDS = Topic("control.commands.v1", 1, "owner commands, in order")
CONTROL_STATE = Topic("control.state.v1", 1, "current maintenance state, last value wins")
CONTROL_REQUESTS = Topic(
    "control.requests.v1", 1, "owner commands sent on the bus, with the issuer's access token"
)
CONTROL_REPLIES = Topic("control.replies.v1", 1, "answers to control requests, by request id")
SERVICES_HEARTBEAT = Topic("services.heartbeat.v1", 1, "liveness of every service replica")
AUDIT_CHECKPOINTS = Topic("audit.checkpoints.v1", 1, "signed checkpoints of the audit log")

ALL_TOPICS: tuple[Topic, ...] = (
    WEBHOOKS_RECEIVED,
    CALLS_EVENTS,
    LEADS_EVENTS,
    AUDIT_EVENTS,
    AUTH_REVOCATIONS,
    NOTIFICATIONS,
    ONBOARDING_EVENTS,
    PROVISIONING_EVENTS,
    CONTROL_COMMANDS,
    CONTROL_STATE,
    CONTROL_REQUESTS,
    CONTROL_REPLIES,
    SERVICES_HEARTBEAT,
    AUDIT_CHECKPOINTS,
)


def all_topic_names(with_dlq: bool = True) -> list[str]:
    names = [t.name for t in ALL_TOPICS]
    if with_dlq:
        names += [t.dlq for t in ALL_TOPICS]
    return names
