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
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from roleplay.core.analysis import Evidence
from roleplay.core.conduct import sentences
from roleplay.core.dialogue import Analyser, Session, Turn, play
from roleplay.core.facts import Finding
from roleplay.core.frameworks import Coverage, Framework, coverage, get_framework, rubrics_dir
from roleplay.core.legislation import bundled_catalogue
from roleplay.core.moves import FLAGS
from roleplay.core.promise import (
    Strength,
    content_words,
    mentions,
    puts_right,
    recognises,
    shared_words,
)
from roleplay.core.scenario import GOOD_OUTCOMES, Scenario, band_of
from roleplay.core.source import load_model_file


class Verdict(StrEnum):
    """A marking point's verdict, as an examiner writes it."""

    MET = "met"
    PARTIAL = "partial"
    NOT_MET = "not_met"


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
    title: str = Field(min_length=1)
    """The point in plain words ("Name the promise"), for headings and advice."""
    source: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    """The syllabus unit's title, as the seeds' README names it ("Living up to the customer
    service promise"): what a learner is shown, not the file name."""
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
    status: Verdict
    evidence: tuple[Quote, ...]
    missing: str = ""
    unit: str = ""
    """The title of the syllabus unit the point is quoted from."""
    title: str = ""
    """The point in plain words."""

    def __post_init__(self) -> None:
        # The verdict is typed whatever the rule wrote ("met" or Verdict.MET): every view
        # compares enums, never strings.
        object.__setattr__(self, "status", Verdict(self.status))

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data."""
        return {
            "id": self.id,
            "text": self.text,
            "source": self.source,
            "unit": self.unit,
            "title": self.title,
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


_EXTERNAL = re.compile(
    r"\b(?:ombudsman|ofcom|ofgem|ofwat|regulator|trading standards|citizens advice|"
    r"information commissioner|ico|phso|small claims|court|solicitor|watchdog)\b",
    re.IGNORECASE,
)
"""Bodies outside the organisation: telling a customer to go to them is not handing the case
to someone with more authority, unless the route is open to them now."""

_AUTHORITY = re.compile(
    r"\b(?:manager|supervisor|team ?leader|tl|senior|superior|boss|head of|complaints?|"
    r"escalat\w*|ombudsman|above me|more authority)\b",
    re.IGNORECASE,
)
"""Who has more authority than the learner. Passing details to an operational team that
does the work ("our engineering team", "the billing team") while keeping the case is not
handing it up, so it cannot be a premature hand-over."""

_FAULT_REPORTED = re.compile(
    r"\b(?:report|reporting|reported|flag|flagging|flagged|feed|feeding|fed|log|logging|logged|"
    r"raise|raising|raised|pass|passing|passed|send|sending|sent|forward|forwarding|forwarded)"
    r"\b[^.;]{0,40}?\b(?:fault|glitch|bug|error|defect|failure)s?\b"
    r"|\b(?:fault|glitch|bug|error|defect)s?\b[^.;]{0,40}?\b(?:reported|flagged|fed back|logged)\b"
    r"|\bso (?:it|this|that)(?: gets| is|'s)? (?:fixed|sorted|put right) for "
    r"(?:everyone|every ?one|other customers|all)\b",
    re.IGNORECASE,
)
"""A fault passed to the team that fixes it so that it does not happen again: learning, not
a hand-over of the customer's case ("I'm reporting the app fault to our digital team")."""

BREACHES = ("beyond_authority", "disclosure", "advice_outside_role", "unkeepable_promise")
"""Findings that break the organisation's rules or the limits of the learner's role."""


def _handovers(session: Session) -> list[tuple[Turn, Evidence]]:
    """Each turn that hands the case to someone with more authority, with its words.

    Reporting a fault so that it is fixed for everyone ("I've reported it to our operations
    manager") is learning, not escalation; sending the customer to an outside body is
    escalation only when that route is open to them now.
    """
    out: list[tuple[Turn, Evidence]] = []
    for turn in session.turns:
        learned = turn.analysis.evidence_for("learn")
        for evidence in turn.analysis.evidence_for("escalate"):
            if any(e.start < evidence.end and evidence.start < e.end for e in learned):
                continue
            around = _sentence_of(turn, evidence)
            if _FAULT_REPORTED.search(around):
                continue
            if _EXTERNAL.search(around) and (
                not session.scenario.ombudsman_open or _REFUSING.search(around)
            ):
                continue
            out.append((turn, evidence))
            break
    return out


