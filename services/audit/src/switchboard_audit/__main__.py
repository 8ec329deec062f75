"""`python -m switchboard_audit` runs the audit service."""

from switchboard_audit.app import build_app
from switchboard_audit.settings import AuditSettings
from switchboard_shared.runtime import run
from switchboard_shared.settings import load_settings


def main() -> None:
    settings = load_settings(AuditSettings)
    run(build_app(settings), settings)


if __name__ == "__main__":
    main()
