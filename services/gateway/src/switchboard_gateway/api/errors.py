"""A database that does not answer is a 503 with Retry-After, never a 500."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from litestar import Request, Response
from psycopg_pool import PoolClosed, PoolTimeout

from switchboard_shared.errors import error_response

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


def _database_down(request: Request[Any, Any, Any], error: Exception) -> Response[dict[str, Any]]:
    log.warning(
        "database unavailable on %s %s: %s", request.method, request.url.path, type(error).__name__
    )
    return error_response(
        503,
        "unavailable",
        "the database is not answering; retry shortly",
        retry_after=RETRY_AFTER_SECONDS,
    )


DATABASE_ERRORS: dict[Any, Any] = {
    PoolTimeout: _database_down,
    PoolClosed: _database_down,
    psycopg.OperationalError: _database_down,
}
