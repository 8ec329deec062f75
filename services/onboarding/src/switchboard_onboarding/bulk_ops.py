"""The bulk use cases: size first, then once per idempotency key, then each item on its own."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from switchboard_onboarding import bulk
from switchboard_onboarding.idempotency import Answer, Once
from switchboard_onboarding.jobs import ProvisioningJobs
from switchboard_onboarding.metrics import BULK_ITEMS, BULK_SECONDS
from switchboard_onboarding.schemas import BulkDecisions, BulkLocations, BulkStatusChange
from switchboard_onboarding.workflow import Workflow
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission


async def _measured(
    operation: str, work: Callable[[], Awaitable[dict[str, Any]]], succeeded: str, failed: str
) -> dict[str, Any]:
    started = time.perf_counter()
    body = await work()
    BULK_SECONDS.labels(operation).observe(time.perf_counter() - started)
    summary = body["summary"]
    BULK_ITEMS.labels(operation, "succeeded").inc(summary[succeeded])
    BULK_ITEMS.labels(operation, "failed").inc(summary[failed])
    return body


class BulkOperations:
    def __init__(self, workflow: Workflow, jobs: ProvisioningJobs, once: Once) -> None:
        self._workflow = workflow
        self._jobs = jobs
        self._once = once

    async def change_status(
        self, principal: Principal, request: BulkStatusChange, key: str | None
    ) -> Answer:
        bulk.check_size(len(request.location_ids))
        principal.require(Permission.BULK_OPERATE)
        change = partial(
            self._workflow.change_status,
            principal,
            target=request.status,
            reason=request.reason,
        )

        async def work() -> Answer:
            run = partial(bulk.run_each, request.location_ids, lambda lid: change(lid))
            return Answer(200, await _measured("status", run, "succeeded", "failed"))

        return await self._once.run(principal, key, "status", request.model_dump(mode="json"), work)

    async def decide(self, principal: Principal, request: BulkDecisions, key: str | None) -> Answer:
        bulk.check_size(len(request.items))
        principal.require(Permission.BULK_OPERATE)
        jobs = [
            (
                i.location_id,
                partial(self._workflow.decide, principal, i.location_id, i.decision, i.comment),
            )
            for i in request.items
        ]

        async def work() -> Answer:
            run = partial(bulk.run_jobs, jobs)
            return Answer(200, await _measured("approvals", run, "succeeded", "failed"))

        return await self._once.run(
            principal, key, "approvals", request.model_dump(mode="json"), work
        )

    async def provision(
        self, principal: Principal, request: BulkLocations, key: str | None
    ) -> Answer:
        bulk.check_size(len(request.location_ids), bulk.MAX_BULK_PROVISIONING)
        principal.require(Permission.BULK_OPERATE)

        async def work() -> Answer:
            run = partial(self._jobs.start, principal, request.location_ids)
            return Answer(202, await _measured("provisioning", run, "pending", "refused"))

        return await self._once.run(
            principal, key, "provisioning", request.model_dump(mode="json"), work
        )

    async def job(self, principal: Principal, job_id: str) -> dict[str, Any]:
        return await self._jobs.view(principal, job_id)
