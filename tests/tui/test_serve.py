"""``roleplay serve``: each visitor kept apart, as a class signed in or as guests.

One real server runs for each mode for the whole module, on free ports of 127.0.0.1:
``served``, a class with a roster made by ``roleplay roster add`` and an allow-list for a
reverse proxy; and ``guests``, started as anyone at home starts it (``roleplay serve --port
N`` and nothing else), where each browser gets a private space. The tests talk to them as
browsers do (aiohttp, one cookie jar per visitor) and as a hostile page would, and read what
the app draws over its websocket. They reproduce what a hostile tester found, in both modes:

- visitor A started a scenario and left; visitor B was greeted with A's name, offered A's
  attempt, and wrote into A's file; visitor C opened A's history;
- a websocket from ``Origin: http://evil.example`` was accepted, and ``Host: evil.example``
  answered 200;
- ``--host`` of 300 characters gave a traceback.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from yarl import URL

from roleplay.core.roster import learner_home, load_roster
from roleplay.serve import ServeError, app_command, is_loopback, serve_app, url
from roleplay.serve.address import AddressPolicy, host_name, split_authority
from roleplay.serve.guests import PER_HOUR, Guests, client_key, cookie_name, guest_home
from roleplay.serve.server import MAX_APPS
from roleplay.serve.sessions import Sessions

DEADLINE = 20.0
"""Seconds the server, and then an app behind it, may take to answer (detects a hang)."""

LEARNERS = ("Asha Patel", "Ben Okafor", "Cara Lewis", "Dev Shah", "Eve Marsh")

F2 = "\x1bOQ"

REPLY = "I'm so sorry your parcel hasn't arrived. Could you confirm your address?"


def free_port() -> int:
    """A port nothing on 127.0.0.1 is listening on just now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    """One of the module's servers: where it is, its roster, the codes issued, and its log."""

    port: int
    roster: Path
    codes: dict[str, str]
    env: dict[str, str]
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def home(self, name: str) -> Path:
        """The learner's own folder, as the roster names it."""
        learner = load_roster(self.roster).find(name)
        assert learner is not None, name
        return learner_home(self.roster, learner)

    @property
    def guest_folder(self) -> Path:
        """Where guest spaces are kept: ``serve/guests`` in the server's data folder."""
        return Path(self.env["ROLEPLAY_DATA_DIR"]) / "serve" / "guests"

    def guest_spaces(self) -> set[str]:
        return (
            {p.name for p in self.guest_folder.iterdir()} if self.guest_folder.is_dir() else set()
        )


def roleplay(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run the real ``roleplay`` command and return what it printed."""
    return subprocess.run(
        [sys.executable, "-m", "roleplay", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def issued_code(done: subprocess.CompletedProcess[str]) -> str:
    """The code ``roster add`` or ``roster reset-code`` printed."""
    assert done.returncode == 0, done.stderr
    found = re.search(r"(\d{4} \d{4} \d{4})$", done.stdout.strip())
    assert found, done.stdout
    return found.group(1)


def folders(root: Path) -> dict[str, str]:
    """An environment of the user's own, with every roleplay folder inside ``root``."""
    env = dict(os.environ)
    env.update(
        ROLEPLAY_DATA_DIR=str(root / "data"),
        ROLEPLAY_CONFIG_DIR=str(root / "config"),
        ROLEPLAY_CACHE_DIR=str(root / "cache"),
    )
    env.pop("ROLEPLAY_LEARNER", None)
    return env


@contextmanager
def running(env: dict[str, str], log: Path, *args: str) -> Iterator[int]:
    """``roleplay serve --port N ARGS…`` running on a free port until the block ends."""
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "roleplay", "serve", "--port", str(port), *args],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        wait_for_server(f"http://127.0.0.1:{port}/", process, log)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A server for a class of five, made as a tutor makes one, until the module ends."""
    root = tmp_path_factory.mktemp("serve")
    env = folders(root)
    roster = root / "class" / "roster.json"
    codes = {
        name: issued_code(roleplay(env, "roster", "add", name, "--roster", str(roster)))
        for name in LEARNERS
    }
    log = root / "server.log"
    proxy = ("--allow-host", "class.example.org", "--allow-origin", "https://proxy.example")
    with running(env, log, "--roster", str(roster), *proxy) as port:
        yield Served(port, roster, codes, env, log)


@pytest.fixture(scope="module")
def guests(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A server started with no roster, as a learner at home starts one, for guests.

    The server itself runs with a learner's name set, as a tutor's own terminal might: no
    guest's app may take that name as its own.
    """
    root = tmp_path_factory.mktemp("guests")
    env = folders(root)
    env["ROLEPLAY_LEARNER"] = "Server Owner"
    log = root / "server.log"
    with running(env, log) as port:
        yield Served(port, Path(env["ROLEPLAY_DATA_DIR"]) / "serve" / "roster.json", {}, env, log)


