"""HTTP: signed checkpoints, the keys that verify them, retention on demand."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.enums import MediaType
from litestar.params import Parameter

from switchboard_audit.api import DEPENDENCIES, MAX_LIMIT
from switchboard_audit.checkpoint_store import StoredCheckpoint
from switchboard_audit.checkpoints import LogForked
from switchboard_audit.ports import AuditPorts
from switchboard_audit.proofs import (
    b64,
)
from switchboard_audit.retention import Retention, RetentionRefused
from switchboard_shared.auth.guards import requires
from switchboard_shared.auth.roles import Permission
from switchboard_shared.errors import Conflict, NotFound


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
