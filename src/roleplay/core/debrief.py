"""The debrief: an attempt measured against its model and the examiners' marking points.

:func:`debrief` takes a scenario, the learner's replies and a complaint-handling model, plays
the replies through the engine again (it is deterministic, so a saved attempt can be
re-scored under any model) and returns a :class:`Scorecard`:

* each model step: met or not, the first turn, the learner's words;
* each marking point of ``rubrics/marking_points.yaml``: ``met``, ``partial`` or
  ``not_met``, with the learner's words as evidence, or what was missing;
* red flags, the escalation verdict, policy breaches (promises beyond authority), law
  misstated, the outcome and the ending it amounts to (:mod:`roleplay.core.ending`);
* cause and effect: each change of the customer's mood or path, with the reply that
  caused it;
* what to do next time: for each missed step or point, one suggestion and an example;
* a 0–100 score, with the formula and its figures shown.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from roleplay.core.dialogue import Analyser, Session, Turn, play
from roleplay.core.ending import Ending, judge_ending
from roleplay.core.escalation import BREACHES, Escalation, judge_escalation
from roleplay.core.frameworks import Coverage, Framework, coverage, get_framework
from roleplay.core.marking import PointResult, Quote, Verdict, judge, marking_points
from roleplay.core.moves import FLAGS
from roleplay.core.parse import pipeline
from roleplay.core.promise import content_words, shared_words
from roleplay.core.scenario import Scenario, band_of


@dataclass(frozen=True, slots=True)
class Advice:
    """One thing to do next time, with an example of what to say."""

    about: str
    suggestion: str
    example: str

    def to_dict(self) -> dict[str, str]:
        """Return the advice as JSON-ready data."""
        return {"about": self.about, "suggestion": self.suggestion, "example": self.example}


@dataclass(frozen=True, slots=True)
class Score:
    """The 0–100 score and the figures it was made from.

    ``outcome`` is kept at 0 for the JSON of earlier versions: how the customer reacted is
    shown, not scored (it follows from the replies the marking points already mark).
    """

    total: int
    steps: float
    points: float
    outcome: float
    penalty: int
    """Taken off for replies with a red flag."""
    formula: str
    rules_penalty: int = 0
    """Taken off for rules broken (beyond authority, disclosure, advice, law misstated…)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the score as JSON-ready data."""
        return {
            "total": self.total,
            "steps": round(self.steps, 1),
            "marking_points": round(self.points, 1),
            "outcome": round(self.outcome, 1),
            "red_flag_penalty": self.penalty,
            "rule_break_penalty": self.rules_penalty,
            "formula": self.formula,
        }


@dataclass(frozen=True, slots=True)
class Scorecard:
    """Everything the debrief reports about one attempt."""

    scenario: Scenario
    framework: Framework
    turns: tuple[Turn, ...]
    outcome: str | None
    """The end node's outcome id (None: unfinished), as the transcript records it."""
    ending: Ending
    """How the attempt ended, judged from the whole conversation (see
    :mod:`roleplay.core.ending`): what every view shows as the outcome."""
    coverage: Coverage
    points: tuple[PointResult, ...]
    flags: tuple[Quote, ...]
    escalation: Escalation
    breaches: tuple[Quote, ...]
    misstatements: tuple[Quote, ...]
    causes: tuple[str, ...]
    advice: tuple[Advice, ...]
    score: Score
    extra: Mapping[str, Any] = field(default_factory=dict)


def debrief(
    scenario: Scenario,
    replies: Sequence[str],
    framework: Framework | str | None = None,
    analyser: Analyser | None = None,
) -> Scorecard:
    """Replay ``replies`` through ``scenario`` and measure the attempt (see module docs).

    ``analyser`` analyses each reply (default: ``analyse``), such as a cache's.
    """
    session = play(scenario, replies, analyser)
    return scorecard(session, framework)


