"""Who is signed in to ``roleplay serve``: random session tokens, kept on the server only.

The browser holds only the token, in an HttpOnly, SameSite=Strict cookie; the table maps it
to the learner it was issued to and when it runs out. A session also ends when its learner
is removed from the roster or given a new code, since it no longer matches the roster.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from roleplay.core.roster import Learner, Roster

LIFETIME: Final = 12 * 60 * 60.0
"""Seconds a sign-in lasts: a long teaching day, not a week."""

COOKIE: Final = "roleplay_session"


@dataclass(frozen=True, slots=True)
class Session:
    """One signed-in browser: the learner as the roster had them, and when it expires."""

    learner: Learner
    expires: float


class Sessions:
    """The server's table of sessions, keyed by their random tokens."""

    def __init__(self, lifetime: float = LIFETIME, clock: Callable[[], float] = time.monotonic):
        self.lifetime = lifetime
        self._clock = clock
        self._table: dict[str, Session] = {}

    def open(self, learner: Learner) -> str:
        """Start a session for ``learner`` and return its new token (256 random bits)."""
        now = self._clock()
        for token in [t for t, s in self._table.items() if s.expires <= now]:
            del self._table[token]
        token = secrets.token_urlsafe(32)
        self._table[token] = Session(learner, now + self.lifetime)
        return token

    def find(self, token: str | None, roster: Roster) -> Session | None:
        """The live session of ``token``, if its learner is still on ``roster`` with that code.

        An expired session, or one whose learner was removed or re-coded, is ended here.
        """
        if not token:
            return None
        session = self._table.get(token)
        if session is None:
            return None
        current = roster.find(session.learner.name)
        if (
            session.expires <= self._clock()
            or current is None
            or current.folder != session.learner.folder
            or current.code != session.learner.code
        ):
            del self._table[token]
            return None
        return session

    def close(self, token: str | None) -> Session | None:
        """End the session of ``token`` (signing out); the session it was, or None."""
        return self._table.pop(token, None) if token else None
