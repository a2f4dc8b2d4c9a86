"""Escalation judged as an examiner judges it: needed and done, needed and missed,
premature, or not needed.

A hand-over is a reply that gives the case to someone with more authority (a team leader,
a complaints team, an ombudsman when that route is open). It is needed from the turn after
a scenario trigger that expects it fired, from the turn the learner promised something
beyond their authority, or from the turn they told the customer there was nobody else to
take it. Handing over before anything called for it, and before trying what was the
learner's own to do, is premature. The marking points (:mod:`roleplay.core.marking`) and
the debrief (:mod:`roleplay.core.debrief`) read these verdicts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum

from roleplay.core.analysis import Evidence
from roleplay.core.conduct import REFUSAL_WORDS, sentences
from roleplay.core.dialogue import Session, Turn
from roleplay.core.scenario import Ask, NeedKind, TriggerKind


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


ESCALATION_VERDICTS: Mapping[str, str] = {
    Escalation.NEEDED_DONE: "needed and done",
    Escalation.NEEDED_MISSED: "needed and missed",
    Escalation.PREMATURE: "escalated before it was needed",
    Escalation.NOT_NEEDED: "not needed, and not done",
}

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

_CUSTOMER_PASSED = re.compile(
    r"\b(?:transfer(?:ring)?|put(?:ting)?|pass(?:ing)?|hand(?:ing)?|send(?:ing)?)\s+you\s+"
    r"(?:over|on|across|through|back)\b",
    re.IGNORECASE,
)
"""The customer, not just their details, passed to another team ("I'll transfer you over to
billing"): whoever takes them, the case has left the learner's hands."""

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


def handovers(session: Session) -> list[tuple[Turn, Evidence]]:
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
            around = sentence_of(turn, evidence)
            if _FAULT_REPORTED.search(around):
                continue
            if _EXTERNAL.search(around) and (
                not session.scenario.ombudsman_open
                or REFUSING.search(around)
                or NOBODY_HIGHER.search(turn.analysis.reply)
            ):
                # an outside body offered instead of the senior person the customer asked
                # for ("there isn't anyone else… you're welcome to contact the ombudsman")
                continue
            out.append((turn, evidence))
            break
    return out


def sentence_of(turn: Turn, evidence: Evidence) -> str:
    """The sentence (lower case) that holds a piece of evidence."""
    return sentence_at(turn, evidence.start) or evidence.quote.lower()


def sentence_at(turn: Turn, at: int) -> str:
    """The sentence (lower case) of a reply that holds the character at ``at``, or ``""``."""
    for sentence in sentences(turn.analysis.reply):
        if sentence.start <= at < sentence.end:
            return sentence.text
    return ""


def _tried_before(session: Session, number: int) -> bool:
    """Whether the learner had tried anything of their own (looked into it, explained,
    offered a remedy within authority) in the turns before this one."""
    for turn in session.turns:
        if turn.number >= number:
            break
        if turn.facts.of("beyond_authority"):
            continue
        if any(own_move(turn, move) for move in ("resolve", "investigate", "explain")):
            return True
        if turn.facts.of("offer"):
            return True
    return False


def own_move(turn: Turn, move: str) -> bool:
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


NOBODY_HIGHER = re.compile(
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


def refused_handover(turn: Turn, handed: set[int]) -> bool:
    """Whether the reply tells the customer there is nobody else to take the case, without
    handing it to anyone in the same reply (``handed``: the numbers of turns that did)."""
    if turn.number in handed:
        return False
    return any(NOBODY_HIGHER.search(s.text) for s in sentences(turn.analysis.reply))


def need_from(session: Session) -> int | None:
    """The turn after which escalation became needed: a trigger that expects it fired, the
    learner promised something beyond their authority (their own offer made the need), the
    learner told the customer there was nobody else to take it (the customer had asked for
    someone with more authority, or needed one), or the customer asked for a manager and the
    reply did not put things right itself."""
    needed_from: int | None = None
    for trigger_id, at in session.fired.items():
        trigger = session.scenario.trigger(trigger_id)
        if trigger is not None and trigger.escalate:
            needed_from = at if needed_from is None else min(needed_from, at)
    handed = {t.number for t, _e in handovers(session)}
    for turn in session.turns:
        if (
            turn.facts.of("beyond_authority")
            or refused_handover(turn, handed)
            or _manager_asked_for(session, turn, handed)
        ):
            created = turn.number - 1
            needed_from = created if needed_from is None else min(needed_from, created)
            break
    return needed_from


def _manager_asked_for(session: Session, turn: Turn, handed: set[int]) -> bool:
    """Whether the reply answers a customer asking for a manager without putting it right
    itself: then someone senior is needed from here on. Handing them up as asked meets it;
    "the cap is something you set up yourself, so there's nothing I can do" leaves the
    request standing, with nobody taking it up. A reply that offers a remedy of its own or
    takes the case on ("leave it with me") answers the ask another way."""
    try:
        node = session.scenario.node(turn.node)
    except KeyError:
        return False
    if Ask.MANAGER not in node.asks:
        return False
    if turn.number in handed:
        return True
    if turn.facts.of("offer") or turn.facts.of("needs_approval"):
        return False
    return not any(own_move(turn, move) for move in ("resolve", "ownership"))


def judge_escalation(session: Session) -> Escalation:
    """Judge escalation from the triggers and the turns they fired after.

    Escalation is needed from the first turn after a trigger that expects it, or from the
    turn the learner promised something beyond their authority (their own offer created the
    need). Handing the case up before anything called for it, and before trying anything
    within one's own authority, is premature — even if a later hand-over was right: the
    learner gave away what was theirs to do. Asking for approval of an over-limit remedy
    is escalation, and never premature.
    """
    needed_from = need_from(session)
    handed = handovers(session)
    for turn, evidence in handed:
        around = sentence_of(turn, evidence)
        if not _AUTHORITY.search(around) and not _CUSTOMER_PASSED.search(around):
            continue
        early = needed_from is None or turn.number <= needed_from
        tried = _tried_before(session, turn.number) or own_move(turn, "resolve")
        if early and not asks_approval(turn) and not tried:
            return Escalation.PREMATURE
    if needed_from is not None:
        # A hand-over in the very reply the customer's next line reacts to counts: the case
        # was already with someone who can decide when the need showed.
        done = any(t.number >= needed_from or asks_approval(t) for t, _e in handed)
        beyond = _first_beyond(session)
        if beyond is not None:
            # a promise beyond the learner's authority is put right only by someone inside
            # who can approve it: "you can go to the Ombudsman" does not
            done = done and any(
                (t.number >= beyond and not _EXTERNAL.search(sentence_of(t, e))) or asks_approval(t)
                for t, e in handed
            )
        urgent = urgent_from(session)
        if urgent is not None:
            # Where safety is at stake, only someone brought in at once counts: in the very
            # reply that answers it (or the next, when that reply made them safe itself:
            # "please don't drive it" first, or asked where the danger is: "where is the car
            # now?"), and not a call-back later.
            first = urgent + 1
            last = urgent + (2 if _made_safe(session, first) or _asked_about(session, first) else 1)
            done = done and any(
                urgent <= t.number <= last and not _deferred(sentence_of(t, e)) for t, e in handed
            )
        return Escalation.NEEDED_DONE if done else Escalation.NEEDED_MISSED
    return (
        Escalation.NEEDED_DONE
        if any(asks_approval(t) for t, _e in handed)
        else (Escalation.NOT_NEEDED)
    )


_LATER = re.compile(
    r"\b(?:later|this afternoon|this evening|tonight|tomorrow|(?:ring|call|phone) you back|"
    r"get back to you|(?:ring|call|phone) you (?:later|back)|"
    r"when (?:she|he|they)(?:'s| is| are|'re) free|(?:triage|waiting|call-?back|ring-?back) list|"
    r"end of (?:the )?(?:day|morning|surgery)|"
    r"(?:ring|call|phone|contact|get back to|hear from)\w*\b[^.]{0,40}?\b(?:in|within) "
    r"(?:the next |a )?(?:couple of |few )?(?:days?|weeks?|working days?))\b",
    re.IGNORECASE,
)
_NOW = re.compile(
    r"\b(?:now|right away|straight away|immediately|at once|urgently|this minute|"
    r"as we speak|myself)\b",
    re.IGNORECASE,
)


def deferred_for_vulnerable(session: Session) -> bool:
    """Whether a customer who said they or someone they care for is vulnerable was handed
    on only for a call-back later ("they'll ring you in a couple of days"), never brought
    to the people who can help while still on the line."""
    fired = [
        at
        for trigger_id, at in session.fired.items()
        if (trigger := session.scenario.trigger(trigger_id)) is not None
        and trigger.escalate
        and trigger.kind == TriggerKind.VULNERABILITY
    ]
    if not fired:
        return False
    after = [(t, e) for t, e in handovers(session) if t.number >= min(fired)]
    return bool(after) and all(_deferred(sentence_of(t, e)) for t, e in after)


def _deferred(sentence: str) -> bool:
    """Whether a hand-over puts the matter off ("they'll ring you back later") rather than
    bringing someone in now."""
    return bool(_LATER.search(sentence)) and not _NOW.search(sentence)


def urgent_from(session: Session) -> int | None:
    """The turn after which a safety trigger that expects escalation fired, if one did: from
    then the need is immediate."""
    fired = [
        at
        for trigger_id, at in session.fired.items()
        if (trigger := session.scenario.trigger(trigger_id)) is not None
        and trigger.escalate
        and trigger.kind == TriggerKind.SAFETY
    ]
    return min(fired) if fired else None


def _first_beyond(session: Session) -> int | None:
    """The number of the first reply that promised something beyond the learner's
    authority, or None."""
    return next((t.number for t in session.turns if t.facts.of("beyond_authority")), None)


def _asked_about(session: Session, number: int) -> bool:
    """Whether the reply numbered ``number`` did nothing but take the danger in and ask about
    it ("Oh no, with the kids in the car. Where is the car now?"): finding out before acting
    is not putting it off, so the hand-over may come in the reply after."""
    turn = next((t for t in session.turns if t.number == number), None)
    if turn is None or any(REFUSING.search(s.text) for s in sentences(turn.analysis.reply)):
        return False
    made = set(turn.analysis.ids)
    if "listen" not in made or made & {"resolve", "escalate", "explain", "dismiss", "blame"}:
        return False
    return any(
        s.text.rstrip().endswith("?") and _AS_IT_STANDS.search(s.text)
        for s in sentences(turn.analysis.reply)
    )


_AS_IT_STANDS = re.compile(
    r"\b(?:where|now|still|at the moment|right now|safe|ok|okay|alright|all right|hurt|"
    r"injured|anyone|everyone|breathing|conscious)\b",
    re.IGNORECASE,
)
"""A question about the danger as it stands (where it is, whether anyone is hurt, whether it
is still happening), not about its history ("when did you have the car in?")."""


def _made_safe(session: Session, number: int) -> bool:
    """Whether the reply numbered ``number`` met a need for safety of the customer's ("please
    don't drive it, not even slowly"): the danger was dealt with before anyone was fetched."""
    safety = {n.id for n in session.scenario.customer.needs if n.need_kind is NeedKind.SAFETY}
    safety.add(NeedKind.SAFETY.value)
    return any(
        met.id in safety
        for turn in session.turns
        if turn.number == number
        for met in turn.needs_met
    )


def asks_approval(turn: Turn) -> bool:
    """Whether the reply escalates to get approval for something beyond the learner's limit."""
    return bool(turn.facts.of("needs_approval"))


REFUSING = re.compile(
    r"\b(?:" + "|".join((*REFUSAL_WORDS, r"i'm afraid", r"i am afraid", r"not possible")) + r")\b",
    re.IGNORECASE,
)
"""A refusal, or the softener that announces one ("I'm afraid…"): a sentence that says no
is neither a hand-over to an open route nor the customer's details played back."""
