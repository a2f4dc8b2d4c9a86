"""The cohort report: one row an attempt, as CSV for a spreadsheet and HTML for a reader.

The rows come ready-made (one dictionary an attempt, keys in :data:`COLUMNS`, and the
integrity verdict itself as ``proof``); this module only lays them out. The HTML page lists
every attempt, then sums up each learner and each scenario. An attempt whose transcript was
edited after it was saved, is damaged, is unsigned where the centre signs, or cannot be
checked here, is listed and clearly marked but left out of every mean, best score and share,
because its score cannot be trusted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from roleplay.core.integrity import Proof, proof_of
from roleplay.core.report import COLUMNS
from roleplay.render.html import render
from roleplay.render.markdown import clean, outcome_label

GOOD_OUTCOME_WORDS: frozenset[str] = frozenset({"resolved", "escalated correctly"})
"""Outcomes that count as handled well, after ``_`` becomes a space and case is folded."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """Return one CSV cell: empty for ``None``, and text a spreadsheet will not run.

    A learner may name themselves ``=HYPERLINK(…)``; spreadsheets run a cell that begins
    with ``=``, ``+``, ``-`` or ``@`` as a formula, so such text is prefixed with ``'`` as
    OWASP advises. Numbers are written as they are.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    text = clean(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def report_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """Return the attempts as CSV: a header row, then one row an attempt, columns in
    :data:`COLUMNS` order.

    Cells are quoted where needed (a comma, quote or line break in a name), a damaged
    file's missing score is an empty cell, and lines end with ``\\n``.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(_cell(row.get(key)) for key in COLUMNS)
    return out.getvalue()


def is_counted(row: Mapping[str, Any]) -> bool:
    """Return True when an attempt's score can be trusted and so counts in the summaries.

    Only a scored attempt whose transcript is signed with this centre's key, or unsigned
    where the centre does not sign, counts (see :mod:`roleplay.core.integrity`). A damaged
    file, an edited transcript, an unsigned one where the centre signs, or one signed with
    a key this machine does not have is left out of means, best scores and shares, but still
    listed; so is a row whose integrity says nothing roleplay recognises.
    """
    score = row.get("score")
    if isinstance(score, bool) or not isinstance(score, int | float):
        return False
    proof = _proof(row)
    return proof is not None and proof.counts


def _proof(row: Mapping[str, Any]) -> Proof | None:
    """The row's integrity verdict: its ``proof``, or, in a row written by an earlier version
    that has none, read back from the words of its ``integrity``."""
    proof = row.get("proof")
    if isinstance(proof, Proof):
        return proof
    return proof_of(clean(row.get("integrity")).strip())


def _good_outcome(row: Mapping[str, Any]) -> bool:
    words = " ".join(clean(row.get("outcome")).replace("_", " ").lower().split())
    return words in GOOD_OUTCOME_WORDS


def _flags(row: Mapping[str, Any]) -> int:
    flags = row.get("flags")
    return flags if isinstance(flags, int) and not isinstance(flags, bool) else 0


@dataclass(frozen=True, slots=True)
class AttemptView:
    """One attempt as the report's table shows it."""

    learner: str
    scenario: str
    scenario_title: str
    framework: str
    date: str
    score: str
    steps_met: str
    points_met: str
    flags: str
    escalation: str
    outcome: str
    integrity: str
    file: str
    counted: bool
    signed: bool
    """True when the transcript is signed with this centre's key and checked."""


@dataclass(frozen=True, slots=True)
class LearnerSummary:
    """One learner across their attempts."""

    learner: str
    attempts: int
    counted: int
    mean: str
    best: str
    flags: int


@dataclass(frozen=True, slots=True)
class ScenarioSummary:
    """One scenario across every learner's attempts."""

    scenario: str
    title: str
    attempts: int
    counted: int
    mean: str
    good: str
    """The share resolved or escalated correctly, as ``"50% (1 of 2)"``."""


def _mean(scores: Sequence[float]) -> str:
    return f"{sum(scores) / len(scores):.1f}" if scores else "–"


def _share(hits: int, total: int) -> str:
    return f"{round(100 * hits / total)}% ({hits} of {total})" if total else "–"


def _score(row: Mapping[str, Any]) -> float:
    score = row.get("score")
    return float(score) if isinstance(score, int | float) else 0.0


def _attempt(row: Mapping[str, Any]) -> AttemptView:
    score = row.get("score")
    flags = row.get("flags")
    return AttemptView(
        learner=clean(row.get("learner")) or "not recorded",
        scenario=clean(row.get("scenario")),
        scenario_title=clean(row.get("scenario_title")),
        framework=clean(row.get("framework")),
        date=clean(row.get("date")),
        score="–" if score is None else clean(score),
        steps_met=clean(row.get("steps_met")) or "–",
        points_met=clean(row.get("points_met")) or "–",
        flags="–" if flags is None or score is None else clean(flags),
        escalation=clean(row.get("escalation")) or "–",
        outcome=outcome_label(row.get("outcome")) if row.get("outcome") else "–",
        integrity=clean(row.get("integrity")) or "not checked",
        file=clean(row.get("file")),
        counted=is_counted(row),
        signed=_proof(row) is Proof.SIGNED,
    )


def _group(rows: Sequence[Mapping[str, Any]], key: str) -> dict[str, list[Mapping[str, Any]]]:
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(clean(row.get(key)) or "not recorded", []).append(row)
    return dict(sorted(groups.items(), key=lambda kv: (kv[0].casefold(), kv[0])))


def _learners(rows: Sequence[Mapping[str, Any]]) -> list[LearnerSummary]:
    out = []
    for learner, group in _group(rows, "learner").items():
        counted = [r for r in group if is_counted(r)]
        scores = [_score(r) for r in counted]
        best = max(scores) if scores else None
        out.append(
            LearnerSummary(
                learner=learner,
                attempts=len(group),
                counted=len(counted),
                mean=_mean(scores),
                best="–" if best is None else f"{best:g}",
                flags=sum(_flags(r) for r in counted),
            )
        )
    return out


def _scenarios(rows: Sequence[Mapping[str, Any]]) -> list[ScenarioSummary]:
    out = []
    for scenario, group in _group(rows, "scenario").items():
        counted = [r for r in group if is_counted(r)]
        titles = [clean(r.get("scenario_title")) for r in group if r.get("scenario_title")]
        out.append(
            ScenarioSummary(
                scenario=scenario,
                title=titles[0] if titles else "",
                attempts=len(group),
                counted=len(counted),
                mean=_mean([_score(r) for r in counted]),
                good=_share(sum(1 for r in counted if _good_outcome(r)), len(counted)),
            )
        )
    return out


def report_html(rows: Iterable[Mapping[str, Any]]) -> str:
    """Return the cohort report as one self-contained, printable HTML page.

    The page lists every attempt, then a summary for each learner (attempts, mean and best
    score, red flags) and for each scenario (attempts, mean score, share resolved or
    escalated correctly). Transcripts that cannot be trusted (see :func:`is_counted`) are
    marked in words and left out of the summaries' figures, which say how many attempts
    they were worked out from; unsigned ones that count are named as unsigned.
    """
    materialised = list(rows)
    attempts = [_attempt(r) for r in materialised]
    set_aside = [a for a in attempts if not a.counted]
    return render(
        "report.html",
        attempts=attempts,
        set_aside=set_aside,
        unsigned=[a for a in attempts if a.counted and not a.signed],
        learners=_learners(materialised),
        scenarios=_scenarios(materialised),
    )
