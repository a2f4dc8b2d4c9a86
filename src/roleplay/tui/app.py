"""The roleplay Textual app and the one place that moves between its screens.

Screens ask the app to move on (``start_attempt``, ``resume_attempt``, ``show_debrief``,
``show_history``) rather than pushing each other, so every route through the app is in one
small class, and tests and the command line build the app through :func:`make_app`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding

from roleplay.tui.commands import RoleplayCommands

if TYPE_CHECKING:
    # Only for annotations: importing the scenario models (and pydantic) here would delay
    # the picker's first frame; the picker loads them in a worker.
    from roleplay.core.library import ScenarioLibrary
    from roleplay.core.scenario import LoadedScenario


@dataclass(frozen=True, slots=True)
class Choices:
    """What the learner chose to practise with: who they are, which model, which mode."""

    learner: str
    framework: str | None = None
    mode: str = "practice"


class RoleplayApp(App[None]):
    """Practise handling a complaint: picker, conversation, debrief and history."""

    CSS_PATH = "app.tcss"
    TITLE = "roleplay"
    SUB_TITLE = "complaint-handling practice"
    COMMANDS = App.COMMANDS | {RoleplayCommands}
    """Textual's own commands (theme, keys, quit…) and roleplay's main actions."""
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("f1", "help", "Help"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        *,
        scenarios: Path | None = None,
        start: LoadedScenario | None = None,
        choices: Choices | None = None,
        attempts: Path | None = None,
        learner: str | None = None,
    ) -> None:
        super().__init__()
        self.signed_in = learner
        """The signed-in learner (``roleplay serve``): the only name this app will use."""
        if learner is not None:
            self.sub_title = f"signed in as {learner}"
        self.scenarios_folder = scenarios
        """A tutor's folder of extra scenarios (``--scenarios``), or None."""
        self.attempts_folder = attempts
        """Where attempts are saved (None: the user's data folder)."""
        self._start = start
        self._choices = choices
        self._warming = False
        self.typed_early: list[str] = []
        """What the learner typed before the conversation's reply box could take it (in
        the first second of ``roleplay play``): put in the box when it is ready, not lost."""

    def on_mount(self) -> None:
        """Open straight into a scenario (``roleplay play``), or on the picker."""
        from roleplay.core.keys import key_file_warning

        warning = key_file_warning()
        if warning is not None:
            self.notify(warning, title="Centre key", severity="warning", timeout=15, markup=False)
        if self._start is not None:
            self.start_attempt(self._start, self._choices or Choices(learner="learner"))
            self.call_after_refresh(self.warm_up_scorer)
        else:
            from roleplay.tui.screens.picker import PickerScreen

            # The picker starts the scorer's loading once its own list is loaded.
            self.push_screen(PickerScreen())

    def on_key(self, event: events.Key) -> None:
        """Keep what is typed while the conversation is still opening (its reply box is
        there but not yet taking keys, in the first second of ``roleplay play``), and put
        it in the box once it does, so that the first words of a reply are not lost."""
        from roleplay.tui.widgets.chat_log import ReplyBox

        waiting = self.focused is None or isinstance(self.focused, ReplyBox)
        if self._start is not None and waiting and event.is_printable and event.character:
            self.typed_early.append(event.character)
            event.stop()
            self.set_timer(0.2, self._hand_over_typed_early)

    def _hand_over_typed_early(self) -> None:
        """Give the open conversation what was typed early, if it can take it now (the
        timer may fire as the app closes, when there is no screen left to give it to)."""
        if not self.screen_stack:
            return
        take = getattr(self.screen, "take_typed_early", None)
        if callable(take):
            take()

    def take_typed_early(self) -> str:
        """What was typed before the reply box was ready, once; "" when nothing was."""
        typed = "".join(self.typed_early)
        self.typed_early.clear()
        return typed

    def warm_up_scorer(self) -> None:
        """Load the scorer's rules and language model in the background, once, so that
        the screen keeps taking keys and the first reply is scored without a wait."""
        if not self._warming:
            self._warming = True
            self._warm_up()

    @work(thread=True, exclusive=True, group="scorer", exit_on_error=False)
    def _warm_up(self) -> None:
        """A failure here is reported when a reply is scored, as it would be without it."""
        from roleplay.core.analyse import warm_up

        warm_up()

    def library(self) -> ScenarioLibrary:
        """The scenario library: the bundled scenarios and the tutor's folder's, if one was
        given. Read when first asked (the bundled ones once a process, the folder afresh)."""
        from roleplay.core.library import ScenarioLibrary

        return ScenarioLibrary(self.scenarios_folder)

    def start_attempt(self, loaded: LoadedScenario, choices: Choices) -> None:
        """Begin a new attempt (saved at once) and open the conversation.

        A signed-in learner's attempt is always under their own name.
        """
        from roleplay.core.errors import RoleplayError
        from roleplay.core.transcript import Attempt
        from roleplay.tui.screens.conversation import ConversationScreen

        if self.signed_in is not None:
            choices = replace(choices, learner=self.signed_in)
        try:
            attempt = Attempt.start(
                loaded,
                choices.learner,
                framework=choices.framework,
                mode=choices.mode,
                folder=self.attempts_folder,
            )
        except RoleplayError as exc:
            self._cannot(f"The attempt could not be started: {exc}")
            return
        self.push_screen(ConversationScreen(attempt))

    def resume_attempt(self, path: Path) -> None:
        """Carry on an unfinished attempt where it was left (a signed-in learner: only theirs)."""
        from roleplay.core.errors import RoleplayError
        from roleplay.core.roster import name_key
        from roleplay.core.transcript import load_transcript, resume
        from roleplay.tui.screens.conversation import ConversationScreen

        try:
            if self.signed_in is not None:
                owner = load_transcript(path).learner
                if name_key(owner) != name_key(self.signed_in):
                    self._cannot("That attempt is another learner's, so it cannot be resumed.")
                    return
            attempt = resume(path, library=self.library())
        except RoleplayError as exc:
            self._cannot(f"The attempt could not be resumed: {exc}")
            return
        self.push_screen(ConversationScreen(attempt))

    def _cannot(self, message: str) -> None:
        """Say why something could not be done; with no screen to return to, open the picker."""
        self.notify(message, severity="error", timeout=10)
        if len(self.screen_stack) <= 1:
            from roleplay.tui.screens.picker import PickerScreen

            self.push_screen(PickerScreen())

    def show_debrief(self, path: Path, framework: str | None = None) -> None:
        """Show the debrief of a saved attempt (recomputed from its replies)."""
        from roleplay.tui.screens.conversation import ConversationScreen
        from roleplay.tui.screens.debrief import DebriefScreen

        screen = DebriefScreen(path, framework)
        if isinstance(self.screen, ConversationScreen):
            # The conversation is over: going back from its debrief should not return to it.
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def show_history(self, learner: str) -> None:
        """Show a learner's attempts and their progress (a signed-in learner: only theirs)."""
        from roleplay.tui.screens.history import HistoryScreen

        self.push_screen(HistoryScreen(self.signed_in or learner))

    def action_help(self) -> None:
        """Show the keys of the screen in front, and what each screen is for."""
        from roleplay.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


def make_app(
    *,
    scenarios: Path | None = None,
    start: LoadedScenario | None = None,
    choices: Choices | None = None,
    attempts: Path | None = None,
    learner: str | None = None,
) -> RoleplayApp:
    """Build the app, for the command line and for tests alike.

    ``learner`` fixes the learner's name, as ``roleplay serve`` does for whoever signed in:
    the picker shows it and cannot change it, and attempts and history are only theirs.
    """
    return RoleplayApp(
        scenarios=scenarios, start=start, choices=choices, attempts=attempts, learner=learner
    )
