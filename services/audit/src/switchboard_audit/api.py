"""HTTP: the log's entries and their proofs, its checkpoints and keys, and its verification."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, get
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, Parameter

from switchboard_audit.domain import RESULTS, EntryQuery
from switchboard_audit.handlers import list_entries
from switchboard_audit.ports import AuditPorts
from switchboard_audit.retention import Retention
from switchboard_audit.verify import verify_log
from switchboard_shared.auth.guards import provide_principal, requires
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission
from switchboard_shared.errors import BadRequest

MAX_LIMIT = 500
MAX_EXPORT = 10_000
SIZE = Parameter(ge=1, le=2**62, required=False, default=None)


def provide_ports(state: State) -> AuditPorts:
    ports: AuditPorts = state.audit_ports
    return ports


def provide_retention(state: State) -> Retention | None:
    retention: Retention | None = state.audit_retention
    return retention


DEPENDENCIES = {
    "principal": Provide(provide_principal),
    "ports": Provide(provide_ports, sync_to_thread=False),
    "retention": Provide(provide_retention, sync_to_thread=False),
}


class AuditController(Controller):
    path = "/api/audit"
    guards = [requires(Permission.AUDIT_READ)]
    dependencies = DEPENDENCIES

    @get("/")
    async def list_audit(
        self,
        ports: NamedDependency[AuditPorts],
        principal: NamedDependency[Principal],
        user_id: FromQuery[str | None] = None,
        action: FromQuery[str | None] = None,
        tenant_id: FromQuery[str | None] = None,
        result: FromQuery[str | None] = None,
        resource: FromQuery[str | None] = None,
        q: str | None = Parameter(default=None, max_length=200),
        start: FromQuery[datetime | None] = None,
        end: FromQuery[datetime | None] = None,
        limit: int = Parameter(default=50, ge=1, le=MAX_LIMIT),
        cursor: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        start, end = _aware(start), _aware(end)
        if start and end and start > end:
            raise BadRequest("start must not be after end", code="invalid_range")
        if result is not None and result not in RESULTS:
            raise BadRequest(f"result is one of {', '.join(RESULTS)}", code="invalid_result")
        query = EntryQuery(
            scope="",
            tenant_id=tenant_id,
            actor_id=user_id,
            action=action,
            result=result,
            resource=resource,
            text=q or None,
            start=start,
            end=end,
            limit=limit,
        )
        return await list_entries(ports.log, principal, query, cursor)

    @get("/verify", guards=[requires(Permission.AUDIT_VERIFY)])
    async def verify(
        self,
        ports: NamedDependency[AuditPorts],
        principal: NamedDependency[Principal],
        full: FromQuery[bool] = False,
    ) -> dict[str, Any]:
        return await verify_log(ports, principal, full=full)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise BadRequest("start and end need a time zone (e.g. Z)", code="invalid_timestamp")
    return value
