"""The review of an attempt: the one way a saved (or live) attempt becomes its debrief.

:func:`review` takes a saved attempt (a :class:`~roleplay.core.transcript.Transcript`), the
model to mark it under (None: the one it was practised under) and the
:class:`~roleplay.core.library.ScenarioLibrary` to find its scenario in. It checks the
transcript's hash chain, plays the saved replies through the scenario again (the engine is
deterministic, so an attempt can be re-marked under any model) and returns a typed
:class:`Review`: the :class:`~roleplay.core.debrief.Scorecard`, who made the attempt and
when, what the integrity check proved (an :class:`~roleplay.core.integrity.Integrity`, its
verdict an enum and its reasons a tuple, never words to be parsed back), and whether the
scenario file has changed since.

``roleplay debrief``, the app's debrief and history screens and the cohort report all call
it; ``roleplay run`` builds a review of its live attempt with :func:`review_live`. Every
view (Markdown, HTML, the app, JSON) is rendered from the review.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from roleplay.core.debrief import Scorecard, debrief, scorecard
from roleplay.core.integrity import Integrity, Proof
from roleplay.core.transcript import Transcript, verify

if TYPE_CHECKING:
    from roleplay.core.dialogue import Analyser
    from roleplay.core.library import ScenarioLibrary
    from roleplay.core.transcript import Attempt

SCENARIO_CHANGED = "the scenario file has changed since this attempt was made"
"""The warning of a review whose scenario file is not the one the attempt was made with."""


@dataclass(frozen=True, slots=True)
class AttemptInfo:
    """Which saved attempt a review is of, and when it was made."""

    id: str
    started: str
    """When the attempt began (ISO 8601, as saved)."""
    finished: str | None
    """When it ended, or None for an attempt left unfinished."""
    scenario_id: str
    scenario_title: str
    """The scenario's title when the attempt was made (it may have been retitled since)."""
    framework: str
    """The model the attempt was practised under (the review may mark it under another)."""
    mode: str
    """``practice`` or ``assessment``."""


@dataclass(frozen=True, slots=True)
class Review:
    """Everything every view shows about one attempt, typed."""

    card: Scorecard
    """The debrief: model steps, marking points (:class:`~roleplay.core.debrief.Verdict`),
    escalation (:class:`~roleplay.core.debrief.Escalation`), flags, advice, score."""
    learner: str | None
    attempt: AttemptInfo | None = None
    """The saved attempt reviewed (None for a scorecard of replies never saved)."""
    integrity: Integrity | None = None
    """What checking the saved attempt proved (None when nothing was checked)."""
    scenario_changed: bool = False
    """True when the scenario file is not the one the attempt was made with."""

    @property
    def proof(self) -> Proof | None:
        """The integrity verdict, or None when nothing was checked."""
        return self.integrity.proof if self.integrity is not None else None

    @property
    def counts(self) -> bool:
        """Whether the score may be used in a cohort's figures (an unchecked one may not)."""
        return self.integrity is not None and self.integrity.proof.counts

    @property
    def flagged(self) -> bool:
        """True when a check was made and it means the score cannot be trusted."""
        return self.integrity is not None and not self.integrity.proof.counts

    @property
    def warnings(self) -> tuple[str, ...]:
        """What a reader should be told before trusting the debrief."""
        return (SCENARIO_CHANGED,) if self.scenario_changed else ()


def review(
    attempt: Transcript,
    model: str | None,
    library: ScenarioLibrary,
    *,
    key: bytes | None = None,
    analyser: Analyser | None = None,
) -> Review:
    """Check a saved attempt and debrief it again from its replies (see the module docs).

    ``model`` is a model id (None: the attempt's own); ``key`` the centre's key (None: the
    chain is checked as unsigned); ``analyser`` answers each reply's analysis (such as an
    :class:`~roleplay.core.analysis_cache.AnalysisCache`'s ``analyse``).

    Raises :class:`~roleplay.core.errors.UnknownIdError` when the library has no scenario
    of the attempt's id, or the model is unknown.
    """
    loaded = library.find(attempt.scenario.id)
    card = debrief(loaded.scenario, attempt.replies, model or attempt.framework, analyser)
    return Review(
        card=card,
        learner=attempt.learner,
        attempt=AttemptInfo(
            attempt.id,
            attempt.started,
            attempt.finished,
            attempt.scenario.id,
            attempt.scenario.title,
            attempt.framework,
            attempt.mode,
        ),
        integrity=verify(attempt, key),
        scenario_changed=loaded.digest != attempt.scenario.digest,
    )


def review_live(attempt: Attempt, model: str | None = None, *, key: bytes | None = None) -> Review:
    """Review an attempt still in hand (``roleplay run``): its session is marked as played.

    ``model`` is a model id (None: the attempt's own); the integrity is that of the attempt
    as saved so far, checked with ``key``.
    """
    saved = attempt.transcript()
    return Review(
        card=scorecard(attempt.session, model or attempt.framework),
        learner=attempt.learner,
        attempt=AttemptInfo(
            saved.id,
            saved.started,
            saved.finished,
            saved.scenario.id,
            saved.scenario.title,
            saved.framework,
            saved.mode,
        ),
        integrity=verify(saved, key),
    )


__all__ = ["SCENARIO_CHANGED", "AttemptInfo", "Review", "review", "review_live"]
