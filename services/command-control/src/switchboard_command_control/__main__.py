"""`python -m switchboard_command_control` runs the command-control service."""

from switchboard_command_control.app import build_app
from switchboard_command_control.settings import CommandControlSettings
from switchboard_shared.runtime import run
from switchboard_shared.settings import load_settings


def main() -> None:
    settings = load_settings(CommandControlSettings)
    run(build_app(settings), settings)


if __name__ == "__main__":
    main()
