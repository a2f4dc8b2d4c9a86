"""The command palette's own commands (Ctrl+P): start a scenario, history, help, exports.

Textual's system commands (theme, keys, screenshot, quit) stay alongside; these add the
app's main actions, so everything a learner does can be found by typing a word of it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from roleplay.core.scenario import LoadedScenario
    from roleplay.tui.app import RoleplayApp


@dataclass(frozen=True, slots=True)
class Command:
    """One palette entry: what it is called, what it does, and a line of help."""

    name: str
    run: Callable[[], object]
    help: str


class RoleplayCommands(Provider):
    """Offers one "Start a scenario" hit per scenario, history, help and, on a debrief,
    the exports and "try again"."""

    scenarios: tuple[LoadedScenario, ...] = ()

    @property
    def roleplay(self) -> RoleplayApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    async def startup(self) -> None:
        """Read the scenarios once per opening of the palette (the picker's, when it has them)."""
        from roleplay.tui.screens.picker import PickerScreen, load_catalogue

        for screen in self.app.screen_stack:
            if isinstance(screen, PickerScreen) and screen.catalogue is not None:
                self.scenarios = screen.catalogue.scenarios
                return
        catalogue = await asyncio.to_thread(load_catalogue, self.roleplay.scenarios_folder)
        self.scenarios = catalogue.scenarios

    def commands(self) -> list[Command]:
        """The commands that make sense on the screen the palette was opened from."""
        from roleplay.tui.screens.debrief import DebriefScreen

        found: list[Command] = []
        screen = self.screen
        if isinstance(screen, DebriefScreen):
            found += [
                Command(
                    "Export the debrief as Markdown",
                    partial(screen.action_export, "md"),
                    "Write a .md file and show its full path",
                ),
                Command(
                    "Export the debrief as HTML",
                    partial(screen.action_export, "html"),
                    "Write a web page and show its full path",
                ),
                Command(
                    "Try this scenario again",
                    screen.action_try_again,
                    "A new attempt with the same name, model and mode",
                ),
            ]
        found += [
            Command("Open history", self.open_history, "Your attempts, scores and progress"),
            Command("Help", self.roleplay.action_help, "The keys of each screen"),
        ]
        for loaded in self.scenarios:
            s = loaded.scenario
            found.append(
                Command(
                    f"Start a scenario: {s.title}",
                    partial(self.start, s.id),
                    f"{s.sector} · {s.channel.value} · {s.difficulty.value}",
                )
            )
        return found

    async def discover(self) -> Hits:
        """Everything on offer, before anything is typed."""
        for command in self.commands():
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        """The commands whose names match what was typed, best first."""
        matcher = self.matcher(query)
        for command in self.commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, help=command.help)

    def learner(self) -> str:
        """The learner's name: signed in, typed on the picker, shown on this screen, remembered."""
        from roleplay.core.settings import load_settings
        from roleplay.tui.screens.picker import PickerScreen

        if self.roleplay.signed_in is not None:
            return self.roleplay.signed_in
        screen = self.screen
        if isinstance(screen, PickerScreen):
            return screen.choices().learner
        named = getattr(screen, "learner", None)
        if isinstance(named, str) and named.strip():
            return named.strip()
        return str(load_settings().get("learner") or "").strip()

    def open_history(self) -> None:
        """Show the learner's history, or ask for their name first."""
        name = self.learner()
        if not name:
            self.app.notify("Type your name on the picker first.", severity="warning")
            return
        self.roleplay.show_history(name)

    def start(self, scenario_id: str) -> None:
        """Start a scenario: through the picker when it is in front, else with saved choices."""
        from roleplay.core.errors import RoleplayError
        from roleplay.core.settings import load_settings
        from roleplay.tui.app import Choices
        from roleplay.tui.screens.picker import MODES, PickerScreen

        screen = self.screen
        if isinstance(screen, PickerScreen):
            screen.choose(scenario_id)
            return
        name = self.learner()
        if not name:
            self.app.notify("Type your name on the picker first.", severity="warning")
            return
        settings = load_settings()
        framework = settings.get("framework")
        mode = settings.get("mode")
        loaded = next((s for s in self.scenarios if s.scenario.id == scenario_id), None)
        if loaded is None:
            return
        try:
            self.roleplay.start_attempt(
                loaded,
                Choices(
                    learner=name,
                    framework=framework if isinstance(framework, str) and framework else None,
                    mode=mode if mode in MODES else "practice",
                ),
            )
        except RoleplayError as exc:
            self.app.notify(str(exc), title="Cannot start", severity="error", markup=False)
