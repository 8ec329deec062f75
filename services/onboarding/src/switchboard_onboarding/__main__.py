"""`python -m switchboard_onboarding` runs the onboarding service."""

from switchboard_onboarding.app import build_app
from switchboard_onboarding.settings import OnboardingSettings
from switchboard_shared.runtime import run
from switchboard_shared.settings import load_settings


def main() -> None:
    settings = load_settings(OnboardingSettings)
    run(build_app(settings), settings)


if __name__ == "__main__":
    main()