def wait_for_server(address: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """GET ``address`` until it answers, the server dies, or the deadline passes."""
    ends = time.monotonic() + DEADLINE
    while True:
        try:
            with urllib.request.urlopen(address, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if process.poll() is not None:
                pytest.fail(f"roleplay serve exited with {process.returncode}:\n{log.read_text()}")
            if time.monotonic() > ends:
                pytest.fail(f"{address} did not answer within {DEADLINE:.0f} s")
            time.sleep(0.1)


_ESCAPES = rb"(?:\x1b\[[0-9;?]*[A-Za-z])*"


def _drawn_pattern(marker: bytes) -> re.Pattern[bytes]:
    """``marker`` as a terminal may draw it: with escape sequences between its characters."""
    return re.compile(_ESCAPES.join(re.escape(bytes([c])) for c in marker))


class Screen:
    """An app's websocket, read as a browser's terminal would draw it."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.drawn = b""

    async def until(self, marker: bytes) -> None:
        """Read what the app draws until ``marker`` has been drawn (fail at the deadline).

        A terminal may change style in the middle of a word (a toast drawn over other
        text), so escape sequences between the marker's characters are allowed.
        """
        ends = time.monotonic() + DEADLINE
        drawn = _drawn_pattern(marker)
        while not drawn.search(self.drawn):
            if time.monotonic() > ends:
                pytest.fail(f"{marker!r} was not drawn within {DEADLINE:.0f} s")
            try:
                message = await asyncio.wait_for(self.ws.receive(), timeout=1)
            except TimeoutError:
                continue
            if message.type == aiohttp.WSMsgType.BINARY:
                self.drawn += message.data
            elif message.type == aiohttp.WSMsgType.TEXT:
                self.drawn += message.data.encode("utf-8")
            else:
                pytest.fail(f"the app closed before {marker!r} was drawn")

    async def closed(self) -> None:
        """Read until the server closes the app (fail at the deadline)."""
        ends = time.monotonic() + DEADLINE
        while time.monotonic() < ends:
            try:
                message = await asyncio.wait_for(self.ws.receive(), timeout=1)
            except TimeoutError:
                continue
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                return
        pytest.fail(f"the app was still open after {DEADLINE:.0f} s")

    async def press(self, keys: str) -> None:
        """Type as the browser's terminal does."""
        await self.ws.send_str(json.dumps(["stdin", keys]))


class Browser:
    """One visitor's browser: a cookie jar of its own, its pages from the server's origin."""

    def __init__(self, served: Served, http: aiohttp.ClientSession) -> None:
        self.served = served
        self.http = http

    async def sign_in(self, name: str, code: str, origin: str | None = None) -> tuple[int, str]:
        """Post the sign-in form; the status and the page (or where it sends the browser)."""
        async with self.http.post(
            f"{self.served.base}/sign-in",
            data={"name": name, "code": code},
            headers={"Origin": origin or self.served.base},
            allow_redirects=False,
        ) as answer:
            return answer.status, answer.headers.get("Location") or await answer.text()

    async def get(self, path: str = "/", **headers: str) -> tuple[int, str]:
        async with self.http.get(f"{self.served.base}{path}", headers=headers) as answer:
            return answer.status, await answer.text()

    def token(self, name: str = "roleplay_session") -> str | None:
        """The session token this browser holds, if any."""
        for cookie in self.http.cookie_jar:
            if cookie.key == name:
                return cookie.value
        return None

    def guest_token(self) -> str | None:
        """The token of the guest space this browser holds, if any."""
        return self.token(cookie_name(self.served.port))

    def guest_home(self) -> Path:
        """The folder of this browser's guest space."""
        token = self.guest_token()
        assert token is not None, "this browser has no guest space"
        return guest_home(self.served.guest_folder, token)

    @asynccontextmanager
    async def app(self, **headers: str) -> AsyncIterator[Screen]:
        """Open the app's websocket as the app page does."""
        headers.setdefault("Origin", self.served.base)
        async with self.http.ws_connect(
            f"{self.served.base}/ws?width=120&height=40", headers=headers
        ) as ws:
            yield Screen(ws)

    async def refused(self, **headers: str) -> int:
        """Try to open the websocket; the status it was refused with (fails if accepted)."""
        headers.setdefault("Origin", self.served.base)
        try:
            async with self.http.ws_connect(
                f"{self.served.base}/ws?width=120&height=40", headers=headers
            ):
                pytest.fail("the websocket was accepted")
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status
        raise AssertionError("unreachable")


@asynccontextmanager
async def browser(served: Served, address: str | None = None) -> AsyncIterator[Browser]:
    """A fresh browser (cookies for 127.0.0.1 are kept, as a browser keeps them), on
    another computer's ``address`` if given (another loopback address, such as 127.0.0.2)."""
    connector = aiohttp.TCPConnector(local_addr=(address, 0)) if address else None
    async with aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True), connector=connector
    ) as http:
        yield Browser(served, http)


