"""The `switchboard` command line."""

from switchboard_deploy.cli.app import main

__all__ = ["main"]
