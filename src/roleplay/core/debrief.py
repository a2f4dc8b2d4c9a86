"""The debrief: an attempt measured against its model and the examiners' marking points.

:func:`debrief` takes a scenario, the learner's replies and a complaint-handling model, plays
the replies through the engine again (it is deterministic, so a saved attempt can be
re-scored under any model) and returns a :class:`Scorecard`:

* each model step: met or not, the first turn, the learner's words;
* each marking point of ``rubrics/marking_points.yaml``: ``met``, ``partial`` or
  ``not_met``, with the learner's words as evidence, or what was missing;
* red flags, the escalation verdict, policy breaches (promises beyond authority), law
  misstated, the outcome;
* cause and effect: each change of the customer's mood or path, with the reply that
  caused it;
* what to do next time: for each missed step or point, one suggestion and an example;
* a 0–100 score, with the formula and its figures shown.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from roleplay.core.analysis import Evidence
from roleplay.core.dialogue import Analyser, Session, Turn, play
from roleplay.core.facts import Finding
from roleplay.core.frameworks import Coverage, Framework, coverage, get_framework, rubrics_dir
from roleplay.core.legislation import bundled_catalogue
from roleplay.core.moves import FLAGS
from roleplay.core.scenario import GOOD_OUTCOMES, OutcomeKind, Scenario, band_of
from roleplay.core.source import load_model_file


class Verdict(StrEnum):
    """A marking point's verdict, as an examiner writes it."""

    MET = "met"
    PARTIAL = "partial"
    NOT_MET = "not_met"


Status = Verdict
"""The old name of :class:`Verdict`."""


class Escalation(StrEnum):
    """Whether the situation called for escalation, and whether (and when) the learner did.

    ``premature``: the learner handed the case up before anything called for it, or before
    trying what was within their own authority.
    """

    NEEDED_DONE = "needed_done"
    NEEDED_MISSED = "needed_missed"
    PREMATURE = "premature"
    NOT_NEEDED = "not_needed"

    @property
    def text(self) -> str:
        """The verdict in plain words."""
        return ESCALATION_VERDICTS[self]


RULES = (
    "promise_breach_recovered",
    "promise_referenced",
    "alternatives_or_escalation",
    "policy_cited_with_decision",
    "professional_tone",
    "escalation_when_triggered",
    "structured_process",
    "legislation_named",
    "listening_and_empathy",
    "within_authority",
)


class MarkingPoint(BaseModel):
    """One examiner marking point, quoted from a seed unit, with the check that evidences it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    source: str = Field(min_length=1)
    text: str = Field(min_length=1)
    rule: Literal[RULES]  # type: ignore[valid-type]
    advice: str = Field(min_length=1)
    example: str = Field(min_length=1)


class MarkingPointFile(BaseModel):
    """The whole ``rubrics/marking_points.yaml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    marking_points: tuple[MarkingPoint, ...] = Field(min_length=1)


@functools.cache
def marking_points() -> tuple[MarkingPoint, ...]:
    """Return the bundled marking points, loaded once."""
    return load_model_file(rubrics_dir() / "marking_points.yaml", MarkingPointFile).marking_points


@dataclass(frozen=True, slots=True)
class Quote:
    """The learner's own words at a turn, for evidence."""

    turn: int
    text: str
    what: str = ""
    """What the words show (a move id, a policy name…)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the quote as JSON-ready data."""
        return {"turn": self.turn, "quote": self.text, "shows": self.what}


