"""Owner commands that come on the bus: verified and authorised as on HTTP, answered on the
replies topic under the request's id. This is the way in when the gateway is down."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Protocol

from switchboard_command_control.domain import CommandRecord
from switchboard_command_control.handlers import execute_command
from switchboard_command_control.ports import Ports
from switchboard_shared.auth.principal import Principal
from switchboard_shared.errors import AppError
from switchboard_shared.events import AuditResult, ControlReply, ControlRequest, utcnow
from switchboard_shared.topics import CONTROL_REPLIES

log = logging.getLogger(__name__)


class TokenCheck(Protocol):
    async def verify(self, token: str) -> Principal:
        """The caller the token proves, or `Unauthorized`."""


async def answer_request(
    ports: Ports, tokens: TokenCheck, request: ControlRequest, now: datetime | None = None
) -> ControlReply:
    """Publishes the reply (after the command's own announcements) and returns it. A request
    seen again, as after a redelivery, is answered from the history and not executed twice."""
    reply = await _answer(ports, tokens, request, now or utcnow())
    await ports.bus.publish(
        CONTROL_REPLIES, reply, key=request.request_id.encode(), correlation_id=request.request_id
    )
    return reply


async def _answer(
    ports: Ports, tokens: TokenCheck, request: ControlRequest, now: datetime
) -> ControlReply:
    if request.expires_at <= now:
        return _error(request, 400, "request_expired", "the request expired before it was read")
    try:
        principal = await tokens.verify(request.access_token)
    except AppError as refused:
        return _refusal(request, refused)
    earlier = await ports.store.find_command(request.request_id)
    if earlier is not None:
        return _answered_before(request, earlier, principal)
    body = {"command": request.command, "params": request.params}
    try:
        answer = await execute_command(ports, principal, body, command_id=request.request_id)
    except AppError as refused:
        return _refusal(request, refused)
    return ControlReply(request_id=request.request_id, status=200, body=answer)


def _answered_before(
    request: ControlRequest, earlier: CommandRecord, principal: Principal
) -> ControlReply:
    if earlier.actor_id != principal.user_id:
        return _error(request, 409, "request_id_in_use", "another command has this request id")
    if earlier.outcome != AuditResult.SUCCESS:
        detail = f"this request was already answered: {earlier.outcome} ({earlier.reason})"
        return _error(request, 409, "already_answered", detail)
    body = {
        "success": True,
        "command": earlier.command,
        "result": earlier.result,
        "timestamp": earlier.issued_at.isoformat(),
        "command_id": earlier.command_id,
    }
    return ControlReply(request_id=request.request_id, status=200, body=body)


def _refusal(request: ControlRequest, refused: AppError) -> ControlReply:
    extra: dict[str, Any] = {**refused.extra}
    if refused.retry_after is not None:
        extra["retry_after"] = refused.retry_after
    return _error(request, refused.status_code, refused.code, refused.detail, extra)


def _error(
    request: ControlRequest,
    status: int,
    code: str,
    detail: str,
    extra: dict[str, Any] | None = None,
) -> ControlReply:
    body = {"error": code, "detail": detail, **(extra or {})}
    return ControlReply(request_id=request.request_id, status=status, body=body)
