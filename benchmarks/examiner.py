"""How far the debrief agrees with a strict examiner, on attempts the examiner marked first.

Reads an examiner set (``--set``, default ``benchmarks/examiner/``): one YAML file per
scenario, each with scripted attempts and the examiner's verdicts, written before anyone ran
the debrief on them (see the files' own header). Replays every attempt through its scenario
with :func:`roleplay.core.debrief.debrief`, exactly as ``roleplay run`` does, and prints:

(a) marking points, one row per point: how many attempts, exact agreement (met, partial,
    not met), agreement on met-or-not (partial counts as not met), and Cohen's kappa over
    the three verdicts; then the same over all points together;
(b) model steps: agreement on met or not, over every step of every attempt;
(c) escalation: agreement on the four verdicts (the debrief's "not needed but done" is the
    examiner's "premature");
(d) score: Spearman's rank correlation between the examiner's marks and the debrief's
    totals, and the mean gap in points (debrief minus examiner, and its absolute size).

The targets of issue 10 are printed beside each figure. ``--errors`` lists every
disagreement with the attempt's id; ``--json`` prints the figures as JSON. It asserts
nothing.

Examples::

    python benchmarks/examiner.py
    python benchmarks/examiner.py --errors
    python benchmarks/examiner.py --set benchmarks/examiner --set benchmarks/examiner-opened
    python benchmarks/examiner.py --set benchmarks/examiner-holdout --json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from roleplay.core.debrief import Scorecard, debrief  # noqa: E402
from roleplay.core.escalation import BREACHES  # noqa: E402
from roleplay.core.library import ScenarioLibrary  # noqa: E402

POINT_VERDICTS = ("met", "partial", "not_met")
ESCALATION_VERDICTS = ("needed_done", "needed_missed", "premature", "not_needed")
"""The debrief's escalation verdicts that the examiner's vocabulary names otherwise."""

TARGETS = {
    "points_exact": 0.85,
    "points_kappa": 0.70,
    "escalation": 0.95,
    "spearman": 0.90,
    "mean_gap": 8.0,
}
"""Issue 10's targets."""


@dataclass
class Tally:
    """Pairs of (examiner, debrief) verdicts for one thing judged, with where each came from."""

    pairs: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, attempt: str, examiner: str, ours: str) -> None:
        self.pairs.append((attempt, examiner, ours))

    def exact(self) -> float | None:
        if not self.pairs:
            return None
        return sum(e == o for _a, e, o in self.pairs) / len(self.pairs)

    def binary(self) -> float | None:
        if not self.pairs:
            return None
        return sum((e == "met") == (o == "met") for _a, e, o in self.pairs) / len(self.pairs)

    def kappa(self) -> float | None:
        """Cohen's kappa of the two judges' verdicts (None when undefined)."""
        n = len(self.pairs)
        if n == 0:
            return None
        observed = sum(e == o for _a, e, o in self.pairs) / n
        ex = Counter(e for _a, e, _o in self.pairs)
        ou = Counter(o for _a, _e, o in self.pairs)
        expected = sum(ex[k] * ou[k] for k in set(ex) | set(ou)) / (n * n)
        if expected >= 1.0:
            return None
        return (observed - expected) / (1.0 - expected)

    def errors(self) -> list[tuple[str, str, str]]:
        return [(a, e, o) for a, e, o in self.pairs if e != o]


def _ranks(values: list[float]) -> list[float]:
    """Ranks from 1, ties sharing the mean of their places."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(xs: list[float], ys: list[float]) -> float | None:
    """Spearman's rank correlation (None with fewer than three pairs or no spread)."""
    if len(xs) < 3:
        return None
    try:
        return statistics.correlation(_ranks(xs), _ranks(ys))
    except statistics.StatisticsError:
        return None


