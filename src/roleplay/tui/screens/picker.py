"""The scenario picker: the first screen of ``roleplay``.

The learner filters the scenarios by typing, reads the highlighted one's brief, chooses a
complaint-handling model and practice or assessment mode, types their name (remembered
between runs) and starts. An unfinished attempt found on start is offered for resuming in a
small dialog.

The picker must be on screen and listing the scenarios in well under a second. Validating
the scenario files takes pydantic and a third of a second, so the list is first drawn from
a quick read of the YAML alone (:func:`preview_rows`), then replaced by the validated
catalogue (:func:`load_catalogue`) as soon as a worker has it; a start asked for before
then simply waits for it. The quick read only ever decides what is shown first: what is
started is always a validated scenario.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Select,
    Static,
)

from roleplay.tui.app import Choices

if TYPE_CHECKING:
    from roleplay.core.problems import Problem
    from roleplay.core.scenario import LoadedScenario
    from roleplay.core.transcript import AttemptSummary
    from roleplay.tui.app import RoleplayApp

SCENARIO_OWN = "scenario"
"""The model choice meaning "the model the scenario itself suggests"."""

MODES = ("practice", "assessment")


@dataclass(frozen=True, slots=True)
class Catalogue:
    """What the picker shows: the scenarios in order, the models, and any loading problems."""

    scenarios: tuple[LoadedScenario, ...]
    frameworks: tuple[tuple[str, str], ...]
    """(id, title) of each bundled model."""
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class ScenarioRow:
    """One line of the list: what the learner reads to choose a scenario."""

    id: str
    title: str
    sector: str
    channel: str
    difficulty: str
    brief: str
    framework: str

    @classmethod
    def of(cls, loaded: LoadedScenario) -> ScenarioRow:
        """The row of a validated scenario."""
        s = loaded.scenario
        return cls(
            s.id, s.title, s.sector, s.channel.value, s.difficulty.value, s.brief, s.framework
        )


def preview_rows(folder: Path | None = None) -> list[ScenarioRow]:
    """Read the list's rows from the scenario files' YAML alone, quickly and leniently.

    A file that cannot be read, or lacks a field the list shows, is left out; the validated
    catalogue that follows says what is wrong with it. Files are read as the catalogue
    reads them (regular files only, within the size limit), so a named pipe or a device
    among them cannot hold the picker up.
    """
    import yaml

    from roleplay.core.files import is_folder, read_file
    from roleplay.core.library import ScenarioLibrary
    from roleplay.core.yamlvalues import COMPOSER, ValueConstructor

    found: dict[str, ScenarioRow] = {}
    for directory in ScenarioLibrary(folder).folders():
        if not is_folder(directory):
            continue
        for path in sorted(directory.glob("*.yaml")):
            raw = read_file(path)
            if not isinstance(raw, bytes):
                continue
            try:
                # The safe composer and constructor: plain data, never objects; a value
                # that cannot be converted is a YAML error like any other.
                root = yaml.compose(raw.decode("utf-8-sig"), Loader=COMPOSER)
                data = ValueConstructor().construct_document(root) if root is not None else None
            except (UnicodeDecodeError, yaml.YAMLError, RecursionError):
                continue
            fields = ("id", "title", "sector", "channel", "difficulty", "brief")
            if not isinstance(data, dict) or not all(
                isinstance(data.get(name), str) for name in fields
            ):
                continue
            framework = data.get("framework")
            found[data["id"]] = ScenarioRow(
                *(data[name] for name in fields),
                framework=framework if isinstance(framework, str) else "LATER",
            )
    return sorted(found.values(), key=lambda r: (r.title.casefold(), r.id))


def load_catalogue(folder: Path | None = None) -> Catalogue:
    """Read the scenario library (the bundled scenarios and ``folder``'s, which win on a
    shared id) and put it in the picker's order, with the models to choose from.

    A broken file does not stop the others from being offered: it is set aside, and its
    problems come back with the catalogue so the screen can say where to look.
    """
    from roleplay.core.frameworks import bundled_frameworks
    from roleplay.core.library import ScenarioLibrary

    library = ScenarioLibrary.load(folder)
    ordered = sorted(library.all(), key=lambda s: (s.scenario.title.casefold(), s.scenario.id))
    frameworks = tuple((f.id, f.title) for f in bundled_frameworks().values())
    return Catalogue(tuple(ordered), frameworks, library.problems)


def _settings() -> dict[str, Any]:
    from roleplay.core.settings import load_settings

    return load_settings()


def _unfinished(app: RoleplayApp) -> list[tuple[Path, AttemptSummary]]:
    from roleplay.core.transcript import unfinished_attempts

    return unfinished_attempts(app.attempts_folder)


def matches(row: ScenarioRow, query: str) -> bool:
    """Whether every word of ``query`` is in the scenario's title, sector, channel or id."""
    haystack = " ".join((row.title, row.sector, row.channel, row.id, row.difficulty))
    return all(word in haystack.casefold() for word in query.casefold().split())


