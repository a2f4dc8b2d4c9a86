"""Private guest spaces: ``roleplay serve`` with no one on the roster.

A learner at home, or anyone trying the app, runs ``roleplay serve`` without issuing codes.
Each browser then gets a practice space of its own: its first visit is given a long random
token in an HttpOnly, SameSite=Strict cookie, and the space's folders are named after a hash
of that token (``guests/<sha256>`` beside the roster), never after anything a visitor types.
The same browser comes back to its own work for as long as it keeps the cookie; another
browser, or one whose cookies were cleared, starts afresh. A name typed in the app is only
a display name kept in that space's settings, so two visitors who type the same name still
work apart.

The server keeps no table of guests: a token is good when its folder exists, so a space
outlives a restart of the server. Each new space costs a folder, so one client address may
start only :data:`PER_HOUR` of them an hour.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

from roleplay.core.signin import Throttle

PER_HOUR: Final = 60
"""New guest spaces one client address (an IPv6 /64) may start in an hour."""

HOUR: Final = 60 * 60.0

LIFETIME: Final = 400 * 24 * 60 * 60
"""Seconds a guest's cookie lasts from their latest visit: the most browsers keep one."""

COOKIE_PREFIX: Final = "roleplay_guest"

_TOKEN: Final = re.compile(r"[A-Za-z0-9_-]{43}")
"""What :func:`secrets.token_urlsafe` gives for 32 bytes; anything else is not a token."""


def cookie_name(port: int) -> str:
    """The guest cookie of a server on ``port``.

    Browsers keep cookies per host, not per port, so two servers on one computer would
    otherwise each replace the other's cookie and leave the visitor with neither space.
    """
    return f"{COOKIE_PREFIX}_{port}"


def guest_home(folder: Path, token: str) -> Path:
    """The folder of the guest space of ``token``: a SHA-256 hash of it, inside ``folder``.

    The token itself is never written to disk, so reading the folder names gives no one a
    way into a space.
    """
    return folder / hashlib.sha256(token.encode("ascii")).hexdigest()


def client_key(address: str) -> str:
    """Who a new-space count is kept for: the address, or its /64 for IPv6.

    One IPv6 host is usually given a whole /64 of addresses, so counting single addresses
    would let it start as many spaces as it likes.
    """
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False))
    return str(parsed)


class Guests:
    """The guest spaces kept in one folder, and how many each client may start."""

    def __init__(
        self,
        folder: Path,
        *,
        per_hour: int = PER_HOUR,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.folder = folder
        self._starts = Throttle(per_hour, HOUR)
        self._clock = clock

    def find(self, token: str | None) -> Path | None:
        """The folder of the space ``token`` opens, or None if it opens none.

        Only a well-formed token whose folder exists (a real folder, not a link) opens one.
        """
        if not token or not _TOKEN.fullmatch(token):
            return None
        home = guest_home(self.folder, token)
        try:
            if home.is_dir() and not home.is_symlink():
                return home
        except OSError:
            return None
        return None

    def wait(self, client: str) -> float:
        """Seconds until ``client`` may start another space: 0 when it may now."""
        return self._starts.wait(client_key(client), self._clock())

    def start(self, client: str) -> tuple[str, Path]:
        """Start a space for ``client``: its new token (256 random bits) and its folder.

        Counted against the client's hourly allowance; check :meth:`wait` first. Raises
        ``OSError`` when the folder cannot be made.
        """
        self._starts.record(client_key(client), self._clock())
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        token = secrets.token_urlsafe(32)
        home = guest_home(self.folder, token)
        home.mkdir(mode=0o700)
        return token, home
