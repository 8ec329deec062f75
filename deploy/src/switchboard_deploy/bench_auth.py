"""What verifying an access token and checking one permission costs, in-process."""

from __future__ import annotations

import statistics
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from switchboard_shared.auth.revocations import RevocationList
from switchboard_shared.auth.roles import Permission
from switchboard_shared.auth.tokens import TokenVerifier


class _OneKey:
    def __init__(self, key: Any) -> None:
        self._key = key

    async def public_key(self, kid: str) -> Any | None:
        return self._key if kid == "bench" else None


async def verification_cost(rounds: int = 2000) -> float:
    """Median microseconds for one EdDSA token verification plus one permission check."""
    private = Ed25519PrivateKey.generate()
    verifier = TokenVerifier(
        issuer="switchboard",
        audience="switchboard",
        keys=_OneKey(private.public_key()),
        shared_secret=None,
        revocations=RevocationList(),
    )
    now = int(time.time())
    claims = {"sub": "u", "email": "a@example.test", "role": "admin", "tenant_id": "t",
              "sid": "s", "iat": now, "exp": now + 600, "iss": "switchboard",
              "aud": "switchboard", "jti": "j"}  # fmt: skip
    token = jwt.encode(
        claims, private, algorithm="EdDSA", headers={"kid": "bench", "typ": "at+jwt"}
    )
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        principal = await verifier.verify(token)
        principal.require(Permission.CALLS_READ)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1_000_000