def read_set(folder: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Every attempt of every file in ``folder``, each with its scenario id; and problems."""
    attempts: list[dict[str, Any]] = []
    problems: list[str] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            problems.append(f"{path}: cannot read: {exc}")
            continue
        if not isinstance(data, dict) or not isinstance(data.get("attempts"), list):
            problems.append(f"{path}: expected 'scenario' and a list of 'attempts'")
            continue
        for item in data["attempts"]:
            if not isinstance(item, dict) or not isinstance(item.get("replies"), list):
                problems.append(f"{path}: an attempt without 'replies' is skipped")
                continue
            attempts.append({"scenario": data.get("scenario"), "file": path.name, **item})
    return attempts, problems


def measure(attempts: list[dict[str, Any]]) -> dict[str, Any]:
    """Replay every attempt and compare the debrief with the examiner."""
    points: dict[str, Tally] = {}
    every_point = Tally()
    steps = Tally()
    escalation = Tally()
    law = Tally()
    conduct = Tally()
    marks: list[tuple[str, float, float]] = []
    problems: list[str] = []
    for attempt in attempts:
        name = str(attempt.get("id", "?"))
        verdicts = attempt.get("verdicts") or {}
        try:
            loaded = ScenarioLibrary().find(str(attempt["scenario"]))
            card: Scorecard = debrief(
                loaded.scenario, [str(r) for r in attempt["replies"]], attempt.get("framework")
            )
        except Exception as exc:  # a benchmark reports and goes on
            problems.append(f"{name}: cannot replay: {type(exc).__name__}: {exc}")
            continue
        ours_points = {p.id: p.status for p in card.points}
        for point_id, given in (verdicts.get("marking_points") or {}).items():
            if given not in POINT_VERDICTS or point_id not in ours_points:
                problems.append(f"{name}: marking point {point_id!r}: {given!r} not compared")
                continue
            points.setdefault(point_id, Tally()).add(name, given, ours_points[point_id])
            every_point.add(name, given, ours_points[point_id])
        ours_steps = {}
        for step in card.coverage.steps:
            ours_steps[step.id.lower()] = step.met
            ours_steps[step.title.lower()] = step.met
        for step_name, given in (verdicts.get("steps") or {}).items():
            met = ours_steps.get(str(step_name).lower())
            if met is None or given not in ("met", "not_met"):
                problems.append(f"{name}: step {step_name!r}: {given!r} not compared")
                continue
            steps.add(f"{name} {step_name}", given, "met" if met else "not_met")
        said = "some" if verdicts.get("law_misstated") else "none"
        law.add(name, said, "some" if card.misstatements else "none")
        said = "some" if verdicts.get("beyond_authority") else "none"
        broken = any(f.kind in BREACHES for t in card.turns for f in t.facts.findings)
        conduct.add(name, said, "some" if broken else "none")
        given_escalation = verdicts.get("escalation")
        if given_escalation in ESCALATION_VERDICTS:
            ours = str(card.escalation)
            escalation.add(name, given_escalation, ours)
        score = verdicts.get("score")
        if isinstance(score, int | float):
            marks.append((name, float(score), float(card.score.total)))
    gaps = [ours - given for _n, given, ours in marks]
    return {
        "attempts": len(attempts),
        "points": points,
        "every_point": every_point,
        "steps": steps,
        "escalation": escalation,
        "law": law,
        "conduct": conduct,
        "marks": marks,
        "spearman": spearman([g for _n, g, _o in marks], [o for _n, _g, o in marks]),
        "mean_gap": statistics.fmean(gaps) if gaps else None,
        "mean_abs_gap": statistics.fmean(abs(g) for g in gaps) if gaps else None,
        "problems": problems,
    }


def _f(value: float | None, percent: bool = True) -> str:
    if value is None:
        return "–"
    return f"{value:.0%}" if percent else f"{value:.2f}"


def print_report(result: dict[str, Any], show_errors: bool) -> None:
    """Print the figures as tables, with the targets beside them."""
    print(f"Examiner agreement: {result['attempts']} attempts\n")
    print("(a) marking points")
    print(f"  {'point':30} {'n':>4} {'exact':>7} {'met?':>7} {'kappa':>7}")
    for point_id, tally in sorted(result["points"].items()):
        print(
            f"  {point_id:30} {len(tally.pairs):>4} {_f(tally.exact()):>7} "
            f"{_f(tally.binary()):>7} {_f(tally.kappa(), False):>7}"
        )
    every = result["every_point"]
    print(
        f"  {'all points':30} {len(every.pairs):>4} {_f(every.exact()):>7} "
        f"{_f(every.binary()):>7} {_f(every.kappa(), False):>7}"
        f"   (targets: exact ≥ {TARGETS['points_exact']:.0%}, kappa ≥ {TARGETS['points_kappa']})"
    )
    steps = result["steps"]
    print(f"\n(b) model steps: {_f(steps.exact())} agree over {len(steps.pairs)} steps")
    esc = result["escalation"]
    print(
        f"(c) escalation: {_f(esc.exact())} agree over {len(esc.pairs)} attempts "
        f"(target ≥ {TARGETS['escalation']:.0%})"
    )
    print(
        f"(d) score: Spearman {_f(result['spearman'], False)} (target ≥ {TARGETS['spearman']}), "
        f"mean gap {_f(result['mean_gap'], False)} points, mean absolute gap "
        f"{_f(result['mean_abs_gap'], False)} (target ≤ {TARGETS['mean_gap']:.0f})"
    )
    law, conduct = result["law"], result["conduct"]
    print(
        f"(e) findings, per attempt (some vs none): law misstated {_f(law.exact())} agree "
        f"(kappa {_f(law.kappa(), False)}); beyond authority or role {_f(conduct.exact())} "
        f"agree (kappa {_f(conduct.kappa(), False)})"
    )
    if result["problems"]:
        print("\nnot compared:")
        for line in result["problems"]:
            print(f"  {line}")
    if show_errors:
        print("\ndisagreements (attempt: examiner → debrief)")
        for point_id, tally in sorted(result["points"].items()):
            for attempt, given, ours in tally.errors():
                print(f"  {point_id:30} {attempt}: {given} → {ours}")
        for attempt, given, ours in esc.errors():
            print(f"  {'escalation':30} {attempt}: {given} → {ours}")
        for attempt, given, ours in law.errors():
            print(f"  {'law misstated':30} {attempt}: {given} → {ours}")
        for attempt, given, ours in conduct.errors():
            print(f"  {'beyond authority or role':30} {attempt}: {given} → {ours}")
        for attempt, given, ours in steps.errors():
            print(f"  {'step':30} {attempt}: {given} → {ours}")
        for name, given, ours in result["marks"]:
            if abs(ours - given) > TARGETS["mean_gap"]:
                print(f"  {'score':30} {name}: {given:.0f} → {ours:.0f}")


def as_json(result: dict[str, Any]) -> dict[str, Any]:
    """The figures as JSON-ready data."""

    def tally(t: Tally) -> dict[str, Any]:
        return {"n": len(t.pairs), "exact": t.exact(), "met": t.binary(), "kappa": t.kappa()}

    return {
        "attempts": result["attempts"],
        "marking_points": {k: tally(v) for k, v in sorted(result["points"].items())},
        "all_points": tally(result["every_point"]),
        "steps": tally(result["steps"]),
        "escalation": tally(result["escalation"]),
        "law_misstated": tally(result["law"]),
        "beyond_authority_or_role": tally(result["conduct"]),
        "spearman": result["spearman"],
        "mean_gap": result["mean_gap"],
        "mean_abs_gap": result["mean_abs_gap"],
        "targets": TARGETS,
        "not_compared": result["problems"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--set",
        type=Path,
        action="append",
        help="an examiner set (repeat to measure several together; default benchmarks/examiner)",
    )
    parser.add_argument("--errors", action="store_true", help="list every disagreement")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    folders = args.set or [HERE / "examiner"]
    attempts, problems = [], []
    for folder in folders:
        found, trouble = read_set(folder)
        attempts.extend(found)
        problems.extend(trouble)
    if not attempts:
        print(f"no attempts found in {', '.join(map(str, folders))}", file=sys.stderr)
        return 1
    result = measure(attempts)
    result["problems"] = problems + result["problems"]
    if args.json:
        print(json.dumps(as_json(result), indent=2))
    else:
        print_report(result, args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
