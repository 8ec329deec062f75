"""Bulk provisioning as a job: each item asks provisioning once, and its answer is recorded.

Each item's row is written before its request is published, carrying the request event's id;
provisioning answers with that id as its correlation id, so the answer finds its item.
"""

from __future__ import annotations

import uuid
from typing import Any

from switchboard_onboarding import bulk
from switchboard_onboarding.bulk_store import Job, JobItem
from switchboard_onboarding.handlers import scope_of
from switchboard_onboarding.store import Store
from switchboard_onboarding.workflow import Workflow
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission
from switchboard_shared.errors import AppError, NotFound

OPERATION = "provisioning"
STATES = ("pending", "generated", "failed", "refused")


def describe_job(job: Job) -> dict[str, Any]:
    counts = {state: sum(1 for i in job.items if i.state == state) for state in STATES}
    return {
        "job_id": job.id,
        "operation": job.operation,
        "status": "running" if counts["pending"] else "finished",
        "created_at": job.created_at.isoformat(),
        "items": [_item(i) for i in job.items],
        "summary": {"total": len(job.items), **counts},
    }


def _item(item: JobItem) -> dict[str, Any]:
    described: dict[str, Any] = {"location_id": item.location_id, "state": item.state}
    if item.error:
        described["error"] = item.error
    if item.detail:
        described["detail"] = item.detail
    return described


class ProvisioningJobs:
    def __init__(self, store: Store, workflow: Workflow) -> None:
        self._store = store
        self._workflow = workflow

    async def start(self, principal: Principal, location_ids: list[str]) -> dict[str, Any]:
        principal.require(Permission.BULK_OPERATE)
        principal.require(Permission.PROVISIONING_TRIGGER)
        job_id, scope = f"job-{uuid.uuid4().hex}", scope_of(principal)
        async with self._store.session(scope) as session:
            await session.jobs.create(job_id, scope, OPERATION, principal.user_id)
        await bulk.bounded(
            [
                self._request(principal, job_id, position, location_id)
                for position, location_id in enumerate(location_ids)
            ]
        )
        return await self.view(principal, job_id)

    async def _request(
        self, principal: Principal, job_id: str, position: int, location_id: str
    ) -> None:
        scope = scope_of(principal)
        try:
            location = await self._workflow.provisionable(principal, location_id)
        except AppError as error:
            refused = JobItem(position, location_id, "refused", error.code, error.detail)
            async with self._store.session(scope) as session:
                await session.jobs.add_item(job_id, refused, None, None)
            return
        request_id = str(uuid.uuid4())
        async with self._store.session(scope) as session:
            pending = JobItem(position, location_id, "pending")
            await session.jobs.add_item(job_id, pending, location.tenant_id, request_id)
        try:
            await self._workflow.request_provisioning(principal, location_id, request_id)
        except AppError as error:
            async with self._store.session(scope) as session:
                await session.jobs.settle_item(job_id, position, error.code, error.detail)

    async def view(self, principal: Principal, job_id: str) -> dict[str, Any]:
        principal.require(Permission.BULK_OPERATE)
        async with self._store.session(scope_of(principal)) as session:
            job = await session.jobs.get(job_id)
        if job is None:
            raise NotFound("no such job")
        return describe_job(job)
