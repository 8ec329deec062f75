"""Revoked sessions and users, learned from the bus, checked without a database lookup."""

from __future__ import annotations

import time

from switchboard_shared.envelope import Envelope
from switchboard_shared.events import Revocation

DEFAULT_TTL_SECONDS = 7 * 24 * 3600


class RevocationList:
    def __init__(self) -> None:
        self._sessions: dict[str, float] = {}
        self._users: dict[str, float] = {}
        self._webhook_tokens: dict[str, float] = {}

    def is_session_revoked(self, session_id: str, user_id: str, issued_at: int) -> bool:
        self._expire()
        user_cutoff = self._users.get(user_id)
        return session_id in self._sessions or (
            user_cutoff is not None and issued_at <= user_cutoff
        )

    def is_webhook_token_revoked(self, token_id: str) -> bool:
        return token_id in self._webhook_tokens

    def add(self, revocation: Revocation) -> None:
        until = (
            revocation.expires_at.timestamp()
            if revocation.expires_at
            else time.time() + DEFAULT_TTL_SECONDS
        )
        if revocation.kind == "session":
            self._sessions[revocation.subject_id] = until
        elif revocation.kind == "user":
            self._users[revocation.subject_id] = revocation.revoked_at.timestamp()
        else:
            self._webhook_tokens[revocation.subject_id] = float("inf")

    async def on_revocation(self, revocation: Revocation, _: Envelope) -> None:
        self.add(revocation)

    def _expire(self) -> None:
        now = time.time()
        for sid in [s for s, until in self._sessions.items() if until < now]:
            del self._sessions[sid]
