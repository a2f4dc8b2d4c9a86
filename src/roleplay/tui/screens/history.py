"""A learner's history: every attempt with its score, and progress per model step over time.

The attempts are found and re-scored from their saved transcripts in a worker (there may
be many). Enter opens an attempt's debrief; the chart below the table shows, for the model
chosen, each step met or missed over the attempts, oldest first, and the scores' trend.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Select, Static

from roleplay.tui.screens.picker import when
from roleplay.tui.widgets.progress_chart import ProgressChart

if TYPE_CHECKING:
    from roleplay.core.history import PastAttempt
    from roleplay.tui.app import RoleplayApp


def outcome_words(outcome: str) -> str:
    """An outcome id as the learner reads it."""
    from roleplay.render.markdown import outcome_label

    return outcome_label(outcome if outcome != "unfinished" else None)


class HistoryScreen(Screen[None]):
    """The attempts of one learner, newest first, and their progress with each model."""

    CSS_PATH = "history.tcss"
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("enter", "open", "Open debrief", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, learner: str) -> None:
        super().__init__()
        self.learner = learner
        self.attempts: list[PastAttempt] = []

    @property
    def roleplay(self) -> RoleplayApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        """A title, the table of attempts, and the chart with its choice of model."""
        yield Header()
        with Vertical(id="history"):
            yield Static(
                Content.from_markup("Attempts by [b]$name[/b]", name=self.learner),
                id="history-title",
            )
            yield Static("Finding your attempts…", id="history-status")
            table: DataTable[str] = DataTable(id="attempts", cursor_type="row", zebra_stripes=True)
            table.add_columns("Date", "Scenario", "Model", "Score", "Outcome")
            yield table
            with Vertical(id="progress"):
                with Horizontal(id="progress-bar"):
                    yield Label("Progress with", id="progress-label")
                    yield Select[str]([], allow_blank=True, prompt="model", id="model")
                yield ProgressChart(id="chart")
        yield Footer()

    def on_mount(self) -> None:
        """Find and re-score the attempts in the background."""
        self.query_one("#attempts").display = False
        self.query_one("#progress").display = False
        self.load()

    @work(exclusive=True, group="history")
    async def load(self) -> None:
        """Read the learner's attempts in a thread, then show them."""
        from roleplay.core.history import past_attempts

        attempts = await asyncio.to_thread(
            past_attempts, self.learner, self.roleplay.attempts_folder, self.roleplay.library()
        )
        self.show_attempts(attempts)

    def show_attempts(self, attempts: list[PastAttempt]) -> None:
        """Fill the table (newest first) and the chart, or say there is nothing yet."""
        self.attempts = attempts
        status = self.query_one("#history-status", Static)
        if not attempts:
            status.update(
                Content.from_markup(
                    "No attempts by [b]$name[/b] yet. Choose a scenario on the picker and have "
                    "a go: each attempt, its score and your progress with each model will be "
                    "shown here.",
                    name=self.learner,
                )
            )
            return
        status.display = False
        table: DataTable[str] = self.query_one("#attempts", DataTable)
        table.display = True
        table.clear()
        for index, attempt in reversed(list(enumerate(attempts))):
            proof = attempt.integrity.proof if attempt.integrity is not None else None
            if proof is not None and proof.counts:
                edited = ""
            else:
                edited = f" ({proof.label if proof is not None else 'not checked'})"
            table.add_row(
                when(attempt.started),
                attempt.scenario_title,
                attempt.framework,
                f"{attempt.score}/100{edited}",
                outcome_words(attempt.outcome),
                key=str(index),
            )
        table.focus()
        models = sorted({a.framework for a in attempts})
        select: Select[str] = self.query_one("#model", Select)
        select.set_options([(m, m) for m in models])
        self.query_one("#progress").display = True
        select.value = attempts[-1].framework

    @on(Select.Changed, "#model")
    def chart_model(self, event: Select.Changed) -> None:
        """Draw the chart for the model chosen."""
        from roleplay.core.errors import UnknownIdError
        from roleplay.core.frameworks import get_framework
        from roleplay.core.history import step_progress

        if not isinstance(event.value, str):
            return
        chosen = [a for a in self.attempts if a.framework.upper() == event.value.upper()]
        try:
            titles = {s.id: s.title for s in get_framework(event.value).steps}
        except UnknownIdError:
            titles = {}
        self.query_one("#chart", ProgressChart).show(
            step_progress(self.attempts, event.value), [a.score for a in chosen], titles
        )

    def selected(self) -> PastAttempt | None:
        """The attempt under the table's cursor."""
        table: DataTable[str] = self.query_one("#attempts", DataTable)
        if not self.attempts or not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return self.attempts[int(str(row_key.value))]

    def action_open(self) -> None:
        """Enter opens the debrief, except in the model list, where it makes the choice."""
        focused = self.focused
        if focused is not None and any(
            isinstance(node, Select) for node in focused.ancestors_with_self
        ):
            raise SkipAction()
        self.open_selected()

    @on(DataTable.RowSelected, "#attempts")
    def open_selected(self) -> None:
        """Open the debrief of the attempt under the cursor."""
        attempt = self.selected()
        if attempt is not None:
            self.roleplay.show_debrief(attempt.path)

    def action_back(self) -> None:
        """Go back to the screen before."""
        self.app.pop_screen()
