"""The web server of ``roleplay serve``: textual-serve's, with visitors kept apart.

textual-serve runs one copy of ``python -m roleplay`` per browser tab and relays it over a
websocket. :class:`RoleplayServer` keeps that and runs every visitor's app in folders of
their own, in one of two modes chosen when it starts:

- a class (learners on the roster): a sign-in page at ``/``, where a learner gives their
  name and the code their tutor issued (``roleplay roster add``) and gets a random session
  token in an HttpOnly, SameSite=Strict cookie; their app runs in ``learners/<folder>``
  beside the roster with their name fixed;
- guests (no one on the roster): each browser's first visit starts a private space of its
  own (:mod:`roleplay.serve.guests`), named by a random token in a long-lived cookie of the
  same kind, and goes straight to the app, which runs in ``guests/<hash of the token>``.

In both, the app page and its websocket are only for a live session or space, so a page
without the cookie cannot open an app; every request must name this server in its ``Host``
header, and every websocket and form must come from its own pages (``Origin``), so no other
web page can drive the app.
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from roleplay.core.errors import InvalidFileError
from roleplay.core.roster import Roster, learner_home, load_roster
from roleplay.core.settings import CONFIG_ENV, LEARNER_ENV
from roleplay.core.signin import SignInGate
from roleplay.core.transcript import DATA_ENV
from roleplay.serve import guests as guest_spaces
from roleplay.serve.address import AddressPolicy, ServeError, url
from roleplay.serve.guests import Guests
from roleplay.serve.sessions import COOKIE, LIFETIME, Session, Sessions

log = logging.getLogger("roleplay.serve")

MAX_FIELD: Final = 200
"""Characters of a sign-in field that are read; the rest is ignored."""

MAX_APPS: Final = 4
"""Apps one session may have open at once (tabs): enough for a learner, not for a flood."""

SWEEP_SECONDS: Final = 2.0
"""How often open apps are checked against the roster, to close those of removed learners."""

SECURITY_HEADERS: Final = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
"""Sent with every answer: no other site may frame these pages or be told their address."""

WRONG = "That name and code do not match. Check them and try again."
UNAVAILABLE = "The class list cannot be read just now. Ask your tutor."


@dataclass(frozen=True, slots=True)
class Visitor:
    """Whose browser a request comes from: a signed-in learner or a guest space."""

    token: str
    """The random token in the browser's cookie: the key to the visitor's open apps."""
    home: Path
    """The folder their app keeps its attempts (``data``) and settings (``config``) in."""
    name: str | None
    """A signed-in learner's name, which their app uses and no other; None for a guest."""

    @property
    def label(self) -> str:
        """Who they are in the server's log (a guest by the start of their folder's name)."""
        return self.name if self.name is not None else f"guest {self.home.name[:8]}"


class OneLineFormatter(logging.Formatter):
    """Log records as one line each: an error's type and message, never a traceback."""

    def formatException(self, ei: Any) -> str:
        """The exception's type and message."""
        kind, value = ei[0], ei[1]
        return f"({kind.__name__}: {value})" if kind is not None else ""

    def formatStack(self, stack_info: str) -> str:
        """Nothing: the stack is for developers, not for the tutor watching the server."""
        return ""

    def format(self, record: logging.LogRecord) -> str:
        """The record on one line."""
        return " ".join(super().format(record).split("\n"))


class RosterFile:
    """The roster on disk, read again whenever the file changes (a tutor adds or removes)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int, int] | None = None
        self._roster: Roster | None = None
        self._complained = False

    def current(self) -> Roster | None:
        """The roster as the file now holds it; None (logged once) if it cannot be read."""
        try:
            info = self.path.stat()
            stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
        except OSError:
            stamp = None
        if stamp is not None and stamp == self._stamp and self._roster is not None:
            return self._roster
        try:
            self._roster = load_roster(self.path)
        except InvalidFileError as exc:
            if not self._complained:
                log.error("the roster cannot be read: %s", exc.problems[0])
                self._complained = True
            self._roster, self._stamp = None, None
            return None
        self._stamp, self._complained = stamp, False
        return self._roster


class LearnerAppService(AppService):
    """textual-serve's app process, started in one visitor's own folders."""

    def __init__(
        self,
        command: str,
        *,
        environment: Mapping[str, str | None],
        owner: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(command, **kwargs)
        self.learner_environment = dict(environment)
        """Variables set for the app; None removes one the server itself was started with."""
        self.owner = owner
        """The token the app was started for: only it may fetch the app's files."""

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        for key, value in self.learner_environment.items():
            if value is None:
                environment.pop(key, None)
            else:
                environment[key] = value
        return environment


