"""The platform's status and a command's answer, as an SRE reads them in a terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

MODE_STYLES = {"running": "green", "maintenance": "yellow", "read_only": "cyan"}


def show_status(out: Console, status: dict[str, Any]) -> None:
    """The mode, why, who and when; then every instance with the mode it applied. An instance
    whose mode differs from the platform's, or that went silent, is shown in red."""
    mode = str(status.get("mode"))
    out.print(f"mode      [{MODE_STYLES.get(mode, 'red')}]{mode}[/]")
    out.print(f"reason    {status.get('reason') or '-'}")
    out.print(f"set by    {status.get('changed_by') or '-'} at {status.get('changed_at') or '-'}")
    out.print(instances_table(status, mode))
    lag = status.get("consumer_lag")
    if lag and lag.get("groups"):
        out.print(lag_table(lag))


def instances_table(status: dict[str, Any], mode: str) -> Table:
    table = Table(
        "service", "instance", "version", "ready", "mode applied", "last heartbeat", "stale"
    )
    for service in status.get("services", []):
        for instance in service.get("instances", []):
            lagging = instance.get("mode") != mode or instance.get("stale")
            table.add_row(
                service.get("service"),
                instance.get("instance"),
                _build(instance),
                "yes" if instance.get("ready") else "no",
                instance.get("mode"),
                instance.get("last_heartbeat"),
                "yes" if instance.get("stale") else "no",
                style="red" if lagging else None,
            )
    return table


def _build(instance: dict[str, Any]) -> str:
    commit = instance.get("commit")
    return (
        f"{instance.get('version') or '?'} {commit[:8]}"
        if commit
        else instance.get("version") or "?"
    )


def lag_table(lag: dict[str, Any]) -> Table:
    """Consumer lag per group and topic, as status measured it."""
    table = Table("consumer group", "topic", "lag", title=f"consumer lag ({lag.get('method')})")
    for row in lag["groups"]:
        table.add_row(row["group"], row["topic"], str(row["lag"]))
    return table


def show_mode_change(out: Console, answer: dict[str, Any]) -> None:
    result = answer.get("result") or {}
    mode = str(result.get("mode"))
    out.print(
        f"platform now [{MODE_STYLES.get(mode, 'red')}]{mode}[/] "
        f"(was {result.get('previous_mode')}); reason: {result.get('reason') or '-'}; "
        f"command {answer.get('command_id')}"
    )
