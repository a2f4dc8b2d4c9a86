"""The examiners' marking points and the rule that judges each one.

``rubrics/marking_points.yaml`` quotes each point from its seed unit and names its rule;
each rule here reads a played session (the replies, their moves, the facts of each reply in
its scenario, the escalation verdict) and returns ``met``, ``partial`` or ``not_met`` with
the learner's own words as evidence, or what was missing. :mod:`roleplay.core.debrief`
puts the verdicts on the scorecard.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz

from roleplay.core.analysis import Evidence
from roleplay.core.conduct import SELF_DOES, sentences
from roleplay.core.dialogue import Session, Turn
from roleplay.core.escalation import (
    BREACHES,
    NOBODY_HIGHER,
    REFUSING,
    Escalation,
    deferred_for_vulnerable,
    handovers,
    need_from,
    own_move,
    sentence_at,
    sentence_of,
    urgent_from,
)
from roleplay.core.facts import Finding
from roleplay.core.frameworks import Coverage, rubrics_dir
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
from roleplay.core.scenario import GOOD_OUTCOMES
from roleplay.core.source import load_model_file


class Verdict(StrEnum):
    """A marking point's verdict, as an examiner writes it."""

    MET = "met"
    PARTIAL = "partial"
    NOT_MET = "not_met"


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


def quote_of(turn: Turn, evidence: Evidence) -> Quote:
    return Quote(turn.number, evidence.quote, evidence.move)


def first_quotes(turns: Sequence[Turn], move_ids: Sequence[str]) -> list[Quote]:
    out: list[Quote] = []
    for move_id in move_ids:
        for turn in turns:
            found = turn.analysis.first_evidence(move_id)
            if found is not None:
                out.append(quote_of(turn, found))
                break
    return out


Judge = Callable[[Session, Coverage, Escalation], tuple[Verdict, list[Quote], str]]


def judge(point: MarkingPoint, session: Session, cov: Coverage, verdict: Escalation) -> PointResult:
    status, evidence, missing = JUDGES[point.rule](session, cov, verdict)
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


def _brushed_off(turn: Turn) -> bool:
    """Whether the reply dismissed the customer or put the blame elsewhere: nothing in it
    then counts as hearing, feeling for or owning the customer's problem."""
    return turn.analysis.has("dismiss") or turn.analysis.has("blame")


def sentences_with(turn: Turn, moves: Sequence[str]) -> list[tuple[int, int, str]]:
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
        if not t.facts.of("beyond_authority") and own_move(t, "resolve")
        for e in [
            e for e in t.analysis.evidence_for("resolve") if not _LIMITED.search(sentence_of(t, e))
        ][:1]
    ] + [
        (t, Quote(t.number, f.quote, "needs_approval"))
        for t in turns
        for f in t.facts.of("needs_approval")[:1]
    ]
    if not breached:
        recognised = first_quotes(turns, ["acknowledge", "apologise"])
        if recognised and remedies:
            return "met", [*recognised[:1], remedies[0][1]], ""
        if recognised or remedies:
            gap = "no remedy within your authority" if recognised else "no breach recognised"
            return "partial", recognised[:1] + [q for _t, q in remedies[:1]], gap
        return "not_met", [], "the failure was neither recognised nor put right"
    owned, righted = breaches_recovered(session)
    done = [c for c in breached if c.id in owned and (c.id in righted or not c.put_right)]
    evidence = list(owned.values())[:2] + list(righted.values())[:2]
    left = [c for c in breached if c.id not in (righted if c.put_right else owned)]
    if not left:
        # Every broken commitment put right by its own remedy (or, with none to give,
        # owned) recovers the breach, even when the learner never says which promise it
        # was: names-the-promise marks that.
        if done:
            first = done[0]
            instance = [owned[first.id]] + ([righted[first.id]] if first.id in righted else [])
            return "met", instance, ""
        return "met", list(righted.values())[:2], ""
    missing = "; ".join(lower_first((c.breached or c.text).rstrip(".")) for c in left)
    if done or righted:
        # One failure recovered is an instance of the skill, but an examiner marks the
        # others left standing: a customer let down twice is not won back by half a remedy.
        return "partial", evidence, f"not every broken promise was put right: {missing}"
    if remedies:
        return (
            "partial",
            evidence or [q for _t, q in remedies[:1]],
            f"the broken promise was not both owned and put right by its own remedy: {missing}",
        )
    if owned:
        return (
            "not_met",
            evidence,
            f"the broken promise was recognised, but nothing was done to put it right: {missing}",
        )
    return "not_met", [], f"the broken promise was neither recognised nor put right: {missing}"


