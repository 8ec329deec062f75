"""HTTP: the log's entries and their proofs, its checkpoints and keys, and its verification."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.enums import MediaType
from litestar.params import FromPath, FromQuery, Parameter

from switchboard_audit.checkpoint_store import StoredCheckpoint
from switchboard_audit.checkpoints import LogForked
from switchboard_audit.domain import RESULTS
from switchboard_audit.handlers import list_entries
from switchboard_audit.ports import AuditPorts
from switchboard_audit.proofs import (
    b64,
    consistency_proof,
    entry_with_leaf,
    export_page,
    inclusion_proof,
)
from switchboard_audit.retention import Retention, RetentionRefused
from switchboard_audit.store import EntryQuery
from switchboard_audit.verify import verify_log
from switchboard_shared.auth.guards import provide_principal, requires
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission
from switchboard_shared.errors import BadRequest, Conflict, NotFound

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


class ProofController(Controller):
    """Entries with their leaf hash and the proofs that tie them to a signed root."""

    path = "/api/audit"
    guards = [requires(Permission.AUDIT_READ)]
    dependencies = DEPENDENCIES

    @get("/entries/{seq:int}")
    async def entry(
        self,
        ports: NamedDependency[AuditPorts],
        principal: NamedDependency[Principal],
        seq: FromPath[int],
    ) -> dict[str, Any]:
        return await entry_with_leaf(ports, principal, seq)

    @get("/entries/{seq:int}/proof")
    async def proof(
        self,
        ports: NamedDependency[AuditPorts],
        principal: NamedDependency[Principal],
        seq: FromPath[int],
        tree_size: int | None = SIZE,
    ) -> dict[str, Any]:
        return await inclusion_proof(ports, principal, seq, tree_size)

    @get("/export", guards=[requires(Permission.AUDIT_VERIFY)])
    async def export(
        self,
        ports: NamedDependency[AuditPorts],
        after: int = Parameter(default=0, ge=0),
        limit: int = Parameter(default=1000, ge=1, le=MAX_EXPORT),
    ) -> dict[str, Any]:
        return await export_page(ports, after, limit)

    @get("/consistency")
    async def consistency(
        self,
        ports: NamedDependency[AuditPorts],
        first: int = Parameter(ge=1, le=2**62),
        second: int | None = SIZE,
    ) -> dict[str, Any]:
        return await consistency_proof(ports, first, second)


class CheckpointController(Controller):
    """Signed checkpoints (C2SP tlog-checkpoint notes) and the keys that verify them."""

    path = "/api/audit"
    guards = [requires(Permission.AUDIT_READ)]
    dependencies = DEPENDENCIES

    @get("/checkpoint", media_type=MediaType.TEXT)
    async def latest(self, ports: NamedDependency[AuditPorts]) -> Response[str]:
        checkpoint = await ports.checkpoints.latest()
        if checkpoint is None:
            raise NotFound("no checkpoint has been signed yet", code="no_checkpoint")
        return Response(checkpoint.note, media_type=MediaType.TEXT)

    @post("/retention", guards=[requires(Permission.AUDIT_VERIFY)], status_code=200)
    async def retain(self, retention: NamedDependency[Retention | None]) -> dict[str, Any]:
        """Archives and removes what is past its time, now (as the schedule does)."""
        if retention is None:
            raise Conflict("retention needs RETENTION_DIR", code="retention_off")
        try:
            return await retention.run()
        except RetentionRefused as error:
            raise Conflict(str(error), code="retention_refused") from error

    @post("/checkpoint", guards=[requires(Permission.AUDIT_VERIFY)], status_code=201)
    async def sign_now(self, ports: NamedDependency[AuditPorts]) -> dict[str, Any]:
        try:
            return checkpoint_view(await ports.checkpointer.make())
        except LogForked as error:
            raise Conflict(str(error), code="log_forked") from error

    @get("/checkpoints")
    async def earlier(
        self,
        ports: NamedDependency[AuditPorts],
        before: int | None = Parameter(default=None, ge=1),
        limit: int = Parameter(default=50, ge=1, le=MAX_LIMIT),
    ) -> dict[str, Any]:
        page = await ports.checkpoints.page(before, limit + 1)
        more = len(page) > limit
        items = [checkpoint_view(c) for c in page[:limit]]
        return {"items": items, "next_before": page[limit - 1].id if more else None}

    @get("/public-keys")
    async def public_keys(self, ports: NamedDependency[AuditPorts]) -> dict[str, Any]:
        keys = await ports.checkpoints.keys()
        return {
            "origin": ports.origin,
            "keys": [
                {
                    "vkey": key.verifier.vkey,
                    "key_id": key.key_id,
                    "created_at": key.created_at.isoformat() if key.created_at else None,
                    "retired_at": key.retired_at.isoformat() if key.retired_at else None,
                }
                for key in keys
            ],
        }


def checkpoint_view(checkpoint: StoredCheckpoint) -> dict[str, Any]:
    return {
        "id": checkpoint.id,
        "tree_size": checkpoint.tree_size,
        "root_hash": b64(checkpoint.root_hash),
        "key_id": checkpoint.key_id,
        "created_at": checkpoint.created_at.isoformat(),
        "note": checkpoint.note,
    }


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise BadRequest("start and end need a time zone (e.g. Z)", code="invalid_timestamp")
    return value
