"""``roleplay serve``: the same app in a web browser, through textual-serve.

textual-serve runs one copy of ``python -m roleplay`` per browser tab, with Textual's web
driver, and relays it over a websocket. It listens on 127.0.0.1 unless told otherwise,
because the app has no password: anyone who can reach the port can use it and read the
attempts saved on this computer.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import subprocess
import sys
from pathlib import Path

from roleplay.core.errors import RoleplayError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


class ServeError(RoleplayError):
    """The app cannot be served as asked (a host refused, a port in use)."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this computer only: ``localhost``, 127.0.0.0/8 or ``::1``."""
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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


def url(host: str, port: int) -> str:
    """The address to open in a browser (IPv6 addresses in brackets)."""
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}"


def serve_app(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    scenarios: Path | None = None,
    *,
    allow_remote: bool = False,
) -> None:
    """Serve the app until Ctrl+C (or SIGTERM).

    A host other than this computer is refused unless ``allow_remote`` says the user named
    it themselves. Raises :class:`ServeError` when the host is refused or cannot be bound.
    """
    if not host.strip():
        raise ServeError("--host needs an address, such as 127.0.0.1")
    remote = not is_loopback(host)
    if remote and not allow_remote:
        raise ServeError(
            f"refusing to serve on {host}, which other computers can reach; "
            "name it with --host to do so on purpose"
        )
    from textual_serve.server import Server

    address = url(host, port)
    print(f"Serving roleplay at {address}  (Ctrl+C to stop)", flush=True)
    if remote:
        print(
            f"warning: {host} can be reached from other computers, and the app has no "
            "password: anyone who can reach it can use it and see the attempts saved here",
            file=sys.stderr,
            flush=True,
        )
    server = Server(
        app_command(scenarios),
        host=host.strip("[]"),
        port=port,
        title="roleplay",
        public_url=address,
    )
    try:
        server.serve()
    except OSError as exc:
        raise ServeError(f"cannot listen on {address}: {exc.strerror or exc}") from None