def breaches_recovered(session: Session) -> tuple[dict[str, Quote], dict[str, Quote]]:
    """For each broken commitment of the organisation's promise, where the learner owned
    it (named it, or recognised it in an apology or acknowledgement) and where they put it
    right with its own remedy, keyed by commitment id."""
    breached = [c for c in session.scenario.organisation.promise if c.breached]
    owned: dict[str, Quote] = {}
    righted: dict[str, Quote] = {}
    for turn in session.turns:
        wrong = [(f.start, f.end) for f in turn.facts.of("misstatement")]

        def said_right(start: int, end: int, wrong: list[tuple[int, int]] = wrong) -> bool:
            # a sentence that misstates the rules owns nothing and puts nothing right
            return not any(a < end and start < b for a, b in wrong)

        named = {
            m.commitment: m
            for m in mentions(turn.analysis.reply, breached)
            if said_right(m.start, m.end)
            and not _SORRY_BUT_NO.search(m.quote)
            and not _LIMITED.search(m.quote)
        }
        brushed = _brushed_off(turn)
        owning = (
            []
            if brushed
            else [
                s
                for s in sentences_with(turn, ["acknowledge", "apologise", "ownership"])
                if said_right(s[0], s[1]) and not _SORRY_BUT_NO.search(s[2])
            ]
        )
        doing = [s for s in _sentences_doing(turn) if said_right(s[0], s[1])]
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
    return owned, righted


def lower_first(text: str) -> str:
    """A sentence to go after a colon: "Her parcel…" becomes "her parcel…"."""
    return text[:1].lower() + text[1:] if text[:2] != "I " else text


def _sentences_doing(turn: Turn) -> list[tuple[int, int, str]]:
    """Sentences in which the learner does or promises something of their own (not beyond
    their authority): a remedy, a hand-over, a follow-up, an act in the first person."""
    if turn.facts.of("beyond_authority"):
        return []
    moved = sentences_with(turn, ["resolve", "escalate", "follow_up", "investigate"])
    own = [
        (s.start, s.end, s.text)
        for s in sentences(turn.analysis.reply)
        if (SELF_DOES.search(s.text) or _OWN_ACT_LATER.search(s.text))
        and not REFUSING.search(s.text)
    ]
    return sorted(s for s in set(moved) | set(own) if not _LIMITED.search(s[2]))


_OWN_ACT_LATER = re.compile(
    r"^(?!.*\b(?:if|unless|once|whether|when)\b.*\bi(?:'ll| will)\b)(?!.*\bhave to\b)"
    r".*(?:,|\band|\bwhile you \w+|\bmeanwhile|\bthen)\s+(?:also\s+)?"
    r"(?:i'll|i will|i've|i have|i'm going to|i am going to)\b"
)
"""The learner's own act after a lead-in ("While you wait I'll get the clerk to send your
repeat", "Take a seat, and I'll also ask…"), not one hung on a condition."""


_SORRY_BUT_NO = re.compile(
    r"\b(?:sorry|apologi[sz]e|afraid)\b[^.]*?\bbut\b[^.]*?"
    r"\b(?:can ?not|can't|cant|unable|not able|won't|(?:can|could) only|"
    r"only (?:once|if|when|after))\b",
    re.I,
)
"""An apology that softens a refusal ("I'm sorry, but you can only claim after 30 days"):
it owns nothing."""

