"""Time-based one-time passwords (RFC 6238 over RFC 4226): SHA-1, 30 s steps, 6 digits.

Pure functions, no I/O: the caller supplies the time and the last step already spent, so a code
is accepted at most once (a step is only good when it is later than the last one used).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
SECRET_BYTES = 20  # 160 bits, the length RFC 4226 recommends for HMAC-SHA-1
ISSUER = "Switchboard"


def hotp(secret: bytes, counter: int, digits: int = DIGITS, digest: str = "sha1") -> str:
    mac = hmac.new(secret, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    binary = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(binary % 10**digits).zfill(digits)


def time_step(unix_seconds: float) -> int:
    return int(unix_seconds // STEP_SECONDS)


def totp(secret: bytes, unix_seconds: float, digits: int = DIGITS, digest: str = "sha1") -> str:
    return hotp(secret, time_step(unix_seconds), digits, digest)


def matching_step(
    secret: bytes, code: str, unix_seconds: float, last_used_step: int | None
) -> int | None:
    """The step this code belongs to (now, one before or one after), unless it is spent."""
    if len(code) != DIGITS or not code.isdigit():
        return None
    now = time_step(unix_seconds)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        fresh = last_used_step is None or step > last_used_step
        if fresh and hmac.compare_digest(hotp(secret, step), code):
            return step
    return None


def new_secret() -> bytes:
    return secrets.token_bytes(SECRET_BYTES)


def base32_secret(secret: bytes) -> str:
    return base64.b32encode(secret).decode().rstrip("=")


def provisioning_uri(secret: bytes, account: str, issuer: str = ISSUER) -> str:
    """The otpauth:// URI authenticator apps read (usually from a QR code)."""
    label = quote(f"{issuer}:{account}", safe=":@")
    query = urlencode(
        {
            "secret": base32_secret(secret),
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        }
    )
    return f"otpauth://totp/{label}?{query}"


def normalise_code(code: str) -> str:
    """Spaces and dashes people type inside codes are ignored; recovery codes are lower case."""
    return "".join(code.split()).replace("-", "").lower()


RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: read aloud, typed by hand
RECOVERY_GROUPS = 4
RECOVERY_GROUP_LENGTH = 4  # 16 characters of 32 symbols: 80 bits


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    return [_recovery_code() for _ in range(count)]


def _recovery_code() -> str:
    groups = (
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP_LENGTH))
        for _ in range(RECOVERY_GROUPS)
    )
    return "-".join(groups)


def hash_recovery_code(user_id: str, code: str) -> str:
    """80 random bits per code, so a SHA-256 bound to the account is a sound way to keep it."""
    return hashlib.sha256(f"{user_id}:{normalise_code(code)}".encode()).hexdigest()