def when(iso: str) -> str:
    """Show a saved ISO 8601 time as the learner's local date and time, to the minute."""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class ResumeScreen(ModalScreen[bool]):
    """Offer to carry on an unfinished attempt: True to resume, False for "not now"."""

    CSS_PATH = "picker.tcss"
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("r", "resume", "Resume"),
        Binding("escape,n", "not_now", "Not now"),
    ]

    def __init__(self, summary: AttemptSummary) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        """A short account of the attempt, and two buttons."""
        s = self.summary
        with Vertical(id="resume-dialog"):
            yield Label("Carry on where you left off?", id="resume-title")
            yield Static(
                Content.from_markup(
                    "[b]$title[/b]\n$who · $model · $mode · started $started · "
                    "$turns so far\n\nThe customer last said: [i]“$line”[/i]",
                    title=s.scenario_title,
                    who=s.learner,
                    model=s.framework,
                    mode=s.mode,
                    started=when(s.started),
                    turns=f"{s.turns} {'reply' if s.turns == 1 else 'replies'}",
                    line=s.last_line,
                ),
                id="resume-body",
            )
            with Horizontal(id="resume-buttons"):
                yield Button("Resume", variant="primary", id="resume")
                yield Button("Not now", id="not-now")
        yield Footer()

    @on(Button.Pressed, "#resume")
    def action_resume(self) -> None:
        """Resume the attempt."""
        self.dismiss(True)

    @on(Button.Pressed, "#not-now")
    def action_not_now(self) -> None:
        """Leave the attempt for another time and stay on the picker."""
        self.dismiss(False)


COLUMN_WIDTHS: tuple[tuple[str, int], ...] = (
    ("Title", 29),
    ("Sector", 11),
    ("Channel", 13),
    ("Difficulty", 13),
)
"""The scenario list's columns and their widths in cells."""