def attempts_of(home: Path) -> list[Path]:
    return sorted((home / "data" / "attempts").glob("*.json"))


async def wait_for_file(home: Path, turns: int = 0) -> Path:
    """The first attempt saved in a learner's folder, once it is there with ``turns``."""
    ends = time.monotonic() + DEADLINE
    while not attempts_of(home) or len(saved_turns(attempts_of(home)[0])) < turns:
        if time.monotonic() > ends:
            pytest.fail(f"no attempt of {turns} turns was saved in {home} within {DEADLINE:.0f} s")
        await asyncio.sleep(0.1)
    return attempts_of(home)[0]


def saved_turns(attempt: Path) -> list[object]:
    """The turns saved in an attempt's file (none while it is being written)."""
    try:
        turns = json.loads(attempt.read_text(encoding="utf-8")).get("turns")
    except (OSError, ValueError):
        return []
    return turns if isinstance(turns, list) else []


# --------------------------------------------------------------------------- the class


def test_a_signed_in_learner_gets_the_app_and_the_picker_is_drawn(served: Served) -> None:
    async def visit() -> None:
        async with browser(served) as ben:
            status, where = await ben.sign_in("ben okafor", served.codes["Ben Okafor"])
            assert (status, where) == (303, "./")
            status, page = await ben.get()
            assert status == 200
            assert "signed in as <strong>Ben Okafor</strong>" in page
            assert "static/js/textual.js" in page
            async with ben.app() as screen:
                await screen.until(b"The parcel that never came")
                await screen.until(b"Ben Okafor")

    asyncio.run(visit())
    log = served.log.read_text(encoding="utf-8")
    assert f"Serving roleplay at {served.base} for the 5 learners on the roster" in log


def test_three_visitors_each_see_only_their_own_work(served: Served) -> None:
    asha_home, ben_home = served.home("Asha Patel"), served.home("Ben Okafor")

    async def visitor_a() -> Path:
        async with browser(served) as a:
            assert (await a.sign_in("Asha Patel", served.codes["Asha Patel"]))[0] == 303
            async with a.app() as screen:
                await screen.until(b"Asha Patel")
                await screen.press("\r")
                await screen.until(b"Type your reply")
                return await wait_for_file(asha_home)

    async def visitor_b() -> bytes:
        async with browser(served) as b:
            assert (await b.sign_in("Ben Okafor", served.codes["Ben Okafor"]))[0] == 303
            async with b.app() as screen:
                await screen.until(b"Ben Okafor")
                await screen.press(F2)
                await screen.until(b"No attempts by")
                return screen.drawn

    async def visitor_c() -> None:
        async with browser(served) as c:
            status, page = await c.get()
            assert status == 200 and "Sign in to practise" in page
            assert "textual.js" not in page
            assert await c.refused() == 401
            assert (await c.get("/download/anything"))[0] == 401

    attempt = asyncio.run(visitor_a())
    saved = json.loads(attempt.read_text(encoding="utf-8"))
    assert saved["learner"] == "Asha Patel" and saved["finished"] is None
    before = attempt.read_bytes()

    drawn = asyncio.run(visitor_b())
    assert b"Asha" not in drawn
    assert b"Carry on where you left off" not in drawn
    assert attempt.read_bytes() == before
    assert attempts_of(ben_home) == []
    settings = ben_home / "config" / "settings.json"
    assert not settings.exists() or "Asha" not in settings.read_text(encoding="utf-8")

    asyncio.run(visitor_c())
    assert asha_home != ben_home and asha_home.parent == ben_home.parent
    shared = Path(served.env["ROLEPLAY_DATA_DIR"])
    assert not (shared / "attempts").exists()


