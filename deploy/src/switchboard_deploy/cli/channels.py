"""Where an owner command goes: the gateway's HTTP API, or the bus when the gateway is down."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from switchboard_deploy.cli.bus_client import request_over_bus
from switchboard_deploy.cli.gateway_client import call


@dataclass(frozen=True)
class CommandChannel:
    url: str
    via_bus: bool
    bootstrap_servers: str
    timeout: float

    def execute(self, token: str, command: str, params: dict[str, Any]) -> Any:
        """The command's answer, `{success, command, result, timestamp, command_id}`."""
        if self.via_bus:
            return request_over_bus(self.bootstrap_servers, token, command, params, self.timeout)
        body = {"command": command, "params": params}
        return call(self.url, "POST", "/api/owner/command", token=token, body=body)

    def status(self, token: str) -> Any:
        """The same document either way: `GET /api/system/status`, or the status command."""
        if self.via_bus:
            return self.execute(token, "status", {})["result"]
        return call(self.url, "GET", "/api/system/status", token=token)
