"""`switchboard ctl status|shutdown|restart|read-only`: the operating mode, over the gateway's
HTTP API or, with `--via-bus`, as an event on the bus."""

from __future__ import annotations

from typing import Annotated

import click
import typer

from switchboard_deploy.cli.channels import CommandChannel
from switchboard_deploy.cli.credentials import current_token
from switchboard_deploy.cli.exit_codes import ExitCode
from switchboard_deploy.cli.failures import reporting_failures, stop
from switchboard_deploy.cli.options import DEFAULT_GATEWAY_URL, AsJson, GatewayUrl
from switchboard_deploy.cli.output import console, print_json
from switchboard_deploy.cli.platform_commands import DEFAULT_BOOTSTRAP_SERVERS, BootstrapServers
from switchboard_deploy.cli.status_view import show_mode_change, show_status

ViaBus = Annotated[
    bool,
    typer.Option(
        "--via-bus",
        help="send the command as an event on the bus, not through the gateway "
        "(for when the gateway is down)",
    ),
]
ReplyTimeout = Annotated[
    float, typer.Option("--timeout", help="seconds to wait for the reply on the bus")
]
Reason = Annotated[str, typer.Option(help="why: kept with the mode, audited, mailed to owners")]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="do not ask for confirmation")]


def build_ctl() -> typer.Typer:
    ctl = typer.Typer(help="See and change the platform's operating mode.", no_args_is_help=True)
    ctl.command()(status)
    ctl.command()(shutdown)
    ctl.command()(restart)
    ctl.command("read-only")(read_only)
    return ctl


def status(
    url: GatewayUrl = DEFAULT_GATEWAY_URL,
    as_json: AsJson = False,
    via_bus: ViaBus = False,
    bootstrap_servers: BootstrapServers = DEFAULT_BOOTSTRAP_SERVERS,
    timeout: ReplyTimeout = 30.0,
) -> None:
    """The mode, its reason, who set it and when; each service's instances and the mode each
    one applied."""
    channel = CommandChannel(url, via_bus, bootstrap_servers, timeout)
    with reporting_failures():
        answer = channel.status(current_token())
    if as_json:
        print_json(answer)
    else:
        show_status(console(), answer)


def shutdown(
    reason: Reason,
    yes: Yes = False,
    url: GatewayUrl = DEFAULT_GATEWAY_URL,
    as_json: AsJson = False,
    via_bus: ViaBus = False,
    bootstrap_servers: BootstrapServers = DEFAULT_BOOTSTRAP_SERVERS,
    timeout: ReplyTimeout = 30.0,
) -> None:
    """Maintenance: every service stops processing; webhooks are still accepted and queued."""
    question = (
        "Put the platform in maintenance? Every service stops processing and refuses writes "
        "until restart (webhooks are still accepted and queued)."
    )
    channel = CommandChannel(url, via_bus, bootstrap_servers, timeout)
    _change_mode(channel, "shutdown", question, reason, yes=yes, as_json=as_json)


def restart(
    reason: Reason,
    yes: Yes = False,
    url: GatewayUrl = DEFAULT_GATEWAY_URL,
    as_json: AsJson = False,
    via_bus: ViaBus = False,
    bootstrap_servers: BootstrapServers = DEFAULT_BOOTSTRAP_SERVERS,
    timeout: ReplyTimeout = 30.0,
) -> None:
    """Running again: every service resumes processing what was held, and accepts writes."""
    question = "Restart processing on every service?"
    channel = CommandChannel(url, via_bus, bootstrap_servers, timeout)
    _change_mode(channel, "restart_system", question, reason, yes=yes, as_json=as_json)


def read_only(
    reason: Reason,
    yes: Yes = False,
    url: GatewayUrl = DEFAULT_GATEWAY_URL,
    as_json: AsJson = False,
    via_bus: ViaBus = False,
    bootstrap_servers: BootstrapServers = DEFAULT_BOOTSTRAP_SERVERS,
    timeout: ReplyTimeout = 30.0,
) -> None:
    """Read-only: processing and reads go on, every write is refused until restart."""
    question = "Make the platform read-only? Every write is refused until restart."
    channel = CommandChannel(url, via_bus, bootstrap_servers, timeout)
    _change_mode(channel, "read_only", question, reason, yes=yes, as_json=as_json)


def _change_mode(
    channel: CommandChannel, command: str, question: str, reason: str, *, yes: bool, as_json: bool
) -> None:
    """The confirmation asked here is the approval the command carries."""
    if not reason.strip():
        raise typer.BadParameter("give the reason in words", param_hint="--reason")
    with reporting_failures():
        token = current_token()
        if not yes:
            _confirm(question)
        params = {"reason": reason.strip(), "approvalConfirmed": True}
        answer = channel.execute(token, command, params)
    if as_json:
        print_json(answer)
    else:
        show_mode_change(console(), answer)


def _confirm(question: str) -> None:
    """Declined, or no terminal to ask on (then `--yes` is how a script says it)."""
    try:
        confirmed = click.confirm(question, default=False, err=True)
    except click.Abort:
        confirmed = False
    if not confirmed:
        raise stop(ExitCode.DECLINED, "declined: nothing was sent")
