"""The composition root of the onboarding service: the one place its parts are wired together."""

from __future__ import annotations

from litestar import Litestar

from switchboard_onboarding.api import CONTROLLERS
from switchboard_onboarding.bulk_ops import BulkOperations
from switchboard_onboarding.events import Announcer
from switchboard_onboarding.extension_ranges import ExtensionRanges
from switchboard_onboarding.handlers import Onboarding, scope_of
from switchboard_onboarding.idempotency import Once
from switchboard_onboarding.jobs import ProvisioningJobs
from switchboard_onboarding.outcomes import ProvisioningOutcomes
from switchboard_onboarding.settings import OnboardingSettings
from switchboard_onboarding.store import PostgresStore
from switchboard_onboarding.subscribers import subscribe
from switchboard_onboarding.workflow import Workflow
from switchboard_shared.runtime import build_runtime, create_app


def build_app(settings: OnboardingSettings) -> Litestar:
    runtime = build_runtime(settings, package=__package__ or "switchboard_onboarding")
    store = PostgresStore(runtime.pool)
    announcer = Announcer(runtime.bus)
    subscribe(runtime, ProvisioningOutcomes(store, announcer))
    default_range = (settings.extension_min, settings.extension_max)
    ranges = ExtensionRanges(store, announcer, default_range)
    workflow = Workflow(store, announcer, ranges)
    bulk_ops = BulkOperations(
        workflow,
        ProvisioningJobs(store, workflow),
        Once(store, scope_of, stale_seconds=settings.idempotency_stale_seconds),
    )
    state = {
        "onboarding": Onboarding(store, announcer),
        "workflow": workflow,
        "extension_ranges": ranges,
        "bulk_ops": bulk_ops,
    }
    return create_app(runtime, route_handlers=CONTROLLERS, state=state)
