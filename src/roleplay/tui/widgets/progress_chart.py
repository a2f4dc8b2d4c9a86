"""A small chart of a learner's progress with one model: each step, met or missed, over time.

One row a step, one cell an attempt (oldest on the left): ``█`` met, ``▁`` missed, then how
many of the last attempts met it. A last row draws the scores as bars of eight heights, with
the latest score and an arrow for how it compares with the one before. The marks differ in
shape as well as colour, so the chart reads without colour too; the colours are the theme's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.content import Content
from textual.widgets import Static

BARS = "▁▂▃▄▅▆▇█"
"""Eight bar heights, lowest first."""

MET, MISSED = "█", "▁"

WINDOW = 20
"""At most this many attempts are drawn: the latest ones."""


def score_bar(score: int) -> str:
    """One bar for a 0–100 score."""
    clamped = max(0, min(100, score))
    return BARS[min(len(BARS) - 1, clamped * len(BARS) // 101)]


def chart_content(
    progress: Mapping[str, Sequence[int]],
    scores: Sequence[int],
    titles: Mapping[str, str] | None = None,
) -> Content:
    """Draw the chart: ``progress`` maps each step id to 1 (met) or 0 (missed) per attempt.

    ``scores`` are the same attempts' scores, in the same order; ``titles`` gives each
    step's name (the id is shown where there is none).
    """
    if not progress:
        return Content("No attempts with this model yet.")
    titles = titles or {}
    labels = {step: titles.get(step, step) for step in progress}
    width = max([len(label) for label in labels.values()] + [len("Score")])
    parts: list[str | tuple[str, str]] = []
    for step, record in progress.items():
        shown = list(record)[-WINDOW:]
        parts.append(f"{labels[step]:<{width}}  ")
        for mark in shown:
            parts.append((MET, "$text-success") if mark else (MISSED, "$text-error"))
        parts.append((f"  {sum(shown)}/{len(shown)}\n", "$text-muted"))
    recent = list(scores)[-WINDOW:]
    if recent:
        parts.append(f"{'Score':<{width}}  ")
        parts.append(("".join(score_bar(s) for s in recent), "$text-accent"))
        trend = recent[-1] - recent[-2] if len(recent) > 1 else 0
        arrow = "↑" if trend > 0 else "↓" if trend < 0 else "→"
        parts.append((f"  latest {recent[-1]}/100 {arrow}", "$text-muted"))
    return Content.assemble(*parts)


class ProgressChart(Static):
    """The progress chart of one learner with one model (see :func:`chart_content`)."""

    def show(
        self,
        progress: Mapping[str, Sequence[int]],
        scores: Sequence[int],
        titles: Mapping[str, str] | None = None,
    ) -> None:
        """Redraw the chart for new figures."""
        self.update(chart_content(progress, scores, titles))
