"""The owner command rules: which commands exist, which need approval, what each one changes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from switchboard_shared.events import OperatingMode

MAX_COMMAND_LENGTH = 64
MAX_PARAMS_BYTES = 16_384
MAX_REASON_LENGTH = 500

STATE_COMMANDS: dict[str, OperatingMode] = {
    "shutdown": OperatingMode.MAINTENANCE,
    "restart_system": OperatingMode.RUNNING,
    "read_only": OperatingMode.READ_ONLY,
}
REPORT_COMMANDS = frozenset({"status", "report"})
UNSUPPORTED_COMMANDS = frozenset(
    {"override", "create_mission", "access_data", "view_financials", "scale_division"}
)
IRREVERSIBLE_COMMANDS = frozenset({"shutdown", "override", "restart_system"})
KNOWN_COMMANDS = frozenset(STATE_COMMANDS) | REPORT_COMMANDS | UNSUPPORTED_COMMANDS


def command_catalogue() -> list[dict[str, Any]]:
    """Every command this back office knows, with what it needs and whether it applies."""
    return [
        {
            "command": name,
            "approval_required": name in IRREVERSIBLE_COMMANDS,
            "supported": name not in UNSUPPORTED_COMMANDS,
            "sets_mode": STATE_COMMANDS[name].value if name in STATE_COMMANDS else None,
        }
        for name in sorted(KNOWN_COMMANDS)
    ]


class CommandRefused(Exception):
    """A command that breaks a rule; `code` is what the caller sees as `error`."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class CommandRequest:
    command: str
    params: dict[str, Any]

    @property
    def reason(self) -> str | None:
        reason = self.params.get("reason")
        return reason if isinstance(reason, str) else None

    @property
    def target_mode(self) -> OperatingMode | None:
        return STATE_COMMANDS.get(self.command)


def command_name(body: Any) -> str:
    """The command's name as far as it can be read, for recording refusals."""
    name = body.get("command") if isinstance(body, dict) else None
    return name[:MAX_COMMAND_LENGTH] if isinstance(name, str) and name else "invalid"


def parse_request(body: Any) -> CommandRequest:
    if not isinstance(body, dict):
        raise CommandRefused("bad_request", "the body must be a JSON object {command, params}")
    command, params = body.get("command"), body.get("params", {})
    if not isinstance(command, str) or not command or len(command) > MAX_COMMAND_LENGTH:
        raise CommandRefused("bad_request", "command must be a non-empty string")
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise CommandRefused("bad_request", "params must be a JSON object")
    if len(json.dumps(params, default=str)) > MAX_PARAMS_BYTES:
        raise CommandRefused("bad_request", f"params must stay under {MAX_PARAMS_BYTES} bytes")
    return CommandRequest(command=command, params=params)


def check_rules(request: CommandRequest) -> None:
    """Unknown -> unknown_command; irreversible without approval -> approval_required;
    a command of the runbook that this back office has no subject for -> unsupported_command."""
    if request.command not in KNOWN_COMMANDS:
        raise CommandRefused("unknown_command", f"unknown command {request.command!r}")
    if (
        request.command in IRREVERSIBLE_COMMANDS
        and request.params.get("approvalConfirmed") is not True
    ):
        raise CommandRefused(
            "approval_required",
            f"{request.command} is irreversible: send params.approvalConfirmed = true",
        )
    if request.command in UNSUPPORTED_COMMANDS:
        raise CommandRefused(
            "unsupported_command", f"{request.command} does not apply to this back office"
        )
    reason = request.params.get("reason")
    if reason is not None and (not isinstance(reason, str) or len(reason) > MAX_REASON_LENGTH):
        raise CommandRefused("bad_request", f"reason must be text of at most {MAX_REASON_LENGTH}")


@dataclass(frozen=True)
class InstanceBeat:
    service: str
    instance: str
    ready: bool
    mode: str
    last_seen_at: datetime
    version: str | None = None
    commit: str | None = None
    consumer_groups: dict[str, list[str]] = field(default_factory=dict)


def summarize(beats: Iterable[InstanceBeat], now: datetime, stale_after: float) -> dict[str, Any]:
    """Per service: its instances, whether any fresh one is ready; and the stale instances."""
    limit = timedelta(seconds=stale_after)
    services: dict[str, dict[str, Any]] = {}
    stale: list[dict[str, Any]] = []
    for beat in sorted(beats, key=lambda b: (b.service, b.instance)):
        is_stale = now - beat.last_seen_at > limit
        view = {
            "instance": beat.instance,
            "ready": beat.ready,
            "mode": beat.mode,
            "version": beat.version,
            "commit": beat.commit,
            "last_heartbeat": beat.last_seen_at.isoformat(),
            "stale": is_stale,
        }
        service = services.setdefault(beat.service, {"service": beat.service, "instances": []})
        service["instances"].append(view)
        if is_stale:
            stale.append({"service": beat.service, **view})
    for service in services.values():
        service["ready"] = any(i["ready"] and not i["stale"] for i in service["instances"])
    return {"services": list(services.values()), "stale": stale}


@dataclass(frozen=True)
class CommandRecord:
    """One command as the history keeps it: params and e-mail already masked."""

    command_id: str
    command: str
    params: dict[str, Any]
    actor_id: str
    actor_email: str | None
    actor_role: str | None
    outcome: str
    reason: str | None
    result: dict[str, Any] | None
    issued_at: datetime
