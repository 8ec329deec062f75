"""Kafka entry points: find the tenant, call a use case. The shared consumer holds them while
the platform is in maintenance.

Offsets commit only after the handler returns (the consumer group acknowledges after the
transaction), so a held or failing message is neither acknowledged nor dropped.
"""

from __future__ import annotations

from switchboard_call_store.call_batches import CallBatchStore, StampedCallEvent, record_call_events
from switchboard_call_store.domain import event_identity, event_tenant
from switchboard_call_store.handlers import record_lead_event
from switchboard_call_store.store import CallStore
from switchboard_shared.bus import Consumer
from switchboard_shared.envelope import Envelope
from switchboard_shared.events import CallEvent, LeadEvent
from switchboard_shared.topics import CALLS_EVENTS, LEADS_EVENTS


class CallSubscribers:
    def __init__(
        self,
        store: CallStore,
        batch_store: CallBatchStore,
        *,
        max_records: int,
        batch_timeout_ms: int,
        fetch_max_wait_ms: int,
        consumers: int,
    ) -> None:
        self._store = store
        self._batch_store = batch_store
        self._max_records = max_records
        self._batch_timeout_ms = batch_timeout_ms
        self._fetch_max_wait_ms = fetch_max_wait_ms
        self._consumers = consumers

    async def on_call_events(self, batch: list[tuple[CallEvent, Envelope]]) -> None:
        """One transaction for the batch; a record without tenant or id fails it, and the
        consumer then retries record by record so that only that one is dead-lettered."""
        stamped = [
            StampedCallEvent(event, event_tenant(env.tenant_id), event_identity(env.id))
            for event, env in batch
        ]
        await record_call_events(self._batch_store, stamped)

    async def on_lead_event(self, event: LeadEvent, envelope: Envelope) -> None:
        tenant_id = event_tenant(envelope.tenant_id)
        await record_lead_event(
            self._store, event, tenant_id=tenant_id, event_id=event_identity(envelope.id)
        )

    def register(self, consumer: Consumer, group_id: str) -> None:
        for _ in range(self._consumers):
            consumer.subscribe_batch(
                CALLS_EVENTS,
                CallEvent,
                self.on_call_events,
                group_id=group_id,
                max_records=self._max_records,
                batch_timeout_ms=self._batch_timeout_ms,
                fetch_max_wait_ms=self._fetch_max_wait_ms,
            )
        consumer.subscribe(LEADS_EVENTS, LeadEvent, self.on_lead_event, group_id=group_id)
