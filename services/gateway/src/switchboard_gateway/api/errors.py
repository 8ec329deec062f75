"""The error body every route documents (the shared handlers answer the errors themselves)."""

from __future__ import annotations

import logging

from litestar.openapi.datastructures import ResponseSpec
from pydantic import BaseModel

log = logging.getLogger(__name__)


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
