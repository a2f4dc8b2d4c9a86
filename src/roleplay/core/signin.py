"""Signing in to ``roleplay serve``: a name and a code checked, and guessing made hopeless.

A code has 10¹² values; :class:`SignInGate` allows a name only a few tries in a quarter of an
hour and a client (an address) a few more, so guessing one by brute force would take longer
than any course runs. Every try is counted before the code is checked, so many tries sent at
once are held back just as tries sent one after another are; a right code gives the try
back. While a name or client is held back, even the right code is refused, so a guess made
then tells nothing.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from roleplay.core.roster import Learner, Roster, name_key

NAME_TRIES: Final = 5
"""Wrong codes allowed for one name in :data:`WINDOW` seconds."""

CLIENT_TRIES: Final = 30
"""Wrong codes allowed from one address in :data:`WINDOW` seconds (a class may share one)."""

WINDOW: Final = 15 * 60.0


class Throttle:
    """Counts tries per key over a sliding window and says how long until the next is allowed."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._tries: dict[str, deque[float]] = {}

    def wait(self, key: str, now: float) -> float:
        """Seconds until ``key`` may try again: 0 when it may now."""
        tries = self._recent(key, now)
        if len(tries) < self.limit:
            return 0.0
        return tries[len(tries) - self.limit] + self.window - now

    def record(self, key: str, now: float) -> None:
        """Count one try by ``key`` at ``now``."""
        self._forget_stale(now)
        self._tries.setdefault(key, deque()).append(now)

    def forgive(self, key: str, at: float) -> None:
        """Take back the try ``key`` made at ``at`` (it turned out to be right)."""
        tries = self._tries.get(key)
        if tries is not None and at in tries:
            tries.remove(at)

    def _recent(self, key: str, now: float) -> deque[float]:
        tries = self._tries.get(key, deque())
        while tries and tries[0] <= now - self.window:
            tries.popleft()
        return tries

    def _forget_stale(self, now: float) -> None:
        """Drop keys with no try in the window, so made-up names cannot fill memory."""
        cutoff = now - self.window
        stale = [key for key, tries in self._tries.items() if not tries or tries[-1] <= cutoff]
        for key in stale:
            del self._tries[key]


@dataclass(frozen=True, slots=True)
class SignIn:
    """What came of one try: the learner signed in, or None and how long to wait (0: wrong)."""

    learner: Learner | None
    retry_after: float = 0.0

    @property
    def throttled(self) -> bool:
        """True when the try was refused unchecked because of too many wrong codes."""
        return self.learner is None and self.retry_after > 0


class SignInGate:
    """Checks names and codes against a roster, throttled per name and per client.

    Safe to call from several threads at once (the server checks codes off its event loop,
    since scrypt takes a while on purpose).
    """

    def __init__(
        self,
        *,
        name_tries: int = NAME_TRIES,
        client_tries: int = CLIENT_TRIES,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._names = Throttle(name_tries, window)
        self._clients = Throttle(client_tries, window)
        self._clock = clock
        self._lock = threading.Lock()

    def try_sign_in(self, roster: Roster, name: str, code: str, client: str) -> SignIn:
        """Check one name and code from ``client`` (an address); count it if it is wrong."""
        key = name_key(name)[:200]
        with self._lock:
            now = self._clock()
            wait = max(self._names.wait(key, now), self._clients.wait(client, now))
            if wait > 0:
                return SignIn(None, wait)
            self._names.record(key, now)
            self._clients.record(client, now)
        learner = roster.check(name, code)
        if learner is not None:
            with self._lock:
                self._names.forgive(key, now)
                self._clients.forgive(client, now)
        return SignIn(learner)