def _sentence_of(turn: Turn, evidence: Evidence) -> str:
    """The sentence (lower case) that holds a piece of evidence."""
    for sentence in sentences(turn.analysis.reply):
        if sentence.start <= evidence.start < sentence.end:
            return sentence.text
    return evidence.quote.lower()


def _tried_before(session: Session, number: int) -> bool:
    """Whether the learner had tried anything of their own (looked into it, explained,
    offered a remedy within authority) in the turns before this one."""
    for turn in session.turns:
        if turn.number >= number:
            break
        if turn.facts.of("beyond_authority"):
            continue
        if any(_own(turn, move) for move in ("resolve", "investigate", "explain")):
            return True
        if turn.facts.of("offer"):
            return True
    return False


def _own(turn: Turn, move: str) -> bool:
    """Whether the reply makes ``move`` in a sentence that is not the hand-over itself
    ("I've passed it to my team leader, who will arrange the engineer" is not the
    learner's own remedy)."""
    handing = [
        (s.start, s.end)
        for s in sentences(turn.analysis.reply)
        for e in turn.analysis.evidence_for("escalate")
        if s.start <= e.start < s.end
    ]
    return any(
        not any(start <= e.start < end for start, end in handing)
        for e in turn.analysis.evidence_for(move)
    )


_NOBODY_HIGHER = re.compile(
    r"\b(?:(?:there(?:'s| is)n't|there (?:is|are) no|there's no|isn't|is not|aren't|are not|"
    r"haven't got|have no|don't have|do not have)\s+(?:a |an |any |anyone |anybody |someone )?"
    r"(?:more senior|senior|manager|supervisor|team leader|one else|body else|one above me|"
    r"one higher|else)\b"
    r"|\bno[ -]?(?:one|body)\s+(?:else|more senior|senior|above me|higher)\b"
    r"|\b(?:can ?not|can't|cant|won't|unable to|not able to)\s+(?:put you through|transfer you|"
    r"escalate|pass (?:you|this|it|that) (?:on|up|over|to))\b"
    r"|\b(?:manager|supervisor|team leader|anyone else)\s+(?:will|would|'ll|'d|is going to)\s+"
    r"(?:only |just )?(?:tell|say)\b)",
    re.IGNORECASE,
)
"""A hand-over refused: nobody more senior, no manager, nobody else who can help. The
customer asked for someone with more authority (or needed one), and was told there is none."""


def _refused_handover(turn: Turn, handed: set[int]) -> bool:
    """Whether the reply tells the customer there is nobody else to take the case, without
    handing it to anyone in the same reply (``handed``: the numbers of turns that did)."""
    if turn.number in handed:
        return False
    return any(_NOBODY_HIGHER.search(s.text) for s in sentences(turn.analysis.reply))


def _need(session: Session) -> int | None:
    """The turn after which escalation became needed: a trigger that expects it fired, the
    learner promised something beyond their authority (their own offer made the need), or
    the learner told the customer there was nobody else to take it (the customer had asked
    for someone with more authority, or needed one)."""
    needed_from: int | None = None
    for trigger_id, at in session.fired.items():
        trigger = session.scenario.trigger(trigger_id)
        if trigger is not None and trigger.escalate:
            needed_from = at if needed_from is None else min(needed_from, at)
    handed = {t.number for t, _e in _handovers(session)}
    for turn in session.turns:
        if turn.facts.of("beyond_authority") or _refused_handover(turn, handed):
            created = turn.number - 1
            needed_from = created if needed_from is None else min(needed_from, created)
            break
    return needed_from


