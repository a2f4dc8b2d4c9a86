"""The scenario picker, driven as a learner drives it: typing, arrows, Enter, F2, Ctrl+P.

The conversation screen is another module's, so ``start_attempt``, ``resume_attempt`` and
``show_history`` are replaced on the app instance and only the calls are checked.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select

import roleplay.tui.screens.picker as picker_module
from roleplay.core.library import ScenarioLibrary, bundled_scenarios
from roleplay.core.settings import save_settings
from roleplay.core.transcript import Attempt, attempts_dir
from roleplay.tui.app import Choices, RoleplayApp, make_app
from roleplay.tui.screens.picker import (
    PickerScreen,
    ResumeScreen,
    ScenarioRow,
    load_catalogue,
    preview_rows,
)

SIZE = (120, 40)


pytestmark = pytest.mark.usefixtures("folders")


class Calls:
    """Records what the picker asked the app to do, in place of the real screens."""

    def __init__(self, app: RoleplayApp) -> None:
        self.started: list[tuple[str, Choices]] = []
        self.resumed: list[Path] = []
        self.history: list[str] = []
        self.notices: list[str] = []
        notify = app.notify
        app.start_attempt = lambda loaded, choices: self.started.append(  # type: ignore[method-assign]
            (loaded.scenario.id, choices)
        )
        app.resume_attempt = self.resumed.append  # type: ignore[method-assign]
        app.show_history = self.history.append  # type: ignore[method-assign]

        def spy(message: str, **kwargs: Any) -> None:
            self.notices.append(message)
            notify(message, **kwargs)

        app.notify = spy  # type: ignore[method-assign]


async def ready(pilot: Pilot[Any]) -> None:
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


def rows(app: RoleplayApp) -> list[str]:
    """The titles the list shows, top to bottom."""
    table: DataTable[str] = app.screen.query_one("#scenarios", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


PHONE_ROWS = sum(
    1
    for loaded in bundled_scenarios().values()
    if loaded.scenario.channel == "phone" or "phone" in loaded.scenario.title.lower()
)
"""The bundled scenarios that typing "phone" finds: by channel or by title."""


@pytest.mark.asyncio
async def test_picker_lists_every_bundled_scenario() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, PickerScreen)
        titles = rows(app)
        assert len(titles) == len(bundled_scenarios()) >= 12
        assert set(titles) == {s.scenario.title for s in bundled_scenarios().values()}
        assert app.screen.focused is app.screen.query_one("#filter", Input)


@pytest.mark.asyncio
async def test_typing_filters_the_list_and_shows_the_brief() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press(*"parcel")
        await pilot.pause()
        assert rows(app) == ["The parcel that never came"]
        brief = str(app.screen.query_one("#brief").content)
        assert "Mrs Priya Shah" in brief
        assert "retail · chat · foundation" in brief
        await pilot.press("escape", *"phone")
        await pilot.pause()
        assert len(rows(app)) == PHONE_ROWS
        await pilot.press("escape", *"xyzzy")
        await pilot.pause()
        assert rows(app) == []
        assert "No scenario matches" in str(app.screen.query_one("#brief").content)


@pytest.mark.asyncio
async def test_enter_starts_with_the_model_mode_and_name_chosen() -> None:
    app = make_app()
    calls = Calls(app)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press(*"rail")
        app.screen.query_one("#framework", Select).value = "HEAT"
        await pilot.pause()
        await pilot.click("#assessment")
        await pilot.click("#learner")
        await pilot.press(*"Ana Kaur")
        await pilot.click("#filter")
        await pilot.press("enter")
        await pilot.pause()
    assert calls.started == [
        ("cancelled-train", Choices(learner="Ana Kaur", framework="HEAT", mode="assessment"))
    ]


def test_the_quick_preview_lists_what_the_validated_catalogue_lists() -> None:
    """The list drawn first, from the YAML alone, is the one validation then confirms."""
    validated = [ScenarioRow.of(loaded) for loaded in load_catalogue().scenarios]
    assert preview_rows() == validated


@pytest.mark.asyncio
async def test_enter_pressed_while_loading_starts_once_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def slow_catalogue(folder: Path | None = None) -> Any:
        time.sleep(0.5)
        return load_catalogue(folder)

    monkeypatch.setattr(picker_module, "load_catalogue", slow_catalogue)
    save_settings(learner="Sam Patel")
    app = make_app()
    calls = Calls(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        assert not picker.is_ready
        await pilot.press("enter")
        await ready(pilot)
    assert [choices.learner for _, choices in calls.started] == ["Sam Patel"]


@pytest.mark.asyncio
async def test_the_picker_takes_keys_while_the_scorer_is_still_loading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rules and language model load in the background from the start; until they are
    loaded the picker lists, filters and answers keys as it always does."""
    import roleplay.core.analyse as analyse_module

    started, release = threading.Event(), threading.Event()

    def slow_warm_up() -> None:
        started.set()
        release.wait(60)

    monkeypatch.setattr(analyse_module, "warm_up", slow_warm_up)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        try:
            for _ in range(1000):
                await pilot.pause(0.01)
                picker = app.screen
                if started.is_set() and isinstance(picker, PickerScreen) and picker.is_ready:
                    break
            else:
                pytest.fail("the picker did not load, or the scorer did not start loading")
            await pilot.press(*"parcel")
            await pilot.pause()
            assert rows(app) == ["The parcel that never came"]
            await pilot.press("escape", *"phone")
            await pilot.pause()
            assert len(rows(app)) == PHONE_ROWS
            assert not release.is_set()  # all of it while the scorer was still loading
        finally:
            release.set()
        await app.workers.wait_for_complete()