def test_a_page_from_another_site_cannot_open_the_app(served: Served) -> None:
    async def visit() -> None:
        async with browser(served) as asha:
            assert (await asha.sign_in("Asha Patel", served.codes["Asha Patel"]))[0] == 303
            assert await asha.refused(Origin="http://evil.example") == 403
            assert await asha.refused(Origin="null") == 403
            assert await asha.refused(Origin=f"http://127.0.0.1:{served.port + 1}") == 403

    asyncio.run(visit())
    log = served.log.read_text(encoding="utf-8")
    assert "refused GET /ws from a page at 'http://evil.example'" in log


def test_a_page_from_another_site_cannot_sign_anyone_in(served: Served) -> None:
    async def visit() -> None:
        async with browser(served) as asha:
            code = served.codes["Asha Patel"]
            status, text = await asha.sign_in("Asha Patel", code, origin="http://evil.example")
            assert status == 403 and "own pages" in text
            assert asha.token() is None
            status, _ = await asha.sign_in("Asha Patel", code, origin="null")
            assert status == 403

    asyncio.run(visit())


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1:1"])
def test_a_request_for_another_host_is_refused(served: Served, host: str) -> None:
    async def visit() -> None:
        async with browser(served) as visitor:
            status, text = await visitor.get("/", Host=host.format(port=served.port))
            assert status == 421
            assert text == "This server does not answer to that name.\n"
            assert await visitor.refused(Host=host.format(port=served.port)) == 421

    asyncio.run(visit())


def test_a_host_and_an_origin_on_the_allow_list_are_accepted(served: Served) -> None:
    async def visit() -> None:
        async with browser(served) as proxied:
            status, page = await proxied.get("/", Host="class.example.org")
            assert status == 200 and "Sign in to practise" in page
            code = served.codes["Eve Marsh"]
            status, _ = await proxied.sign_in("Eve Marsh", code, origin="https://proxy.example")
            assert status == 303
            status, _ = await proxied.sign_in("Eve Marsh", code, origin="https://class.example.org")
            assert status == 303
            async with proxied.app(Origin="https://proxy.example") as screen:
                await screen.until(b"Eve Marsh")

    asyncio.run(visit())


def test_wrong_codes_are_refused_then_held_back(served: Served) -> None:
    async def visit() -> None:
        async with browser(served) as guesser:
            for guess in ("0000 0000 0000", "1111 1111 1111", "2", "", "9999-9999-9999"):
                status, page = await guesser.sign_in("Dev Shah", guess or " ")
                assert status in (400, 401)
                assert guesser.token() is None
            status, page = await guesser.sign_in("Dev Shah", "1234 1234 1234")
            assert status == 401 and "do not match" in page
            assert 'value="Dev Shah"' in page
            status, page = await guesser.sign_in("dev shah", served.codes["Dev Shah"])
            assert status == 429
            assert "Too many wrong codes" in page
            assert guesser.token() is None
            status, _ = await guesser.sign_in("Ben Okafor", served.codes["Ben Okafor"])
            assert status == 303

    asyncio.run(visit())


def test_a_code_added_while_serving_signs_in_and_a_removed_learner_is_shut_out(
    served: Served,
) -> None:
    roster = str(served.roster)
    code = issued_code(roleplay(served.env, "roster", "add", "Fay Green", "--roster", roster))

    async def visit() -> None:
        async with browser(served) as fay:
            assert (await fay.sign_in("Fay Green", code))[0] == 303
            token = fay.token()
            async with fay.app() as screen:
                await screen.until(b"Fay Green")
                removed = await asyncio.to_thread(
                    roleplay, served.env, "roster", "remove", "fay green", "--roster", roster
                )
                assert removed.returncode == 0, removed.stderr
                assert removed.stdout.startswith("Removed Fay Green; their work stays in ")
                await screen.closed()
            assert await fay.refused(Cookie=f"roleplay_session={token}") == 401
            assert (await fay.sign_in("Fay Green", code))[0] == 401

    asyncio.run(visit())


def test_the_sign_in_page_shows_a_typed_name_as_text_never_as_markup(served: Served) -> None:
    async def visit() -> None:
        async with browser(served) as visitor:
            status, page = await visitor.sign_in('"><script>alert(1)</script>', "1")
            assert status == 401
            assert "<script>alert" not in page
            assert "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page

    asyncio.run(visit())


def test_one_session_may_open_only_a_few_apps_at_once(served: Served) -> None:
    async def visit() -> None:
        async with browser(served) as eve, AsyncExitStack() as tabs:
            assert (await eve.sign_in("Eve Marsh", served.codes["Eve Marsh"]))[0] == 303
            for _ in range(MAX_APPS):
                await tabs.enter_async_context(eve.app())
            assert await eve.refused() == 429

    asyncio.run(visit())