@dataclass(frozen=True, slots=True)
class PointResult:
    """A marking point's verdict with its evidence, or what was missing."""

    id: str
    text: str
    source: str
    status: Status
    evidence: tuple[Quote, ...]
    missing: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data."""
        return {
            "id": self.id,
            "text": self.text,
            "source": self.source,
            "status": self.status,
            "evidence": [q.to_dict() for q in self.evidence],
            "missing": self.missing,
        }


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
    """The 0–100 score and the figures it was made from."""

    total: int
    steps: float
    points: float
    outcome: float
    penalty: int
    formula: str

    def to_dict(self) -> dict[str, Any]:
        """Return the score as JSON-ready data."""
        return {
            "total": self.total,
            "steps": round(self.steps, 1),
            "marking_points": round(self.points, 1),
            "outcome": round(self.outcome, 1),
            "red_flag_penalty": self.penalty,
            "formula": self.formula,
        }


@dataclass(frozen=True, slots=True)
class Scorecard:
    """Everything the debrief reports about one attempt."""

    scenario: Scenario
    framework: Framework
    turns: tuple[Turn, ...]
    outcome: str | None
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


ESCALATION_VERDICTS: Mapping[str, str] = {
    Escalation.NEEDED_DONE: "needed and done",
    Escalation.NEEDED_MISSED: "needed and missed",
    Escalation.PREMATURE: "escalated before it was needed",
    Escalation.NOT_NEEDED: "not needed, and not done",
}

OUTCOME_CREDIT = {
    OutcomeKind.RESOLVED.value: 1.0,
    OutcomeKind.ESCALATED.value: 1.0,
    OutcomeKind.OMBUDSMAN.value: 0.25,
    OutcomeKind.CUSTOMER_LOST.value: 0.0,
}


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
    verdict = _escalation(session)
    points = tuple(_judge(point, session, cov, verdict) for point in marking_points())
    flags = tuple(
        Quote(t.number, e.quote, e.move)
        for t in turns
        for e in t.analysis.evidence
        if e.move in FLAGS
    )
    breaches = tuple(
        Quote(t.number, f.quote, f.detail) for t in turns for f in t.facts.of("beyond_authority")
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
        coverage=cov,
        points=points,
        flags=flags,
        escalation=verdict,
        breaches=breaches,
        misstatements=misstated,
        causes=tuple(_causes(session)),
        advice=tuple(_advice(framework, cov, points)),
        score=score,
    )


def _quote(turn: Turn, evidence: Evidence) -> Quote:
    return Quote(turn.number, evidence.quote, evidence.move)


def _first(turns: Sequence[Turn], move_ids: Sequence[str]) -> list[Quote]:
    out: list[Quote] = []
    for move_id in move_ids:
        for turn in turns:
            found = turn.analysis.first_evidence(move_id)
            if found is not None:
                out.append(_quote(turn, found))
                break
    return out


def _escalation(session: Session) -> Escalation:
    """Judge escalation from the triggers and the turns they fired after.

    Escalation is needed from the first turn after a trigger that expects it; an escalation
    before that is premature unless the same reply asks for approval of something beyond the
    learner's own authority (that reply creates its own need). A premature hand-over stays
    premature even if a later one was right: the learner gave away what was theirs to do.
    """
    needed_from: int | None = None
    for trigger_id, at in sorted(session.fired.items(), key=lambda kv: kv[1]):
        trigger = session.scenario.trigger(trigger_id)
        if trigger is not None and trigger.escalate:
            needed_from = at if needed_from is None else min(needed_from, at)
    escalated = [t for t in session.turns if t.analysis.has("escalate")]
    early = [
        t
        for t in escalated
        if (needed_from is None or t.number <= needed_from) and not _asks_approval(t)
    ]
    if early:
        return Escalation.PREMATURE
    if needed_from is not None:
        done = any(t.number > needed_from or _asks_approval(t) for t in escalated)
        return Escalation.NEEDED_DONE if done else Escalation.NEEDED_MISSED
    return Escalation.NEEDED_DONE if escalated else Escalation.NOT_NEEDED


def _asks_approval(turn: Turn) -> bool:
    """Whether the reply escalates to get approval for something beyond the learner's limit."""
    return turn.analysis.has("escalate") and bool(turn.facts.of("needs_approval"))


Judge = Callable[[Session, Coverage, Escalation], tuple[Verdict, list[Quote], str]]


