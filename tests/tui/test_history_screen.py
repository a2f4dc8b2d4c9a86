"""The history screen: a learner's attempts with scores, opening a debrief, the progress chart.

Attempts are played with the real :class:`~roleplay.core.transcript.Attempt` under a fixed
clock, so the dates in the table (and the snapshot) are the same every day.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Select

from roleplay.core.library import ScenarioLibrary
from roleplay.core.transcript import Attempt
from roleplay.tui.app import RoleplayApp, make_app
from roleplay.tui.screens.debrief import DebriefScreen
from roleplay.tui.screens.history import HistoryScreen
from roleplay.tui.widgets.progress_chart import chart_content, score_bar

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
def attempts(fix_clock: Any, tmp_path: Path) -> list[Path]:
    """Four attempts by Sam Patel (poor, good, poor, good; the last under HEAT), one by Ana."""
    fix_clock(datetime(2025, 3, 4, 9, 0, tzinfo=UTC), timedelta(minutes=1))
    folder = tmp_path / "data" / "attempts"
    made: list[Path] = []
    plan = [
        ("Sam Patel", POOR, None),
        ("Sam Patel", GOOD, None),
        ("Ana Kaur", GOOD, None),
        ("Sam Patel", POOR, None),
        ("Sam Patel", GOOD, "HEAT"),
    ]
    for learner, replies, framework in plan:
        attempt = Attempt.start(
            ScenarioLibrary().find("late-parcel"), learner, framework=framework, folder=folder
        )
        for reply in replies:
            if not attempt.finished:
                attempt.step(reply)
        made.append(attempt.path)
    return made


def history_app() -> RoleplayApp:
    """The app without its picker, so only the history is in front."""
    app = make_app()
    app.on_mount = lambda: None  # type: ignore[method-assign]
    return app


async def open_history(pilot: Pilot[Any], learner: str) -> None:
    """Show ``learner``'s history and wait until the attempts are scored."""
    pilot.app.show_history(learner)  # type: ignore[attr-defined]
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def table_rows(app: RoleplayApp) -> list[list[str]]:
    """The attempts table, as text."""
    table: DataTable[str] = app.screen.query_one("#attempts", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


@pytest.mark.asyncio
async def test_history_lists_the_learners_attempts_newest_first(attempts: list[Path]) -> None:
    app = history_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot, "sam patel")
        assert isinstance(app.screen, HistoryScreen)
        rows = table_rows(app)
    assert len(rows) == 4  # Ana's attempt is not Sam's
    assert [row[2] for row in rows] == ["HEAT", "LATER", "LATER", "LATER"]
    assert [row[3] for row in rows][1:] == ["0/100", "84/100", "0/100"]
    assert rows[0][0] == "2025-03-04 09:25"
    assert rows[-1][1] == "The parcel that never came"
    assert rows[1][4] == "customer lost"


@pytest.mark.asyncio
async def test_enter_opens_the_debrief_of_the_attempt_chosen(attempts: list[Path]) -> None:
    app = history_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot, "Sam Patel")
        await pilot.press("down", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        assert app.screen.path == attempts[3]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)


@pytest.mark.asyncio
async def test_the_chart_shows_each_step_over_the_attempts_of_the_model(
    attempts: list[Path],
) -> None:
    app = history_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot, "Sam Patel")
        select: Select[str] = app.screen.query_one("#model", Select)
        assert select.value == "HEAT"  # the latest attempt's model
        select.value = "LATER"
        await pilot.pause()
        chart = str(app.screen.query_one("#chart").content)
    lines = chart.splitlines()
    assert lines[0].split() == ["Listen", "▁█▁", "1/3"]
    assert lines[1].split() == ["Apologise", "▁█▁", "1/3"]
    assert lines[-1].startswith("Score")
    assert "latest 0/100 ↓" in lines[-1]


@pytest.mark.asyncio
async def test_no_attempts_yet_says_so() -> None:
    app = history_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot, "Nobody Yet")
        status = str(app.screen.query_one("#history-status").content)
        assert not app.screen.query_one("#attempts").display
    assert "No attempts by Nobody Yet yet" in status


def test_the_chart_draws_marks_that_differ_in_shape_not_only_colour() -> None:
    drawn = chart_content({"listen": [1, 0, 1]}, [0, 50, 100], {"listen": "Listen"})
    assert drawn.plain.splitlines() == ["Listen  █▁█  2/3", "Score   ▁▄█  latest 100/100 ↑"]
    assert [score_bar(s) for s in (0, 12, 13, 99, 100)] == ["▁", "▁", "▂", "█", "█"]
    assert chart_content({}, []).plain == "No attempts with this model yet."


def test_snapshot_of_the_history(attempts: list[Path], snap_compare: Any) -> None:
    async def show(pilot: Pilot[Any]) -> None:
        await open_history(pilot, "Sam Patel")

    assert snap_compare(history_app(), terminal_size=SIZE, run_before=show)
