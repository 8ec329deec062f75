"""`switchboard dlq list|replay`: call-store's dead letters, through the gateway's admin routes,
as the signed-in operator (replays are audited in their name)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from switchboard_deploy.cli.credentials import current_token
from switchboard_deploy.cli.failures import reporting_failures
from switchboard_deploy.cli.gateway_client import call
from switchboard_deploy.cli.options import DEFAULT_GATEWAY_URL, GatewayUrl
from switchboard_deploy.cli.output import print_json


class DeadLetterAction(StrEnum):
    LIST = "list"
    REPLAY = "replay"


class DeadLetterTopic(StrEnum):
    CALLS = "calls"
    LEADS = "leads"


ROUTES = {
    DeadLetterAction.LIST: ("GET", "/api/admin/calls/dlq"),
    DeadLetterAction.REPLAY: ("POST", "/api/admin/calls/dlq/replay"),
}


def dead_letters(
    action: Annotated[DeadLetterAction, typer.Argument(help="list them, or redrive them")],
    topic: Annotated[DeadLetterTopic, typer.Option(help="whose dead letters")] = (
        DeadLetterTopic.CALLS
    ),
    url: GatewayUrl = DEFAULT_GATEWAY_URL,
) -> None:
    """List or replay call-store's dead letters; prints the route's JSON answer."""
    method, path = ROUTES[action]
    with reporting_failures():
        answer = call(url, method, path, token=current_token(), params={"topic": topic.value})
    print_json(answer)
