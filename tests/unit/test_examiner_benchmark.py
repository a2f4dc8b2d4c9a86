"""``benchmarks/examiner.py``: the debrief beside a strict examiner's verdicts.

Issue 10's targets are read off this benchmark, so its agreement figures must mean what they
say: kappa and rank correlation computed correctly, and a disagreement listed where it is.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
import yaml

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "examiner.py"


@pytest.fixture(scope="module")
def examiner(import_benchmark: Callable[[str], ModuleType]) -> ModuleType:
    """The benchmark script, imported as a module."""
    return import_benchmark("examiner")


def test_kappa_is_one_for_full_agreement_and_zero_for_chance(examiner: ModuleType) -> None:
    same = examiner.Tally([("a", "met", "met"), ("b", "not_met", "not_met")])
    assert same.kappa() == pytest.approx(1.0)
    chance = examiner.Tally(
        [
            ("a", "met", "met"),
            ("b", "met", "not_met"),
            ("c", "not_met", "met"),
            ("d", "not_met", "not_met"),
        ]
    )
    assert chance.exact() == pytest.approx(0.5)
    assert chance.kappa() == pytest.approx(0.0)


def test_partial_counts_as_not_met_when_only_met_or_not_is_compared(
    examiner: ModuleType,
) -> None:
    tally = examiner.Tally([("a", "partial", "not_met"), ("b", "met", "partial")])
    assert tally.exact() == 0.0
    assert tally.binary() == pytest.approx(0.5)


def test_spearman_ranks_ties_together(examiner: ModuleType) -> None:
    assert examiner.spearman([10, 20, 30, 40], [1, 2, 3, 4]) == pytest.approx(1.0)
    assert examiner.spearman([10, 20, 30, 40], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert examiner._ranks([5, 1, 5, 3]) == [3.5, 1.0, 3.5, 2.0]
    assert examiner.spearman([1, 2], [1, 2]) is None


def test_a_disagreement_is_listed_under_its_attempt(tmp_path: Path) -> None:
    replies = ["Calm down, it's the courier's fault, not ours.", "There's nothing I can do."]
    attempt = {
        "id": "lp-brush-off",
        "framework": "LATER",
        "replies": replies,
        "verdicts": {
            "marking_points": {"professional-tone": "not_met", "names-the-promise": "met"},
            "escalation": "needed_missed",
            "score": 5,
        },
    }
    (tmp_path / "late-parcel.yaml").write_text(
        yaml.safe_dump({"scenario": "late-parcel", "attempts": [attempt]}), encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, str(BENCHMARK), "--set", str(tmp_path), "--errors"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    out = done.stdout
    assert "Examiner agreement: 1 attempts" in out
    assert "names-the-promise              lp-brush-off: met → not_met" in out
    assert (
        "professional-tone" in out and "lp-brush-off: not_met" not in out.split("disagreements")[1]
    )
