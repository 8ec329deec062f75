"""HTTP entry points: parse, check the permission, call a use case, answer."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, get, patch, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, Parameter

from switchboard_onboarding.bulk_ops import BulkOperations
from switchboard_onboarding.extension_ranges import ExtensionRanges
from switchboard_onboarding.handlers import Onboarding
from switchboard_onboarding.idempotency import Answer
from switchboard_onboarding.schemas import (
    BulkDecisions,
    BulkLocations,
    BulkStatusChange,
    Decision,
    ExtensionRange,
    LocationCreate,
    Override,
    StatusChange,
)
from switchboard_onboarding.workflow import Workflow
from switchboard_shared.auth.guards import provide_principal, requires
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission as P


def provide_onboarding(state: State) -> Onboarding:
    onboarding: Onboarding = state.onboarding
    return onboarding


def provide_workflow(state: State) -> Workflow:
    workflow: Workflow = state.workflow
    return workflow


def provide_ranges(state: State) -> ExtensionRanges:
    ranges: ExtensionRanges = state.extension_ranges
    return ranges


def provide_bulk(state: State) -> BulkOperations:
    bulk_ops: BulkOperations = state.bulk_ops
    return bulk_ops


DEPENDENCIES = {
    "principal": Provide(provide_principal),
    "onboarding": Provide(provide_onboarding, sync_to_thread=False),
    "workflow": Provide(provide_workflow, sync_to_thread=False),
}


class LocationController(Controller):
    path = "/api/locations"
    dependencies = DEPENDENCIES

    @post(guards=[requires(P.LOCATIONS_CREATE)])
    async def create(
        self,
        data: JSONBody[LocationCreate],
        principal: NamedDependency[Principal],
        onboarding: NamedDependency[Onboarding],
    ) -> dict[str, Any]:
        return await onboarding.create_location(principal, data.name, data.tenant_id)

    @get(guards=[requires(P.LOCATIONS_READ_OWN)])
    async def index(
        self,
        principal: NamedDependency[Principal],
        onboarding: NamedDependency[Onboarding],
        limit: int = Parameter(default=50, ge=1, le=200),
        cursor: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        page = await onboarding.list_locations(principal, limit, cursor)
        return {"items": page.items, "next_cursor": page.next_cursor}


class ExtensionRangeController(Controller):
    """The range a tenant's extensions must fall in; without one the service default applies."""

    path = "/api/locations/extension-range"
    dependencies = {
        "principal": Provide(provide_principal),
        "ranges": Provide(provide_ranges, sync_to_thread=False),
    }

    @get(guards=[requires(P.LOCATIONS_CREATE)])
    async def show(
        self,
        principal: NamedDependency[Principal],
        ranges: NamedDependency[ExtensionRanges],
        tenant_id: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        return await ranges.show(principal, tenant_id)

    @put(guards=[requires(P.LOCATIONS_CREATE)])
    async def replace(
        self,
        data: JSONBody[ExtensionRange],
        principal: NamedDependency[Principal],
        ranges: NamedDependency[ExtensionRanges],
    ) -> dict[str, Any]:
        return await ranges.replace(
            principal, data.tenant_id, data.extension_min, data.extension_max
        )


class OnboardingController(Controller):
    path = "/api/onboarding/{location_id:str}"
    dependencies = DEPENDENCIES

    @get(guards=[requires(P.LOCATIONS_READ_OWN)])
    async def show(
        self,
        location_id: FromPath[str],
        principal: NamedDependency[Principal],
        onboarding: NamedDependency[Onboarding],
    ) -> dict[str, Any]:
        return await onboarding.view(principal, location_id)

    @patch(guards=[requires(P.ONBOARDING_EDIT_OWN)])
    async def edit(
        self,
        location_id: FromPath[str],
        data: JSONBody[dict[str, Any]],
        principal: NamedDependency[Principal],
        onboarding: NamedDependency[Onboarding],
    ) -> dict[str, Any]:
        return await onboarding.edit(principal, location_id, data)

    @post("/submit", status_code=200, guards=[requires(P.ONBOARDING_SUBMIT)])
    async def submit(
        self,
        location_id: FromPath[str],
        principal: NamedDependency[Principal],
        workflow: NamedDependency[Workflow],
    ) -> dict[str, Any]:
        return await workflow.submit(principal, location_id)

    @post("/validate", status_code=200, guards=[requires(P.LOCATIONS_READ_OWN)])
    async def validate(
        self,
        location_id: FromPath[str],
        principal: NamedDependency[Principal],
        workflow: NamedDependency[Workflow],
    ) -> dict[str, Any]:
        return await workflow.validate(principal, location_id)

    @post("/status", status_code=200, guards=[requires(P.ONBOARDING_EDIT_OWN)])
    async def change_status(
        self,
        location_id: FromPath[str],
        data: JSONBody[StatusChange],
        principal: NamedDependency[Principal],
        workflow: NamedDependency[Workflow],
    ) -> dict[str, Any]:
        return await workflow.change_status(principal, location_id, data.status, data.reason)

    @post("/override", status_code=200, guards=[requires(P.ONBOARDING_OVERRIDE)])
    async def override(
        self,
        location_id: FromPath[str],
        data: JSONBody[Override],
        principal: NamedDependency[Principal],
        onboarding: NamedDependency[Onboarding],
    ) -> dict[str, Any]:
        return await onboarding.override(principal, location_id, data.fields, data.reason)


class ApprovalController(Controller):
    path = "/api/approvals"
    dependencies = DEPENDENCIES

    @post("/{location_id:str}", status_code=200, guards=[requires(P.APPROVALS_DECIDE)])
    async def decide(
        self,
        location_id: FromPath[str],
        data: JSONBody[Decision],
        principal: NamedDependency[Principal],
        workflow: NamedDependency[Workflow],
    ) -> dict[str, Any]:
        return await workflow.decide(principal, location_id, data.decision, data.comment)


IdempotencyKey = Annotated[str | None, HeaderParameter(name="Idempotency-Key")]


def answered(answer: Answer) -> Response[dict[str, Any]]:
    headers = {"Idempotent-Replayed": "true"} if answer.replayed else {}
    return Response(answer.body, status_code=answer.status_code, headers=headers)


class BulkController(Controller):
    """Every bulk operation refuses too many items before doing anything, runs each item on
    its own, and answers a retry with the same `Idempotency-Key` with the first answer."""

    path = "/api/bulk"
    dependencies = {
        **DEPENDENCIES,
        "bulk_ops": Provide(provide_bulk, sync_to_thread=False),
    }

    @post("/status", guards=[requires(P.BULK_OPERATE)])
    async def status(
        self,
        data: JSONBody[BulkStatusChange],
        principal: NamedDependency[Principal],
        bulk_ops: NamedDependency[BulkOperations],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[dict[str, Any]]:
        return answered(await bulk_ops.change_status(principal, data, idempotency_key))

    @post("/approvals", guards=[requires(P.BULK_OPERATE, P.APPROVALS_DECIDE)])
    async def approvals(
        self,
        data: JSONBody[BulkDecisions],
        principal: NamedDependency[Principal],
        bulk_ops: NamedDependency[BulkOperations],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[dict[str, Any]]:
        return answered(await bulk_ops.decide(principal, data, idempotency_key))

    @post("/provisioning", guards=[requires(P.BULK_OPERATE, P.PROVISIONING_TRIGGER)])
    async def provisioning(
        self,
        data: JSONBody[BulkLocations],
        principal: NamedDependency[Principal],
        bulk_ops: NamedDependency[BulkOperations],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[dict[str, Any]]:
        return answered(await bulk_ops.provision(principal, data, idempotency_key))

    @get("/jobs/{job_id:str}", guards=[requires(P.BULK_OPERATE)])
    async def job(
        self,
        job_id: FromPath[str],
        principal: NamedDependency[Principal],
        bulk_ops: NamedDependency[BulkOperations],
    ) -> dict[str, Any]:
        return await bulk_ops.job(principal, job_id)


CONTROLLERS = [
    LocationController,
    ExtensionRangeController,
    OnboardingController,
    ApprovalController,
    BulkController,
]
