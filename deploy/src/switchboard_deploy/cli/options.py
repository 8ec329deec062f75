"""Options several commands share, declared once."""

from __future__ import annotations

from typing import Annotated

import typer

from switchboard_deploy.cli.gateway_client import DEFAULT_URL

GatewayUrl = Annotated[
    str, typer.Option("--url", envvar="SWITCHBOARD_URL", help="the gateway (SWITCHBOARD_URL)")
]
AsJson = Annotated[bool, typer.Option("--json", help="print the answer as JSON, for scripts")]
DEFAULT_GATEWAY_URL = DEFAULT_URL