def scorecard(session: Session, framework: Framework | str | None = None) -> Scorecard:
    """Measure a played session against a model and the marking points."""
    scenario = session.scenario
    if framework is None or isinstance(framework, str):
        framework = get_framework(framework or scenario.framework)
    turns = tuple(session.turns)
    cov = coverage(framework, [t.analysis for t in turns])
    verdict = judge_escalation(session)
    points = tuple(judge(point, session, cov, verdict) for point in marking_points())
    flags = tuple(
        Quote(t.number, e.quote, e.move)
        for t in turns
        for e in t.analysis.evidence
        if e.move in FLAGS
    )
    breaches = tuple(
        Quote(t.number, f.quote, f.detail)
        for t in turns
        for f in t.facts.findings
        if f.kind in BREACHES
    )
    misstated = tuple(
        Quote(t.number, f.quote, f"{f.name}: {f.detail}")
        for t in turns
        for f in t.facts.of("misstatement")
    )
    score = _score(cov, points, session.outcome, turns)
    return Scorecard(
        scenario=scenario,
        framework=framework,
        turns=turns,
        outcome=session.outcome,
        ending=judge_ending(
            session.outcome, verdict, (f.kind for t in turns for f in t.facts.findings)
        ),
        coverage=cov,
        points=points,
        flags=flags,
        escalation=verdict,
        breaches=breaches,
        misstatements=misstated,
        causes=tuple(_causes(session)),
        advice=tuple(_advice(framework, cov, points, session)),
        score=score,
    )


STEP_WEIGHT = 20

POINT_WEIGHT = 80

PENALTY_EACH = 5

PENALTY_CAP = 20


def _score(
    cov: Coverage, points: Sequence[PointResult], outcome: str | None, turns: Sequence[Turn]
) -> Score:
    """The 0–100 mark: mostly the marking points (what the examiner marks), some for the
    model's steps, less for each reply with a red flag and each rule broken.

    How the customer reacted (the outcome) is shown but not scored: it follows from the same
    replies the points already mark, and would count them twice.
    """
    met_steps = sum(1 for s in cov.steps if s.met)
    steps = STEP_WEIGHT * met_steps / len(cov.steps) if cov.steps else 0.0
    credit = sum(
        1.0 if p.status == "met" else 0.5 if p.status == "partial" else 0.0 for p in points
    )
    marks = POINT_WEIGHT * credit / len(points) if points else 0.0
    flagged_turns = sum(1 for t in turns if t.analysis.flags)
    broken = sum(
        1 for t in turns for f in t.facts.findings if f.kind in (*BREACHES, "misstatement")
    )
    flag_penalty = min(PENALTY_CAP, PENALTY_EACH * flagged_turns)
    rule_penalty = min(PENALTY_CAP, PENALTY_EACH * broken)
    total = max(0, min(100, round(steps + marks - flag_penalty - rule_penalty)))
    formula = (
        f"{POINT_WEIGHT} × marking points ({credit:g}/{len(points)}, partial counts half)"
        f" = {marks:.1f}"
        f" + {STEP_WEIGHT} × steps met ({met_steps}/{len(cov.steps)}) = {steps:.1f}"
        f" − {PENALTY_EACH} × replies with a red flag ({flagged_turns}, at most"
        f" {PENALTY_CAP}) = {flag_penalty}"
        f" − {PENALTY_EACH} × rules broken ({broken}, at most {PENALTY_CAP}) = {rule_penalty}"
        f" → {total}"
    )
    return Score(total, steps, marks, 0.0, flag_penalty, formula, rule_penalty)