def _escalation(session: Session) -> Escalation:
    """Judge escalation from the triggers and the turns they fired after.

    Escalation is needed from the first turn after a trigger that expects it, or from the
    turn the learner promised something beyond their authority (their own offer created the
    need). Handing the case up before anything called for it, and before trying anything
    within one's own authority, is premature — even if a later hand-over was right: the
    learner gave away what was theirs to do. Asking for approval of an over-limit remedy
    is escalation, and never premature.
    """
    needed_from = _need(session)
    handed = _handovers(session)
    for turn, evidence in handed:
        if not _AUTHORITY.search(_sentence_of(turn, evidence)):
            continue
        early = needed_from is None or turn.number <= needed_from
        tried = _tried_before(session, turn.number) or _own(turn, "resolve")
        if early and not _asks_approval(turn) and not tried:
            return Escalation.PREMATURE
    if needed_from is not None:
        # A hand-over in the very reply the customer's next line reacts to counts: the case
        # was already with someone who can decide when the need showed.
        done = any(t.number >= needed_from or _asks_approval(t) for t, _e in handed)
        return Escalation.NEEDED_DONE if done else Escalation.NEEDED_MISSED
    return (
        Escalation.NEEDED_DONE
        if any(_asks_approval(t) for t, _e in handed)
        else (Escalation.NOT_NEEDED)
    )


def _asks_approval(turn: Turn) -> bool:
    """Whether the reply escalates to get approval for something beyond the learner's limit."""
    return bool(turn.facts.of("needs_approval"))


Judge = Callable[[Session, Coverage, Escalation], tuple[Verdict, list[Quote], str]]


def _judge(
    point: MarkingPoint, session: Session, cov: Coverage, verdict: Escalation
) -> PointResult:
    status, evidence, missing = _RULES[point.rule](session, cov, verdict)
    return PointResult(
        point.id,
        point.text,
        point.source,
        Verdict(status),
        tuple(evidence),
        missing,
        point.unit,
        point.title,
    )


def _sentences_with(turn: Turn, moves: Sequence[str]) -> list[tuple[int, int, str]]:
    """The sentences of a reply that hold evidence of any of ``moves``."""
    reply = turn.analysis.reply
    spans = [(e.start, e.end) for m in moves for e in turn.analysis.evidence_for(m)]
    out = []
    for sentence in sentences(reply):
        if any(s < sentence.end and e > sentence.start for s, e in spans):
            out.append((sentence.start, sentence.end, sentence.text))
    return out


def _promise_breach_recovered(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Verdict, list[Quote], str]:
    """The breach of the promise recognised out loud and put right by a remedy tied to it."""
    turns = session.turns
    breached = [c for c in session.scenario.organisation.promise if c.breached]
    remedies = [
        (t, Quote(t.number, e.quote, "resolve"))
        for t in turns
        if not t.facts.of("beyond_authority") and _own(t, "resolve")
        for e in t.analysis.evidence_for("resolve")[:1]
    ] + [
        (t, Quote(t.number, f.quote, "needs_approval"))
        for t in turns
        for f in t.facts.of("needs_approval")[:1]
    ]
    if not breached:
        recognised = _first(turns, ["acknowledge", "apologise"])
        if recognised and remedies:
            return "met", [*recognised[:1], remedies[0][1]], ""
        if recognised or remedies:
            gap = "no remedy within your authority" if recognised else "no breach recognised"
            return "partial", recognised[:1] + [q for _t, q in remedies[:1]], gap
        return "not_met", [], "the failure was neither recognised nor put right"
    owned: dict[str, Quote] = {}
    righted: dict[str, Quote] = {}
    for turn in turns:
        named = {m.commitment: m for m in mentions(turn.analysis.reply, breached)}
        brushed = turn.analysis.has("dismiss") or turn.analysis.has("blame")
        owning = [] if brushed else _sentences_with(turn, ["acknowledge", "apologise", "ownership"])
        doing = _sentences_doing(turn)
        for commitment in breached:
            if commitment.id not in owned:
                mention = named.get(commitment.id)
                if mention is not None and not brushed:
                    owned[commitment.id] = Quote(turn.number, mention.quote, commitment.id)
                else:
                    for start, end, text in owning:
                        if recognises(text, commitment):
                            quote = turn.analysis.reply[start:end]
                            owned[commitment.id] = Quote(turn.number, quote, commitment.id)
                            break
            if commitment.id not in righted and commitment.put_right:
                for start, end, text in doing:
                    if puts_right(text, commitment):
                        quote = turn.analysis.reply[start:end]
                        righted[commitment.id] = Quote(turn.number, quote, commitment.id)
                        break
    done = [c for c in breached if c.id in owned and (c.id in righted or not c.put_right)]
    evidence = list(owned.values())[:2] + list(righted.values())[:2]
    fixable = [c for c in breached if c.put_right]
    if not done and fixable and all(c.id in righted for c in fixable):
        # Every broken commitment put right by its own remedy recovers the breach, even
        # when the learner never says which promise it was (names-the-promise marks that).
        return "met", list(righted.values())[:2], ""
    if done:
        # The marking point asks for "a specific instance where they recovered a service
        # failure aligned to the promise": one breach owned and put right is that instance.
        first = done[0]
        instance = [owned[first.id]] + ([righted[first.id]] if first.id in righted else [])
        return "met", instance, ""
    missing = "; ".join(
        _lower_first((c.breached or c.text).rstrip(".")) for c in breached if c not in done
    )
    if righted or remedies:
        return (
            "partial",
            evidence or [q for _t, q in remedies[:1]],
            f"not both owned and put right with a remedy tied to it: {missing}",
        )
    if owned:
        return (
            "not_met",
            evidence,
            f"the broken promise was recognised, but nothing was done to put it right: {missing}",
        )
    return "not_met", [], f"the broken promise was neither recognised nor put right: {missing}"


