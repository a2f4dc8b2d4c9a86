"""The conversation: the learner talks an unhappy customer round, one reply at a time.

The screen only translates. Each reply goes to :meth:`Attempt.step` in a worker thread (a
long reply takes a moment to analyse, and the file is synced to disk), which saves the
turn before it returns; only then does the customer's answer appear, so whatever happens
to the terminal afterwards, nothing shown was unsaved. The side panel holds what a learner
would have on the desk: the brief, the organisation's promise and the policies they may
cite, and, in practice mode only, the model's steps ticked off as they are met, with a hint
key for the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Footer, Header, Static

from roleplay.core.dialogue import Turn
from roleplay.core.ending import Ending, ending_of
from roleplay.core.frameworks import Framework, coverage, get_framework
from roleplay.core.scenario import Scenario
from roleplay.core.transcript import Attempt, SaveError
from roleplay.tui.screens.confirm import ConfirmationModal
from roleplay.tui.widgets.chat_log import ChatLog, ReplyBox
from roleplay.tui.widgets.mood_meter import MoodMeter
from roleplay.tui.widgets.steps_panel import StepsPanel

OUTCOME_WORDS: dict[str, str] = {ending.value: ending.text for ending in Ending}
"""How each outcome (and each ending it amounts to) is said on screen."""

SENDING_DELAY = 0.15
"""Seconds before a reply still on its way is marked "Sending…" (most answer well before)."""

END_QUESTION = "End this conversation now? Your replies so far are saved and will be debriefed."


class ConversationScreen(Screen[None]):
    """Hold one attempt's conversation, from the customer's opening line to its outcome."""

    CSS_PATH = "../conversation.tcss"

    HELP = """
