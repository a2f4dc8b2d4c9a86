"""``roleplay serve``: the app in a browser, through textual-serve, on this computer only.

The end-to-end test starts the real command on a free port, fetches the page a browser
would, then opens the websocket a browser opens and waits for the picker to be drawn.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from roleplay.serve import ServeError, app_command, is_loopback, serve_app, url

DEADLINE = 15.0
"""Seconds the server, and then the app behind it, may take to answer."""


def free_port() -> int:
    """A port nothing on 127.0.0.1 is listening on just now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(address: str, process: subprocess.Popen[bytes]) -> tuple[int, str]:
    """GET ``address`` until it answers, the server dies, or the deadline passes."""
    ends = time.monotonic() + DEADLINE
    while True:
        try:
            with urllib.request.urlopen(address, timeout=2) as answer:
                return answer.status, answer.read().decode("utf-8", errors="replace")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if process.poll() is not None:
                output = process.stdout.read().decode(errors="replace") if process.stdout else ""
                pytest.fail(f"roleplay serve exited with {process.returncode}:\n{output}")
            if time.monotonic() > ends:
                pytest.fail(f"{address} did not answer within {DEADLINE:.0f} s")
            time.sleep(0.1)


async def first_screen(port: int, marker: bytes) -> bytes:
    """Open the app's websocket as a browser does and read until ``marker`` is drawn."""
    import aiohttp

    seen = b""
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"http://127.0.0.1:{port}/ws?width=120&height=40") as ws,
    ):
        ends = time.monotonic() + DEADLINE
        while marker not in seen and time.monotonic() < ends:
            try:
                message = await asyncio.wait_for(ws.receive(), timeout=1)
            except TimeoutError:
                continue
            if message.type == aiohttp.WSMsgType.BINARY:
                seen += message.data
            elif message.type == aiohttp.WSMsgType.TEXT:
                seen += message.data.encode("utf-8")
            else:
                break
    return seen


def test_serve_answers_on_127_0_0_1_and_draws_the_picker(tmp_path: Path) -> None:
    port = free_port()
    env = dict(os.environ)
    env.update(
        ROLEPLAY_DATA_DIR=str(tmp_path / "data"),
        ROLEPLAY_CONFIG_DIR=str(tmp_path / "config"),
        ROLEPLAY_CACHE_DIR=str(tmp_path / "cache"),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "roleplay", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        status, page = fetch(f"http://127.0.0.1:{port}/", process)
        assert status == 200
        assert "roleplay" in page
        assert "textual" in page.lower()
        drawn = asyncio.run(first_screen(port, b"The parcel that never came"))
        assert b"The parcel that never came" in drawn
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    assert f"Serving roleplay at http://127.0.0.1:{port}".encode() in output


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
