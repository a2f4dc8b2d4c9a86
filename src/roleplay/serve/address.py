"""The addresses ``roleplay serve`` answers to, and the web pages it will talk to.

A server on 127.0.0.1 is still reachable from any page open in the learner's browser, and
through DNS rebinding from any site at all. So every request must name this server in its
``Host`` header (a rebinding site's name is refused), and every websocket and form sent to
it must come from one of its own pages (``Origin``). The names it answers to are those it
listens on, plus any a centre adds with ``--allow-host`` and ``--allow-origin`` (a reverse
proxy in front of it).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import Final

from roleplay.core.errors import RoleplayError

WILDCARDS: Final = frozenset({"0.0.0.0", "::"})
_LABEL: Final = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


class ServeError(RoleplayError):
    """The app cannot be served as asked (a port in use, an empty roster named on purpose)."""


class AddressError(ServeError):
    """An address, host name or origin given on the command line cannot be one (a usage error)."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this computer only: ``localhost``, 127.0.0.0/8 or ``::1``."""
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url(host: str, port: int) -> str:
    """The address to open in a browser (IPv6 addresses in brackets)."""
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}"


def shown(value: str, limit: int = 40) -> str:
    """A value someone typed, safe and short enough to quote in a one-line message."""
    short = value if len(value) <= limit else value[:limit] + "…"
    return repr(short) if not short.isprintable() else f"'{short}'"


def host_name(text: str) -> str | None:
    """The canonical form of a host: an IP address, or a lower-case DNS name; None if neither.

    IPv6 addresses may be in brackets; names may be international (IDNA), each label at
    most 63 characters and the whole at most 253, as DNS allows.
    """
    bare = text.strip()
    if bare.startswith("[") and bare.endswith("]"):
        bare = bare[1:-1]
    try:
        return str(ipaddress.ip_address(bare))
    except ValueError:
        pass
    if not bare or len(bare) > 253 or ":" in bare:
        return None
    try:
        ascii_name = bare.encode("idna").decode("ascii").lower().rstrip(".")
    except UnicodeError:
        return None
    labels = ascii_name.split(".")
    if not ascii_name or not all(_LABEL.match(label) for label in labels):
        return None
    return ascii_name


def check_host(host: str) -> str:
    """The host to listen on, checked: raises :class:`AddressError` if it cannot be one."""
    if not host.strip():
        raise AddressError("--host needs an address, such as 127.0.0.1")
    if host.strip() in WILDCARDS:
        return host.strip()
    if host_name(host) is None:
        raise AddressError(
            f"--host {shown(host)} is not an address or a host name (such as 127.0.0.1)"
        )
    return host.strip().strip("[]")


def split_authority(value: str) -> tuple[str, int | None] | None:
    """``host[:port]`` (IPv6 in brackets) as a canonical host and a port; None if malformed."""
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return None
        host_part, rest = value[: end + 1], value[end + 1 :]
        if rest and not rest.startswith(":"):
            return None
        port_part = rest[1:] if rest else None
    elif value.count(":") == 1:
        host_part, port_part = value.split(":")
    elif ":" in value:
        return None
    else:
        host_part, port_part = value, None
    name = host_name(host_part)
    if name is None:
        return None
    if port_part is None:
        return name, None
    if not re.fullmatch(r"[0-9]{1,5}", port_part) or not 0 < int(port_part) <= 65535:
        return None
    return name, int(port_part)


def split_origin(origin: str) -> tuple[str, str, int] | None:
    """An ``Origin`` (``scheme://host[:port]``) as scheme, canonical host and port; or None."""
    match = re.fullmatch(r"(https?)://([^/?#@]+)", origin.strip(), flags=re.IGNORECASE)
    if match is None:
        return None
    scheme = match.group(1).lower()
    authority = split_authority(match.group(2))
    if authority is None:
        return None
    host, port = authority
    return scheme, host, port if port is not None else _DEFAULT_PORTS[scheme]


def parse_allowed_host(value: str) -> tuple[str, int | None]:
    """An ``--allow-host`` value; raises :class:`AddressError` if it is not ``host[:port]``."""
    found = split_authority(value.strip())
    if found is None:
        raise AddressError(
            f"--allow-host {shown(value)} is not a host name or address, "
            "with or without a port (such as class.example.org)"
        )
    return found


def parse_allowed_origin(value: str) -> tuple[str, str, int]:
    """An ``--allow-origin`` value; raises :class:`AddressError` unless ``http(s)://host[:port]``."""
    found = split_origin(value.strip().rstrip("/"))
    if found is None:
        raise AddressError(
            f"--allow-origin {shown(value)} is not an origin such as https://class.example.org"
        )
    return found


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which ``Host`` headers and ``Origin`` headers a server accepts."""

    port: int
    names: frozenset[str]
    """Canonical hosts this server is reached by, at :attr:`port` only."""
    any_address: bool = False
    """Listening on every interface: any IP address at :attr:`port` reaches it too."""
    hosts: frozenset[tuple[str, int | None]] = frozenset()
    """``--allow-host``: a name at one port, or (None) at any port."""
    origins: frozenset[tuple[str, str, int]] = frozenset()
    """``--allow-origin``: (scheme, host, port)."""

    @classmethod
    def serving(
        cls,
        host: str,
        port: int,
        allow_hosts: tuple[str, ...] = (),
        allow_origins: tuple[str, ...] = (),
    ) -> AddressPolicy:
        """The policy of a server listening on ``host``:``port``, with a centre's additions.

        Raises :class:`AddressError` for an allow-list entry that cannot be one.
        """
        hosts = frozenset(parse_allowed_host(h) for h in allow_hosts)
        origins = frozenset(parse_allowed_origin(o) for o in allow_origins)
        wildcard = host in WILDCARDS or not host
        names: set[str] = set()
        if wildcard or is_loopback(host):
            names |= {"localhost", "127.0.0.1", "::1"}
        if wildcard:
            for name in (socket.gethostname(), socket.gethostname().split(".")[0]):
                canonical = host_name(name)
                if canonical:
                    names.add(canonical)
        else:
            canonical = host_name(host)
            if canonical:
                names.add(canonical)
        return cls(port, frozenset(names), wildcard, hosts, origins)

    def host_allowed(self, header: str | None) -> bool:
        """Whether a request's ``Host`` header names this server."""
        if not header:
            return False
        found = split_authority(header.strip())
        if found is None:
            return False
        host, port = found
        return self._reaches(host, port if port is not None else 80)

    def origin_allowed(self, header: str | None) -> bool:
        """Whether a request's ``Origin`` is one of this server's own pages (or absent).

        Browsers send ``Origin`` with every websocket and every form they post, so a request
        without one did not come from a page in a browser; ``null`` (a sandboxed or local
        page) is refused like any other foreign origin.
        """
        if header is None:
            return True
        found = split_origin(header)
        if found is None:
            return False
        if found in self.origins:
            return True
        _, host, port = found
        return self._reaches(host, port)

    def _reaches(self, host: str, port: int) -> bool:
        if (host, port) in self.hosts or (host, None) in self.hosts:
            return True
        if port != self.port:
            return False
        if host in self.names:
            return True
        if self.any_address:
            try:
                ipaddress.ip_address(host)
            except ValueError:
                return False
            return True
        return False