Talk the customer round. Type your reply in the box and press Enter to send it; Ctrl+J
(or Shift+Enter, where your terminal sends it) starts a new line. Each reply is saved
before the customer answers. The side panel shows the customer's mood, your brief, the
organisation's promise and the policies you may cite. In practice mode the model's steps
tick off as you meet them (highlight one to see the words that met it) and F2 suggests the
next step; assessment mode has neither. Ctrl+E ends the conversation early, after asking.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+e",
            "end_conversation",
            "End",
            priority=True,
            tooltip="End the conversation now (asks first); your replies are debriefed",
        ),
        Binding(
            "f2", "hint", "Hint", tooltip="Suggest the next step of the model, with an example"
        ),
        Binding(
            "ctrl+d", "debrief", "Debrief", priority=True, tooltip="See the debrief of this attempt"
        ),
    ]

    @dataclass
    class Answered(Message):
        """The reply was saved and the customer has answered (from the worker thread)."""

        turn: Turn

    @dataclass
    class NotSaved(Message):
        """The reply could not be saved; ``turn`` is the turn kept in memory, if one was made."""

        error: str
        turn: Turn | None

    @dataclass
    class Finished(Message):
        """The learner ended the conversation early; ``error`` says if saving the end failed."""

        error: str | None

    def __init__(self, attempt: Attempt) -> None:
        """Show ``attempt``: its opening line, and its turns so far when it is resumed."""
        super().__init__()
        self.attempt = attempt
        self.scenario: Scenario = attempt.loaded.scenario
        self.framework: Framework = get_framework(attempt.framework)
        self.sending = False
        self._in_flight = ""  # the reply on its way: out of the box until saved, or put back
        """True while a reply is with the worker; Enter does nothing meanwhile."""
        self._unsaved: Turn | None = None
        """A turn made but not saved (disk full, say): the next Enter tries to save it again."""
        self._sending_shown: Timer | None = None

    @property
    def practice(self) -> bool:
        """Whether hints and ticks are shown (practice mode) or not (assessment mode)."""
        return self.attempt.mode == "practice"

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        """The chat and the reply box on the left; mood, steps and the brief on the right."""
        scenario = self.scenario
        yield Header()
        with Horizontal(id="conversation-body"):
            with Vertical(id="talk"):
                yield ChatLog(scenario.customer.name, id="chat-log")
                with Horizontal(id="reply-row"):
                    yield ReplyBox(
                        id="reply",
                        placeholder="Type your reply: Enter sends, Ctrl+J starts a new line",
                    )
                    yield Button("Send", id="send", variant="primary")
                with Horizontal(id="ended-row"):
                    yield Static(id="ended-text")
                    yield Button("See the debrief", id="debrief", variant="success")
            with VerticalScroll(id="side"):
                yield MoodMeter(scenario.customer.mood, id="mood", classes="side-section")
                if self.practice:
                    yield StepsPanel(self.framework, id="steps", classes="side-section")
                yield Static(scenario.brief, id="brief", classes="side-section", markup=False)
                yield Static(self._promise(), id="promise", classes="side-section")
                if scenario.organisation.policies:
                    yield Static(self._policies(), id="policies", classes="side-section")
        yield Footer()

    def on_mount(self) -> None:
        """Title the screen, show the conversation so far and put the cursor in the box."""
        self.title = self.scenario.title
        mode = "Practice" if self.practice else "Assessment"
        self.sub_title = f"{mode} mode · {self.framework.id} · {self.attempt.learner}"
        self.query_one("#mood").border_title = "Customer's mood"
        self.query_one("#brief").border_title = "Your brief"
        self.query_one("#promise").border_title = f"{self.scenario.organisation.name}'s promise"
        if self.scenario.organisation.policies:
            self.query_one("#policies").border_title = "Policies you may cite"
        self._replay()
        for warning in self.attempt.warnings:
            self.notify(
                warning, title="Carried on, with a change", severity="warning", markup=False
            )
        if self.attempt.finished:
            self._show_ended(self.attempt.outcome)
        else:
            self.reply_box.focus()
            self.call_after_refresh(self.take_typed_early)

    def take_typed_early(self) -> None:
        """Put in the box what the learner typed while the screen was opening."""
        if self.attempt.finished or self.reply_box.read_only:
            return
        take = getattr(self.app, "take_typed_early", None)
        typed = take() if callable(take) else ""
        if typed:
            self.reply_box.insert(typed)

    def _promise(self) -> Content:
        lines = [f"• {c.text}" for c in self.scenario.organisation.promise]
        return Content("\n".join(lines))

    def _policies(self) -> Content:
        parts: list[str | tuple[str, str]] = []
        for index, policy in enumerate(self.scenario.organisation.policies):
            if index:
                parts.append("\n")
            name = policy.name[:1].upper() + policy.name[1:]
            parts.extend([(name, "bold"), "\n", policy.summary])
        return Content.assemble(*parts)

    def _replay(self) -> None:
        """Show the opening line and every turn already taken (after a resume)."""
        log = self.chat_log
        turns = self.attempt.turns
        log.say_customer(turns[0].customer if turns else self.attempt.prompt)
        for turn in turns:
            self._show_turn(turn)
        if turns and self.practice:
            self._show_steps()

    # ------------------------------------------------------------------ parts

    @property
    def chat_log(self) -> ChatLog:
        """The conversation so far."""
        return self.query_one(ChatLog)

    @property
    def reply_box(self) -> ReplyBox:
        """Where the learner writes."""
        return self.query_one(ReplyBox)

    @property
    def mood_meter(self) -> MoodMeter:
        """The customer's mood."""
        return self.query_one(MoodMeter)

    # ------------------------------------------------------------------ sending a reply

    @on(ReplyBox.Sent)
    def _reply_sent(self, event: ReplyBox.Sent) -> None:
        event.stop()
        self.send_reply()

    @on(Button.Pressed, "#send")
    def _send_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.send_reply()
        self.reply_box.focus()

    def send_reply(self) -> None:
        """Send what is in the reply box, unless it is empty or a reply is on its way."""
        if self.sending or (self.attempt.finished and self._unsaved is None):
            return
        box = self.reply_box
        if self._unsaved is None and not box.text.strip():
            self.notify(
                "Type a reply first: an empty reply is not sent.",
                title="Nothing to send",
                severity="warning",
                timeout=4,
            )
            return
        self.sending = True
        # the box is free at once for the next reply: what is typed while the customer's
        # answer is worked out stays there; the reply sent is kept until it is saved
        self._in_flight = box.text
        box.clear()
        self._sending_shown = self.set_timer(SENDING_DELAY, self._show_sending)
        if self._unsaved is not None:
            self._save_again(self._unsaved)
        else:
            self._step(self._in_flight)

    def _show_sending(self) -> None:
        """Say the reply is on its way, once it has taken long enough to be noticed."""
        if self.sending:
            self.reply_box.add_class("-sending")
            self.reply_box.border_subtitle = "Sending…"

    @work(thread=True, exclusive=True, group="reply")
    def _step(self, reply: str) -> None:
        """Analyse and save the reply off the event loop, then hand the turn back."""
        before = len(self.attempt.turns)
        try:
            turn = self.attempt.step(reply)
        except SaveError as error:
            turns = self.attempt.turns
            made = turns[-1] if len(turns) > before else None
            self.post_message(self.NotSaved(str(error), made))
            return
        self.post_message(self.Answered(turn))

    @work(thread=True, exclusive=True, group="reply")
    def _save_again(self, turn: Turn) -> None:
        """Try again to save a turn that was made but could not be written."""
        try:
            self.attempt.save()
        except SaveError as error:
            self.post_message(self.NotSaved(str(error), turn))
            return
        self.post_message(self.Answered(turn))

    @on(Answered)
    def _answered(self, message: Answered) -> None:
        self._unsaved = None
        self._in_flight = ""
        with self.app.batch_update():
            self._release_box()
            self._show_turn(message.turn)
            if self.practice:
                self._show_steps()
        if message.turn.analysis.truncated:
            self.notify(
                f"{message.turn.analysis.truncation_note().capitalize()}: the rest is saved "
                "with the attempt but not marked.",
                title="A very long reply",
                severity="warning",
                timeout=12,
                markup=False,
            )
        if self.attempt.finished:
            # The customer's last words first; the end of the conversation on the next frame.
            self.call_after_refresh(self._show_ended, self.attempt.outcome)

    @on(NotSaved)
    def _not_saved(self, message: NotSaved) -> None:
        self._unsaved = message.turn
        box = self.reply_box
        typed = box.text
        # the reply goes back in the box, before anything typed since
        box.text = self._in_flight + (f"\n\n{typed}" if typed.strip() else "")
        self._in_flight = ""
        self._release_box()
        again = "Press Enter to try saving it again." if message.turn else "Try sending it again."
        self.notify(
            f"{message.error}\nYour reply is still in the box. {again}",
            title="Your reply was not saved",
            severity="error",
            timeout=15,
            markup=False,
        )

    def _release_box(self) -> None:
        self.sending = False
        if self._sending_shown is not None:
            self._sending_shown.stop()
            self._sending_shown = None
        box = self.reply_box
        if box.has_class("-sending"):
            box.remove_class("-sending")
            box.border_subtitle = ""

    def _show_turn(self, turn: Turn) -> None:
        """Add the learner's reply and the customer's answer, and move the meter."""
        self.chat_log.exchange(turn.reply, turn.response, change=turn.mood_change)
        self.mood_meter.mood = turn.mood_after

    def _show_steps(self) -> None:
        """Tick the steps the conversation so far has met."""
        found = coverage(self.framework, [t.analysis for t in self.attempt.turns])
        self.query_one(StepsPanel).show(found)

    # ------------------------------------------------------------------ the end

    def _show_ended(self, outcome: str | None, *, early: bool = False) -> None:
        """Say the conversation is over, swap the reply box for the debrief button."""
        if early:
            text = "You ended the conversation early."
        elif outcome is not None:
            # the ending the conversation amounts to, as the debrief will show it: not
            # "escalated correctly" for a hand-over made before anything called for it
            ending = ending_of(self.attempt.session)
            text = f"The conversation has ended ({ending.text})."
        else:
            text = "The conversation has ended."
        self.chat_log.announce(text)
        self.query_one("#ended-text", Static).update(f"{text} Your debrief is ready.")
        self.add_class("-ended")
        self.query_one("#debrief", Button).focus()
        self.refresh_bindings()

    def action_end_conversation(self) -> None:
        """Ask before ending the conversation early; yes ends it and opens the debrief."""
        if self.attempt.finished:
            return
        if self.sending:
            self.notify("Wait for the customer's answer, then end the conversation.", timeout=4)
            return

        def answered(end: bool | None) -> None:
            if end:
                self._finish()
            else:
                self.reply_box.focus()

        self.app.push_screen(
            ConfirmationModal(END_QUESTION, title="End the conversation", yes="End it", no="Go on"),
            answered,
        )

    def on_unmount(self) -> None:
        """Let go of the attempt's file, so that it can be carried on again, here or elsewhere."""
        self.attempt.close()

    @work(thread=True, exclusive=True, group="reply")
    def _finish(self) -> None:
        """Mark the attempt finished and save it, off the event loop."""
        try:
            self.attempt.finish()
        except SaveError as error:
            self.post_message(self.Finished(str(error)))
            return
        self.post_message(self.Finished(None))

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        if message.error is not None:
            self.notify(
                f"{message.error}\nEvery reply was saved as you went; only the end mark is "
                "missing, and the debrief is still complete.",
                title="The end of the conversation was not saved",
                severity="error",
                timeout=15,
                markup=False,
            )
        self._show_ended(None, early=True)
        self.action_debrief()

    @on(Button.Pressed, "#debrief")
    def _debrief_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_debrief()

    def action_debrief(self) -> None:
        """Open the debrief of this attempt, recomputed from its saved replies."""
        if self.attempt.finished:
            self.app.show_debrief(self.attempt.path, self.attempt.framework)

    # ------------------------------------------------------------------ hints

    def action_hint(self) -> None:
        """Suggest the next step of the model not met yet, with something to say for it."""
        if not self.practice or self.attempt.finished:
            return
        step = self.query_one(StepsPanel).next_missing()
        if step is None:
            self.notify(
                f"You have shown every step of {self.framework.id}. Now bring the "
                "conversation to a close.",
                title="Hint",
                timeout=8,
            )
            return
        self.notify(
            f"{step.description}\nTry something like: “{step.example}”",
            title=f"Hint: {step.title}",
            timeout=12,
            markup=False,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show each key only when it can act: no hints in assessment mode, no End once over."""
        finished = self.attempt.finished
        if action == "hint":
            return self.practice and not finished
        if action == "end_conversation":
            return not finished
        if action == "debrief":
            return finished
        return True


__all__ = ["END_QUESTION", "OUTCOME_WORDS", "ConversationScreen"]