class PickerScreen(Screen[None]):
    """Choose a scenario, a model, a mode and your name, then start."""

    CSS_PATH = "picker.tcss"
    AUTO_FOCUS = "#filter"
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("enter", "start", "Start", priority=True),
        Binding("f2", "history", "History"),
        Binding("down", "cursor(1)", "Next", show=False),
        Binding("up", "cursor(-1)", "Previous", show=False),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.catalogue: Catalogue | None = None
        """The validated scenarios and models, once a worker has loaded them."""
        self.is_ready = False
        """True once the catalogue and the remembered choices are in: a start can go ahead."""
        self._rows: list[ScenarioRow] = []
        self._shown: list[ScenarioRow] = []
        self._offered_resume = False
        self._start_waiting = False

    @property
    def roleplay(self) -> RoleplayApp:
        """The app, typed: the picker asks it to move on to other screens."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        """The filter and the list on the left; brief and choices on the right."""
        yield Header()
        with Horizontal(id="picker"):
            with Vertical(id="list-pane"):
                yield Input(
                    placeholder="Type to filter by title, sector or channel",
                    id="filter",
                )
                table: DataTable[str] = DataTable(
                    id="scenarios", cursor_type="row", zebra_stripes=True
                )
                # Fixed widths: auto widths would depend on which rows were shown first.
                for label, width in COLUMN_WIDTHS:
                    table.add_column(label, width=width)
                yield table
                with VerticalScroll(id="brief-pane"):
                    yield Static("Loading the scenarios…", id="brief")
            with Vertical(id="choices-pane"):
                yield Label("Complaint-handling model", classes="field-label")
                yield Select(
                    [("The scenario's own model", SCENARIO_OWN)],
                    value=SCENARIO_OWN,
                    allow_blank=False,
                    id="framework",
                )
                yield Label("Mode", classes="field-label")
                with RadioSet(id="mode"):
                    yield RadioButton("Practice (with hints)", value=True, id="practice")
                    yield RadioButton("Assessment (no hints)", id="assessment")
                signed_in = self.roleplay.signed_in
                yield Label(
                    "Your name" if signed_in is None else "Signed in as", classes="field-label"
                )
                yield Input(
                    signed_in or "",
                    placeholder="Your name, to keep your attempts under",
                    id="learner",
                    disabled=signed_in is not None,
                )
                yield Button("Start", variant="primary", id="start")
                yield Static(
                    "Type to filter, ↑ ↓ to choose, Enter to start. Tab moves between the "
                    "choices; F2 shows your history.",
                    id="picker-hint",
                )
        yield Footer()

    def on_mount(self) -> None:
        """Load the scenarios in the background once the screen is drawn, so it is at once."""
        self.call_after_refresh(self.load)

    @work(exclusive=True, group="catalogue")
    async def load(self) -> None:
        """List the scenarios from a quick read, then load and check them fully.

        Each step runs in a thread, so the screen keeps taking keys; each slower step starts
        after the one before is drawn, so it does not hold the drawing back.
        """
        folder = self.roleplay.scenarios_folder
        rows = await asyncio.to_thread(preview_rows, folder)
        if self.catalogue is None:
            self.show_rows(rows)
        await self._drawn()
        self.show_catalogue(await asyncio.to_thread(load_catalogue, folder))
        await self._drawn()
        self.apply_settings(await asyncio.to_thread(_settings))
        self.is_ready = True
        self.roleplay.warm_up_scorer()  # the scorer loads while the learner chooses
        if self._start_waiting:
            self._start_waiting = False
            self.start()
        self.offer_resume(await asyncio.to_thread(_unfinished, self.roleplay))

    async def _drawn(self) -> None:
        """Wait until the screen has been drawn with the latest changes."""
        drawn = asyncio.Event()
        self.call_after_refresh(drawn.set)
        await drawn.wait()

    def show_rows(self, rows: list[ScenarioRow]) -> None:
        """List these scenarios, keeping the filter and, where it can, the highlighted one."""
        self._rows = rows
        self.refilter()

    def show_catalogue(self, catalogue: Catalogue) -> None:
        """Fill the model choice and the list from the validated catalogue; report problems."""
        self.catalogue = catalogue
        select: Select[str] = self.query_one("#framework", Select)
        options = [("The scenario's own model", SCENARIO_OWN)]
        options += [(f"{fid} – {title}", fid) for fid, title in catalogue.frameworks]
        select.set_options(options)
        select.value = SCENARIO_OWN
        rows = [ScenarioRow.of(loaded) for loaded in catalogue.scenarios]
        if rows != self._rows:
            self.show_rows(rows)
        if catalogue.problems:
            self.notify_set_aside(catalogue.problems)

    def notify_set_aside(self, problems: tuple[Problem, ...]) -> None:
        """Say which scenario files were left out of the list, and the first reason why."""
        files = len({p.file for p in problems})
        more = len(problems) - 1
        folder = self.roleplay.scenarios_folder
        command = f"roleplay validate {folder}" if folder is not None else "roleplay validate"
        self.notify(
            f"{problems[0]}"
            + (f" (and {more} more problem{'s' if more != 1 else ''})" if more else "")
            + f"\nRun '{command}' for details; the other scenarios can be used as usual.",
            title=f"{files} scenario file{'s' if files != 1 else ''} set aside",
            severity="warning",
            markup=False,
        )

    def apply_settings(self, settings: dict[str, Any]) -> None:
        """Put back the name, model and mode chosen last time (a name typed already stays).

        A signed-in learner's name is theirs alone: no remembered name replaces it.
        """
        name = self.query_one("#learner", Input)
        if (
            self.roleplay.signed_in is None
            and not name.value
            and isinstance(settings.get("learner"), str)
        ):
            name.value = settings["learner"]
        if settings.get("mode") == "assessment":
            self.query_one("#assessment", RadioButton).value = True
        remembered = str(settings.get("framework") or "").upper()
        known = {fid for fid, _ in self.catalogue.frameworks} if self.catalogue else set()
        if remembered in known:
            self.query_one("#framework", Select).value = remembered

    def offer_resume(self, unfinished: list[tuple[Path, AttemptSummary]]) -> None:
        """Offer the latest unfinished attempt of this learner (or anyone's, with no name)."""
        if self._offered_resume or not unfinished:
            return
        name = self.choices().learner.casefold()
        mine = [item for item in unfinished if not name or item[1].learner.casefold() == name]
        if not mine:
            return
        self._offered_resume = True
        path, summary = mine[0]

        def answered(resume: bool | None) -> None:
            if resume:
                self.resume(path)

        self.app.push_screen(ResumeScreen(summary), answered)

    def resume(self, path: Path) -> None:
        """Ask the app to carry the attempt on; say why if it cannot be."""
        from roleplay.core.errors import RoleplayError

        try:
            self.roleplay.resume_attempt(path)
        except RoleplayError as exc:
            self.notify(str(exc), title="Cannot resume", severity="error", markup=False)

    @on(Input.Changed, "#filter")
    def refilter(self) -> None:
        """Show only the scenarios whose title, sector, channel or id match the filter."""
        query = self.query_one("#filter", Input).value
        table: DataTable[str] = self.query_one("#scenarios", DataTable)
        before = self.highlighted()
        self._shown = [row for row in self._rows if matches(row, query)]
        table.clear()
        for row in self._shown:
            table.add_row(row.title, row.sector, row.channel, row.difficulty, key=row.id)
        ids = [row.id for row in self._shown]
        if ids:
            table.move_cursor(row=ids.index(before.id) if before and before.id in ids else 0)
        self.show_brief(self.highlighted())

    def highlighted(self) -> ScenarioRow | None:
        """The scenario under the list's cursor, or None when the list is empty."""
        table: DataTable[str] = self.query_one("#scenarios", DataTable)
        if not self._shown or not 0 <= table.cursor_row < len(self._shown):
            return None
        return self._shown[table.cursor_row]

    @on(DataTable.RowHighlighted, "#scenarios")
    def _highlight_changed(self) -> None:
        self.show_brief(self.highlighted())

    def show_brief(self, row: ScenarioRow | None) -> None:
        """Show the highlighted scenario's brief, or why there is none."""
        brief = self.query_one("#brief", Static)
        if row is None:
            query = self.query_one("#filter", Input).value
            brief.update(
                Content.from_markup("No scenario matches “$query”.", query=query)
                if query
                else "No scenarios to show."
            )
            return
        brief.update(
            Content.from_markup(
                "[b]$title[/b]\n[dim]$sector · $channel · $difficulty · suggested model "
                "$model[/dim]\n\n$brief",
                title=row.title,
                sector=row.sector,
                channel=row.channel,
                difficulty=row.difficulty,
                model=row.framework,
                brief=row.brief.strip(),
            )
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Arrow keys move the list only while the filter has focus."""
        if action == "cursor":
            return self.focused is self.query_one("#filter", Input)
        return True

    def action_cursor(self, step: int) -> None:
        """Move through the list while typing in the filter."""
        table: DataTable[str] = self.query_one("#scenarios", DataTable)
        if self._shown:
            table.move_cursor(row=max(0, min(len(self._shown) - 1, table.cursor_row + step)))

    def action_clear_filter(self) -> None:
        """Empty the filter and go back to it."""
        box = self.query_one("#filter", Input)
        box.value = ""
        box.focus()

    def choices(self) -> Choices:
        """What the learner has chosen: their name, the model (None: the scenario's), mode."""
        chosen = self.query_one("#framework", Select).value
        framework = chosen if isinstance(chosen, str) and chosen != SCENARIO_OWN else None
        pressed = self.query_one("#mode", RadioSet).pressed_button
        return Choices(
            learner=self.roleplay.signed_in or self.query_one("#learner", Input).value.strip(),
            framework=framework,
            mode=pressed.id if pressed is not None and pressed.id in MODES else "practice",
        )

    def choose(self, scenario_id: str) -> None:
        """Put the cursor on a scenario (clearing the filter if it hides it), then start."""
        box = self.query_one("#filter", Input)
        if not any(row.id == scenario_id for row in self._shown):
            with box.prevent(Input.Changed):
                box.value = ""
            self.refilter()
        for index, row in enumerate(self._shown):
            if row.id == scenario_id:
                self.query_one("#scenarios", DataTable).move_cursor(row=index)
                break
        self.start()

    def action_start(self) -> None:
        """Enter starts, except where it opens or sets a choice (the model list, the mode)."""
        focused = self.focused
        if focused is not None and any(
            isinstance(node, Select | RadioSet) for node in focused.ancestors_with_self
        ):
            raise SkipAction()
        self.start()

    @on(DataTable.RowSelected, "#scenarios")
    @on(Button.Pressed, "#start")
    def start(self) -> None:
        """Start the highlighted scenario with the choices made; an empty name is refused.

        Asked for before the scenarios are fully loaded, the start waits for them.
        """
        if not self.is_ready or self.catalogue is None:
            self._start_waiting = True
            return
        from roleplay.core.errors import RoleplayError
        from roleplay.core.settings import save_settings

        row = self.highlighted()
        loaded = next(
            (s for s in self.catalogue.scenarios if row and s.scenario.id == row.id), None
        )
        if loaded is None:
            self.notify("Choose a scenario first.", severity="warning")
            self.query_one("#filter", Input).focus()
            return
        choices = self.choices()
        if not choices.learner:
            self.notify(
                "Type your name first, so your attempt can be kept under it.",
                title="Your name is needed",
                severity="warning",
            )
            self.query_one("#learner", Input).focus()
            return
        save_settings(
            learner=choices.learner,
            framework=choices.framework,
            mode=choices.mode,
        )
        try:
            self.roleplay.start_attempt(loaded, choices)
        except RoleplayError as exc:
            self.notify(str(exc), title="Cannot start", severity="error", markup=False)

    def action_history(self) -> None:
        """Open the history of the learner named on this screen (or the signed-in one)."""
        name = self.choices().learner
        if not name:
            self.notify("Type your name first, to see your attempts.", severity="warning")
            self.query_one("#learner", Input).focus()
            return
        self.roleplay.show_history(name)
