"""What every provider parser shares: decoding the body and reading loosely typed fields."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from pydantic import BaseModel, ValidationError

from switchboard_shared.errors import BadRequest, ValidationFailed
from switchboard_shared.events import CallEvent, LeadEvent

ModelT = TypeVar("ModelT", bound=BaseModel)
MILLISECONDS_THRESHOLD = 100_000_000_000  # epoch numbers above this are milliseconds
FORM_TYPE = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Incoming:
    """One webhook request as received: raw bytes, content type and lower-cased headers."""

    body: bytes
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.body).hexdigest()[:32]


@dataclass(frozen=True)
class Parsed:
    """A provider's request turned canonical: the event, its entity and its dedup key."""

    event: CallEvent | LeadEvent | None
    entity_id: str
    dedup_key: str
    ignored: str | None = None


def ignored(entity_id: str, dedup_key: str, reason: str) -> Parsed:
    """A well-formed message of a kind that carries no call event (e.g. Vapi `speech-update`)."""
    return Parsed(event=None, entity_id=entity_id, dedup_key=dedup_key, ignored=reason)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def json_object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(_text(body), parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        raise BadRequest(
            f"body is not valid JSON: {str(error)[:120]}", code="malformed_body"
        ) from None
    if not isinstance(value, dict):
        raise BadRequest("body must be a JSON object", code="malformed_body")
    if b"\\ud" in body.lower():
        _refuse_lone_surrogates(value)
    return value


def _refuse_lone_surrogates(value: dict[str, Any]) -> None:
    """JSON may escape half a UTF-16 pair (`\\ud800`); such text can never be re-encoded."""
    try:
        json.dumps(value, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        raise BadRequest(
            "body contains an unpaired UTF-16 surrogate", code="malformed_body"
        ) from None


def form_pairs(body: bytes) -> list[tuple[str, str]]:
    try:
        return parse_qsl(_text(body), keep_blank_values=True, max_num_fields=1000)
    except ValueError as error:
        raise BadRequest(f"body is not valid form data: {error}", code="malformed_body") from None


def decode_body(incoming: Incoming) -> dict[str, Any]:
    """JSON when the body looks like JSON (some diallers send JSON as form posts), else form."""
    text = _text(incoming.body).lstrip()
    if not text:
        raise BadRequest("body is empty", code="malformed_body")
    if text.startswith(("{", "[")):
        return json_object(incoming.body)
    if FORM_TYPE in incoming.content_type.lower() or "=" in text:
        return dict(form_pairs(incoming.body))
    raise BadRequest("body is neither JSON nor form-encoded", code="malformed_body")


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("body is not UTF-8 text", code="malformed_body") from None


def first(source: Mapping[str, Any], *names: str) -> Any:
    """The first of these fields that is present and not empty (the seed's fallbacks)."""
    for name in names:
        value = source.get(name)
        if value is not None and value != "":
            return value
    return None


def section(source: Mapping[str, Any], name: str) -> dict[str, Any]:
    """A nested object, or {} when absent; anything else is a validation failure."""
    value = source.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationFailed(f"field {name} must be an object", code="invalid_field")
    return value


def text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str | int | float):
        return str(value).strip() or None
    raise ValidationFailed(f"field {name} must be text", code="invalid_field")


def required_text(value: Any, name: str) -> str:
    found = text(value, name)
    if found is None:
        raise ValidationFailed(f"missing required field: {name}", code="missing_field")
    return found


def number(value: Any, name: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValidationFailed(f"field {name} must be a number", code="invalid_field")
    try:
        found = float(value)
    except (ValueError, OverflowError):
        raise ValidationFailed(f"field {name} must be a number", code="invalid_field") from None
    if not math.isfinite(found) or found < 0:
        raise ValidationFailed(
            f"field {name} must be a finite, non-negative number", code="invalid_field"
        )
    return found


def instant(value: Any, name: str) -> datetime | None:
    """ISO 8601, RFC 2822 (Twilio), or epoch seconds/milliseconds; naive times are UTC."""
    if value is None or value == "":
        return None
    try:
        found = _instant(value)
    except (ValueError, TypeError, OverflowError, OSError):
        found = None
    if found is None:
        raise ValidationFailed(f"field {name} is not a valid timestamp", code="invalid_field")
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _instant(value: Any) -> datetime | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and _is_number(value)):
        seconds = float(value)
        if abs(seconds) > MILLISECONDS_THRESHOLD:
            seconds /= 1000
        return datetime.fromtimestamp(seconds, UTC)
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return parsedate_to_datetime(value)


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def duration_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds()


def build(model: type[ModelT], **values: Any) -> ModelT:
    """The event model, with a failed check reported as 422 naming the field."""
    try:
        return model(**values)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(p) for p in problem["loc"]) or "body"
        raise ValidationFailed(f"field {where}: {problem['msg']}", code="invalid_field") from None


def now() -> datetime:
    return datetime.now(UTC)


_AGENT_ROLES = {"agent", "assistant", "bot", "ai"}
_CUSTOMER_ROLES = {"user", "customer", "human", "caller"}


def speaker(role: Any) -> str:
    """Every provider's speaker labels as `agent` or `customer` (others kept as given)."""
    label = str(role or "unknown").strip().lower()
    if label in _AGENT_ROLES:
        return "agent"
    if label in _CUSTOMER_ROLES:
        return "customer"
    return label