def _judge(
    point: MarkingPoint, session: Session, cov: Coverage, verdict: Escalation
) -> PointResult:
    status, evidence, missing = _RULES[point.rule](session, cov, verdict)
    return PointResult(point.id, point.text, point.source, status, tuple(evidence), missing)


def _promise_breach_recovered(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Status, list[Quote], str]:
    turns = session.turns
    recognised = _first(turns, ["acknowledge", "apologise"])
    recovered = _first(turns, ["resolve", "escalate"])
    if recognised and recovered:
        return "met", recognised[:1] + recovered[:1], ""
    if recognised or recovered:
        gap = "no remedy or escalation" if recognised else "the failure was never acknowledged"
        return "partial", recognised[:1] + recovered[:1], gap
    return "not_met", [], "the failure was neither recognised nor put right"


def _promise_referenced(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Status, list[Quote], str]:
    from roleplay.core.facts import find_phrase

    commitments = session.scenario.organisation.promise
    for turn in session.turns:
        scored = turn.analysis.reply  # of a very long reply, only the part that was scored
        text = scored.lower()
        for commitment in commitments:
            for cue in commitment.cues:
                span = find_phrase(cue, text)
                if span is not None:
                    return (
                        "met",
                        [Quote(turn.number, scored[span[0] : span[1]], commitment.id)],
                        "",
                    )
    named = [Quote(t.number, f.quote, f.name) for t in session.turns for f in t.facts.of("policy")]
    if named:
        return "partial", named[:1], "a policy was named, but no commitment of the service promise"
    return "not_met", [], "no part of the service promise was named"


def _alternatives_or_escalation(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Status, list[Quote], str]:
    turns = session.turns
    offered = _first(turns, ["resolve", "escalate"])
    refused = [
        Quote(t.number, e.quote, "dismiss")
        for t in turns
        for e in t.analysis.evidence_for("dismiss")
    ]
    if offered and not refused:
        return "met", offered[:2], ""
    if offered:
        return "partial", offered[:1] + refused[:1], "a refusal with no alternative came first"
    tried = _first(turns, ["investigate", "follow_up"])
    if tried:
        return "partial", tried[:1], "no concrete alternative or escalation was offered"
    return "not_met", refused[:1], "no alternative was offered and nothing was escalated"


def _policy_cited_with_decision(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Status, list[Quote], str]:
    with_decision: list[Quote] = []
    alone: list[Quote] = []
    for turn in session.turns:
        for finding in turn.facts.of("policy"):
            quote = Quote(turn.number, finding.quote, finding.name)
            decides = (
                turn.analysis.has("resolve")
                or turn.analysis.has("explain")
                or turn.analysis.has("escalate")
            )
            (with_decision if decides else alone).append(quote)
    if with_decision:
        return "met", with_decision[:2], ""
    generic = _first(session.turns, ["policy_reference"])
    if alone or generic:
        return (
            "partial",
            (alone or generic)[:1],
            "a policy was named but not used to justify a decision",
        )
    return "not_met", [], "no company policy was named"


def _professional_tone(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Status, list[Quote], str]:
    flagged = [
        Quote(t.number, e.quote, e.move)
        for t in session.turns
        for e in t.analysis.evidence
        if e.move in FLAGS
    ]
    if not session.turns:
        return "not_met", [], "no replies"
    if not flagged:
        return "met", [Quote(t.number, t.analysis.reply, "no red flag") for t in session.turns], ""
    serious = [q for q in flagged if q.what in ("dismiss", "blame")]
    if serious:
        return "not_met", flagged[:3], "at least one reply blamed or dismissed the customer"
    return (
        "partial",
        flagged[:2],
        "a reply apologised for the customer's feelings instead of the problem",
    )


def _escalation_when_triggered(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Status, list[Quote], str]:
    escalations = _first(session.turns, ["escalate"])
    if verdict == Escalation.NEEDED_DONE:
        return "met", escalations, ""
    if verdict == Escalation.NOT_NEEDED:
        return "met", [], ""
    if verdict == Escalation.PREMATURE:
        return "partial", escalations, "escalated before trying what was within your authority"
    return "not_met", [], "the situation needed escalating and it was not escalated"


