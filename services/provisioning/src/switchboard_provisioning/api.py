"""HTTP entry points: the generated payloads, their JSON Schema, and the completion report."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery

from switchboard_provisioning.handlers import Provisioning
from switchboard_provisioning.payload import payload_schema
from switchboard_shared.auth.guards import provide_principal, requires
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission as P


def provide_provisioning(state: State) -> Provisioning:
    provisioning: Provisioning = state.provisioning
    return provisioning


class ProvisioningController(Controller):
    path = "/api/provisioning"
    dependencies = {
        "principal": Provide(provide_principal),
        "provisioning": Provide(provide_provisioning, sync_to_thread=False),
    }

    @get("/schema", guards=[requires(P.PROVISIONING_READ)], sync_to_thread=False)
    def schema(self) -> dict[str, Any]:
        return payload_schema()

    @get("/{location_id:str}", guards=[requires(P.PROVISIONING_READ)])
    async def show(
        self,
        location_id: FromPath[str],
        principal: NamedDependency[Principal],
        provisioning: NamedDependency[Provisioning],
        tenant_id: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        return await provisioning.payload(principal, location_id, tenant_id)

    @post(
        "/{location_id:str}/complete",
        status_code=200,
        guards=[requires(P.PROVISIONING_TRIGGER)],
    )
    async def complete(
        self,
        location_id: FromPath[str],
        principal: NamedDependency[Principal],
        provisioning: NamedDependency[Provisioning],
        tenant_id: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        return await provisioning.complete(principal, location_id, tenant_id)


CONTROLLERS = [ProvisioningController]