_LIMITED = re.compile(r"\b(?:can|could) only\b|\bonly (?:once|if|when|after|until)\b", re.I)
"""A remedy narrowed to a condition ("you can only claim once it has lasted 30 days"):
the sentence says what is not given now, so it puts nothing right."""


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
            "not_met",
            echoed[:1],
            "a commitment was echoed, but never named as the organisation's promise",
        )
    return "not_met", [], "no part of the service promise was named"


def _alternatives_or_escalation(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Verdict, list[Quote], str]:
    """Proactive steps to keep the promise when the first attempt failed: another way to
    put it right (within authority), or the case taken to someone who can decide."""
    handed = handovers(session)
    escalations = [Quote(t.number, e.quote, "escalate") for t, e in handed]
    offered = [
        Quote(t.number, e.quote, "alternative")
        for t in session.turns
        if not t.facts.of("beyond_authority") and own_move(t, "resolve")
        for e in t.analysis.evidence_for("resolve")[:1]
    ]
    refusals = [
        Quote(t.number, e.quote, "dismiss")
        for t in session.turns
        if not t.analysis.has("resolve") and not t.facts.cited
        for e in t.analysis.evidence_for("dismiss")[:1]
    ]
    if verdict == Escalation.PREMATURE:
        need = need_from(session)
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
        if offered and not refusals and not broken and _choice_offered(session):
            # A choice of remedies within authority ("£50 now, or a new set next day: which
            # would you rather?") is the alternative the point names, made in full.
            return "met", offered[:2], ""
        if offered and not refusals and not broken:
            # One remedy of the learner's own is a proactive step, but what only someone
            # else could decide was left undecided: strict examiners give half (the customer
            # is still short of what the escalation would have brought).
            return (
                "partial",
                offered[:2],
                "an alternative was offered, but what needed someone else's decision was "
                "never put to them",
            )
        if offered:
            # What a learner offers while refusing or breaking a rule, with the escalation the
            # case needed never made, does not keep the promise: the customer is left short.
            return (
                "not_met",
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


_PREFERENCE = re.compile(
    r"\b(?:which (?:\w+ )?(?:would|do) you (?:prefer|rather|like|want)|would you (?:prefer|rather)|"
    r"whichever you (?:prefer|like|want)|up to you which|your choice|you can choose|you choose)\b",
    re.IGNORECASE,
)
"""The customer asked to pick between what was offered ("which would you rather?")."""


def _choice_offered(session: Session) -> bool:
    """Whether a reply puts two remedies of the learner's own to the customer to choose
    between: two remedies joined by "or", or one asked to be picked ("which would you
    rather?")."""
    for turn in session.turns:
        if turn.facts.of("beyond_authority"):
            continue
        remedies = turn.analysis.evidence_for("resolve")
        if len(remedies) < 2:
            continue
        reply = turn.analysis.reply
        # "…£50 straight away, or send you a new set": the "or" before the second remedy,
        # or opening its own words
        joined = any(
            re.search(r"\bor\b", reply[a.end : b.start]) or b.quote.lower().startswith("or ")
            for a, b in itertools.pairwise(remedies)
        )
        if joined or _PREFERENCE.search(reply):
            return True
    return False


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
    return (
        quote in name
        or name in quote
        or fuzz.ratio(quote, name) >= NAME_LIKENESS
        or bool(_POLICY_NOUNS.search(quote))
    )


NAME_LIKENESS = 80
"""How alike (rapidfuzz ratio, 0–100) a cue must be to the policy's name to count as its
name in other spelling ("auto compensation" for "automatic compensation")."""


_DECIDES = re.compile(
    r"\b(?:can ?not|can't|cant|unable to|not able to|need to|needs to|have to|has to|must|"
    r"(?:he|she|they|you)'d need|(?:i|we)'ll|(?:i|we) will|(?:i|we) can|(?:i|we)'ve|"
    r"(?:i|we) have)\b",
    re.IGNORECASE,
)
"""What a sentence decides: what cannot, must or will happen, or what the learner does
("he'd need to sign a third-party mandate", "for data protection reasons I can't…")."""


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
                or _DECIDES.search(sentence_at(turn, finding.start))
            )
            (with_decision if decides else alone).append(quote)
    if with_decision:
        return "met", with_decision[:2], ""
    if alone:
        return "partial", alone[:1], "a policy was named but not used to justify a decision"
    limited = [
        Quote(t.number, f.quote, "limit")
        for t in session.turns
        if not any(t.facts.of(kind) for kind in BREACHES)
        for f in t.facts.of("needs_approval")
    ]
    if limited:
        # "I can refund £50 myself; the rest needs my team leader" gives the rule behind the
        # decision without naming the policy it comes from.
        return (
            "partial",
            limited[:1],
            "your limit was given as the reason, but the policy it comes from was not named",
        )
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
        and not t.facts.of("misstatement")
        and any(t.analysis.has(m) for m in ("listen", "explain", "resolve", "escalate"))
    }
    # "I can't give you his balance for data protection reasons. What's happened?" is a
    # refusal with the rule that requires it and help offered: not a brush-off.
    serious = [
        q for q in flagged if q.what == "blame" or (q.what == "dismiss" and q.turn not in reasoned)
    ]
    if not serious:
        serious = refusals_without_help(session)
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
    return (
        "met",
        [
            Quote(
                t.number,
                t.analysis.reply,
                "a refusal with its reason and help offered" if t.analysis.flags else "no red flag",
            )
            for t in session.turns
        ],
        "",
    )


