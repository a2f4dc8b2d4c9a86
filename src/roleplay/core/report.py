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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roleplay.core.analysis_cache import AnalysisCache
from roleplay.core.debrief import ESCALATION_VERDICTS, Scorecard, debrief
from roleplay.core.errors import RoleplayError
from roleplay.core.files import is_folder
from roleplay.core.integrity import Proof
from roleplay.core.scenario import (
    LoadedScenario,
    ScenarioCatalogue,
    find_scenario,
    scenario_catalogue,
)
from roleplay.core.transcript import Transcript, centre_key, load_transcript, verify

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


@dataclass(frozen=True, slots=True)
class Rescored:
    """A transcript, its integrity verdict and the scorecard recomputed from its replies."""

    transcript: Transcript
    integrity: str
    """The verdict in words (:attr:`~roleplay.core.integrity.Integrity.text`)."""
    card: Scorecard
    scenario_changed: bool
    proof: Proof
    """The verdict itself: whether the transcript is signed, unsigned, edited, …"""


def transcript_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Yield the transcript files named, and every ``*.json`` inside the folders named."""
    for path in paths:
        if is_folder(path):
            yield from sorted(p for p in path.rglob("*.json") if not is_folder(p))
        else:
            yield path


def integrity_text(transcript: Transcript, key: bytes | None) -> str:
    """Say in one line what checking a transcript proved (see :mod:`roleplay.core.integrity`)."""
    return verify(transcript, key).text


def rescore(
    transcript: Transcript,
    framework: str | None = None,
    extra: Path | None = None,
    key: bytes | None = None,
    find: Callable[[str], LoadedScenario] | None = None,
    cache: AnalysisCache | None = None,
) -> Rescored:
    """Check a transcript and debrief it again from its replies (under ``framework``).

    ``find`` looks a scenario up by id (default: among the bundled ones and ``extra``'s);
    ``cache`` answers the analyses it holds (default: every reply is analysed).
    """
    loaded = find(transcript.scenario.id) if find else find_scenario(transcript.scenario.id, extra)
    card = debrief(
        loaded.scenario,
        transcript.replies,
        framework or transcript.framework,
        cache.analyse if cache is not None else None,
    )
    checked = verify(transcript, key)
    return Rescored(
        transcript,
        checked.text,
        card,
        loaded.digest != transcript.scenario.digest,
        checked.proof,
    )


def report_rows(
    paths: Iterable[Path],
    framework: str | None = None,
    extra: Path | None = None,
    catalogue: ScenarioCatalogue | None = None,
) -> list[dict[str, Any]]:
    """Return one report row per transcript found under ``paths`` (see :data:`COLUMNS`).

    The scenarios are looked up in ``catalogue`` (default: the bundled ones and ``extra``'s,
    read once for the whole cohort).
    """
    key = centre_key()
    find = (catalogue or scenario_catalogue(extra)).find
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
                done = rescore(transcript, framework, extra, key, find, cache)
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


def row(done: Rescored, path: Path) -> dict[str, Any]:
    """Turn one re-scored transcript into a report row."""
    card = done.card
    transcript = done.transcript
    met_steps = sum(1 for s in card.coverage.steps if s.met)
    met_points = sum(1 for p in card.points if p.status == "met")
    integrity = done.integrity
    if done.scenario_changed:
        integrity += " (the scenario has changed since)"
    return {
        "learner": transcript.learner,
        "scenario": transcript.scenario.id,
        "scenario_title": transcript.scenario.title,
        "framework": card.framework.id,
        "date": transcript.started,
        "score": card.score.total,
        "steps_met": f"{met_steps}/{len(card.coverage.steps)}",
        "points_met": f"{met_points}/{len(card.points)}",
        "flags": len(card.flags),
        "escalation": ESCALATION_VERDICTS[card.escalation],
        "outcome": card.outcome or "unfinished",
        "integrity": integrity,
        "file": str(path),
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
    }