def _lower_first(text: str) -> str:
    """A sentence to go after a colon: "Her parcel…" becomes "her parcel…"."""
    return text[:1].lower() + text[1:] if text[:2] != "I " else text


_OWN_ACT = re.compile(r"^\W*(?:and |so |also |now )?(?:i've|i have|i'll|i will|i'm|i am|i can)\b")


def _sentences_doing(turn: Turn) -> list[tuple[int, int, str]]:
    """Sentences in which the learner does or promises something of their own (not beyond
    their authority): a remedy, a hand-over, a follow-up, an act in the first person."""
    if turn.facts.of("beyond_authority"):
        return []
    moved = _sentences_with(turn, ["resolve", "escalate", "follow_up", "investigate"])
    own = [
        (s.start, s.end, s.text)
        for s in sentences(turn.analysis.reply)
        if _OWN_ACT.search(s.text) and not _REFUSING.search(s.text)
    ]
    return sorted(set(moved) | set(own))


def _promise_referenced(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Verdict, list[Quote], str]:
    """A commitment of the promise named, in the learner's own words or its cue words."""
    commitments = session.scenario.organisation.promise
    echoed: list[Quote] = []
    for turn in session.turns:
        for mention in mentions(turn.analysis.reply, commitments):
            quote = Quote(turn.number, mention.quote, mention.commitment)
            if mention.strength == Strength.NAMED:
                return "met", [quote], ""
            echoed.append(quote)
    if echoed:
        return (
            "partial",
            echoed[:1],
            "a commitment was echoed, but never named as the organisation's promise",
        )
    return "not_met", [], "no part of the service promise was named"


