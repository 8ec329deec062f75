"""The owner command use case: check, execute, keep in history, announce."""

from __future__ import annotations

import contextlib
import logging
import uuid
from dataclasses import replace
from typing import Any

from switchboard_command_control.domain import (
    CommandRecord,
    CommandRefused,
    CommandRequest,
    check_rules,
    command_name,
    parse_request,
)
from switchboard_command_control.ports import STATE_KEY, Ports
from switchboard_command_control.reports import read_figures, report_period
from switchboard_command_control.status import current_state, system_status
from switchboard_shared.audit_trail import AuditUnavailable
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission
from switchboard_shared.errors import AppError, BadRequest, Forbidden, Unavailable
from switchboard_shared.events import (
    AuditResult,
    ControlCommand,
    ControlState,
    OperatingMode,
    utcnow,
)
from switchboard_shared.masking import mask_email, mask_value
from switchboard_shared.topics import CONTROL_COMMANDS, CONTROL_STATE

log = logging.getLogger(__name__)


async def execute_command(
    ports: Ports,
    principal: Principal,
    body: Any,
    *,
    command_id: str | None = None,
    authorization: str | None = None,
) -> dict[str, Any]:
    """Every outcome (done, refused, denied) is kept in the history and announced on the bus.
    A command that came on the bus is kept under its request's id; `authorization` is the
    caller's own credential, for figures read from other services."""
    record = _record(principal, body, command_id or str(uuid.uuid4()))
    if not principal.can(Permission.COMMANDS_EXECUTE):
        reason = f"role {principal.role} may not execute commands"
        await _conclude(ports, replace(record, outcome=AuditResult.DENIED, reason=reason))
        raise Forbidden(reason)
    try:
        request = parse_request(body)
        check_rules(request)
    except CommandRefused as refused:
        await _conclude(ports, replace(record, outcome=AuditResult.FAILURE, reason=refused.code))
        raise BadRequest(refused.detail, code=refused.code) from refused
    if request.target_mode is None:
        try:
            result = await _report(ports, request, authorization)
        except AppError as refused:
            await _conclude(
                ports, replace(record, outcome=AuditResult.FAILURE, reason=refused.code)
            )
            raise
        await _conclude(ports, replace(record, result=result))
    else:
        result = await _change_mode(ports, record, request, request.target_mode)
    return {
        "success": True,
        "command": request.command,
        "result": result,
        "timestamp": record.issued_at.isoformat(),
        "command_id": record.command_id,
    }


def _record(principal: Principal, body: Any, command_id: str) -> CommandRecord:
    params = body.get("params") if isinstance(body, dict) else None
    return CommandRecord(
        command_id=command_id,
        command=command_name(body),
        params=mask_value(params) if isinstance(params, dict) else {},
        actor_id=principal.user_id,
        actor_email=mask_email(principal.email) if principal.email else None,
        actor_role=principal.role.value,
        outcome=AuditResult.SUCCESS,
        reason=None,
        result=None,
        issued_at=utcnow(),
    )


async def _change_mode(
    ports: Ports, record: CommandRecord, request: CommandRequest, mode: OperatingMode
) -> dict[str, Any]:
    """Answers only once the broker has acknowledged the new state."""
    previous = await current_state(ports)
    state = ControlState(
        mode=mode, reason=request.reason, changed_by=record.actor_id, command_id=record.command_id
    )
    try:
        await ports.bus.publish(CONTROL_STATE, state, key=STATE_KEY, actor=record.actor_id)
    except Exception as error:
        log.error("control state %s not acknowledged: %r", mode, error)
        with contextlib.suppress(AuditUnavailable):  # the broker is the cause either way
            await _conclude(
                ports, replace(record, outcome=AuditResult.FAILURE, reason="broker_unavailable")
            )
        raise Unavailable("the broker did not acknowledge the new state", retry_after=5) from error
    result = {"mode": mode.value, "previous_mode": previous.mode.value, "reason": request.reason}
    done = replace(record, result=result)
    await ports.store.record_mode_change(done, state)
    await _announce(ports, done)
    return result


async def _report(
    ports: Ports, request: CommandRequest, authorization: str | None
) -> dict[str, Any]:
    if request.command == "report":
        period = report_period(request.params, utcnow())
        calls = await read_figures(
            ports.call_store_url, "/api/admin/calls/report", authorization, period
        )
        return {**period, "calls": calls}
    status = await system_status(ports)
    ready = sum(1 for service in status["services"] if service["ready"])
    return {
        **status,
        "services_ready": ready,
        "services_seen": len(status["services"]),
        "stale_instances": len(status["stale"]),
    }


async def _conclude(ports: Ports, record: CommandRecord) -> None:
    await ports.store.record_command(record)
    await _announce(ports, record)


async def _announce(ports: Ports, record: CommandRecord) -> None:
    """The same envelope id on both topics: the audit log keeps one entry per command. The
    command is answered only once its audit entry is acknowledged (503 otherwise)."""
    command = ControlCommand(
        command_id=record.command_id,
        command=record.command,
        params=record.params,
        actor_id=record.actor_id,
        issued_at=record.issued_at,
        actor_email=record.actor_email,
        actor_role=record.actor_role,
        outcome=AuditResult(record.outcome),
        reason=record.reason,
    )
    key = record.command_id.encode()
    try:
        await ports.bus.publish(
            CONTROL_COMMANDS, command, key=key, actor=record.actor_id, envelope_id=record.command_id
        )
    except Exception as error:
        log.error("command %s kept in history but not announced: %r", record.command_id, error)
    await ports.audit.record(
        f"command.{record.command}",
        actor_id=record.actor_id,
        actor_email=record.actor_email,
        actor_role=record.actor_role,
        resource=f"command:{record.command_id}",
        params=record.params,
        result=AuditResult(record.outcome),
        reason=record.reason,
        occurred_at=record.issued_at,
        key=key,
        envelope_id=record.command_id,
    )