def test_a_new_code_replaces_the_old_one(served: Served) -> None:
    old = served.codes["Cara Lewis"]
    new = issued_code(
        roleplay(served.env, "roster", "reset-code", "Cara Lewis", "--roster", str(served.roster))
    )

    async def visit() -> None:
        async with browser(served) as cara:
            assert (await cara.sign_in("Cara Lewis", old))[0] == 401
            assert (await cara.sign_in("Cara Lewis", new))[0] == 303

    asyncio.run(visit())
    served.codes["Cara Lewis"] = new


def test_signing_out_ends_the_session(served: Served) -> None:
    async def visit() -> None:
        async with browser(served) as ben:
            assert (await ben.sign_in("Ben Okafor", served.codes["Ben Okafor"]))[0] == 303
            token = ben.token()
            async with ben.http.post(
                f"{served.base}/sign-out", headers={"Origin": served.base}, allow_redirects=False
            ) as answer:
                assert answer.status == 303
            assert ben.token() is None
            assert await ben.refused(Cookie=f"roleplay_session={token}") == 401
            _, page = await ben.get(Cookie=f"roleplay_session={token}")
            assert "Sign in to practise" in page

    asyncio.run(visit())


# --------------------------------------------------------------------------- guests


def test_with_no_roster_each_browser_goes_straight_to_a_space_of_its_own(guests: Served) -> None:
    async def visit() -> None:
        async with browser(guests) as visitor:
            async with visitor.http.get(f"{guests.base}/") as answer:
                assert answer.status == 200
                page = await answer.text()
                cookie = answer.headers["Set-Cookie"]
            assert "static/js/textual.js" in page
            assert "your work is kept for this browser only" in page
            assert "Clearing its cookies, or using another browser, starts afresh" in page
            assert "Sign out" not in page
            assert cookie.startswith(f"roleplay_guest_{guests.port}=")
            for attribute in ("HttpOnly", "SameSite=Strict", "Path=/"):
                assert attribute in cookie
            max_age = re.search(r"Max-Age=(\d+)", cookie)
            assert max_age and int(max_age.group(1)) >= 365 * 24 * 60 * 60
            token = visitor.guest_token()
            assert token is not None and len(token) >= 43
            home = visitor.guest_home()
            assert home.is_dir() and home.name == hashlib.sha256(token.encode()).hexdigest()
            assert token not in guests.guest_spaces()
            status, page = await visitor.get()
            assert status == 200 and "textual.js" in page and visitor.guest_token() == token
            async with visitor.http.post(
                f"{guests.base}/sign-in",
                data={"name": "Asha Patel", "code": "0000 0000 0000"},
                headers={"Origin": guests.base},
            ) as answer:
                assert answer.status == 404

    asyncio.run(visit())
    log = guests.log.read_text(encoding="utf-8")
    assert f"Serving roleplay at {guests.base} for guests: each browser keeps its own work" in log


