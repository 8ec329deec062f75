"""HTTP: `GET /api/audit` (filtered, paginated) and `GET /api/audit/verify`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, get
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, Parameter

from switchboard_audit.handlers import list_entries, verify_chain
from switchboard_audit.store import AuditStore, EntryQuery
from switchboard_shared.auth.guards import provide_principal, requires
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission
from switchboard_shared.errors import BadRequest

MAX_LIMIT = 500


class AuditController(Controller):
    path = "/api/audit"
    guards = [requires(Permission.AUDIT_READ)]
    dependencies = {"principal": Provide(provide_principal)}

    @get("/")
    async def list_audit(
        self,
        state: State,
        principal: NamedDependency[Principal],
        user_id: FromQuery[str | None] = None,
        action: FromQuery[str | None] = None,
        tenant_id: FromQuery[str | None] = None,
        start: FromQuery[datetime | None] = None,
        end: FromQuery[datetime | None] = None,
        limit: int = Parameter(default=50, ge=1, le=MAX_LIMIT),
        cursor: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        start, end = _aware(start), _aware(end)
        if start and end and start > end:
            raise BadRequest("start must not be after end", code="invalid_range")
        query = EntryQuery(
            scope="",
            tenant_id=tenant_id,
            actor_id=user_id,
            action=action,
            start=start,
            end=end,
            limit=limit,
        )
        return await list_entries(_store(state), principal, query, cursor)

    @get("/verify", guards=[requires(Permission.AUDIT_VERIFY)])
    async def verify(self, state: State, principal: NamedDependency[Principal]) -> dict[str, Any]:
        return await verify_chain(_store(state), principal)


def _store(state: State) -> AuditStore:
    store: AuditStore = state.audit_store
    return store


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise BadRequest("start and end need a time zone (e.g. Z)", code="invalid_timestamp")
    return value