def _alternatives_or_escalation(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Verdict, list[Quote], str]:
    """Proactive steps to keep the promise when the first attempt failed: another way to
    put it right (within authority), or the case taken to someone who can decide."""
    handed = _handovers(session)
    escalations = [Quote(t.number, e.quote, "escalate") for t, e in handed]
    offered = [
        Quote(t.number, e.quote, "alternative")
        for t in session.turns
        if not t.facts.of("beyond_authority") and _own(t, "resolve")
        for e in t.analysis.evidence_for("resolve")[:1]
    ]
    refusals = [
        Quote(t.number, e.quote, "dismiss")
        for t in session.turns
        if not t.analysis.has("resolve") and not t.facts.cited
        for e in t.analysis.evidence_for("dismiss")[:1]
    ]
    if verdict == Escalation.PREMATURE:
        need = _need(session)
        later = need is not None and any(t.number >= need for t, _e in handed)
        if offered or later:
            return (
                "partial",
                (escalations + offered)[:2],
                "the case was passed on before you tried what was within your authority",
            )
        return (
            "not_met",
            escalations[:1],
            "the case was passed on instead of trying what was within your authority",
        )
    if verdict == Escalation.NEEDED_MISSED:
        broken = any(
            t.facts.of(kind) for t in session.turns for kind in (*BREACHES, "misstatement")
        )
        if offered and not refusals and not broken:
            # The point asks for alternatives *or* escalation: another way within authority
            # is the proactive step it names (the missed escalation is marked on its own).
            return "met", offered[:2], ""
        if offered:
            return (
                "partial",
                offered[:1] + refusals[:1],
                "an alternative was offered, but with a refusal or a rule broken, and what "
                "needed escalating was not escalated",
            )
        return "not_met", refusals[:1], "nothing was offered and nothing was escalated"
    good = offered + (escalations if verdict == Escalation.NEEDED_DONE else [])
    if good and not refusals:
        return "met", good[:2], ""
    if good:
        return "partial", good[:1] + refusals[:1], "a refusal with no alternative came first"
    return (
        "not_met",
        refusals[:1],
        "no alternative was offered for what could not be done, and nothing was escalated",
    )


_REFUSING = re.compile(
    r"\b(?:can ?not|can't|cant|unable to|not able to|won't be able|isn't something|"
    r"not something i|i'm afraid|i am afraid|not possible|don't have the authority)\b",
    re.IGNORECASE,
)


_POLICY_NOUNS = re.compile(
    r"\b(?:polic(?:y|ies)|procedures?|process|scheme|rules?|standard|promise|guarantee|"
    r"conditions|terms|charter|code|mandate|attorney|deputyship|charges?|fees?|limit|act|"
    r"regulations?)\b",
    re.IGNORECASE,
)
"""Words that make a cue a policy's name rather than its act or its people ("the duty
doctor", "I've re-billed you" and "a note on your record" use a policy without naming it)."""


def _names_policy(finding: Finding) -> bool:
    """Whether a policy finding names the policy (its name, or a cue with a policy noun) so
    a customer could look it up, as the marking point and moves.md ask."""
    quote = finding.quote.lower()
    name = finding.name.lower()
    return quote in name or name in quote or bool(_POLICY_NOUNS.search(quote))


def _policy_cited_with_decision(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Verdict, list[Quote], str]:
    """A named policy used to justify a decision the learner made (not to brush off)."""
    with_decision: list[Quote] = []
    alone: list[Quote] = []
    for turn in session.turns:
        wrong = turn.facts.of("misstatement")
        if any(turn.facts.of(kind) for kind in BREACHES):
            continue
        for finding in turn.facts.of("policy"):
            if any(w.start <= finding.start < w.end for w in wrong) or not _names_policy(finding):
                continue
            quote = Quote(turn.number, finding.quote, finding.name)
            brushed_off = turn.analysis.has("dismiss") and not turn.analysis.has("resolve")
            decides = not brushed_off and (
                turn.analysis.has("resolve")
                or turn.analysis.has("explain")
                or turn.analysis.has("investigate")
                or turn.analysis.has("escalate")
            )
            (with_decision if decides else alone).append(quote)
    if with_decision:
        return "met", with_decision[:2], ""
    if alone:
        return "partial", alone[:1], "a policy was named but not used to justify a decision"
    return "not_met", [], "no company policy was named"


