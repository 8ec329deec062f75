"""A database that does not answer is a 503 with Retry-After, never a 500."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from litestar import Request, Response
from litestar.openapi.datastructures import ResponseSpec
from psycopg_pool import PoolClosed, PoolTimeout
from pydantic import BaseModel

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


def _value_refused(request: Request[Any, Any, Any], error: Exception) -> Response[dict[str, Any]]:
    """A value PostgreSQL cannot store (a NUL character in a path or query value, say)."""
    log.info("value refused by the database on %s %s", request.method, request.url.path)
    return error_response(400, "bad_request", "a value has characters that are not accepted")


DATABASE_ERRORS: dict[Any, Any] = {
    psycopg.DataError: _value_refused,
    PoolTimeout: _database_down,
    PoolClosed: _database_down,
    psycopg.OperationalError: _database_down,
}


class FieldProblem(BaseModel):
    key: str | None = None
    message: str


class ErrorBody(BaseModel):
    """Every error answer of the platform: `{"error": code, "detail": text}` (and `fields`)."""

    error: str
    detail: str
    fields: list[FieldProblem] | None = None


ERROR_RESPONSES: dict[int, ResponseSpec] = {
    status: ResponseSpec(data_container=ErrorBody, description=description, generate_examples=False)
    for status, description in {
        400: "the request is malformed or has unknown fields",
        401: "no valid bearer token",
        403: "the caller's role does not allow it",
        404: "no such resource in the caller's reach",
        409: "it conflicts with what exists",
        422: "well-formed but not acceptable",
        429: "too many requests; see Retry-After",
        503: "a dependency is not answering; see Retry-After",
    }.items()
}