def _structured_process(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Status, list[Quote], str]:
    met = [s for s in cov.steps if s.met]
    evidence = [
        Quote(s.first_turn or 0, s.evidence.quote, s.id) for s in met if s.evidence is not None
    ]
    share = len(met) / len(cov.steps) if cov.steps else 0.0
    resolved = session.outcome in {o.value for o in GOOD_OUTCOMES}
    if share >= 0.75 and cov.in_order and resolved:
        return "met", evidence, ""
    if share >= 0.5:
        gaps = []
        if share < 0.75:
            gaps.append("some steps were missed")
        if not cov.in_order:
            gaps.append("the steps came out of order")
        if not resolved:
            gaps.append("it did not end in a resolution")
        return "partial", evidence, "; ".join(gaps)
    return "not_met", evidence, "fewer than half of the model's steps were shown"


def _legislation_named(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Status, list[Quote], str]:
    """Names-legislation, judged as a strict examiner does: naming is not doing.

    Met only when a law that fits the situation is named, what is said of it is right, and
    the reply says what it means for the customer. Partial when a fitting law is named right
    but the learner misstated the law elsewhere, or only used its name as a reason ("for
    data protection reasons") or pointed at it ("consumer law"). Not met when no fitting law
    is named outside a misstatement, when the law named does not fit, when the reply breaks
    the very law it names (data protection cited while disclosing), or when nothing is said
    of the law at all: a company policy or a regulator's scheme is not legislation, and a
    scenario that names no law gives no credit for silence.
    """
    wrong = [(t, f) for t in session.turns for f in t.facts.of("misstatement")]
    named = [(t, f) for t in session.turns for f in t.facts.of("law")]

    def misstated(t: Turn, f: Finding) -> bool:
        return any(w.start < f.end and f.start < w.end for w in t.facts.of("misstatement"))

    fitting = [(t, f) for t, f in named if f.fits and not misstated(t, f)]
    if not fitting:
        if wrong:
            t, f = wrong[0]
            return "not_met", [Quote(t.number, f.quote, "misstated")], f.detail.rstrip(".")
        if named:
            t, f = named[0]
            wanted = [
                law.name
                for law in (bundled_catalogue().law(i) for i in session.scenario.legislation)
                if law is not None
            ]
            why = f"{f.name} does not fit this situation"
            if wanted:
                why += f"; the law that applies is {' and '.join(wanted)}"
            return "not_met", [Quote(t.number, f.quote, f.name)], why
        return "not_met", [], "the law that applies was never named"
    data_laws = {law.id for law in bundled_catalogue().laws if "personal_data" in law.governs}
    # Breaking the law in the very reply that cites it contradicts what was said of it.
    cited_in = {t.number for t, f in fitting}
    disclosed = [
        (t, f) for t in session.turns for f in t.facts.of("disclosure") if t.number in cited_in
    ]
    if disclosed and all(f.ref in data_laws for _t, f in fitting):
        t, f = disclosed[0]
        return (
            "not_met",
            [Quote(t.number, f.quote, "disclosed")],
            "data protection was named, but the reply disclosed what it protects",
        )
    evidence = [Quote(t.number, f.quote, f.name) for t, f in fitting[:2]]
    if wrong:
        t, f = wrong[0]
        return (
            "partial",
            [*evidence[:1], Quote(t.number, f.quote, "misstated")],
            f"the law was also misstated: {f.detail.rstrip('.')}",
        )
    explained = [(t, f) for t, f in fitting if f.explained]
    if explained:
        return "met", [Quote(t.number, f.quote, f.name) for t, f in explained[:2]], ""
    return (
        "partial",
        evidence[:1],
        f"{fitting[0][1].name} was named, but not what it means for the customer",
    )