def _causes(session: Session) -> list[str]:
    """Say, turn by turn, what each reply did to the customer and why."""
    out: list[str] = []
    turns = session.turns
    for i, turn in enumerate(turns):
        change = turn.mood_change
        words = f' ("{turn.cause[0].quote}")' if turn.cause else ""
        reason = "; ".join(turn.because) if turn.because else "the conversation moved on"
        if change:
            direction = "improved" if change > 0 else "worsened"
            before, after = band_of(turn.mood_before).value, band_of(turn.mood_after).value
            moved = f"from {before} to {after}" if before != after else f"(still {after})"
            out.append(
                f"Turn {turn.number}: the customer's mood {direction} {moved} "
                f"because {reason}{words}."
            )
        next_node = (
            session.scenario.node(turn.next_node)
            if turn.next_node in {n.id for n in session.scenario.nodes}
            else None
        )
        if next_node is not None and "manager" in [a.value for a in next_node.asks]:
            out.append(
                f"The customer asked for a manager at turn {turn.number + 1} because "
                f"turn {turn.number} {_what_went_wrong(turn)}."
            )
        for trigger_id in turn.triggers:
            trigger = session.scenario.trigger(trigger_id)
            if trigger is not None:
                expected = (
                    "escalation was expected from then on"
                    if trigger.escalate
                    else "escalation was not called for"
                )
                out.append(
                    f"After turn {turn.number}: {trigger.description.rstrip('.')} ({expected})."
                )
        if turn.outcome is not None:
            out.append(
                f"Turn {turn.number} ended the conversation: {turn.outcome.replace('_', ' ')}."
            )
        del i
    return out


def _what_went_wrong(turn: Turn) -> str:
    ids = set(turn.analysis.ids)
    if "dismiss" in ids and not ids & {"resolve", "escalate"}:
        return "refused or brushed the customer off without an alternative"
    if "blame" in ids:
        return "blamed someone else"
    if not ids & {"resolve", "investigate", "ownership"}:
        return "offered nothing concrete"
    return "; ".join(turn.because) or "did not meet what the customer needed"


ADVICE_COUNT = 3
"""How many pieces of advice the debrief gives: the ones that cost the most marks."""


def _advice(
    framework: Framework, cov: Coverage, points: Sequence[PointResult], session: Session
) -> list[Advice]:
    """The three things that would have changed the mark most, each with an example.

    Every missed step and every marking point not met is a candidate, weighed by the marks
    it cost (a point not met costs twice a partly met one; staying within the rules also
    wins back what the rules broken took off). The example is the scenario's own model
    answer where the tutor wrote one, else the model's or the marking point's.
    """
    answers = session.scenario.model_answers
    by_id = {p.id: p for p in marking_points()}
    broken = sum(
        1 for t in session.turns for f in t.facts.findings if f.kind in (*BREACHES, "misstatement")
    )
    flagged = sum(1 for t in session.turns if t.analysis.flags)
    candidates: list[tuple[float, int, Advice]] = []
    per_point = POINT_WEIGHT / len(points) if points else 0.0
    for order, result in enumerate(points):
        if result.status == Verdict.MET:
            continue
        lost = per_point * (1.0 if result.status == Verdict.NOT_MET else 0.5)
        if result.id == "follows-policy":
            lost += min(PENALTY_CAP, PENALTY_EACH * broken)
        if result.id == "professional-tone":
            lost += min(PENALTY_CAP, PENALTY_EACH * flagged)
        point = by_id[result.id]
        suggestion = point.advice
        if result.missing:
            suggestion += f" This time, {_sentence(result.missing)}"
        example = (
            _fits_path(answers.get(point.id), session)
            or _scenario_example(point.id, session)
            or point.example
        )
        candidates.append((lost, order, Advice(point.title, suggestion, example)))
    per_step = STEP_WEIGHT / len(cov.steps) if cov.steps else 0.0
    for order, step_cov in enumerate(cov.steps, start=len(points)):
        if step_cov.met:
            continue
        step = framework.step(step_cov.id)
        example = _fits_path(answers.get(step.id), session) or step.example
        about = f"{framework.id}: {step.title}"
        candidates.append((per_step, order, Advice(about, step.description, example)))
    candidates.sort(key=lambda c: (-c[0], c[1]))
    return [advice for _lost, _order, advice in candidates[:ADVICE_COUNT]]


def _fits_path(answer: str | None, session: Session) -> str | None:
    """The tutor's model answer, unless it rests on something this customer never said on
    the learner's path ("the driver's photo…" when she never mentioned a photo): an example
    about things that did not happen teaches nothing."""
    if answer is None:
        return None
    heard: set[str] = set(content_words(session.scenario.customer.situation))
    for turn in session.turns:
        heard |= content_words(turn.customer)
        heard |= content_words(turn.response)
    heard |= content_words(session.scenario.brief)
    said = " ".join(sorted(heard))
    unheard = {
        w
        for w in _things_said(session.scenario) - heard
        if w not in _EVERYDAY and not w.isdigit() and not shared_words(frozenset({w}), said)
    }
    return None if shared_words(frozenset(unheard), answer) else answer


