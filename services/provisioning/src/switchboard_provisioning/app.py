"""The composition root of the provisioning service: the one place its parts are wired together."""

from __future__ import annotations

from litestar import Litestar

from switchboard_provisioning.api import CONTROLLERS
from switchboard_provisioning.handlers import Provisioning
from switchboard_provisioning.settings import ProvisioningSettings
from switchboard_provisioning.store import PostgresStore
from switchboard_provisioning.subscribers import subscribe
from switchboard_shared.runtime import build_runtime, create_app


def build_app(settings: ProvisioningSettings) -> Litestar:
    runtime = build_runtime(settings, package=__package__ or "switchboard_provisioning")
    provisioning = Provisioning(PostgresStore(runtime.pool), runtime.bus)
    subscribe(runtime, provisioning)
    return create_app(runtime, route_handlers=CONTROLLERS, state={"provisioning": provisioning})
