"""`python -m switchboard_gateway` runs the gateway service."""

from switchboard_gateway.app import build_app
from switchboard_gateway.settings import GatewaySettings
from switchboard_shared.runtime import run
from switchboard_shared.settings import load_settings


def main() -> None:
    settings = load_settings(GatewaySettings)
    run(build_app(settings), settings)


if __name__ == "__main__":
    main()
