"""One error type per failure a caller can act on, mapped to one HTTP status in one place."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from aiokafka.errors import KafkaError
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.exceptions import ValidationException as LitestarValidationException
from psycopg_pool import PoolClosed, PoolTimeout

log = logging.getLogger(__name__)

OUTAGE_RETRY_SECONDS = 5
MAINTENANCE_RETRY_SECONDS = 30
# What a database or broker that is down, restarting or overloaded raises: the caller may retry.
OUTAGES: tuple[type[BaseException], ...] = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    PoolTimeout,
    PoolClosed,
    KafkaError,
    ConnectionError,
    TimeoutError,
)


class AppError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        retry_after: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.code
        self.retry_after = retry_after
        self.extra = extra or {}


class BadRequest(AppError):
    status_code, code = 400, "bad_request"


class Unauthorized(AppError):
    status_code, code = 401, "unauthorized"


class Forbidden(AppError):
    status_code, code = 403, "forbidden"


class NotFound(AppError):
    status_code, code = 404, "not_found"


class Conflict(AppError):
    status_code, code = 409, "conflict"


class PayloadTooLarge(AppError):
    status_code, code = 413, "payload_too_large"


class ValidationFailed(AppError):
    status_code, code = 422, "validation_failed"


class RateLimited(AppError):
    status_code, code = 429, "rate_limited"


class Unavailable(AppError):
    status_code, code = 503, "unavailable"


class MaintenanceRefused(Unavailable):
    """A write refused because the platform is in maintenance or read-only mode."""

    def __init__(self, mode: str) -> None:
        super().__init__(
            f"writes are paused: the platform is in {mode} mode",
            code="maintenance",
            retry_after=MAINTENANCE_RETRY_SECONDS,
            extra={"maintenance": True, "mode": str(mode)},
        )


def error_response(status: int, code: str, detail: str, **extra: Any) -> Response[dict[str, Any]]:
    headers = {}
    if extra.get("retry_after") is not None:
        headers["Retry-After"] = str(extra.pop("retry_after"))
    body = {"error": code, "detail": detail, **{k: v for k, v in extra.items() if v is not None}}
    return Response(body, status_code=status, headers=headers)


def _app_error(_: Request[Any, Any, Any], error: AppError) -> Response[dict[str, Any]]:
    return error_response(
        error.status_code, error.code, error.detail, retry_after=error.retry_after, **error.extra
    )


def _validation_error(
    _: Request[Any, Any, Any], error: LitestarValidationException
) -> Response[dict[str, Any]]:
    fields = error.extra if isinstance(error.extra, list) else None
    return error_response(400, "bad_request", str(error.detail), fields=fields)


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    503: "unavailable",
}


def _http_error(_: Request[Any, Any, Any], error: HTTPException) -> Response[dict[str, Any]]:
    status = error.status_code
    return error_response(status, _HTTP_CODES.get(status, "error"), str(error.detail))


def _outage(request: Request[Any, Any, Any], error: Exception) -> Response[dict[str, Any]]:
    where = f"{request.method} {request.url.path}"
    log.warning("backing service unavailable on %s: %s", where, type(error).__name__)
    return error_response(
        503,
        "unavailable",
        "a database or broker this service needs is unavailable; retry later",
        retry_after=OUTAGE_RETRY_SECONDS,
    )


def _unstorable(request: Request[Any, Any, Any], error: Exception) -> Response[dict[str, Any]]:
    log.info(
        "unstorable value on %s %s: %s", request.method, request.url.path, type(error).__name__
    )
    return error_response(400, "bad_request", "a value has characters that are not accepted")


def _unexpected(request: Request[Any, Any, Any], error: Exception) -> Response[dict[str, Any]]:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(500, "internal", "an internal error occurred")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    AppError: _app_error,
    LitestarValidationException: _validation_error,
    NotAuthorizedException: _http_error,
    PermissionDeniedException: _http_error,
    HTTPException: _http_error,
    **dict.fromkeys(OUTAGES, _outage),
    psycopg.DataError: _unstorable,
    Exception: _unexpected,
}
