"""The call-store service's settings, from the environment."""

from __future__ import annotations

from pydantic import Field

from switchboard_shared.settings import ServiceSettings


class CallStoreSettings(ServiceSettings):
    service_name: str = "call-store"
    http_port: int = 8002
    consumer_group: str = "call-store"
    dlq_replay_group: str = "call-store-dlq-replay"
    call_batch_max_records: int = 500
    call_batch_timeout_ms: int = 25
    # How long the broker may hold an empty fetch: with the embedded broker, the delay of a new
    # event when the topic was idle (up to 200 ms at the client's default of 500).
    call_fetch_max_wait_ms: int = Field(default=200, ge=1, le=500)
    # Consumers of calls.events.v1 in this process: while one waits on its transaction, another
    # decodes its batch (each partition still has one consumer, so each call's order holds).
    call_consumers: int = Field(default=2, ge=1, le=6)
