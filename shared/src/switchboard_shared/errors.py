"""One error type per failure a caller can act on, mapped to one HTTP status in one place."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.exceptions import ValidationException as LitestarValidationException

log = logging.getLogger(__name__)


class AppError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(
        self, detail: str, *, code: str | None = None, retry_after: int | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.code
        self.retry_after = retry_after


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


def error_response(status: int, code: str, detail: str, **extra: Any) -> Response[dict[str, Any]]:
    headers = {}
    if extra.get("retry_after") is not None:
        headers["Retry-After"] = str(extra.pop("retry_after"))
    body = {"error": code, "detail": detail, **{k: v for k, v in extra.items() if v is not None}}
    return Response(body, status_code=status, headers=headers)


def _app_error(_: Request[Any, Any, Any], error: AppError) -> Response[dict[str, Any]]:
    return error_response(
        error.status_code, error.code, error.detail, retry_after=error.retry_after
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


def _unexpected(request: Request[Any, Any, Any], error: Exception) -> Response[dict[str, Any]]:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(500, "internal", "an internal error occurred")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    AppError: _app_error,
    LitestarValidationException: _validation_error,
    NotAuthorizedException: _http_error,
    PermissionDeniedException: _http_error,
    HTTPException: _http_error,
    Exception: _unexpected,
}