def test_three_guests_each_see_only_their_own_work(guests: Served) -> None:
    """Visitor A starts a scenario, replies once and leaves; B and C, in browsers of their
    own, type the same name as A and find nothing of A's; A comes back to its attempt."""

    async def visitor_a() -> tuple[str, Path]:
        async with browser(guests) as a:
            assert (await a.get())[0] == 200
            async with a.app() as screen:
                await screen.until(b"The parcel that never came")
                await screen.press("\r")
                await screen.until(b"Type your name first")
                await screen.press("Asha Patel")
                await screen.until(b"Asha Patel")
                await screen.press("\r")
                await screen.until(b"Type your reply")
                await screen.press(REPLY)
                await screen.press("\r")
                attempt = await wait_for_file(a.guest_home(), turns=1)
            token = a.guest_token()
            assert token is not None
            return token, attempt

    async def newcomer(start: bool) -> tuple[Path, bytes, bytes]:
        """A new browser: what it drew before a name was typed, and after."""
        async with browser(guests) as visitor:
            status, page = await visitor.get()
            assert status == 200 and "Asha" not in page
            async with visitor.app() as screen:
                await screen.until(b"The parcel that never came")
                await screen.press("\r")
                await screen.until(b"Type your name first")
                before = screen.drawn
                await screen.press("Asha Patel")
                await screen.until(b"Asha Patel")
                await screen.press(F2)
                await screen.until(b"No attempts by")
                if start:
                    seen, screen.drawn = screen.drawn, b""
                    await screen.press("\x1b")
                    await screen.until(b"Complaint-handling model")
                    screen.drawn = seen + screen.drawn
                    await screen.press("\r")
                    await screen.until(b"Type your reply")
                    await wait_for_file(visitor.guest_home())
                return visitor.guest_home(), before, screen.drawn

    async def a_comes_back(token: str) -> bytes:
        async with browser(guests) as a:
            a.http.cookie_jar.update_cookies(
                {cookie_name(guests.port): token}, response_url=URL(guests.base)
            )
            status, _ = await a.get()
            assert status == 200 and a.guest_token() == token
            async with a.app() as screen:
                await screen.until(b"Carry on where you left off")
                await screen.until(b"Asha Patel")
                return screen.drawn

    token, attempt = asyncio.run(visitor_a())
    saved = json.loads(attempt.read_text(encoding="utf-8"))
    assert saved["learner"] == "Asha Patel" and saved["finished"] is None
    assert len(saved["turns"]) == 1
    before = attempt.read_bytes()

    b_home, b_greeting, b_drawn = asyncio.run(newcomer(start=True))
    assert b"Asha" not in b_greeting and b"Server Owner" not in b_greeting
    assert b"Carry on where you left off" not in b_drawn
    assert attempt.read_bytes() == before
    b_attempts = attempts_of(b_home)
    assert len(b_attempts) == 1 and b_attempts[0] != attempt
    assert json.loads(b_attempts[0].read_text(encoding="utf-8"))["learner"] == "Asha Patel"

    c_home, c_greeting, c_drawn = asyncio.run(newcomer(start=False))
    assert b"Asha" not in c_greeting
    assert b"Carry on where you left off" not in c_drawn
    assert attempts_of(c_home) == []

    drawn = asyncio.run(a_comes_back(token))
    assert b"Server Owner" not in drawn
    assert attempt.read_bytes() == before
    homes = {attempt.parent.parent.parent, b_home, c_home}
    assert len(homes) == 3 and all(home.parent == guests.guest_folder for home in homes)
    assert not (Path(guests.env["ROLEPLAY_DATA_DIR"]) / "attempts").exists()


def test_a_browser_without_a_space_cannot_open_an_app(guests: Served) -> None:
    forged = "A" * 43

    async def visit() -> None:
        async with browser(guests) as visitor:
            assert await visitor.refused() == 401
            for token in (forged, "../../etc", ""):
                cookie = f"{cookie_name(guests.port)}={token}"
                assert await visitor.refused(Cookie=cookie) == 401
            assert (await visitor.get("/download/anything"))[0] == 401

    spaces = guests.guest_spaces()
    asyncio.run(visit())
    assert guests.guest_spaces() == spaces
    assert not guest_home(guests.guest_folder, forged).exists()
    log = guests.log.read_text(encoding="utf-8")
    assert "refused a connection with no session from 127.0.0.1" in log


def test_a_page_from_another_site_cannot_open_a_guests_app(guests: Served) -> None:
    async def visit() -> None:
        async with browser(guests) as visitor:
            assert (await visitor.get())[0] == 200
            assert await visitor.refused(Origin="http://evil.example") == 403
            assert await visitor.refused(Origin="null") == 403
            assert await visitor.refused(Origin=f"http://127.0.0.1:{guests.port + 1}") == 403
            async with visitor.app() as screen:
                await screen.until(b"The parcel that never came")

    asyncio.run(visit())


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1:1"])
def test_guests_are_refused_a_request_for_another_host(guests: Served, host: str) -> None:
    async def visit() -> None:
        async with browser(guests) as visitor:
            status, text = await visitor.get("/", Host=host.format(port=guests.port))
            assert status == 421
            assert text == "This server does not answer to that name.\n"
            assert visitor.guest_token() is None
            assert await visitor.refused(Host=host.format(port=guests.port)) == 421

    spaces = guests.guest_spaces()
    asyncio.run(visit())
    assert guests.guest_spaces() == spaces


def test_arriving_from_another_site_keeps_the_space_this_browser_has(guests: Served) -> None:
    async def visit() -> None:
        async with browser(guests) as visitor:
            status, page = await visitor.get("/", **{"Sec-Fetch-Site": "cross-site"})
            assert status == 200 and 'href="./"' in page
            assert "textual.js" not in page and visitor.guest_token() is None

    spaces = guests.guest_spaces()
    asyncio.run(visit())
    assert guests.guest_spaces() == spaces


