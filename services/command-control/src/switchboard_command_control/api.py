"""HTTP: `GET|POST /api/owner/command`, `GET /api/system/status`, `GET /api/admin/dlq`."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, QueryParameter

from switchboard_command_control.dead_letters import list_dead_letters
from switchboard_command_control.domain import command_catalogue
from switchboard_command_control.handlers import execute_command
from switchboard_command_control.ports import Ports
from switchboard_command_control.status import system_status
from switchboard_shared.auth.guards import authenticated, provide_principal, requires
from switchboard_shared.auth.principal import Principal
from switchboard_shared.auth.roles import Permission
from switchboard_shared.errors import BadRequest
from switchboard_shared.write_guard import open_in_maintenance


def _ports(state: State) -> Ports:
    ports: Ports = state.control_ports
    return ports


class OwnerCommandController(Controller):
    """Authenticated callers only; the permission is checked inside, so denials are recorded."""

    path = "/api/owner/command"
    guards = [authenticated()]
    dependencies = {"principal": Provide(provide_principal)}

    @get("/", guards=[requires(Permission.COMMANDS_EXECUTE)], sync_to_thread=False)
    def catalogue(self) -> dict[str, Any]:
        """What may be sent: a caller without a token gets 401 here, as a deploy check expects."""
        return {"commands": command_catalogue()}

    @post(
        "/",
        status_code=200,
        opt=open_in_maintenance("the owner command is the way out of maintenance"),
    )
    async def execute(
        self, request: Request[Any, Any, Any], state: State, principal: NamedDependency[Principal]
    ) -> dict[str, Any]:
        try:
            body = await request.json()
        except Exception as error:
            raise BadRequest("the body must be JSON", code="bad_request") from error
        return await execute_command(
            _ports(state), principal, body, authorization=request.headers.get("authorization")
        )


class SystemStatusController(Controller):
    path = "/api/system/status"
    guards = [requires(Permission.SYSTEM_STATUS)]

    @get("/")
    async def status(self, state: State) -> dict[str, Any]:
        return await system_status(_ports(state))


class DeadLetterController(Controller):
    path = "/api/admin/dlq"
    guards = [requires(Permission.DEAD_LETTERS_MANAGE)]
    dependencies = {"principal": Provide(provide_principal)}

    @get("/")
    async def list_letters(
        self,
        state: State,
        principal: NamedDependency[Principal],
        topic: FromQuery[str | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
        cursor: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        return await list_dead_letters(
            state.runtime.settings.kafka_bootstrap_servers,
            principal,
            topic=topic,
            limit=limit,
            cursor=cursor,
            seconds=state.runtime.settings.dead_letter_read_seconds,
        )
