"""The whole promise: the app is killed mid-conversation, and the next start offers to resume."""

from __future__ import annotations

import json
import os
import pty
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from roleplay.tui.app import make_app
from roleplay.tui.screens.conversation import ConversationScreen
from roleplay.tui.screens.picker import ResumeScreen

REPLY = "I'm really sorry your order hasn't arrived. Which door does the photo show?"


def _saved_turns(folder: Path) -> int:
    for path in folder.glob("*.json"):
        try:
            return len(json.loads(path.read_text(encoding="utf-8"))["turns"])
        except (OSError, ValueError, KeyError):
            return 0
    return 0


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL and a pty")
@pytest.mark.asyncio
async def test_a_killed_app_is_offered_for_resume_on_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, config = tmp_path / "data", tmp_path / "config"
    env = dict(os.environ, TERM="xterm-256color", ROLEPLAY_DATA_DIR=str(data))
    env["ROLEPLAY_CONFIG_DIR"] = str(config)
    env.pop("ROLEPLAY_CENTRE_KEY", None)
    command = [sys.executable, "-m", "roleplay", "play", "late-parcel", "--learner", "Sam Patel"]
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real app in a terminal of its own
        os.execve(sys.executable, command, env)
    folder = data / "attempts"
    try:
        deadline = time.monotonic() + 30
        while not list(folder.glob("*.json")) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # let the conversation screen take keys
        os.write(fd, REPLY.encode() + b"\r")
        while _saved_turns(folder) < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _saved_turns(folder) == 1, "the reply was not saved before the kill"
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)

    monkeypatch.setenv("ROLEPLAY_DATA_DIR", str(data))
    monkeypatch.setenv("ROLEPLAY_CONFIG_DIR", str(config))
    app = make_app(attempts=folder)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(300):
            await pilot.pause(0.05)
            if isinstance(app.screen, ResumeScreen):
                break
        assert isinstance(app.screen, ResumeScreen), "the next start did not offer to resume"
        await pilot.press("r")
        for _ in range(100):
            await pilot.pause(0.05)
            if isinstance(app.screen, ConversationScreen):
                break
        screen: Any = app.screen
        assert isinstance(screen, ConversationScreen)
        assert screen.attempt.turns[0].reply == REPLY
        said = [line.said for line in screen.chat_log.lines]
        assert REPLY in said