@pytest.mark.asyncio
async def test_arrow_keys_move_the_list_while_typing_in_the_filter() -> None:
    app = make_app()
    calls = Calls(app)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.screen.query_one("#learner", Input).value = "Ana"
        await pilot.press("down", "down", "up", "down", "enter")
        await pilot.pause()
    third = sorted(bundled_scenarios().values(), key=lambda s: s.scenario.title.casefold())[2]
    assert [sid for sid, _ in calls.started] == [third.scenario.id]
    assert calls.started[0][1].framework is None  # the scenario's own model


@pytest.mark.asyncio
async def test_an_empty_name_is_refused_with_a_notice() -> None:
    app = make_app()
    calls = Calls(app)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert calls.started == []
        assert any("name" in notice for notice in calls.notices)
        assert app.screen.focused is app.screen.query_one("#learner", Input)


@pytest.mark.asyncio
async def test_the_name_model_and_mode_are_remembered_in_a_new_app() -> None:
    first = make_app()
    Calls(first)
    async with first.run_test(size=SIZE) as pilot:
        await ready(pilot)
        first.screen.query_one("#framework", Select).value = "LERF"
        await pilot.pause()
        await pilot.click("#assessment")
        await pilot.click("#learner")
        await pilot.press(*"Ana Kaur", "enter")
        await pilot.pause()

    second = make_app()
    calls = Calls(second)
    async with second.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert second.screen.query_one("#learner", Input).value == "Ana Kaur"
        await pilot.press("enter")
        await pilot.pause()
    assert calls.started[0][1] == Choices("Ana Kaur", "LERF", "assessment")


def _unfinished_attempt(learner: str) -> Path:
    attempt = Attempt.start(ScenarioLibrary().find("late-parcel"), learner, folder=attempts_dir())
    attempt.step("I'm so sorry your parcel hasn't arrived. Could you confirm your address?")
    return attempt.path


@pytest.mark.asyncio
async def test_an_unfinished_attempt_is_offered_and_resume_carries_it_on() -> None:
    path = _unfinished_attempt("Sam Patel")
    save_settings(learner="Sam Patel")
    app = make_app()
    calls = Calls(app)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, ResumeScreen)
        assert "The parcel that never came" in str(app.screen.query_one("#resume-body").content)
        await pilot.click("#resume")
        await pilot.pause()
        assert calls.resumed == [path]


@pytest.mark.asyncio
async def test_not_now_leaves_the_attempt_and_stays_on_the_picker() -> None:
    _unfinished_attempt("Sam Patel")
    app = make_app()
    calls = Calls(app)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, ResumeScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert calls.resumed == []