def test_one_address_may_start_only_so_many_guest_spaces_an_hour(guests: Served) -> None:
    other = "127.0.0.2"
    with socket.socket() as probe:
        try:
            probe.bind((other, 0))
        except OSError:
            pytest.skip(f"{other} is not a loopback address here")

    async def visit() -> None:
        async with browser(guests, other) as first:
            assert (await first.get())[0] == 200
            token = first.guest_token()
            async with aiohttp.ClientSession(
                cookie_jar=aiohttp.DummyCookieJar(),
                connector=aiohttp.TCPConnector(local_addr=(other, 0)),
            ) as script:
                for _ in range(PER_HOUR - 1):
                    async with script.get(f"{guests.base}/") as answer:
                        assert answer.status == 200
                spaces = guests.guest_spaces()
                async with script.get(f"{guests.base}/") as answer:
                    assert answer.status == 429
                    assert "Too many new practice spaces" in await answer.text()
                    assert "Set-Cookie" not in answer.headers
                    assert int(answer.headers["Retry-After"]) > 0
                assert guests.guest_spaces() == spaces
            status, page = await first.get()
            assert status == 200 and "textual.js" in page and first.guest_token() == token
        async with browser(guests) as elsewhere:
            assert (await elsewhere.get())[0] == 200

    asyncio.run(visit())
    assert f"held back a new guest from {other}" in guests.log.read_text(encoding="utf-8")


def test_learners_added_while_serving_guests_are_told_to_wait_for_a_restart(
    guests: Served,
) -> None:
    issued_code(roleplay(guests.env, "roster", "add", "Gil Hart"))
    ends = time.monotonic() + DEADLINE
    while "start 'roleplay serve' again" not in guests.log.read_text(encoding="utf-8"):
        if time.monotonic() > ends:
            pytest.fail(f"the server did not mention the new learner within {DEADLINE:.0f} s")
        time.sleep(0.1)

    async def visit() -> None:
        async with browser(guests) as visitor:
            status, page = await visitor.get()
            assert status == 200 and "textual.js" in page and visitor.guest_token()

    asyncio.run(visit())


# --------------------------------------------------------------------------- the command


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    """The single ``error: …`` line a refused command printed (and no traceback)."""
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return lines[0]


@pytest.mark.parametrize("host", ["a" * 300, "bad host", "exa..mple", "x" * 64 + ".org"])
def test_a_host_that_cannot_be_an_address_is_refused_in_one_line(host: str) -> None:
    done = roleplay(dict(os.environ), "serve", "--host", host)
    assert done.returncode == 2
    assert one_line_error(done).startswith("error: --host '")


def test_a_port_in_use_is_said_in_one_line(served: Served) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = roleplay(served.env, "serve", "--port", str(port), "--roster", str(served.roster))
    assert done.returncode == 1
    assert "port is in use" in one_line_error(done)
    assert "Serving" not in done.stdout


def test_serving_an_empty_roster_named_on_purpose_says_how_to_add_learners(
    tmp_path: Path,
) -> None:
    roster = tmp_path / "roster.json"
    done = roleplay(dict(os.environ), "serve", "--roster", str(roster))
    assert done.returncode == 1
    line = one_line_error(done)
    assert f"roleplay roster add NAME --roster {shlex.quote(str(roster))}" in line
    assert "leave out --roster to let each browser practise on its own" in line


def test_serving_a_damaged_roster_is_refused_in_one_line(tmp_path: Path) -> None:
    roster = tmp_path / "roster.json"
    roster.write_text('{"format": "roleplay-roster/1", "learners": [', encoding="utf-8")
    done = roleplay(dict(os.environ), "serve", "--roster", str(roster))
    assert done.returncode == 1
    assert one_line_error(done).startswith(f"error: {roster}:1:")


@pytest.mark.parametrize(
    ("option", "value"), [("--allow-host", "not a host"), ("--allow-origin", "evil.example")]
)
def test_an_allow_list_entry_that_cannot_be_one_is_bad_usage(option: str, value: str) -> None:
    done = roleplay(dict(os.environ), "serve", option, value)
    assert done.returncode == 2
    assert one_line_error(done).startswith(f"error: {option} ")


# --------------------------------------------------------------------------- the parts


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("192.168.1.20", False),
        ("::", False),
        ("example.org", False),
    ],
)
def test_only_this_computer_counts_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_a_host_others_can_reach_is_refused_unless_named_on_purpose() -> None:
    with pytest.raises(ServeError, match=r"refusing to serve on 0\.0\.0\.0"):
        serve_app(host="0.0.0.0", port=free_port())


@pytest.mark.skipif(os.name == "nt", reason="POSIX shell quoting")
def test_the_app_command_keeps_a_folder_with_spaces_as_one_argument(tmp_path: Path) -> None:
    folder = tmp_path / "tutor's scenarios; rm -rf"
    parts = shlex.split(app_command(folder))
    assert parts == [sys.executable, "-m", "roleplay", "--scenarios", str(folder.resolve())]
    assert shlex.split(app_command()) == [sys.executable, "-m", "roleplay"]


