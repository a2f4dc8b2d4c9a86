"""The app run for a signed-in learner (``roleplay serve``): their name, and no one else's.

Under ``roleplay serve`` the app is started with ``ROLEPLAY_LEARNER`` set to whoever signed
in. The name field then shows that name and cannot be changed, a remembered name does not
replace it, and attempts, history and resuming are only ever theirs, even if another
learner's attempt were in the same folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from roleplay.core.library import ScenarioLibrary
from roleplay.core.settings import save_settings, signed_in_learner
from roleplay.core.transcript import Attempt, attempts_dir
from roleplay.tui.app import Choices, make_app
from roleplay.tui.screens.history import HistoryScreen
from roleplay.tui.screens.picker import PickerScreen

SIZE = (120, 40)

pytestmark = pytest.mark.usefixtures("folders")


async def ready(pilot: Pilot[Any]) -> PickerScreen:
    """Wait until the picker has loaded its scenarios, settings and unfinished attempts."""
    for _ in range(500):
        await pilot.pause()
        pickers = [s for s in pilot.app.screen_stack if isinstance(s, PickerScreen)]
        if pickers and pickers[0].is_ready:
            break
    else:
        pytest.fail("the picker did not finish loading")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return pickers[0]


def unfinished(learner: str) -> Path:
    """An attempt by ``learner`` left after one reply, in the data folder."""
    attempt = Attempt.start(ScenarioLibrary().find("late-parcel"), learner, folder=attempts_dir())
    attempt.step("I'm so sorry your parcel hasn't arrived. Could you confirm your address?")
    return attempt.path


def test_the_signed_in_name_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEPLAY_LEARNER", "  Asha   Patel ")
    assert signed_in_learner() == "Asha Patel"
    monkeypatch.setenv("ROLEPLAY_LEARNER", " ")
    assert signed_in_learner() is None


@pytest.mark.asyncio
async def test_the_name_field_shows_the_signed_in_name_and_cannot_be_changed() -> None:
    save_settings(learner="Someone Else")
    app = make_app(learner="Asha Patel")
    started: list[Choices] = []
    app.start_attempt = lambda loaded, choices: started.append(choices)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        picker = await ready(pilot)
        name = picker.query_one("#learner", Input)
        assert name.value == "Asha Patel"
        assert name.disabled
        for _ in range(8):
            await pilot.press("tab")
            assert app.focused is not name
        await pilot.click("#learner")
        await pilot.press(*"Mallory", "enter")
        await pilot.pause()
        assert name.value == "Asha Patel"
    assert started and {c.learner for c in started} == {"Asha Patel"}


@pytest.mark.asyncio
async def test_an_attempt_is_always_saved_under_the_signed_in_name() -> None:
    app = make_app(learner="Asha Patel")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.start_attempt(ScenarioLibrary().find("late-parcel"), Choices(learner="Someone Else"))
        await pilot.pause()
    saved = [json.loads(p.read_text(encoding="utf-8")) for p in attempts_dir().glob("*.json")]
    assert [data["learner"] for data in saved] == ["Asha Patel"]


@pytest.mark.asyncio
async def test_another_learners_attempt_is_neither_offered_nor_resumed() -> None:
    theirs = unfinished("Ben Okafor")
    before = theirs.read_bytes()
    app = make_app(learner="Asha Patel")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, PickerScreen)
        app.resume_attempt(theirs)
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
    assert theirs.read_bytes() == before


@pytest.mark.asyncio
async def test_history_is_only_ever_the_signed_in_learners() -> None:
    unfinished("Ben Okafor")
    app = make_app(learner="Asha Patel")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.learner == "Asha Patel"
        app.show_history("Ben Okafor")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.learner == "Asha Patel"
