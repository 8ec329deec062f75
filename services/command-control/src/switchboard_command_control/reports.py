"""The figures behind the `report` and `view_financials` commands, read from the services that
own them through their own read routes, as the caller (services never import each other)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import httpx

from switchboard_shared.errors import AppError, BadRequest, Unavailable

log = logging.getLogger(__name__)

READ_SECONDS = 10.0
UNAVAILABLE = "the service that owns these figures is unavailable"


def report_period(params: dict[str, Any], now: datetime) -> dict[str, str]:
    """`start`/`end` as given (ISO 8601), by default the current month up to now."""
    start = params.get("start") or now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = params.get("end") or now
    period = {"start": _iso(start, "start"), "end": _iso(end, "end")}
    if tenant := params.get("tenant_id"):
        if not isinstance(tenant, str):
            raise BadRequest("tenant_id must be text", code="bad_request")
        period["tenant_id"] = tenant
    return period


def _iso(value: Any, name: str) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as error:
            raise BadRequest(f"{name} must be an ISO 8601 time", code="bad_request") from error
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()
    raise BadRequest(f"{name} must be an ISO 8601 time", code="bad_request")


async def read_figures(
    base_url: str, path: str, authorization: str | None, params: dict[str, str]
) -> dict[str, Any]:
    """The owning service's answer; its refusals (400, 404) pass through as the caller's."""
    headers = {"authorization": authorization} if authorization else {}
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=READ_SECONDS) as client:
            answer = await client.get(path, params=params, headers=headers)
    except httpx.HTTPError as error:
        log.warning("figures from %s%s unavailable: %s", base_url, path, type(error).__name__)
        raise Unavailable(
            "the service that owns these figures is unavailable", retry_after=5
        ) from error
    body: dict[str, Any] = answer.json() if answer.content else {}
    if answer.status_code == 200:
        return body
    if answer.status_code >= 500:
        raise Unavailable(UNAVAILABLE, retry_after=5)
    refused = AppError(str(body.get("detail", "refused")), code=str(body.get("error", "refused")))
    refused.status_code = answer.status_code
    raise refused