def test_urls_put_ipv6_addresses_in_brackets() -> None:
    assert url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert url("::1", 8080) == "http://[::1]:8080"


def test_host_names_are_read_as_dns_reads_them() -> None:
    assert host_name("Class.Example.ORG.") == "class.example.org"
    assert host_name("[0:0:0:0:0:0:0:1]") == "::1"
    assert host_name("bücher.example") == "xn--bcher-kva.example"
    for bad in ("a" * 300, "-x.org", "a..b", "", "x" * 64, "evil.example/", "a b"):
        assert host_name(bad) is None, bad
    assert split_authority("[::1]:8000") == ("::1", 8000)
    assert split_authority("::1:8000") is None
    assert split_authority("host:99999") is None


def test_a_loopback_server_answers_only_to_its_own_names_and_port() -> None:
    policy = AddressPolicy.serving("127.0.0.1", 8000)
    for good in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000", "LOCALHOST:8000"):
        assert policy.host_allowed(good), good
    for bad in ("evil.example:8000", "127.0.0.1", "127.0.0.1:8001", "", None, "a:b:c"):
        assert not policy.host_allowed(bad), bad
    assert policy.origin_allowed("http://localhost:8000")
    assert policy.origin_allowed(None)
    for bad in ("http://evil.example", "null", "http://127.0.0.1:8001", "file://", "x"):
        assert not policy.origin_allowed(bad), bad


def test_a_server_on_every_interface_answers_to_addresses_but_not_to_other_names() -> None:
    policy = AddressPolicy.serving("0.0.0.0", 8000, allow_hosts=("class.example.org",))
    assert policy.host_allowed("192.168.1.20:8000")
    assert policy.host_allowed("class.example.org")
    assert policy.host_allowed("class.example.org:443")
    assert not policy.host_allowed("evil.example:8000")
    assert not policy.host_allowed("192.168.1.20:9000")


def test_an_allowed_origin_is_matched_by_scheme_host_and_port() -> None:
    policy = AddressPolicy.serving("127.0.0.1", 8000, allow_origins=("https://Proxy.Example/",))
    assert policy.origin_allowed("https://proxy.example")
    assert policy.origin_allowed("https://proxy.example:443")
    assert not policy.origin_allowed("http://proxy.example")
    assert not policy.origin_allowed("https://proxy.example:8443")


def test_a_session_ends_when_it_expires_or_its_learner_changes() -> None:
    from roleplay.core.roster import Roster

    roster, _ = Roster().add("Asha Patel")
    now = [0.0]
    sessions = Sessions(lifetime=60, clock=lambda: now[0])
    token = sessions.open(roster.learners[0])
    assert sessions.find(token, roster) is not None
    assert sessions.find("forged", roster) is None
    recoded, _ = roster.reset_code("Asha Patel")
    assert sessions.find(token, recoded) is None
    assert sessions.find(token, roster) is None
    token = sessions.open(roster.learners[0])
    now[0] = 60
    assert sessions.find(token, roster) is None


def test_a_guest_space_is_opened_only_by_its_own_token(tmp_path: Path) -> None:
    spaces = Guests(tmp_path / "guests")
    token, home = spaces.start("127.0.0.1")
    assert spaces.find(token) == home and home.is_dir()
    assert home.name == hashlib.sha256(token.encode()).hexdigest()
    assert not any(token in str(path) for path in tmp_path.rglob("*"))
    for other in (None, "", "A" * 43, token[:-1], "../" + token, token + "x"):
        assert spaces.find(other) is None, other
    linked = "B" * 43
    guest_home(spaces.folder, linked).symlink_to(home)
    assert spaces.find(linked) is None


def test_an_address_may_start_more_guest_spaces_an_hour_later(tmp_path: Path) -> None:
    now = [0.0]
    spaces = Guests(tmp_path, per_hour=2, clock=lambda: now[0])
    spaces.start("10.0.0.7")
    now[0] = 1.0
    spaces.start("10.0.0.7")
    assert spaces.wait("10.0.0.7") == pytest.approx(3599.0)
    assert spaces.wait("10.0.0.8") == 0
    now[0] = 3601.0
    assert spaces.wait("10.0.0.7") == 0


def test_an_ipv6_client_is_counted_by_its_whole_network() -> None:
    assert client_key("2001:db8:1:2::1") == client_key("2001:db8:1:2:ffff::9")
    assert client_key("2001:db8:1:2::1") != client_key("2001:db8:1:3::1")
    assert client_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert client_key("192.0.2.7") == "192.0.2.7"
    assert client_key("unknown") == "unknown"
