"""Each provider's signature scheme, checked on the raw bytes with constant-time comparisons.

Every function takes the request as received and the tenant's secrets (newest first, at most
two during a rotation) and raises `Unauthorized` unless one secret verifies it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from switchboard_shared.errors import Unauthorized, ValidationFailed
from switchboard_webhook_ingest.domain import Provider

MILLISECONDS_THRESHOLD = 100_000_000_000
STANDARD_PREFIX = "whsec_"


@dataclass(frozen=True)
class SignedRequest:
    body: bytes
    headers: Mapping[str, str]
    url: str
    form: Sequence[tuple[str, str]] = ()
    now: float = field(default_factory=time.time)
    tolerance: int = 300


def _missing(what: str) -> Unauthorized:
    return Unauthorized(f"missing {what}", code="missing_signature")


def _invalid() -> Unauthorized:
    return Unauthorized("signature does not match", code="invalid_signature")


def _hmac(key: bytes, message: bytes, digest: str) -> bytes:
    return hmac.new(key, message, digest).digest()


def _same(expected: str, given: str) -> bool:
    """Constant-time, and safe for any header text (non-ASCII never raises)."""
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def _matches_hex(expected: bytes, given: str) -> bool:
    return _same(expected.hex(), given.strip().lower().removeprefix("sha256="))


def _check_fresh(request: SignedRequest, raw: str) -> None:
    try:
        moment = float(raw)
    except ValueError:
        raise Unauthorized(
            "signature timestamp is not a number", code="invalid_signature"
        ) from None
    if not math.isfinite(moment):
        raise Unauthorized("signature timestamp is not a number", code="invalid_signature")
    if moment > MILLISECONDS_THRESHOLD:
        moment /= 1000
    if abs(request.now - moment) > request.tolerance:
        raise Unauthorized("signature timestamp outside the allowed window", code="replayed")


def verify_bland(request: SignedRequest, secrets: Sequence[str]) -> None:
    given = request.headers.get("x-webhook-signature")
    if not given:
        raise _missing("X-Webhook-Signature")
    if not any(_matches_hex(_hmac(s.encode(), request.body, "sha256"), given) for s in secrets):
        raise _invalid()


def verify_vapi(request: SignedRequest, secrets: Sequence[str]) -> None:
    """HMAC-SHA256 over `{x-timestamp}.{body}`; or Vapi's legacy `x-vapi-secret` shared secret."""
    given, stamp = request.headers.get("x-signature"), request.headers.get("x-timestamp")
    if given and stamp:
        _check_fresh(request, stamp)
        message = stamp.encode() + b"." + request.body
        if not any(_matches_hex(_hmac(s.encode(), message, "sha256"), given) for s in secrets):
            raise _invalid()
        return
    legacy = request.headers.get("x-vapi-secret")
    if not legacy:
        raise _missing("x-signature and x-timestamp")
    if not any(_same(s, legacy) for s in secrets):
        raise _invalid()


def verify_retell(request: SignedRequest, secrets: Sequence[str]) -> None:
    """`x-retell-signature: v=<ms timestamp>,d=<hex HMAC-SHA256 of body + timestamp>`."""
    header = request.headers.get("x-retell-signature")
    if not header:
        raise _missing("x-retell-signature")
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    stamp, given = parts.get("v", "").strip(), parts.get("d", "")
    if not stamp or not given:
        raise Unauthorized(
            "x-retell-signature must read v=<timestamp>,d=<digest>", code="invalid_signature"
        )
    _check_fresh(request, stamp)
    message = request.body + stamp.encode()
    if not any(_matches_hex(_hmac(s.encode(), message, "sha256"), given) for s in secrets):
        raise _invalid()


def verify_twilio(request: SignedRequest, secrets: Sequence[str]) -> None:
    """Base64 HMAC-SHA1 of the public URL plus the sorted form parameters (key then value).

    A JSON body is signed over the URL alone and pinned by the `bodySHA256` query parameter.
    """
    given = request.headers.get("x-twilio-signature")
    if not given:
        raise _missing("X-Twilio-Signature")
    message = request.url.encode() + _sorted_params(request).encode()
    for secret in secrets:
        expected = base64.b64encode(_hmac(secret.encode(), message, "sha1")).decode()
        if _same(expected, given.strip()):
            _check_body_hash(request)
            return
    raise _invalid()


def _sorted_params(request: SignedRequest) -> str:
    if _body_hash_param(request.url) is not None:
        return ""
    grouped: dict[str, set[str]] = {}
    for key, value in request.form:
        grouped.setdefault(key, set()).add(value)
    return "".join(key + value for key in sorted(grouped) for value in sorted(grouped[key]))


def _body_hash_param(url: str) -> str | None:
    return dict(parse_qsl(urlsplit(url).query)).get("bodySHA256")


def _check_body_hash(request: SignedRequest) -> None:
    pinned = _body_hash_param(request.url)
    if pinned is None:
        return
    actual = hashlib.sha256(request.body).hexdigest()
    if not _same(actual, pinned.lower()):
        raise Unauthorized("body does not match bodySHA256", code="invalid_signature")


def verify_standard(request: SignedRequest, secrets: Sequence[str]) -> None:
    """Standard Webhooks: `v1,<base64 HMAC-SHA256 of id.timestamp.body>`, space-separated."""
    webhook_id = request.headers.get("webhook-id")
    stamp = request.headers.get("webhook-timestamp")
    header = request.headers.get("webhook-signature")
    if not (webhook_id and stamp and header):
        raise _missing("webhook-id, webhook-timestamp and webhook-signature")
    _check_fresh(request, stamp)
    message = f"{webhook_id}.{stamp}.".encode() + request.body
    offered = [part.split(",", 1)[1] for part in header.split() if part.startswith("v1,")]
    for secret in secrets:
        expected = base64.b64encode(_hmac(standard_key(secret), message, "sha256")).decode()
        if any(_same(expected, candidate) for candidate in offered):
            return
    raise _invalid()


def standard_key(secret: str) -> bytes:
    try:
        return base64.b64decode(secret.removeprefix(STANDARD_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(
            "a standard secret must be whsec_<base64>", code="invalid_secret"
        ) from None


def verify_shared_secret(request: SignedRequest, secrets: Sequence[str]) -> None:
    """Convoso signs nothing; its posts carry the shared secret in `X-Webhook-Secret`."""
    given = request.headers.get("x-webhook-secret")
    if not given:
        raise _missing("X-Webhook-Secret")
    if not any(_same(s, given) for s in secrets):
        raise _invalid()


Verifier = Callable[[SignedRequest, Sequence[str]], None]

VERIFIERS: dict[Provider, Verifier] = {
    Provider.BLAND: verify_bland,
    Provider.VAPI: verify_vapi,
    Provider.RETELL: verify_retell,
    Provider.TWILIO: verify_twilio,
    Provider.STANDARD: verify_standard,
    Provider.CONVOSO_CALLS: verify_shared_secret,
    Provider.CONVOSO_LEADS: verify_shared_secret,
}


def check_secret_shape(provider: Provider, secret: str) -> None:
    """Refuses, when it is set, a secret the provider's scheme could never verify with."""
    if provider is Provider.STANDARD:
        standard_key(secret)