class RoleplayServer(Server):
    """textual-serve's server with visitors kept apart and addresses checked (see module)."""

    def __init__(
        self,
        command: str,
        *,
        host: str,
        port: int,
        roster: Path,
        policy: AddressPolicy,
        guests: Guests | None = None,
        on_listening: Callable[[], None] = lambda: None,
    ) -> None:
        """Serve the learners on ``roster``, or, given ``guests``, a space for each browser.

        In guest mode ``roster`` is only watched, to say when learners have been added.
        """
        super().__init__(
            command, host=host, port=port, title="roleplay", public_url=url(host, port)
        )
        self.roster = RosterFile(roster)
        self.guests = guests
        self.guest_cookie = guest_spaces.cookie_name(port)
        self.policy = policy
        self.gate = SignInGate()
        self.sessions = Sessions()
        self.on_listening = on_listening
        self.pages = jinja2.Environment(
            loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self._services: dict[str, set[LearnerAppService]] = {}
        self._sockets: set[web.WebSocketResponse] = set()
        self._sweeper: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ running

    def initialize_logging(self) -> None:
        """Log one line a record to standard error: sign-ins, refusals, problems."""
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(OneLineFormatter("%(message)s"))
        root = logging.getLogger()
        root.handlers[:] = [handler]
        root.setLevel(logging.DEBUG if self.debug else logging.INFO)

    def serve(self, debug: bool = False) -> None:
        """Serve until Ctrl+C or SIGTERM; :class:`ServeError` if the address cannot be used."""
        self.debug = debug
        self.initialize_logging()
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        if os.name == "posix":  # Windows' event loops take no signal handlers
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
        runner = web.AppRunner(
            await self._make_app(), handle_signals=False, access_log=None, shutdown_timeout=5
        )
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port)
            try:
                await site.start()
            except (OSError, UnicodeError) as exc:
                raise ServeError(f"cannot listen on {self.public_url}: {_why(exc)}") from None
            self.on_listening()
            await stop.wait()
        finally:
            await runner.cleanup()

    async def _make_app(self) -> web.Application:
        """textual-serve's routes, guarded, plus signing in and out for a class."""
        app = await super()._make_app()
        app.middlewares.append(self._guard())
        if self.guests is None:
            app.router.add_post("/sign-in", self.handle_sign_in, name="sign_in")
            app.router.add_post("/sign-out", self.handle_sign_out, name="sign_out")
        return app

    def _guard(self) -> Any:
        """Refuse a request that does not name this server; add the security headers."""

        @web.middleware
        async def guard(
            request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
        ) -> web.StreamResponse:
            if not self.policy.host_allowed(request.headers.get("Host")):
                host = request.headers.get("Host")
                log.warning("refused a request for host %r from %s", host, _client(request))
                return _plain(421, "This server does not answer to that name.")
            try:
                response = await handler(request)
            except web.HTTPException as exc:
                exc.headers.update(SECURITY_HEADERS)
                raise
            if not response.prepared:
                response.headers.update(SECURITY_HEADERS)
                if not request.path.startswith("/static/"):
                    response.headers["Cache-Control"] = "no-store"
            return response

        return guard

    async def on_startup(self, app: web.Application) -> None:
        """Start checking open apps against the roster (``roleplay serve`` prints the rest)."""
        self._sweeper = asyncio.create_task(
            self._sweep() if self.guests is None else self._watch_for_learners()
        )

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every open websocket, which stops each learner's app."""
        if self._sweeper is not None:
            self._sweeper.cancel()
        for websocket in list(self._sockets):
            await websocket.close()

    async def _sweep(self) -> None:
        """Close the apps of sessions that have ended: expired, or the learner removed or
        given a new code. An unreadable roster closes nothing (a sign-in waits for it)."""
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            roster = self.roster.current()
            if roster is None:
                continue
            for token in list(self._services):
                if self.sessions.find(token, roster) is None:
                    await self._end(token)

    async def _watch_for_learners(self) -> None:
        """Serving guests, say once if learners are added to the roster: the mode is chosen
        at the start, so the server must be started again for them to sign in."""
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            roster = self.roster.current()
            if roster is not None and roster.learners:
                log.warning(
                    "learners have been added to %s; start 'roleplay serve' again for them "
                    "to sign in with their codes (until then it serves guests)",
                    self.roster.path,
                )
                return

    # ------------------------------------------------------------------ pages

    def _page(self, template: str, status: int = 200, **context: Any) -> web.Response:
        html = self.pages.get_template(template).render(**context)
        return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")

    def _sign_in_page(self, status: int = 200, name: str = "", message: str = "") -> web.Response:
        return self._page("sign_in.html", status, name=name, message=message)

    def _session(self, request: web.Request) -> Session | None:
        roster = self.roster.current()
        if roster is None:
            return None
        return self.sessions.find(request.cookies.get(COOKIE), roster)

    def _visitor(self, request: web.Request) -> Visitor | None:
        """The signed-in learner or the guest space the request's cookie opens, if any."""
        if self.guests is not None:
            token = request.cookies.get(self.guest_cookie, "")
            home = self.guests.find(token)
            return Visitor(token, home, None) if home is not None else None
        session = self._session(request)
        if session is None:
            return None
        home = learner_home(self.roster.path, session.learner)
        return Visitor(request.cookies.get(COOKIE, ""), home, session.learner.name)

    def _app_page(self, request: web.Request, visitor: Visitor) -> web.Response:
        font_size = min(max(to_int(request.query.get("fontsize", "16"), 16), 8), 48)
        return self._page("app.html", name=visitor.name, font_size=font_size)

    async def handle_index(self, request: web.Request) -> web.Response:  # type: ignore[override]
        """The app for a signed-in learner or a guest; otherwise the way in."""
        if self.guests is not None:
            return self._guest_index(request, self.guests)
        visitor = self._visitor(request)
        if visitor is None:
            if self.roster.current() is None:
                return self._sign_in_page(503, message=UNAVAILABLE)
            return self._sign_in_page()
        return self._app_page(request, visitor)

    def _guest_index(self, request: web.Request, guests: Guests) -> web.Response:
        """The app in this browser's own space, started on its first visit.

        A browser arriving from a link on another site sends no SameSite=Strict cookie, so
        it is not given a new space (which would replace the one it has): it is asked to
        go on from this server's own page, which sends the cookie.
        """
        visitor = self._visitor(request)
        if visitor is None:
            if request.headers.get("Sec-Fetch-Site") == "cross-site":
                return self._page("continue.html")
            client = _client(request)
            wait = guests.wait(client)
            if wait > 0:
                log.warning("held back a new guest from %s: too many this hour", client)
                minutes = max(1, round(wait / 60))
                response = self._page(
                    "busy.html", 429, minutes=f"{minutes} minute{'s' if minutes != 1 else ''}"
                )
                response.headers["Retry-After"] = str(int(wait) + 1)
                return response
            try:
                token, home = guests.start(client)
            except OSError as exc:
                log.error("cannot make a guest's folder in %s: %s", guests.folder, _why(exc))
                return _plain(500, "A practice space cannot be made on this server just now.")
            visitor = Visitor(token, home, None)
            log.info("%s started from %s", visitor.label, client)
        response = self._app_page(request, visitor)
        # Set again on every visit, so a space in use is kept for a year from its last use.
        _set_private_cookie(
            response, request, self.guest_cookie, visitor.token, guest_spaces.LIFETIME
        )
        return response

    async def handle_sign_in(self, request: web.Request) -> web.Response:
        """Check a name and code (throttled); on success start a session and go to the app."""
        refused = self._foreign_origin(request)
        if refused is not None:
            return refused
        roster = self.roster.current()
        if roster is None:
            return self._sign_in_page(503, message=UNAVAILABLE)
        form = await request.post()
        name, code = _field(form, "name"), _field(form, "code")
        if not name.strip() or not code.strip():
            return self._sign_in_page(400, name, "Type your name and your code.")
        client = _client(request)
        result = await asyncio.to_thread(self.gate.try_sign_in, roster, name, code, client)
        if result.throttled:
            minutes = max(1, round(result.retry_after / 60))
            log.warning("held back a sign-in as %r from %s: too many wrong codes", name, client)
            response = self._sign_in_page(
                429,
                name,
                f"Too many wrong codes. Wait {minutes} minute{'s' if minutes != 1 else ''} "
                "and try again, or ask your tutor for a new code.",
            )
            response.headers["Retry-After"] = str(int(result.retry_after) + 1)
            return response
        if result.learner is None:
            log.warning("refused a sign-in as %r from %s: wrong name or code", name, client)
            return self._sign_in_page(401, name, WRONG)
        await self._end(request.cookies.get(COOKIE))
        token = self.sessions.open(result.learner)
        log.info("%s signed in from %s", result.learner.name, client)
        response = web.Response(status=303, headers={"Location": "./"})
        _set_private_cookie(response, request, COOKIE, token, int(LIFETIME))
        return response

    async def handle_sign_out(self, request: web.Request) -> web.Response:
        """End the session and its apps, and go back to the sign-in page."""
        refused = self._foreign_origin(request)
        if refused is not None:
            return refused
        session = await self._end(request.cookies.get(COOKIE))
        if session is not None:
            log.info("%s signed out", session.learner.name)
        response = web.Response(status=303, headers={"Location": "./"})
        response.del_cookie(COOKIE, path="/")
        return response

    async def _end(self, token: str | None) -> Session | None:
        """Close a session and the websocket of every app it started (which stops the app)."""
        session = self.sessions.close(token)
        for service in self._services.pop(token or "", set()):
            await service.remote_close()
        return session

    def _foreign_origin(self, request: web.Request) -> web.Response | None:
        origin = request.headers.get("Origin")
        if self.policy.origin_allowed(origin):
            return None
        log.warning("refused %s %s from a page at %r", request.method, request.path, origin)
        return _plain(403, "Only this server's own pages may do that.")

    # ------------------------------------------------------------------ the app

    def environment_for(self, visitor: Visitor) -> dict[str, str | None]:
        """The visitor's own data and settings folders (made if need be), and their name.

        A guest's app has no fixed name (None removes one the server was started with):
        the name typed in it is kept in the guest's own settings.
        """
        data, config = visitor.home / "data", visitor.home / "config"
        for folder in (visitor.home, data, config):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return {DATA_ENV: str(data), CONFIG_ENV: str(config), LEARNER_ENV: visitor.name}

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        """Run the visitor's own app over this websocket; refuse anyone else.

        A foreign page, or a browser with no session or guest space, is refused before the
        handshake, so no app process is started for it.
        """
        refused = self._foreign_origin(request)
        if refused is not None:
            return refused
        visitor = self._visitor(request)
        if visitor is None:
            log.warning("refused a connection with no session from %s", _client(request))
            if self.guests is not None:
                return _plain(401, "Open the page first: this browser has no space here yet.")
            return _plain(401, "Sign in first.")
        token = visitor.token
        if len(self._services.get(token, ())) >= MAX_APPS:
            return _plain(429, f"The app is open in {MAX_APPS} tabs already: close one first.")
        try:
            environment = self.environment_for(visitor)
        except OSError as exc:
            log.error("cannot make %s's folders: %s", visitor.label, _why(exc))
            return _plain(500, "Your folders cannot be made on the server. Tell your tutor.")
        width = min(max(to_int(request.query.get("width", "80"), 80), 20), 500)
        height = min(max(to_int(request.query.get("height", "24"), 24), 10), 300)
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        service = LearnerAppService(
            self.command,
            environment=environment,
            owner=token,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
            debug=self.debug,
        )
        self._services.setdefault(token, set()).add(service)
        self._sockets.add(websocket)
        try:
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except OSError as exc:
            log.error("cannot start the app for %s: %s", visitor.label, _why(exc))
        finally:
            await service.stop()
            open_apps = self._services.get(token, set())
            open_apps.discard(service)
            if not open_apps:
                self._services.pop(token, None)
            self._sockets.discard(websocket)
            await websocket.close()
        return websocket

    async def _process_messages(
        self, websocket: web.WebSocketResponse, app_service: AppService
    ) -> None:
        """Relay the browser's keys, size, focus and pings; ignore anything malformed."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except (ValueError, RecursionError):
                continue
            if not isinstance(envelope, list) or not envelope:
                continue
            kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(data, str):
                await app_service.send_bytes(data.encode("utf-8", errors="replace"))
            elif kind == "resize" and isinstance(data, dict):
                width, height = data.get("width"), data.get("height")
                if isinstance(width, int) and isinstance(height, int):
                    await app_service.set_terminal_size(
                        min(max(width, 20), 500), min(max(height, 10), 300)
                    )
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        """A file an app offers, only to the session or guest whose app offered it."""
        visitor = self._visitor(request)
        if visitor is None:
            return _plain(401, "Sign in first." if self.guests is None else "Open the page first.")
        token = visitor.token
        try:
            download = await self.download_manager.get_download_metadata(request.match_info["key"])
        except KeyError:
            return _plain(404, "There is no such file.")
        if getattr(download.app_service, "owner", None) != token:
            return _plain(404, "There is no such file.")
        return await super().handle_download(request)


def _plain(status: int, text: str) -> web.Response:
    response = web.Response(status=status, text=text + "\n", content_type="text/plain")
    response.headers.update(SECURITY_HEADERS)
    return response


def _field(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value[:MAX_FIELD] if isinstance(value, str) else ""


def _client(request: web.Request) -> str:
    return request.remote or "unknown"


def _why(exc: BaseException) -> str:
    """The reason an address or folder cannot be used, in a few words."""
    if isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE:
        return "that port is in use; choose another with --port"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _set_private_cookie(
    response: web.StreamResponse, request: web.Request, name: str, value: str, max_age: int
) -> None:
    """Set a cookie no script can read and no other site's page can send (SameSite=Strict)."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="Strict",
        secure=request.secure,
    )
