"""The cohort report: one row an attempt, recomputed from each transcript's own replies.

An assessor points ``roleplay report`` at many transcripts or folders. Every transcript is
checked (its hash chain, and the centre's key where one is set), its replies are played
through its scenario again and debriefed, and the result becomes one row. The ``integrity``
column says what the check proved (signed, unsigned, edited, …: see
:mod:`roleplay.core.integrity`). A damaged, truncated or edited file never stops the
report: it becomes a row that says what is wrong. Every reply's analysis is kept on disk
(:mod:`roleplay.core.analysis_cache`), so re-marking the same cohort parses nothing again.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from roleplay.core.analysis_cache import AnalysisCache
from roleplay.core.errors import RoleplayError
from roleplay.core.files import is_folder
from roleplay.core.integrity import Proof
from roleplay.core.library import ScenarioLibrary
from roleplay.core.marking import Verdict
from roleplay.core.review import Review, review
from roleplay.core.transcript import Transcript, centre_key, load_transcript

COLUMNS = (
    "learner",
    "scenario",
    "scenario_title",
    "framework",
    "date",
    "score",
    "steps_met",
    "points_met",
    "flags",
    "escalation",
    "outcome",
    "integrity",
    "file",
)
"""The report's columns, in order."""


def transcript_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Yield the transcript files named, and every ``*.json`` inside the folders named."""
    for path in paths:
        if is_folder(path):
            yield from sorted(p for p in path.rglob("*.json") if not is_folder(p))
        else:
            yield path


def report_rows(
    paths: Iterable[Path],
    framework: str | None = None,
    extra: Path | None = None,
    library: ScenarioLibrary | None = None,
) -> list[dict[str, Any]]:
    """Return one report row per transcript found under ``paths`` (see :data:`COLUMNS`).

    Each transcript is reviewed (:func:`roleplay.core.review.review`) under ``framework``
    (default: its own). The scenarios are looked up in ``library`` (default: the bundled
    ones and ``extra``'s, read once for the whole cohort).
    """
    key = centre_key()
    library = library or ScenarioLibrary(extra)
    cache = AnalysisCache()
    rows: list[dict[str, Any]] = []
    files = iter(transcript_files(paths))
    while window := list(itertools.islice(files, WINDOW)):
        loaded: list[tuple[Path, Transcript | str]] = []
        for path in window:
            try:
                loaded.append((path, load_transcript(path)))
            except RoleplayError as exc:
                loaded.append((path, str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
        # Each reply with the customer's line it answered, analysed in batches before the
        # replays ask for them one by one (a replay that takes another path asks afresh).
        cache.analyse_many(
            (turn.reply, turn.customer)
            for _path, transcript in loaded
            if not isinstance(transcript, str)
            for turn in transcript.turns
        )
        for path, transcript in loaded:
            if isinstance(transcript, str):
                rows.append(_damaged(path, transcript))
                continue
            try:
                done = review(transcript, framework, library, key=key, analyser=cache.analyse)
            except RoleplayError as exc:
                rows.append(
                    _damaged(path, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                )
                continue
            rows.append(row(done, path))
    cache.save()
    return rows


WINDOW = 200
"""Transcripts read at a time by :func:`report_rows`, their replies analysed in one batch."""


def row(done: Review, path: Path) -> dict[str, Any]:
    """Turn the review of one saved attempt into a report row.

    Besides the :data:`COLUMNS`, the row holds ``proof``, the integrity verdict itself (a
    :class:`~roleplay.core.integrity.Proof`), which decides whether the score counts.
    """
    card = done.card
    met_steps = sum(1 for s in card.coverage.steps if s.met)
    met_points = sum(1 for p in card.points if p.status is Verdict.MET)
    integrity = done.integrity.text if done.integrity is not None else "not checked"
    if done.scenario_changed:
        integrity += " (the scenario has changed since)"
    return {
        "learner": done.learner,
        "scenario": done.attempt.scenario_id if done.attempt else card.scenario.id,
        "scenario_title": done.attempt.scenario_title if done.attempt else card.scenario.title,
        "framework": card.framework.id,
        "date": done.attempt.started if done.attempt else "",
        "score": card.score.total,
        "steps_met": f"{met_steps}/{len(card.coverage.steps)}",
        "points_met": f"{met_points}/{len(card.points)}",
        "flags": len(card.flags),
        "escalation": card.escalation.text,
        "outcome": card.ending.value,
        "integrity": integrity,
        "file": str(path),
        "proof": done.proof,
    }


def _damaged(path: Path, why: str) -> dict[str, Any]:
    return {
        "learner": "",
        "scenario": "",
        "scenario_title": "",
        "framework": "",
        "date": "",
        "score": None,
        "steps_met": "",
        "points_met": "",
        "flags": 0,
        "escalation": "",
        "outcome": "",
        "integrity": f"damaged: {why}",
        "file": str(path),
        "proof": Proof.DAMAGED,
    }