def _professional_tone(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Verdict, list[Quote], str]:
    """Every reply in the manner the channel calls for: no blame, no brush-off, no
    text-speak in a company's written or spoken words, no apology for the customer's
    feelings."""
    if not session.turns:
        return "not_met", [], "no replies"
    flagged = [
        Quote(t.number, e.quote, e.move)
        for t in session.turns
        for e in t.analysis.evidence
        if e.move in FLAGS
    ]
    slang = [
        Quote(t.number, ", ".join(words), "text-speak")
        for t in session.turns
        if (words := text_speak(t.analysis.reply))
    ]
    reasoned = {
        t.number
        for t in session.turns
        if t.facts.cited
        and any(t.analysis.has(m) for m in ("listen", "explain", "resolve", "escalate"))
    }
    # "I can't give you his balance for data protection reasons. What's happened?" is a
    # refusal with the rule that requires it and help offered: not a brush-off.
    serious = [
        q for q in flagged if q.what == "blame" or (q.what == "dismiss" and q.turn not in reasoned)
    ]
    if not serious:
        serious = _refusals_without_help(session)
    if serious:
        return "not_met", serious[:2], "at least one reply blamed or brushed the customer off"
    if slang:
        channel = session.scenario.channel.value.replace("_", " ")
        return (
            "not_met",
            slang[:2],
            f"text-speak in a {channel} conversation for the company",
        )
    feelings = [q for q in flagged if q.what == "non_apology"]
    if feelings:
        return (
            "partial",
            feelings[:2],
            "a reply apologised for the customer's feelings instead of the problem",
        )
    return "met", [Quote(t.number, t.analysis.reply, "no red flag") for t in session.turns], ""


_NOTHING_MORE = re.compile(
    r"\b(?:there(?:'s| is)n't|there is not|there's no|there is no)\s+(?:anything|much)\s+"
    r"(?:else |more )?(?:i|we)\s+(?:can|could)\s+do\b",
    re.IGNORECASE,
)
"""A polite "there isn't anything else I can do": nothing can be done, in kinder words."""


def _refusals_without_help(session: Session) -> list[Quote]:
    """Replies that tell the customer nobody else can take the case, or nothing more can be
    done, and offer nothing of their own in its place: a brush-off however politely put
    (moves.md: a refusal with no alternative is dismissal)."""
    handed = {t.number for t, _e in _handovers(session)}
    out: list[Quote] = []
    for turn in session.turns:
        if turn.number in handed or _own(turn, "resolve") or turn.facts.of("offer"):
            continue
        for sentence in sentences(turn.analysis.reply):
            if _NOBODY_HIGHER.search(sentence.text) or _NOTHING_MORE.search(sentence.text):
                quote = turn.analysis.reply[sentence.start : sentence.end]
                out.append(Quote(turn.number, quote, "dismiss"))
                break
    return out


def _escalation_when_triggered(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Verdict, list[Quote], str]:
    """Escalation when, and only when, the situation goes beyond standard procedure."""
    escalations = [Quote(t.number, e.quote, "escalate") for t, e in _handovers(session)]
    if verdict == Escalation.NEEDED_DONE:
        return "met", escalations[:2], ""
    if verdict == Escalation.NOT_NEEDED:
        return "met", [], ""
    if verdict == Escalation.PREMATURE:
        need = _need(session)
        later = need is not None and any(t.number >= need for t, _e in _handovers(session))
        return (
            "partial" if later else "not_met",
            escalations[:2],
            "the case was handed up before trying what was within your own authority",
        )
    return "not_met", [], "the situation needed escalating and it was not escalated"


def _structured_process(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Verdict, list[Quote], str]:
    """The model's steps, opening before closing, within the organisation's policies
    (escalation procedures, limits), ending in a resolution the customer can see.

    The marking point asks for a process "that respects organizational policies (e.g.,
    escalation procedures, time limits) while offering a customer-focused resolution": all
    the steps, in order, with no rule broken and escalation judged right, is met; a process
    that hands the case away untried, or misses a needed escalation while refusing or
    breaking a rule, is not met however many steps it shows.
    """
    met = [s for s in cov.steps if s.met]
    evidence = [
        Quote(s.first_turn or 0, s.evidence.quote, s.id) for s in met if s.evidence is not None
    ]
    share = len(met) / len(cov.steps) if cov.steps else 0.0
    broken = [f for t in session.turns for f in t.facts.findings if f.kind in BREACHES]
    wrong = [f for t in session.turns for f in t.facts.of("misstatement")]
    refused = any(t.analysis.has("dismiss") for t in session.turns)
    resolved = session.outcome in {o.value for o in GOOD_OUTCOMES} or any(
        _own(t, "resolve") for t in session.turns
    )
    if share < 0.5 and not resolved:
        return (
            "not_met",
            evidence,
            "fewer than half of the model's steps were shown and nothing was put right",
        )
    if verdict == Escalation.PREMATURE:
        return (
            "not_met",
            evidence,
            "the case was handed on before the learner tried their own steps",
        )
    if verdict == Escalation.NEEDED_MISSED and refused:
        return (
            "not_met",
            evidence,
            "the customer was refused and a needed escalation was missed",
        )
    gaps = []
    if share < 0.5:
        gaps.append("fewer than half of the model's steps were shown")
    elif share < 1.0:
        gaps.append("some steps were missed")
    if not cov.in_order:
        gaps.append("the model's opening steps came after its closing ones")
    if broken or wrong:
        gaps.append("a policy or the law was broken on the way")
    if verdict in (Escalation.PREMATURE, Escalation.NEEDED_MISSED):
        gaps.append("escalation did not follow the procedure")
    if not resolved:
        gaps.append("it did not end in a resolution")
    if not gaps:
        return "met", evidence, ""
    return "partial", evidence, "; ".join(gaps)


