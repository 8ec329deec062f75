"""The composition root of the webhook-ingest service: the one place its parts are wired together."""

from __future__ import annotations

from litestar import Litestar
from switchboard_shared.runtime import build_runtime, create_app

from switchboard_webhook_ingest.settings import WebhookIngestSettings


def build_app(settings: WebhookIngestSettings) -> Litestar:
    runtime = build_runtime(settings, package=__package__ or "switchboard_webhook_ingest")
    return create_app(runtime, route_handlers=[])
