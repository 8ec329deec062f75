"""HTTP: entries with their leaf, inclusion and consistency proofs, exports."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, Parameter

from switchboard_audit.api import DEPENDENCIES, MAX_EXPORT, SIZE
from switchboard_audit.ports import AuditPorts
from switchboard_audit.proofs import (
    consistency_proof,
    entry_with_leaf,
    export_page,
    inclusion_proof,
)
from switchboard_shared.auth.guards import requires
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission


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
