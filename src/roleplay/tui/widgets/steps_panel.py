"""The steps of the complaint-handling model, ticked off as the learner meets them.

Practice mode only. A tick alone would ask the learner to take it on trust, so the panel
quotes the words that met the highlighted step, as the debrief does: a step is never shown
as met without the evidence for it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from roleplay.core.frameworks import Coverage, Framework, Step, StepCoverage

TICK = "✓"
PENDING = "○"


class StepsPanel(Vertical):
    """Each step of a model with a tick once met, and the quoted evidence of the highlighted one."""

    DEFAULT_CSS: ClassVar[str] = """
    StepsPanel {
        height: auto;
    }
    StepsPanel > OptionList {
        height: auto;
        max-height: 12;
        border: none;
        padding: 0;
    }
    StepsPanel > #step-detail {
        height: auto;
        min-height: 2;
        padding: 0 1;
        color: $text-muted;
    }
    """

    def __init__(
        self,
        framework: Framework,
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """List the steps of ``framework``, none of them met yet."""
        super().__init__(id=id, classes=classes)
        self.framework = framework
        self.covered: dict[str, StepCoverage] = {}
        """The steps met so far, by id."""

    def compose(self) -> ComposeResult:
        """The list of steps, then the detail of the highlighted one."""
        yield OptionList(
            *(Option(self._prompt(step), id=step.id) for step in self.framework.steps),
            id="steps-list",
        )
        yield Static(self._detail(None), id="step-detail")

    def on_mount(self) -> None:
        """Title the panel with the model's name."""
        self.border_title = f"Steps of {self.framework.id}"

    @property
    def steps_list(self) -> OptionList:
        """The option list of the steps."""
        return self.query_one("#steps-list", OptionList)

    def show(self, coverage: Coverage) -> list[StepCoverage]:
        """Tick the steps ``coverage`` says are met; return those newly met.

        The first newly met step is highlighted, so its quoted words appear at once.
        """
        newly = [s for s in coverage.steps if s.met and s.id not in self.covered]
        self.covered = {s.id: s for s in coverage.steps if s.met}
        options = self.steps_list
        fresh = {s.id for s in newly}
        changed = [i for i, step in enumerate(self.framework.steps) if step.id in fresh]
        for index in changed:
            options.replace_option_prompt_at_index(index, self._prompt(self.framework.steps[index]))
        if changed:
            options.highlighted = changed[0]
        self._show_detail()
        return newly

    def is_met(self, step_id: str) -> bool:
        """Whether the step called ``step_id`` has been met."""
        return step_id in self.covered

    def next_missing(self) -> Step | None:
        """The first step, in the model's order, not met yet; None when all are."""
        return next((s for s in self.framework.steps if s.id not in self.covered), None)

    @on(OptionList.OptionHighlighted, "#steps-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_detail()

    def _show_detail(self) -> None:
        index = self.steps_list.highlighted
        step = self.framework.steps[index] if index is not None else None
        self.query_one("#step-detail", Static).update(self._detail(step))

    def _prompt(self, step: Step) -> Content:
        if step.id in self.covered:
            return Content.assemble((f"{TICK} ", "bold $success"), step.title)
        return Content.assemble((f"{PENDING} ", "$text-muted"), step.title)

    def _detail(self, step: Step | None) -> Content:
        if step is None:
            return Content("Highlight a step to see the words that met it.")
        met = self.covered.get(step.id)
        if met is None:
            return Content.assemble((step.title, "bold"), ": not shown yet.")
        quote = f"“{met.evidence.quote}”" if met.evidence is not None else "(no words quoted)"
        return Content.assemble(
            (step.title, "bold"), f" — turn {met.first_turn}: ", (quote, "italic $foreground")
        )


__all__ = ["StepsPanel"]
