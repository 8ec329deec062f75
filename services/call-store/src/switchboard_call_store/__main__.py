"""`python -m switchboard_call_store` runs the call-store service."""

from switchboard_call_store.app import build_app
from switchboard_call_store.settings import CallStoreSettings
from switchboard_shared.runtime import run
from switchboard_shared.settings import load_settings


def main() -> None:
    settings = load_settings(CallStoreSettings)
    run(build_app(settings), settings)


if __name__ == "__main__":
    main()