def _legislation_named(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Verdict, list[Quote], str]:
    """Names-legislation, judged as a strict examiner does: naming is not doing.

    Met only when a law that fits the situation is named, what is said of it is right, and
    the reply says what it means for the customer. Partial when a fitting law is named right
    but the learner misstated the law elsewhere, or only used its name as a reason ("for
    data protection reasons"). Not met when no fitting law
    is named outside a misstatement, when the law named does not fit, when the reply breaks
    the very law it names (data protection cited while disclosing), or when nothing is said
    of the law at all: a company policy or a regulator's scheme is not legislation, and a
    scenario that names no law gives no credit for silence. Words that only point at a law
    ("consumer law") name nothing: what they say is checked, but they earn nothing.
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


RESTATED_MIN = 3
"""Content words a sentence must take from the customer's message to restate it."""


def _restated(session: Session) -> list[Quote]:
    """Sentences that play the customer's own details back to them (active listening by
    summary): at least :data:`RESTATED_MIN` content words of the message they answer."""
    out: list[Quote] = []
    for turn in session.turns:
        if turn.analysis.has("dismiss") or turn.analysis.has("blame"):
            continue
        heard = content_words(turn.customer)
        warm = {
            (start, end)
            for start, end, _text in _sentences_with(
                turn, ["acknowledge", "apologise", "empathise", "listen", "thank"]
            )
        }
        for sentence in sentences(turn.analysis.reply):
            if _REFUSING.search(sentence.text) or (sentence.start, sentence.end) not in warm:
                continue
            shared = shared_words(heard, sentence.text)
            if len(shared) >= RESTATED_MIN:
                out.append(
                    Quote(turn.number, turn.analysis.reply[sentence.start : sentence.end], "listen")
                )
                break
    return out


def _heard(session: Session) -> list[Quote]:
    """A first reply that names the customer's own problem back to them without brushing
    it off: a learner who opens by saying what went wrong, in the customer's terms, has
    shown they heard it even without a question. Later acknowledgement does not count:
    listening is what the learner does before answering."""
    if not session.turns:
        return []
    turn = session.turns[0]
    if turn.analysis.has("dismiss") or turn.analysis.has("blame"):
        return []
    heard = content_words(turn.customer)
    for evidence in turn.analysis.evidence_for("acknowledge"):
        sentence = _sentence_of(turn, evidence)
        if len(shared_words(heard, sentence)) >= HEARD_MIN:
            return [_quote(turn, evidence)]
    return []


HEARD_MIN = 2
"""Content words of the customer's opening that an acknowledgement must name to show it
was heard ("sorry nobody announced the cancellation")."""


