"""The examiner sets (``benchmarks/examiner/``, the opened ``examiner-opened/`` and
``examiner-fresh/``, the hand-played ``examiner-audit/`` and the held-out
``examiner-holdout/``) stay complete and well formed.

Issue 10's agreement figures are read off these verdicts, so an attempt with a missing
point, a misspelt verdict or a scenario id that no longer exists would quietly shrink what
is measured. This checks the form only; it never runs the debrief on the attempts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from roleplay.core.frameworks import get_framework
from roleplay.core.library import bundled_scenarios
from roleplay.core.marking import marking_points

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
SETS = {
    "tuned-on": BENCHMARKS / "examiner",
    "opened": BENCHMARKS / "examiner-opened",
    "audit": BENCHMARKS / "examiner-audit",
    "fresh": BENCHMARKS / "examiner-fresh",
    "held-out": BENCHMARKS / "examiner-holdout",
}
ESCALATION = {"needed_done", "needed_missed", "premature", "not_needed"}


def _attempts(folder: Path) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.extend((data["scenario"], attempt) for attempt in data["attempts"])
    return out


FIRST_SIX = frozenset(
    {
        "late-parcel",
        "cancelled-train",
        "broadband-outage",
        "gp-reception",
        "catch-up-bill",
        "partners-account",
    }
)
"""The scenarios the examiner sets were written for (the later six have none yet)."""

BY_SET = {name: _attempts(folder) for name, folder in SETS.items()}
ATTEMPTS = [pair for pairs in BY_SET.values() for pair in pairs]


@pytest.mark.parametrize(
    ("name", "least", "each"),
    [
        ("tuned-on", 40, 6),
        ("opened", 30, 6),
        ("audit", 19, 3),
        ("fresh", 42, 7),
        ("held-out", 40, 6),
    ],
)
def test_each_set_covers_every_bundled_scenario_with_enough_attempts(
    name: str, least: int, each: int
) -> None:
    attempts = BY_SET[name]
    by_scenario: dict[str, int] = {}
    for scenario, _attempt in attempts:
        by_scenario[scenario] = by_scenario.get(scenario, 0) + 1
    # Every set was written for the first six scenarios; they must all still be bundled.
    assert FIRST_SIX <= set(by_scenario) <= set(bundled_scenarios())
    assert len(attempts) >= least and min(by_scenario.values()) >= each


def test_no_attempt_id_is_used_twice_in_either_set() -> None:
    assert len({a["id"] for _s, a in ATTEMPTS}) == len(ATTEMPTS)


@pytest.mark.parametrize(("scenario", "attempt"), ATTEMPTS, ids=[a["id"] for _s, a in ATTEMPTS])
def test_each_attempt_has_every_verdict_the_benchmark_compares(
    scenario: str, attempt: dict[str, Any]
) -> None:
    verdicts = attempt["verdicts"]
    points = verdicts["marking_points"]
    assert set(points) == {p.id for p in marking_points()}
    assert set(points.values()) <= {"met", "partial", "not_met"}
    framework = get_framework(
        attempt.get("framework") or bundled_scenarios()[scenario].scenario.framework
    )
    titles = {s.title.lower() for s in framework.steps} | {s.id.lower() for s in framework.steps}
    assert {str(k).lower() for k in verdicts["steps"]} <= titles
    assert set(verdicts["steps"].values()) <= {"met", "not_met"}
    assert verdicts["escalation"] in ESCALATION
    assert 0 <= verdicts["score"] <= 100
    assert 1 <= len(attempt["replies"]) <= 5
    assert all(isinstance(r, str) and r.strip() for r in attempt["replies"])
