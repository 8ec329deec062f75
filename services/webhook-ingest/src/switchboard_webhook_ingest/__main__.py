"""`python -m switchboard_webhook_ingest` runs the webhook-ingest service."""

from switchboard_shared.runtime import run
from switchboard_shared.settings import load_settings
from switchboard_webhook_ingest.app import build_app
from switchboard_webhook_ingest.settings import WebhookIngestSettings


def main() -> None:
    settings = load_settings(WebhookIngestSettings)
    run(build_app(settings), settings)


if __name__ == "__main__":
    main()