def _listening_and_empathy(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Verdict, list[Quote], str]:
    """Active listening (a question about the problem, or the customer's details played
    back) and empathy (how it has affected them, named)."""
    listened = _first(session.turns, ["listen"]) or _restated(session)[:1] or _heard(session)
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
) -> tuple[Verdict, list[Quote], str]:
    """The rules followed: nothing beyond authority, no personal data disclosed, no advice
    outside the role, no guarantee nobody can keep, no law misstated to the customer, and
    nothing handed up that was the learner's own to do."""
    broken = [
        Quote(t.number, f.quote, f.detail)
        for t in session.turns
        for f in t.facts.findings
        if f.kind in BREACHES
    ]
    if broken:
        return "not_met", broken[:2], broken[0].what
    wrong = [
        Quote(t.number, f.quote, f.detail)
        for t in session.turns
        for f in t.facts.of("misstatement")
    ]
    if wrong:
        return "not_met", wrong[:1], "the customer was told the rules wrongly"
    if verdict == Escalation.PREMATURE:
        handed = [Quote(t.number, e.quote, "escalate") for t, e in _handovers(session)]
        return (
            "not_met",
            handed[:1],
            "what the procedure lets you do yourself was handed to someone else",
        )
    acted = [
        Quote(t.number, q.quote, q.move)
        for t in session.turns
        for q in t.analysis.evidence
        if q.move in ("resolve", "explain", "investigate")
    ]
    refusals = [
        Quote(t.number, e.quote, "dismiss")
        for t in session.turns
        for e in t.analysis.evidence_for("dismiss")
    ]
    if verdict == Escalation.NEEDED_MISSED:
        if refusals:
            return (
                "not_met",
                refusals[:1],
                "the customer was refused, and the escalation the procedure calls for never came",
            )
        return "partial", acted[:1], "the procedure called for escalation and it did not happen"
    if refusals and not any(t.analysis.has("resolve") for t in session.turns):
        return "not_met", refusals[:1], "what the procedure gives the customer was refused"
    cited = [Quote(t.number, f.quote, f.name) for t in session.turns for f in t.facts.of("policy")]
    return "met", (cited or acted)[:1], ""


_TEXT_SPEAK = frozenset(
    [
        "u",
        "ur",
        "n",
        "r",
        "pls",
        "plz",
        "thx",
        "thnx",
        "ty",
        "sry",
        "srry",
        "soz",
        "sozz",
        "cos",
        "coz",
        "cuz",
        "bc",
        "tmrw",
        "tmr",
        "tmoz",
        "2moro",
        "2day",
        "b4",
        "gonna",
        "wanna",
        "gotta",
        "k",
        "wat",
        "wot",
        "y",
        "in2",
        "gr8",
        "ppl",
        "dunno",
        "hun",
        "hon",
        "babe",
        "lol",
        "omg",
        "m8",
        "x",
        "xx",
        "xxx",
        "4get",
        "l8r",
    ]
)
"""Words no organisation's style guide allows in its customers' conversations."""
_UNMISTAKABLE = frozenset(
    [
        "ur",
        "soz",
        "sozz",
        "coz",
        "cuz",
        "b4",
        "2day",
        "2moro",
        "gr8",
        "hun",
        "babe",
        "lol",
        "omg",
        "xx",
        "xxx",
    ]
)


def text_speak(reply: str) -> list[str]:
    """The text-speak in a reply: two or more such words, or one that is never anything else
    ("ur", "coz", "b4", a kiss)."""
    words = re.findall(r"(?<![\w'£])[a-z0-9]+(?![\w'])", reply.lower())
    found = [w for w in words if w in _TEXT_SPEAK]
    if not found:
        return []
    if len(found) >= 2 or found[0] in _UNMISTAKABLE or reply.rstrip().endswith(" x"):
        return list(dict.fromkeys(found))
    return []


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
        example = answers.get(point.id) or _scenario_example(point.id, session) or point.example
        candidates.append((lost, order, Advice(point.title, suggestion, example)))
    per_step = STEP_WEIGHT / len(cov.steps) if cov.steps else 0.0
    for order, step_cov in enumerate(cov.steps, start=len(points)):
        if step_cov.met:
            continue
        step = framework.step(step_cov.id)
        example = answers.get(step.id, step.example)
        about = f"{framework.id}: {step.title}"
        candidates.append((per_step, order, Advice(about, step.description, example)))
    candidates.sort(key=lambda c: (-c[0], c[1]))
    return [advice for _lost, _order, advice in candidates[:ADVICE_COUNT]]


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
