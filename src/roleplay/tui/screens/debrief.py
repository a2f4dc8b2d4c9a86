"""The debrief of one saved attempt, re-scored from its replies as ``roleplay debrief`` does.

It shows the score and outcome, whether the transcript is as it was saved, each step of the
model with the turn and the learner's own words, each marking point with its status and
evidence (or what was missing), red flags quoted, the escalation verdict, what happened and
why, and what to do next time. From here the learner exports the debrief to Markdown or
HTML (the full path is shown), or tries the same scenario again.

The wording comes from :func:`roleplay.render.markdown.scorecard_view`, the same words the
exported files use, so the screen and the files never disagree.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Static

from roleplay.tui.screens.picker import when

if TYPE_CHECKING:
    from roleplay.core.library import ScenarioLibrary
    from roleplay.core.review import Review
    from roleplay.render.markdown import QuoteView, ScorecardView
    from roleplay.tui.app import RoleplayApp

FORMATS = {"md": "Markdown", "html": "HTML"}


def review_of(path: Path, framework: str | None, library: ScenarioLibrary) -> Review:
    """Load a saved attempt and review it (:func:`roleplay.core.review.review`) under
    ``framework`` (None: its own), as ``roleplay debrief`` does.

    Raises :class:`~roleplay.core.errors.RoleplayError` for a damaged file, an unknown
    scenario or model, or an unreadable centre key.
    """
    from roleplay.core.analysis_cache import AnalysisCache
    from roleplay.core.review import review
    from roleplay.core.transcript import centre_key, load_transcript

    saved = load_transcript(path)
    cache = AnalysisCache()
    done = review(saved, framework, library, key=centre_key(), analyser=cache.analyse)
    cache.save()
    return done


def exports_dir() -> Path:
    """Where exported debriefs go: ``roleplay`` in the learner's Documents folder.

    When ``ROLEPLAY_DATA_DIR`` is set (a centre's shared set-up, or a test), or there is no
    Documents folder, they go to ``exports`` in the data folder instead, beside the attempts.
    """
    from roleplay.core.transcript import DATA_ENV, data_dir

    if not os.environ.get(DATA_ENV):
        import platformdirs

        documents = Path(platformdirs.user_documents_dir())
        if documents.is_dir():
            return documents / "roleplay"
    return data_dir() / "exports"


def export_name(done: Review, fmt: str) -> str:
    """A file name from the scenario, the attempt's start (local time) and the model."""
    scenario = done.card.scenario.id or "attempt"
    started = done.attempt.started if done.attempt is not None else ""
    stamp = when(started).replace(" ", "-").replace(":", "") if started else "undated"
    framework = done.card.framework.id.lower()
    safe = "".join(
        c if c.isalnum() or c in "-_" else "-" for c in f"{scenario}-{stamp}-{framework}"
    )
    return f"{safe.strip('-')}.{fmt}"


def _quote(q: QuoteView) -> Content:
    """One quoted piece of evidence: ``turn 2: “…” (what it shows)``."""
    return Content.from_markup(
        "[$text-muted]turn $turn:[/] [i]“$quote”[/i]$shows",
        turn=str(q.turn) if q.turn is not None else "?",
        quote=q.quote,
        shows=f" ({q.shows})" if q.shows else "",
    )


class DebriefScreen(Screen[None]):
    """The debrief of a saved attempt: score, steps, marking points, flags, advice."""

    CSS_PATH = "debrief.tcss"
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("m", "export('md')", "Export Markdown"),
        Binding("h", "export('html')", "Export HTML"),
        Binding("t", "try_again", "Try again"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, path: Path, framework: str | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.framework = framework
        self.result: Review | None = None
        self.exported: dict[str, Path] = {}

    @property
    def roleplay(self) -> RoleplayApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        """A scrolling page, filled in once the attempt has been re-scored."""
        yield Header()
        with VerticalScroll(id="debrief"):
            yield Static("Working out the debrief…", id="debrief-status")
        yield Static(id="exported")
        yield Footer()

    def on_mount(self) -> None:
        """Re-score the attempt in the background."""
        self.load()

    @work(exclusive=True, group="debrief")
    async def load(self) -> None:
        """Re-score in a thread; a damaged or unknown transcript is shown, not raised."""
        from roleplay.core.errors import RoleplayError

        try:
            result = await asyncio.to_thread(
                review_of, self.path, self.framework, self.roleplay.library()
            )
        except RoleplayError as exc:
            self.show_error(str(exc))
            return
        self.result = result
        await self.show(result)

    def show_error(self, message: str) -> None:
        """Say the attempt cannot be debriefed, and why, in place of the debrief."""
        status = self.query_one("#debrief-status", Static)
        status.add_class("error")
        status.update(
            Content.from_markup(
                "[b]This attempt cannot be debriefed.[/b]\n\n$path\n\n$message\n\n"
                "Press Escape to go back.",
                path=str(self.path),
                message=message,
            )
        )

    async def show(self, result: Review) -> None:
        """Replace the status line with the debrief's sections."""
        from roleplay.render.markdown import scorecard_view

        view = scorecard_view(result)
        page = self.query_one("#debrief", VerticalScroll)
        await page.remove_children()
        await page.mount_all(list(self.sections(view, result)))
        page.scroll_home(animate=False)

    def sections(self, v: ScorecardView, result: Review) -> list[Widget]:
        """Every part of the debrief, as widgets, top to bottom."""
        saved = result.attempt
        out: list[Widget] = [
            Static(Content(v.title), classes="title"),
            Static(
                Content.from_markup(
                    "$learner · model $framework · $mode · started $started",
                    learner=v.learner,
                    framework=v.framework,
                    mode=saved.mode if saved is not None else "practice",
                    started=when(saved.started) if saved is not None else "not recorded",
                ),
                classes="meta",
            ),
            Static(
                Content.from_markup(
                    "[b]Score $score[/b] · outcome: $outcome", score=v.score, outcome=v.outcome
                ),
                id="score",
                classes="good" if v.outcome_good else "poor",
            ),
        ]
        out.append(
            Static(
                Content.from_markup("Transcript: $integrity", integrity=v.integrity),
                classes="warn" if v.integrity_flagged else "meta",
            )
        )
        for warning in result.warnings:
            out.append(Static(Content(f"Note: {warning}"), classes="warn"))

        order = "" if v.in_order is None else (", in order" if v.in_order else ", out of order")
        out.append(
            self._heading(f"Steps of {v.framework}: {v.steps_met} of {len(v.steps)} met{order}")
        )
        for step in v.steps:
            if step.met:
                line = Content.from_markup(
                    "[$text-success]✓[/] [b]$title[/b]  [$text-muted]turn $turn:[/] "
                    "[i]“$quote”[/i]",
                    title=step.title,
                    turn=str(step.first_turn) if step.first_turn is not None else "?",
                    quote=step.evidence,
                )
            else:
                line = Content.from_markup(
                    "[$text-error]✗[/] [b]$title[/b]  [$text-muted]not shown[/]",
                    title=step.title,
                )
            out.append(Static(line, classes="step"))

        out.append(self._heading(f"Marking points: {v.points_summary}"))
        styles = {"met": "$text-success", "partial": "$text-warning", "not_met": "$text-error"}
        for point in v.points:
            out.append(
                Static(
                    Content.assemble(
                        (f"{point.mark} {point.label}", styles.get(point.status, "")),
                        "  ",
                        (point.title, "bold"),
                        "  ",
                        point.text,
                    ),
                    classes="point",
                )
            )
            for quote in point.evidence:
                out.append(Static(_quote(quote), classes="evidence"))
            if point.missing:
                out.append(
                    Static(
                        Content.from_markup("[$text-muted]missing:[/] $what", what=point.missing),
                        classes="evidence",
                    )
                )

        out.append(self._heading("Red flags"))
        if v.flags:
            for flag in v.flags:
                text = _quote(flag)
                if flag.meaning:
                    text = text + Content(f" – {flag.meaning}")
                out.append(Static(Content("⚑ ") + text, classes="flag"))
        else:
            out.append(Static("None: nothing you said counted against you.", classes="meta"))

        out.append(self._heading("Escalation"))
        mark = {True: "✓ ", False: "✗ ", None: ""}[v.escalation_ok]
        out.append(
            Static(
                Content(f"{mark}{v.escalation}. {v.escalation_sentence}".strip()),
                classes={True: "good", False: "poor", None: "meta"}[v.escalation_ok],
            )
        )
        for heading, quotes in (
            ("Rules and limits of your role broken", v.breaches),
            ("The law misstated", v.misstated),
        ):
            if quotes:
                out.append(self._heading(heading))
                out.extend(Static(_quote(q), classes="evidence") for q in quotes)

        if v.causes:
            out.append(self._heading("What happened, and why"))
            out.extend(Static(Content(f"• {cause}"), classes="cause") for cause in v.causes)

        out.append(self._heading("What to do next time"))
        if v.advice:
            for advice in v.advice:
                out.append(
                    Static(
                        Content.from_markup(
                            "[b]$about[/b]\n$suggestion\n[$text-muted]For example:[/] "
                            "[i]“$example”[/i]",
                            about=advice.about,
                            suggestion=advice.suggestion,
                            example=advice.example,
                        ),
                        classes="advice",
                    )
                )
        else:
            out.append(Static("Nothing missed: keep doing what you did.", classes="meta"))

        if v.score_parts is not None:
            parts = v.score_parts
            out.append(self._heading("How the score was worked out"))
            out.append(
                Static(
                    Content(
                        f"marking points {parts.points} + steps {parts.steps} "
                        f"− {parts.penalty} for red flags − {parts.rules_penalty} "
                        f"for rules broken\n{parts.formula}"
                    ),
                    classes="meta",
                )
            )
        return out

    @staticmethod
    def _heading(text: str) -> Static:
        return Static(Content(text), classes="heading")

    def action_export(self, fmt: str) -> None:
        """Write the debrief as Markdown or HTML and show where it went."""
        if self.result is None:
            self.notify("The debrief is not ready yet.", severity="warning")
            return
        done = self.result
        if fmt == "html":
            from roleplay.render.html import scorecard_html

            text = scorecard_html(done)
        else:
            from roleplay.render.markdown import scorecard_markdown

            text = scorecard_markdown(done)
        from roleplay.core.files import export_target
        from roleplay.core.storage import write_atomic

        asked = exports_dir() / export_name(done, fmt)
        target = export_target(asked)
        if isinstance(target, str):
            self.notify(
                f"Could not write {asked}: {target}",
                title="Export failed",
                severity="error",
                markup=False,
            )
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, text.encode("utf-8"), private=False)
        except OSError as exc:
            self.notify(
                f"Could not write {target}: {exc.strerror or exc}",
                title="Export failed",
                severity="error",
                markup=False,
            )
            return
        self.exported[fmt] = target
        self.notify(str(target), title=f"Debrief saved as {FORMATS[fmt]}", markup=False, timeout=10)
        lines = [f"Saved as {FORMATS[f]}: {path}" for f, path in self.exported.items()]
        shown = self.query_one("#exported", Static)
        shown.update(Content("\n".join(lines)))
        shown.display = True

    def action_try_again(self) -> None:
        """Start a new attempt at the same scenario, as the same learner, model and mode."""
        if self.result is None:
            self.notify("The debrief is not ready yet.", severity="warning")
            return
        from roleplay.core.errors import RoleplayError
        from roleplay.tui.app import Choices

        done = self.result
        card = done.card
        try:
            loaded = self.roleplay.library().find(card.scenario.id)
            self.roleplay.start_attempt(
                loaded,
                Choices(
                    learner=done.learner or "learner",
                    framework=card.framework.id,
                    mode=done.attempt.mode if done.attempt is not None else "practice",
                ),
            )
        except RoleplayError as exc:
            self.notify(str(exc), title="Cannot start again", severity="error", markup=False)

    def action_back(self) -> None:
        """Go back to the screen before."""
        self.app.pop_screen()
