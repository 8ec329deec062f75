"""`switchboard audit ...`: verify, export, query and checkpoint the audit log."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from switchboard_deploy import audit_cli
from switchboard_deploy.cli.credentials import current_token
from switchboard_deploy.cli.failures import reporting_failures
from switchboard_deploy.cli.options import DEFAULT_GATEWAY_URL, GatewayUrl

Text = Annotated[str | None, typer.Option()]


def _done(status: int) -> None:
    if status:
        raise typer.Exit(status)


def verify(
    full: Annotated[bool, typer.Option("--full", help="from the first entry")] = False,
    offline: Annotated[
        Path | None, typer.Option("--offline", help="an export; no platform needed")
    ] = None,
    vkey: Annotated[
        list[str] | None, typer.Option("--vkey", help="a trusted verifier key (repeatable)")
    ] = None,
    url: GatewayUrl = DEFAULT_GATEWAY_URL,
) -> None:
    """Verify the log online (incrementally, or --full), or an export offline."""
    if offline is not None:
        _done(audit_cli.verify_offline(offline, vkey))
        return
    with reporting_failures():
        _done(audit_cli.verify_online(url, current_token(), full=full))


def export(
    out: Annotated[Path, typer.Option("--out", help="the file to write")],
    url: GatewayUrl = DEFAULT_GATEWAY_URL,
) -> None:
    """Write every entry and checkpoint to a file that verifies offline."""
    with reporting_failures():
        _done(audit_cli.export(url, current_token(), out))


def query(
    user_id: Text = None,
    action: Text = None,
    tenant_id: Text = None,
    result: Text = None,
    resource: Text = None,
    q: Text = None,
    start: Text = None,
    end: Text = None,
    limit: Annotated[int | None, typer.Option()] = None,
    url: GatewayUrl = DEFAULT_GATEWAY_URL,
) -> None:
    """List entries, newest first."""
    filters = {
        "user_id": user_id, "action": action, "tenant_id": tenant_id, "result": result,
        "resource": resource, "q": q, "start": start, "end": end, "limit": limit,
    }  # fmt: skip
    with reporting_failures():
        _done(audit_cli.query(url, current_token(), filters))


def checkpoint(
    sign: Annotated[bool, typer.Option("--sign", help="sign one now first")] = False,
    url: GatewayUrl = DEFAULT_GATEWAY_URL,
) -> None:
    """Print the latest signed checkpoint."""
    with reporting_failures():
        _done(audit_cli.checkpoint(url, current_token(), sign=sign))


def retention(url: GatewayUrl = DEFAULT_GATEWAY_URL) -> None:
    """Archive and remove the entries past their retention."""
    with reporting_failures():
        _done(audit_cli.retention(url, current_token()))


def build_audit() -> typer.Typer:
    audit = typer.Typer(help="Verify, export and query the audit log.", no_args_is_help=True)
    for command in (verify, export, query, checkpoint, retention):
        audit.command()(command)
    return audit
