"""The CloudEvents 1.0 envelope in Kafka binary mode: metadata in headers, the event as body."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from switchboard_shared.events import utcnow

SPEC_VERSION = "1.0"


@dataclass(frozen=True)
class Envelope:
    type: str
    source: str
    tenant_id: str | None = None
    actor: str | None = None
    correlation_id: str | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: datetime = field(default_factory=utcnow)

    def to_headers(self) -> dict[str, str]:
        headers = {
            "ce_id": self.id,
            "ce_type": self.type,
            "ce_source": self.source,
            "ce_time": self.time.isoformat(),
            "ce_specversion": SPEC_VERSION,
            "content-type": "application/json",
        }
        optional = {
            "ce_tenantid": self.tenant_id,
            "ce_actor": self.actor,
            "ce_correlationid": self.correlation_id,
        }
        headers.update({k: v for k, v in optional.items() if v})
        return headers

    @classmethod
    def from_headers(cls, headers: Mapping[str, str | bytes]) -> Envelope:
        def text(name: str) -> str | None:
            value = headers.get(name)
            if isinstance(value, bytes):
                return value.decode()
            return value

        return cls(
            id=text("ce_id") or "",
            type=text("ce_type") or "",
            source=text("ce_source") or "",
            time=datetime.fromisoformat(text("ce_time") or utcnow().isoformat()),
            tenant_id=text("ce_tenantid"),
            actor=text("ce_actor"),
            correlation_id=text("ce_correlationid"),
        )


def event_key(tenant_id: str | None, entity_id: str) -> bytes:
    """Tenant plus entity, so one entity's events share a partition and stay in order."""
    return f"{tenant_id or '-'}:{entity_id}".encode()
