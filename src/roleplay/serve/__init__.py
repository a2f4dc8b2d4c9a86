"""``roleplay serve``: the app in a web browser, through textual-serve, each visitor apart.

With learners on the roster, each signs in with their name and the code their tutor issued
(``roleplay roster add NAME``), and works in folders of their own under their own name.
With no one on the roster (and no ``--roster`` named), each browser gets a private guest
space of its own, kept by a cookie. Either way the server answers only to its own address
and to its own pages. It listens on 127.0.0.1 unless told otherwise.

``server``   the web server: sign-in or guest spaces, one app process per browser tab
``address``  which Host and Origin headers it accepts; checking ``--host``
``sessions`` the table of signed-in browsers
``guests``   guest spaces: tokens, their folders, and how many one address may start

Importing this package loads neither textual nor aiohttp: the command line stays quick.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Final

from roleplay.serve.address import (
    AddressError,
    AddressPolicy,
    ServeError,
    check_host,
    is_loopback,
    url,
)

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "AddressError",
    "ServeError",
    "app_command",
    "is_loopback",
    "serve_app",
    "url",
]

DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8000


def app_command(scenarios: Path | None = None) -> str:
    """The shell command textual-serve runs for each browser tab: this Python's roleplay.

    Every part is quoted, so a path with spaces or shell characters stays one argument.
    """
    parts = [sys.executable, "-m", "roleplay"]
    if scenarios is not None:
        parts += ["--scenarios", str(scenarios.resolve())]
    if os.name == "nt":
        return subprocess.list2cmdline(parts)
    return shlex.join(parts)


def serve_app(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    scenarios: Path | None = None,
    *,
    allow_remote: bool = False,
    roster: Path | None = None,
    allow_hosts: tuple[str, ...] = (),
    allow_origins: tuple[str, ...] = (),
) -> None:
    """Serve the app until Ctrl+C (or SIGTERM): to the learners on the roster, or to guests.

    With learners on the roster, each signs in. With none, and no ``roster`` named, each
    browser gets a guest space of its own in ``guests/`` beside the default roster. A roster
    named on purpose but empty is refused: a tutor who names a class list means to serve a
    class, and a mistyped path must not open the server to anyone.

    A host other than this computer is refused unless ``allow_remote`` says the user named
    it themselves. Raises :class:`AddressError` for a host or allow-list entry that cannot
    be one, :class:`InvalidFileError` for a roster that cannot be read, and
    :class:`ServeError` for an empty roster named on purpose, a refused host or an address
    in use.
    """
    from roleplay.core.roster import default_roster_path, load_roster
    from roleplay.serve.guests import Guests
    from roleplay.serve.server import RoleplayServer

    host = check_host(host)
    policy = AddressPolicy.serving(host, port, allow_hosts, allow_origins)
    remote = not is_loopback(host)
    if remote and not allow_remote:
        raise ServeError(
            f"refusing to serve on {host}, which other computers can reach; "
            "name it with --host to do so on purpose"
        )
    path = (roster or default_roster_path()).absolute()
    learners = len(load_roster(path).learners)
    if not learners and roster is not None:
        raise ServeError(
            f"no learners on the roster {path}; add each with 'roleplay roster add NAME "
            f"--roster {shlex.quote(str(roster))}', which prints the code they sign in with "
            "(or leave out --roster to let each browser practise on its own)"
        )
    guests = None if learners else Guests(path.parent / "guests")
    address = url(host, port)
    if guests is not None:
        who = "for guests: each browser keeps its own work"
        how = "anyone who can reach it may practise as a guest"
    else:
        who = f"for the {learners} learner{'s' if learners != 1 else ''} on the roster"
        how = "learners sign in with their codes"

    def listening() -> None:
        print(f"Serving roleplay at {address} {who}  (Ctrl+C to stop)", flush=True)
        if remote:
            print(
                f"warning: {host} can be reached from other computers; {how}, but the "
                "connection is not encrypted: beyond this room, put a proxy with HTTPS in "
                "front (see --allow-origin)",
                file=sys.stderr,
                flush=True,
            )

    server = RoleplayServer(
        app_command(scenarios),
        host=host,
        port=port,
        roster=path,
        policy=policy,
        guests=guests,
        on_listening=listening,
    )
    server.serve()
