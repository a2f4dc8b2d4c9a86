"""A learner's past attempts and their progress, and the settings the app remembers.

The History screen lists a learner's attempts (scenario, model, date, score) and charts
their progress over time per model step; this module finds and scores the attempts from
the saved transcripts (re-scoring each from its replies, as ``debrief`` does), so the screen
only draws. The settings the app remembers are in :mod:`roleplay.core.settings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from roleplay.core.analysis_cache import AnalysisCache
from roleplay.core.errors import RoleplayError
from roleplay.core.integrity import Integrity
from roleplay.core.library import ScenarioLibrary
from roleplay.core.review import review
from roleplay.core.transcript import attempts_dir, centre_key, load_transcript


@dataclass(frozen=True, slots=True)
class PastAttempt:
    """One finished attempt of a learner, re-scored."""

    path: Path
    scenario_id: str
    scenario_title: str
    framework: str
    started: str
    score: int
    outcome: str
    steps_met: tuple[str, ...]
    """Ids of the model steps this attempt met."""
    step_ids: tuple[str, ...]
    """Every step of the model, in order."""
    integrity: Integrity | None
    """What checking the saved attempt proved (None: not checked)."""


def past_attempts(
    learner: str, folder: Path | None = None, library: ScenarioLibrary | None = None
) -> list[PastAttempt]:
    """Return a learner's finished attempts, oldest first; damaged files are skipped.

    Each is reviewed (:func:`roleplay.core.review.review`) with its scenario found in
    ``library`` (default: the bundled scenarios).
    """
    library = library or ScenarioLibrary()
    target = folder or attempts_dir()
    if not target.is_dir():
        return []
    key = centre_key()
    cache = AnalysisCache()
    found: list[PastAttempt] = []
    for path in sorted(target.glob("*.json")):
        try:
            saved = load_transcript(path)
            if saved.learner.casefold() != learner.casefold() or not saved.turns:
                continue
            done = review(saved, None, library, key=key, analyser=cache.analyse)
        except RoleplayError:
            continue
        card = done.card
        found.append(
            PastAttempt(
                path=path,
                scenario_id=saved.scenario.id,
                scenario_title=saved.scenario.title,
                framework=card.framework.id,
                started=saved.started,
                score=card.score.total,
                outcome=card.ending.value,
                steps_met=tuple(s.id for s in card.coverage.steps if s.met),
                step_ids=tuple(s.id for s in card.coverage.steps),
                integrity=done.integrity,
            )
        )
    cache.save()
    found.sort(key=lambda a: a.started)
    return found


def step_progress(attempts: list[PastAttempt], framework: str) -> dict[str, list[int]]:
    """For one model, each step's record over the attempts in order: 1 met, 0 missed."""
    chosen = [a for a in attempts if a.framework.upper() == framework.upper()]
    if not chosen:
        return {}
    steps = chosen[-1].step_ids
    return {step: [1 if step in a.steps_met else 0 for a in chosen] for step in steps}
