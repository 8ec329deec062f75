"""One parser per provider, each turning its real payload shape into the canonical event."""

from __future__ import annotations

from collections.abc import Callable

from switchboard_webhook_ingest.domain import Provider
from switchboard_webhook_ingest.providers import bland, convoso, retell, standard, twilio, vapi
from switchboard_webhook_ingest.providers.base import Incoming, Parsed

Parser = Callable[[Incoming], Parsed]

PARSERS: dict[Provider, Parser] = {
    Provider.STANDARD: standard.parse,
    Provider.BLAND: bland.parse,
    Provider.VAPI: vapi.parse,
    Provider.TWILIO: twilio.parse,
    Provider.RETELL: retell.parse,
    Provider.CONVOSO_CALLS: convoso.parse_call,
    Provider.CONVOSO_LEADS: convoso.parse_lead,
}

__all__ = ["PARSERS", "Incoming", "Parsed", "Parser"]
