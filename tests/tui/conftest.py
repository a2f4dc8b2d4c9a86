"""Shared fixtures for the TUI tests: folders of their own, the app, and a way to wait for it."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

import pytest
from textual.pilot import Pilot

import roleplay.core.transcript as transcript_module
from roleplay.core.library import ScenarioLibrary
from roleplay.core.scenario import LoadedScenario
from roleplay.tui.app import Choices, RoleplayApp, make_app

MakeApp = Callable[..., RoleplayApp]
"""Build the app straight into a scenario: ``make(mode="practice", scenario=...)``."""


@pytest.fixture(scope="session")
def rule_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of compiled cue rules for the whole session, away from the user's own."""
    return tmp_path_factory.mktemp("roleplay-cache")


@pytest.fixture
def roleplay_dirs(tmp_path: Path, rule_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep a test's attempts and settings out of the user's folders, with no centre key."""
    monkeypatch.setenv("ROLEPLAY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ROLEPLAY_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("ROLEPLAY_CACHE_DIR", str(rule_cache))
    monkeypatch.delenv("ROLEPLAY_CENTRE_KEY", raising=False)
    monkeypatch.delenv("ROLEPLAY_CENTRE_KEY_FILE", raising=False)
    return tmp_path


@pytest.fixture
def attempts_folder(roleplay_dirs: Path) -> Path:
    """The folder the app saves attempts in during a test."""
    return roleplay_dirs / "attempts"


@pytest.fixture(scope="session")
def late_parcel() -> LoadedScenario:
    """The bundled foundation scenario: a parcel marked delivered that never came."""
    return ScenarioLibrary().find("late-parcel")


@pytest.fixture
def make_conversation_app(late_parcel: LoadedScenario, attempts_folder: Path) -> MakeApp:
    """Return a function that builds the app opening straight into a conversation."""

    def make(mode: str = "practice", scenario: LoadedScenario | None = None) -> RoleplayApp:
        return make_app(
            start=scenario or late_parcel,
            choices=Choices(learner="Test", mode=mode),
            attempts=attempts_folder,
        )

    return make


WaitUntil = Callable[..., Awaitable[None]]
"""Let the app run until ``condition()`` holds: ``await wait_until(pilot, condition)``."""


async def _wait_until(
    pilot: Pilot[object], condition: Callable[[], bool], timeout: float = 10.0
) -> None:
    for _ in range(int(timeout / 0.01)):
        if condition():
            await pilot.pause()
            return
        await pilot.pause(0.01)
    raise AssertionError(f"gave up after {timeout} s waiting for {condition}")


@pytest.fixture
def wait_until() -> WaitUntil:
    """Return a coroutine function that lets the app run until a condition holds.

    Replies are answered by a worker thread, so a test waits for what the learner would see
    rather than for a fixed time; it fails after ``timeout`` seconds instead of hanging.
    """
    return _wait_until


@pytest.fixture
def folders(tmp_path: Path, rule_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Temporary data, settings and cache folders, no centre key, and UTC as local time.

    The picker, debrief and history tests use it on every test (``pytestmark``), so that
    nothing a test does reaches the user's own folders and dates read the same everywhere.
    """
    monkeypatch.setenv("ROLEPLAY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ROLEPLAY_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("ROLEPLAY_CACHE_DIR", str(rule_cache))
    monkeypatch.delenv("ROLEPLAY_CENTRE_KEY", raising=False)
    monkeypatch.delenv("ROLEPLAY_CENTRE_KEY_FILE", raising=False)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield tmp_path
    monkeypatch.undo()
    time.tzset()


class FixedClock(datetime):
    """A clock for saved attempts: starts at ``moment`` and moves on ``step`` at each reading."""

    moment = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
    step = timedelta(seconds=1)

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        """The next tick after the last one read."""
        FixedClock.moment += FixedClock.step
        return FixedClock.moment if tz is None else FixedClock.moment.astimezone(tz)


FixClock = Callable[[datetime, timedelta], None]
"""Make attempts saved from now on carry times from a start, a step apart."""


@pytest.fixture
def fix_clock(monkeypatch: pytest.MonkeyPatch) -> FixClock:
    """Return a function that fixes the clock of saved attempts (see :class:`FixedClock`)."""

    def fix(start: datetime, step: timedelta) -> None:
        monkeypatch.setattr(transcript_module, "datetime", FixedClock)
        FixedClock.moment = start
        FixedClock.step = step

    return fix
