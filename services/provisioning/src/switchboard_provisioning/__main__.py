"""`python -m switchboard_provisioning` runs the provisioning service."""

from switchboard_provisioning.app import build_app
from switchboard_provisioning.settings import ProvisioningSettings
from switchboard_shared.runtime import run
from switchboard_shared.settings import load_settings


def main() -> None:
    settings = load_settings(ProvisioningSettings)
    run(build_app(settings), settings)


if __name__ == "__main__":
    main()