_NOTHING_MORE = re.compile(
    r"\b(?:there(?:'s| is)n't|there is not|there's no|there is no)\s+(?:anything|much)\s+"
    r"(?:else |more )?(?:i|we)\s+(?:can|could)\s+do\b",
    re.IGNORECASE,
)
"""A polite "there isn't anything else I can do": nothing can be done, in kinder words."""


def refusals_without_help(session: Session) -> list[Quote]:
    """Replies that tell the customer nobody else can take the case, or nothing more can be
    done, and offer nothing of their own in its place: a brush-off however politely put
    (moves.md: a refusal with no alternative is dismissal)."""
    handed = {t.number for t, _e in handovers(session)}
    out: list[Quote] = []
    for turn in session.turns:
        if turn.number in handed or own_move(turn, "resolve") or turn.facts.of("offer"):
            continue
        for sentence in sentences(turn.analysis.reply):
            if NOBODY_HIGHER.search(sentence.text) or _NOTHING_MORE.search(sentence.text):
                quote = turn.analysis.reply[sentence.start : sentence.end]
                out.append(Quote(turn.number, quote, "dismiss"))
                break
    return out


def _escalation_when_triggered(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Verdict, list[Quote], str]:
    """Escalation when, and only when, the situation goes beyond standard procedure."""
    escalations = [Quote(t.number, e.quote, "escalate") for t, e in handovers(session)]
    if verdict == Escalation.NEEDED_DONE:
        if deferred_for_vulnerable(session):
            return (
                "partial",
                escalations[:1],
                "a customer who is struggling was passed on for a call-back later, not put "
                "through to the people who can help while still on the line",
            )
        return "met", escalations[:2], ""
    if verdict == Escalation.NOT_NEEDED:
        return "met", [], ""
    if verdict == Escalation.PREMATURE:
        need = need_from(session)
        later = need is not None and any(t.number >= need for t, _e in handovers(session))
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
        own_move(t, "resolve") for t in session.turns
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
    if verdict == Escalation.NEEDED_MISSED and wrong:
        # the customer was steered by a wrong account of the law instead of being taken
        # up the procedure: neither the law nor the procedure was respected
        return (
            "not_met",
            evidence,
            "the law was misstated to the customer and a needed escalation was missed",
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
            why = f"what turn {t.number} said about {f.name} was wrong. {f.detail.rstrip('.')}"
            return "not_met", [Quote(t.number, f.quote, "misstated")], why
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
        if _brushed_off(turn):
            continue
        heard = content_words(turn.customer)
        warm = {
            (start, end)
            for start, end, _text in sentences_with(
                turn, ["acknowledge", "apologise", "empathise", "listen", "thank"]
            )
        }
        for sentence in sentences(turn.analysis.reply):
            if REFUSING.search(sentence.text) or (sentence.start, sentence.end) not in warm:
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
    it off: a learner who opens by saying what went wrong, or how it has hit them, in the
    customer's terms ("that's so annoying after you've chased twice") has shown they heard
    it even without a question. Later acknowledgement does not count: listening is what the
    learner does before answering."""
    if not session.turns:
        return []
    turn = session.turns[0]
    if _brushed_off(turn):
        return []
    heard = content_words(turn.customer)
    for evidence in [
        e for m in ("acknowledge", "empathise") for e in turn.analysis.evidence_for(m)
    ]:
        if evidence.rule in OWNED_FAILURE:
            return [quote_of(turn, evidence)]
        sentence = sentence_of(turn, evidence)
        if len(shared_words(heard, sentence)) >= HEARD_MIN:
            return [quote_of(turn, evidence)]
    return []


OWNED_FAILURE = frozenset(
    {
        "acknowledge.our-failure",
        "acknowledge.should-have",
        "acknowledge.should-not-have-happened",
        "acknowledge.you-are-right",
    }
)
"""Acknowledgement rules that own the failure the customer complains of ("sorry nobody
told you", "you should have heard it over the speakers"): an answer to the complaint
itself, in the first reply, shows it was heard whatever words it uses."""


HEARD_MIN = 2
"""Content words of the customer's opening that an acknowledgement must name to show it
was heard ("sorry nobody announced the cancellation")."""


def _felt(session: Session) -> list[Quote]:
    """Feelings or impacts named sincerely: not in a reply that brushed the customer off,
    and not as the softener of a refusal ("I understand you're frustrated, but the manager
    isn't available"), where the feeling is named only to say no to it."""
    out: list[Quote] = []
    for turn in session.turns:
        if _brushed_off(turn):
            continue
        for evidence in turn.analysis.evidence_for("empathise"):
            after = sentence_of(turn, evidence).partition(evidence.quote.lower())[2]
            if _SOFTENED_REFUSAL.search(after):
                continue
            out.append(quote_of(turn, evidence))
    return out


_SOFTENED_REFUSAL = re.compile(
    r"\b(?:but|however)\b.*(?:"
    + REFUSING.pattern
    + r"|\b(?:isn't|is not|aren't|are not)\s+(?:available|possible|allowed)\b"
    r"|\bnothing (?:i|we) can\b|\b(?:won't|will not|cannot|can't) be\b)"
)
"""A contrast that goes on to say no: the feeling before it was named to soften the no."""


VALIDATING = frozenset(
    {
        "acknowledge.evaluation",
        "acknowledge.not-good-enough",
        "acknowledge.judged-in-their-words",
        "acknowledge.names-the-hardship",
    }
)
"""Acknowledgement rules that judge what the customer went through ("eight days and two
chases is not good enough", "nine days without your broadband"), not just confirm it."""


def _validated(session: Session) -> list[Quote]:
    """What the customer went through, told back in their own words and judged hard or
    wrong ("eight days, when you paid for next day, is really poor"): it shows how the
    problem has hit them as plainly as naming a feeling does, so it counts as empathy."""
    out: list[Quote] = []
    for turn in session.turns:
        if _brushed_off(turn):
            continue
        heard = content_words(turn.customer)
        for evidence in turn.analysis.evidence_for("acknowledge"):
            if evidence.rule not in VALIDATING:
                continue
            if len(shared_words(heard, sentence_of(turn, evidence))) >= HEARD_MIN:
                out.append(Quote(turn.number, evidence.quote, "empathise"))
    return out


_GENERIC_SORRY = re.compile(
    r"\b(?:sorry|apologi[sz]e|apologies)\s+(?:for|about)\s+(?:(?:the|this|that|any|all|your|"
    r"our)\s+){0,2}(?:\w+\s+)?(?:delays?|disruption|inconvenience|trouble|problems?|issues?|"
    r"wait(?:ing)?|hassle|experience|mix-?up|confusion|errors?|mistakes?|situation)\b"
    r"(?:\s+(?:to|with|on)\s+(?:your|the)\s+\w+)?\W*$"
    r"|\bsorry about that\W*$",
    re.IGNORECASE,
)
"""A sorry for a generic noun ("sorry for the delay to your flight", "sorry about that"):
an apology that names no detail of the customer's, so no understanding of it shown, unlike
"sorry your kettle and toaster still haven't turned up". A status report ("the visits were
cancelled", ``acknowledge.status``) shows none either."""


def _understanding(turn: Turn) -> Evidence | None:
    """The reply's first acknowledgement that shows the problem understood: not a status
    report nor a sorry for a generic noun (:data:`_GENERIC_SORRY`)."""
    return next(
        (
            e
            for e in turn.analysis.evidence_for("acknowledge")
            if e.rule != "acknowledge.status" and not _GENERIC_SORRY.search(e.quote)
        ),
        None,
    )


def _listening_and_empathy(
    session: Session, cov: Coverage, verdict: Escalation
) -> tuple[Verdict, list[Quote], str]:
    """Active listening (a question about the problem, or the customer's details played
    back) and empathy (how it has affected them, named)."""
    listened = first_quotes(session.turns, ["listen"]) or _restated(session)[:1] or _heard(session)
    felt = _felt(session)[:1] or _validated(session)[:1]
    if listened and felt:
        if verdict == Escalation.PREMATURE or (
            verdict == Escalation.NEEDED_MISSED and urgent_from(session) is not None
        ):
            # Heard in words, not in deeds: the customer was passed on before being helped,
            # or told of a danger that was then not acted on.
            return (
                "partial",
                listened + felt,
                "what the customer said was heard, but not acted on: "
                + (
                    "they were passed on before you tried to help"
                    if verdict == Escalation.PREMATURE
                    else "the danger they reported was not passed on at once"
                ),
            )
        slang = [t for t in session.turns if text_speak(t.analysis.reply)]
        if slang:
            # The point credits clear written communication with listening and empathy.
            return (
                "partial",
                listened + felt,
                f"turn {slang[0].number} is written in text-speak, which is not clear "
                "written communication",
            )
        return "met", listened + felt, ""
    if listened or felt:
        return (
            "partial",
            listened + felt,
            "no empathy shown" if listened else "no active listening shown",
        )
    understood = [
        quote_of(t, e)
        for t in session.turns
        if not _brushed_off(t) and (e := _understanding(t)) is not None
    ]
    if understood:
        # The problem recognised is understanding shown, though neither heard out nor felt.
        return (
            "partial",
            understood[:1],
            "the problem was recognised, but not heard out with a question or summary, and "
            "no feeling or impact was named",
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
        handed = [Quote(t.number, e.quote, "escalate") for t, e in handovers(session)]
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
        urgent = urgent_from(session)
        if urgent is not None and not any(t.number > urgent for t, _e in handovers(session)):
            # brought in late is part of the procedure; never brought in is none of it
            return (
                "not_met",
                acted[:1],
                "a danger was reported and nobody the procedure says to bring in was ever told",
            )
        return "partial", acted[:1], "the procedure called for escalation and it did not happen"
    if refusals and not any(t.analysis.has("resolve") for t in session.turns):
        return "not_met", refusals[:1], "what the procedure gives the customer was refused"
    withheld = [
        Quote(t.number, f.quote, f.detail) for t in session.turns for f in t.facts.of("withheld")
    ]
    if withheld:
        return "partial", withheld[:1], withheld[0].what
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


JUDGES: Mapping[str, Judge] = {
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
