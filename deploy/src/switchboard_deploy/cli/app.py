"""The `switchboard` command: run the platform, prepare a cluster, and operate it as an SRE."""

from __future__ import annotations

import typer

from switchboard_deploy.cli import ctl, platform_commands, session_commands
from switchboard_deploy.cli.audit_commands import build_audit
from switchboard_deploy.cli.dead_letters import dead_letters
from switchboard_deploy.cli.exit_codes import EXIT_CODES_HELP, ExitCode

HELP = f"""Run Switchboard, prepare a Kafka cluster for it, and operate it.

Commands that talk to the platform act as you: `switchboard login` first (or set
SWITCHBOARD_TOKEN), and point them at the gateway with --url or SWITCHBOARD_URL.

Exit status:

{EXIT_CODES_HELP}
"""


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="switchboard",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode="markdown",
        pretty_exceptions_enable=False,
    )
    app.command()(platform_commands.run)
    app.command()(platform_commands.topics)
    app.command()(platform_commands.contract)
    keys = typer.Typer(help="Manage the gateway's token signing keys.", no_args_is_help=True)
    keys.command("rotate")(platform_commands.rotate_keys)
    app.add_typer(keys, name="keys")
    app.command("dlq")(dead_letters)
    app.command()(session_commands.login)
    app.command()(session_commands.logout)
    app.add_typer(ctl.build_ctl(), name="ctl")
    app.add_typer(build_audit(), name="audit")
    return app


def main(argv: list[str] | None = None) -> int:
    """The exit status of one run (the process entry point passes it to `sys.exit`)."""
    try:
        build_app()(args=argv, prog_name="switchboard")
    except SystemExit as exit_:
        return _status(exit_.code)
    return int(ExitCode.OK)


def _status(code: object) -> int:
    if code is None:
        return int(ExitCode.OK)
    return code if isinstance(code, int) else int(ExitCode.REFUSED)