@pytest.mark.asyncio
async def test_another_learners_unfinished_attempt_is_not_offered() -> None:
    _unfinished_attempt("Sam Patel")
    save_settings(learner="Ana Kaur")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, PickerScreen)


@pytest.mark.asyncio
async def test_f2_opens_the_history_of_the_learner_named() -> None:
    app = make_app()
    calls = Calls(app)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert calls.history == []  # no name yet: a notice instead
        app.screen.query_one("#learner", Input).value = "Ana"
        await pilot.press("f2")
        await pilot.pause()
    assert calls.history == ["Ana"]


@pytest.mark.asyncio
async def test_the_command_palette_finds_history_and_scenarios() -> None:
    app = make_app()
    calls = Calls(app)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.screen.query_one("#learner", Input).value = "Ana"
        await pilot.press("ctrl+p")
        await pilot.press(*"history")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert calls.history == ["Ana"]

        await pilot.press("ctrl+p")
        await pilot.press(*"start parcel")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
    assert [sid for sid, _ in calls.started] == ["late-parcel"]


@pytest.mark.asyncio
async def test_a_tutors_folder_adds_its_scenarios(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    source = ScenarioLibrary().find("late-parcel").path.read_text(encoding="utf-8")
    (folder / "own.yaml").write_text(
        source.replace("id: late-parcel", "id: own-parcel").replace(
            "title: The parcel that never came", "title: A tutor's own parcel"
        ),
        encoding="utf-8",
    )
    (folder / "broken.yaml").write_text("id: [\n", encoding="utf-8")
    app = make_app(scenarios=folder)
    calls = Calls(app)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert "A tutor's own parcel" in rows(app)
        assert len(rows(app)) == len(bundled_scenarios()) + 1
        assert any("roleplay validate" in notice for notice in calls.notices)


def _folder_of_bad_files(tmp_path: Path) -> Path:
    """A tutor's folder: one good scenario beside a bad date, a pipe and a link to /dev/zero."""
    folder = tmp_path / "mine"
    folder.mkdir()
    source = ScenarioLibrary().find("late-parcel").path.read_text(encoding="utf-8")
    (folder / "own.yaml").write_text(
        source.replace("id: late-parcel", "id: own-parcel").replace(
            "title: The parcel that never came", "title: A tutor's own parcel"
        ),
        encoding="utf-8",
    )
    (folder / "bad-date.yaml").write_text(
        "id: bad-date\ntitle: Bad\nsector: s\nchannel: chat\ndifficulty: foundation\n"
        "brief: b\ndate: 2024-13-45\n",
        encoding="utf-8",
    )
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.yaml")
    if Path("/dev/zero").exists():
        (folder / "zero.yaml").symlink_to("/dev/zero")
    return folder


def test_the_quick_first_read_skips_bad_files_without_hanging(tmp_path: Path) -> None:
    folder = _folder_of_bad_files(tmp_path)
    found: list[list[ScenarioRow]] = []
    worker = threading.Thread(target=lambda: found.append(preview_rows(folder)), daemon=True)
    worker.start()
    worker.join(30)

    assert found, "the quick first read hung"
    titles = [row.title for row in found[0]]
    assert "A tutor's own parcel" in titles and len(titles) == len(bundled_scenarios()) + 1


@pytest.mark.asyncio
async def test_bad_files_in_a_tutors_folder_are_set_aside_with_a_notice(tmp_path: Path) -> None:
    folder = _folder_of_bad_files(tmp_path)
    app = make_app(scenarios=folder)
    calls = Calls(app)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert "A tutor's own parcel" in rows(app)
        assert len(rows(app)) == len(bundled_scenarios()) + 1
        [notice] = [n for n in calls.notices if "roleplay validate" in n]
        assert f"{folder / 'bad-date.yaml'}:7:7: " in notice
        assert "2024-13-45" in notice


def test_snapshot_of_the_picker(snap_compare: Any) -> None:
    save_settings(learner="Sam Patel")

    async def settle(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=settle)