_EVERYDAY = frozenset(
    {
        "today",
        "tomorrow",
        "tonight",
        "morning",
        "afternoon",
        "evening",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "hour",
        "hours",
        "minute",
        "minutes",
        "time",
        "thank",
        "thanks",
        "way",
        "thing",
        "things",
        "lot",
        "bit",
        "people",
        "someone",
        "anyone",
        "service",
        "reply",
        "sort",
        "writing",
        "help",
        "problem",
        "issue",
    }
)
"""Words any line may use without telling a fact of the case."""


def _things_said(scenario: Scenario) -> frozenset[str]:
    """The things (common nouns) the customer can mention in any line of the scenario: the
    facts a model answer may rest on. Names of bodies ("Ofcom") are left out: a learner may
    name them unprompted."""
    lines = tuple(line for node in scenario.nodes for line in node.lines)
    return _nouns_of(lines)


@functools.lru_cache(maxsize=64)
def _nouns_of(lines: tuple[str, ...]) -> frozenset[str]:
    found: set[str] = set()
    for doc in pipeline().pipe(lines):
        found |= content_words(" ".join(t.text for t in doc if t.pos_ == "NOUN"))
    return frozenset(found)


def _scenario_example(point_id: str, session: Session) -> str | None:
    """An example made from this scenario's own promise, when the tutor wrote none."""
    promise = session.scenario.organisation.promise
    breached = [c for c in promise if c.breached] or list(promise)
    if not breached:
        return None
    commitment = breached[0]
    said = commitment.text.rstrip(".")
    if point_id == "names-the-promise":
        return f"Our promise to you is: “{said}.”"
    if point_id == "recovers-promise-breach" and commitment.breached:
        return f"We promise: “{said}.” We didn't keep that promise, so here is what I'm doing now."
    return None


def _sentence(text: str) -> str:
    """``text`` as the end of a sentence: first letter kept, one full stop."""
    text = text.strip().rstrip(".")
    return f"{text}."


def scorecard_to_dict(card: Scorecard, learner: str | None = None) -> dict[str, Any]:
    """Return the scorecard as the JSON that ``run`` and ``debrief`` write (see design.md)."""
    return {
        "scenario": {"id": card.scenario.id, "title": card.scenario.title},
        "framework": card.framework.id,
        "learner": learner,
        "turns": [
            {
                "number": t.number,
                "customer": t.customer,
                "reply": t.reply,
                "moves": list(t.analysis.moves),
                "flags": list(t.analysis.flags),
                "evidence": {k: v for k, v in t.analysis.quotes().items()},
                "node": t.node,
                "mood": t.mood_after,
                "response": t.response,
                "reaction": t.reaction,
                "because": list(t.because),
                "needs": {
                    "met": [m.to_dict() for m in t.needs_met],
                    "open": list(t.needs_open),
                },
            }
            for t in card.turns
        ],
        "outcome": card.outcome,
        "ending": {"verdict": card.ending.value, "text": card.ending.text},
        "steps": [
            {
                "id": s.id,
                "title": s.title,
                "met": s.met,
                "first_turn": s.first_turn,
                "evidence": s.evidence.quote if s.evidence is not None else None,
            }
            for s in card.coverage.steps
        ],
        "in_order": card.coverage.in_order,
        "marking_points": [p.to_dict() for p in card.points],
        "flags": [q.to_dict() for q in card.flags],
        "escalation": {"verdict": card.escalation.value, "text": card.escalation.text},
        "policy_breaches": [q.to_dict() for q in card.breaches],
        "law_misstated": [q.to_dict() for q in card.misstatements],
        "causes": list(card.causes),
        "advice": [a.to_dict() for a in card.advice],
        "score": card.score.total,
        "score_detail": card.score.to_dict(),
    }
