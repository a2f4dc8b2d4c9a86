"""The debrief screen: the re-scored attempt, its exports, "try again" and damaged files.

Transcripts are made with the real :class:`~roleplay.core.transcript.Attempt` under a fixed
clock, so that dates on screen (and so the snapshot) do not change from day to day, and the
transcripts still pass their integrity check.
"""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from roleplay.core.library import ScenarioLibrary
from roleplay.core.transcript import Attempt, data_dir
from roleplay.tui.app import Choices, RoleplayApp, make_app
from roleplay.tui.screens.debrief import DebriefScreen

SIZE = (120, 40)

GOOD = [
    "I'm really sorry your order hasn't arrived, Mrs Shah, and that you've had to chase it "
    "twice: that's so frustrating. We promise next-day delivery and we didn't keep that "
    "promise, so I've refunded your £4.95 delivery charge now. Could you confirm the delivery "
    "address for me so I can check with the courier?",
    "Thank you. I'll open a trace with the courier under our lost parcel procedure, and as a "
    "refund of £64 is above the £50 I can authorise I'm passing it to my team leader now, who "
    "will call you within the hour.",
]
POOR = ["Calm down, it's the courier's fault, not ours.", "There's nothing I can do about it."]


pytestmark = pytest.mark.usefixtures("folders")


@pytest.fixture
def attempt_of(fix_clock: Any, tmp_path: Path) -> Any:
    """Return a function that plays replies as a learner under the fixed clock, saved."""
    fix_clock(datetime(2025, 3, 4, 9, 30, tzinfo=UTC), timedelta(seconds=1))

    def play(replies: list[str], learner: str = "Sam Patel", framework: str | None = None) -> Path:
        attempt = Attempt.start(
            ScenarioLibrary().find("late-parcel"),
            learner,
            framework=framework,
            folder=tmp_path / "data" / "attempts",
        )
        for reply in replies:
            if not attempt.finished:
                attempt.step(reply)
        return attempt.path

    return play


def text_of(app: RoleplayApp) -> str:
    """Everything the debrief's static texts say, one widget a line."""
    return "\n".join(str(w.content) for w in app.screen.query(Static))


async def open_debrief(pilot: Pilot[Any], path: Path, framework: str | None = None) -> None:
    """Show the debrief of ``path`` and wait until it has been worked out."""
    pilot.app.show_debrief(path, framework)  # type: ignore[attr-defined]
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def debrief_app() -> RoleplayApp:
    """The app without its picker, so only the debrief is in front."""
    app = make_app()
    app.on_mount = lambda: None  # type: ignore[method-assign]
    return app


@pytest.mark.asyncio
async def test_the_debrief_shows_the_score_and_quotes_the_learner(attempt_of: Any) -> None:
    path = attempt_of(GOOD)
    app = debrief_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_debrief(pilot, path)
        assert isinstance(app.screen, DebriefScreen)
        shown = text_of(app)
    assert "Score 84/100 · outcome: escalated correctly" in shown
    assert "Transcript: unsigned: consistent, but anyone could have recomputed it" in shown
    assert "✓ Thank  turn 2: “Thank you.”" in shown
    assert "✗ Explain  not shown" in shown
    assert "◐ partly met" in shown and "missing: " in shown
    assert "What to do next time" in shown
    assert "needed and done" in shown
    # every figure of the score keeps its operator, even a penalty of nothing
    assert "for red flags − 0 for rules broken" in shown


@pytest.mark.asyncio
async def test_red_flags_are_quoted_with_their_turn(attempt_of: Any) -> None:
    path = attempt_of(POOR)
    app = debrief_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_debrief(pilot, path)
        shown = text_of(app)
    assert "⚑ turn 1: “Calm down”" in shown
    assert "outcome: customer lost" in shown


@pytest.mark.asyncio
async def test_another_model_rescores_the_same_replies(attempt_of: Any) -> None:
    path = attempt_of(GOOD)
    app = debrief_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_debrief(pilot, path, "HEAT")
        shown = text_of(app)
    assert "Steps of HEAT" in shown


@pytest.mark.asyncio
async def test_exports_write_markdown_and_html_and_show_where(attempt_of: Any) -> None:
    path = attempt_of(GOOD)
    app = debrief_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_debrief(pilot, path)
        await pilot.press("m")
        await pilot.press("h")
        await pilot.pause()
        exported = str(app.screen.query_one("#exported", Static).content)
        notices = [n.message for n in app._notifications]
    exports = data_dir() / "exports"
    markdown = exports / "late-parcel-2025-03-04-0930-later.md"
    page = exports / "late-parcel-2025-03-04-0930-later.html"
    assert markdown.is_file() and page.is_file()
    assert "The parcel that never came" in markdown.read_text(encoding="utf-8")
    assert page.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert str(markdown) in exported and str(page) in exported
    assert str(markdown) in notices and str(page) in notices


@pytest.mark.asyncio
async def test_an_export_is_a_file_the_learner_can_share(attempt_of: Any) -> None:
    """Exports take the user's usual permissions (saved attempts stay private)."""
    path = attempt_of(GOOD)
    app = debrief_app()
    mask = os.umask(0o022)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_debrief(pilot, path)
            await pilot.press("m")
            await pilot.pause()
    finally:
        os.umask(mask)
    markdown = data_dir() / "exports" / "late-parcel-2025-03-04-0930-later.md"
    assert stat.S_IMODE(markdown.stat().st_mode) == 0o644
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.asyncio
async def test_try_again_starts_the_same_scenario_with_the_same_choices(
    attempt_of: Any,
) -> None:
    path = attempt_of(GOOD, learner="Ana Kaur", framework="HEAT")
    app = debrief_app()
    started: list[tuple[str, Choices]] = []
    app.start_attempt = lambda loaded, choices: started.append(  # type: ignore[method-assign]
        (loaded.scenario.id, choices)
    )
    async with app.run_test(size=SIZE) as pilot:
        await open_debrief(pilot, path)
        await pilot.press("t")
        await pilot.pause()
    assert started == [("late-parcel", Choices("Ana Kaur", "HEAT", "practice"))]


@pytest.mark.asyncio
async def test_a_damaged_transcript_is_explained_not_a_crash(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.json"
    damaged.write_text('{"format": "roleplay-transcript/1", "turns": [', encoding="utf-8")
    app = debrief_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_debrief(pilot, damaged)
        shown = text_of(app)
        await pilot.press("m")  # nothing to export: a notice, not an exception
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DebriefScreen)
    assert "This attempt cannot be debriefed." in shown
    assert "cut off" in shown
    assert not (data_dir() / "exports").exists()


def test_snapshot_of_the_debrief(attempt_of: Any, snap_compare: Any) -> None:
    path = attempt_of(GOOD)

    async def show(pilot: Pilot[Any]) -> None:
        await open_debrief(pilot, path)

    assert snap_compare(debrief_app(), terminal_size=SIZE, run_before=show)