def _listening_and_empathy(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Status, list[Quote], str]:
    listened = _first(session.turns, ["listen"])
    felt = _first(session.turns, ["empathise"])
    if listened and felt:
        return "met", listened + felt, ""
    if listened or felt:
        return (
            "partial",
            listened + felt,
            "no empathy shown" if listened else "no active listening shown",
        )
    return "not_met", [], "no active listening and no empathy"


def _within_authority(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Status, list[Quote], str]:
    breaches = [
        Quote(t.number, f.quote, f.detail)
        for t in session.turns
        for f in t.facts.of("beyond_authority")
    ]
    if breaches:
        return "not_met", breaches[:2], "a promise went beyond the learner's authority"
    cited = [Quote(t.number, f.quote, f.name) for t in session.turns for f in t.facts.of("policy")]
    if cited:
        return "met", cited[:1], ""
    return "partial", [], "stayed within authority, but no policy was followed by name"


_RULES: Mapping[str, Judge] = {
    "promise_breach_recovered": _promise_breach_recovered,
    "promise_referenced": _promise_referenced,
    "alternatives_or_escalation": _alternatives_or_escalation,
    "policy_cited_with_decision": _policy_cited_with_decision,
    "professional_tone": _professional_tone,
    "escalation_when_triggered": _escalation_when_triggered,
    "structured_process": _structured_process,
    "legislation_named": _legislation_named,
    "listening_and_empathy": _listening_and_empathy,
    "within_authority": _within_authority,
}


def _score(
    cov: Coverage, points: Sequence[PointResult], outcome: str | None, turns: Sequence[Turn]
) -> Score:
    steps = 40 * (sum(1 for s in cov.steps if s.met) / len(cov.steps)) if cov.steps else 0.0
    credit = sum(
        1.0 if p.status == "met" else 0.5 if p.status == "partial" else 0.0 for p in points
    )
    marks = 40 * credit / len(points) if points else 0.0
    result = 20 * OUTCOME_CREDIT.get(outcome or "", 0.0)
    flagged_turns = sum(1 for t in turns if t.analysis.flags)
    penalty = min(20, 5 * flagged_turns)
    total = max(0, min(100, round(steps + marks + result - penalty)))
    formula = (
        f"40 × steps met ({sum(1 for s in cov.steps if s.met)}/{len(cov.steps)}) = {steps:.1f}"
        f" + 40 × marking points ({credit:g}/{len(points)}, partial counts half) = {marks:.1f}"
        f" + 20 × outcome ({outcome or 'unfinished'}) = {result:.1f}"
        f" − 5 × replies with a red flag ({flagged_turns}, at most 20) = {penalty}"
        f" → {total}"
    )
    return Score(total, steps, marks, result, penalty, formula)


def _causes(session: Session) -> list[str]:
    """Say, turn by turn, what each reply did to the customer and why."""
    out: list[str] = []
    turns = session.turns
    for i, turn in enumerate(turns):
        change = turn.mood_change
        words = f' ("{turn.cause[0].quote}")' if turn.cause else ""
        reason = "; ".join(turn.because) if turn.because else "the conversation moved on"
        if change:
            direction = "rose" if change > 0 else "fell"
            before, after = band_of(turn.mood_before).value, band_of(turn.mood_after).value
            moved = f"from {before} to {after}" if before != after else f"further ({after})"
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


def _advice(framework: Framework, cov: Coverage, points: Sequence[PointResult]) -> list[Advice]:
    out: list[Advice] = []
    for step_cov in cov.steps:
        if not step_cov.met:
            step = framework.step(step_cov.id)
            out.append(Advice(f"{framework.id}: {step.title}", step.description, step.example))
    by_id = {p.id: p for p in marking_points()}
    for result in points:
        if result.status != "met":
            point = by_id[result.id]
            out.append(Advice(f"Marking point: {result.id}", point.advice, point.example))
    return out


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
            }
            for t in card.turns
        ],
        "outcome": card.outcome,
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
