"""The platform's HTTP API as `switchboard` calls it: JSON in, JSON out, failures typed."""

from __future__ import annotations

from typing import Any

import httpx

from switchboard_deploy.cli.failures import Refused, Unreachable

DEFAULT_URL = "http://127.0.0.1:8000"
TIMEOUT_SECONDS = 60.0


def call(
    url: str,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: dict[str, Any] | None = None,
    params: dict[str, str] | None = None,
) -> Any:
    """The answer's JSON (None when it has no body); Refused on an error status."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        response = httpx.request(
            method,
            url.rstrip("/") + path,
            json=body,
            params=params,
            headers=headers,
            timeout=TIMEOUT_SECONDS,
        )
    except httpx.HTTPError as error:
        raise Unreachable(f"cannot reach {url}: {error}") from error
    if not response.is_success:
        raise Refused(response.status_code, _body(response))
    return _body(response) if response.content else None


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text
