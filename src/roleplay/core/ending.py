"""How an attempt ended, judged from the whole conversation and not only from its last node.

A scenario's end node names where the conversation stopped: the customer went away content
(``resolved``), was passed to someone who can decide (``escalated_correctly``), gave up
(``customer_lost``), went to the ombudsman, or went on in a danger the learner let stand
(``unsafe``). Taken alone, that label can contradict what
happened on the way: "escalated correctly" after the learner handed over a case they could
have settled themselves, or "resolved" after promises nobody may keep. Learners and
assessors read the label as a verdict, so the debrief shows an :class:`Ending` that follows
from the conversation: the end node, read with the escalation verdict
(:func:`~roleplay.core.escalation.judge_escalation`) and the rules the learner broke on the
way. The end node's own id stays in the transcript and the JSON as ``outcome``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from roleplay.core.dialogue import Session
from roleplay.core.escalation import Escalation, judge_escalation
from roleplay.core.scenario import OutcomeKind


class Ending(StrEnum):
    """How an attempt ended, in words that agree with what happened in it."""

    RESOLVED = "resolved"
    RESOLVED_ON_PROMISES = "resolved_on_promises"
    RESOLVED_OUTSIDE_ROLE = "resolved_outside_role"
    ESCALATED_CORRECTLY = "escalated_correctly"
    HANDED_OVER_TOO_SOON = "handed_over_too_soon"
    CUSTOMER_LOST = "customer_lost"
    OMBUDSMAN = "ombudsman"
    LEFT_IN_DANGER = "left_in_danger"
    UNFINISHED = "unfinished"

    @property
    def text(self) -> str:
        """The ending in plain words, as a learner reads it."""
        return ENDING_WORDS[self]

    @property
    def good(self) -> bool:
        """Whether the ending is one to aim for."""
        return self in (Ending.RESOLVED, Ending.ESCALATED_CORRECTLY)


ENDING_WORDS: Mapping[Ending, str] = {
    Ending.RESOLVED: "resolved",
    Ending.RESOLVED_ON_PROMISES: "settled on promises beyond your authority",
    Ending.RESOLVED_OUTSIDE_ROLE: "settled, but outside the rules of your role",
    Ending.ESCALATED_CORRECTLY: "escalated correctly",
    Ending.HANDED_OVER_TOO_SOON: "handed over before it was needed",
    Ending.CUSTOMER_LOST: "customer lost",
    Ending.OMBUDSMAN: "taken to the ombudsman",
    Ending.LEFT_IN_DANGER: "customer left in danger",
    Ending.UNFINISHED: "unfinished",
}

PROMISE_BREACHES = frozenset({"beyond_authority", "unkeepable_promise"})
"""Findings that promise what the learner may not give, or nobody can keep."""

UNKEEPABLE = "unkeepable_promise"
"""A promise nobody can keep, whoever approves it."""

ROLE_BREACHES = frozenset({"disclosure", "advice_outside_role"})
"""Findings that step outside the learner's role (personal data to the wrong person, medical,
legal or financial advice)."""


def judge_ending(
    outcome: OutcomeKind | str | None, escalation: Escalation, breaches: Iterable[str]
) -> Ending:
    """The ending of an attempt that reached ``outcome`` (an end node's outcome; None for
    unfinished), given its escalation verdict and the kinds of the findings against it.

    A customer lost, gone to the ombudsman or left in danger is that, whatever came before.
    A good end is qualified by how it was reached: a hand-over before anything called for it
    is "handed over before it was needed", not "escalated correctly"; a customer settled by promises
    beyond the learner's authority, unless the learner asked for approval (escalation needed
    and done), or settled on a promise nobody can keep, is "settled on promises beyond your
    authority"; one settled by disclosing data
    or advising outside the role, "settled, but outside the rules of your role".
    """
    if outcome is None:
        return Ending.UNFINISHED
    kind = OutcomeKind(outcome)
    if kind is OutcomeKind.CUSTOMER_LOST:
        return Ending.CUSTOMER_LOST
    if kind is OutcomeKind.OMBUDSMAN:
        return Ending.OMBUDSMAN
    if kind is OutcomeKind.UNSAFE:
        return Ending.LEFT_IN_DANGER
    kinds = frozenset(breaches)
    if kind is OutcomeKind.ESCALATED and escalation is Escalation.PREMATURE:
        return Ending.HANDED_OVER_TOO_SOON
    settled_on_the_unkeepable = kind is OutcomeKind.RESOLVED and UNKEEPABLE in kinds
    if settled_on_the_unkeepable or (
        kinds & PROMISE_BREACHES and escalation is not Escalation.NEEDED_DONE
    ):
        # approval asked of someone senior rescues an amount over the learner's limit, but a
        # customer who settled on a promise nobody can keep ("you'll never have to ring at
        # 8 again") did not settle on the escalation (one handed up at the end did: blind
        # auditors accepted "escalated correctly" there four times in six)
        return Ending.RESOLVED_ON_PROMISES
    if kinds & ROLE_BREACHES:
        return Ending.RESOLVED_OUTSIDE_ROLE
    if kind is OutcomeKind.ESCALATED:
        # the tutor's end stands unless the hand-over came too soon: where the debrief finds
        # no need for it, or a need met late, the scenario's own judgement of the hand-over
        # is the better one (blind audits agreed with it five times in six)
        return Ending.ESCALATED_CORRECTLY
    return Ending.RESOLVED


def ending_of(session: Session) -> Ending:
    """The ending of a played session (see :func:`judge_ending`)."""
    breaches = (f.kind for turn in session.turns for f in turn.facts.findings)
    return judge_ending(session.outcome, judge_escalation(session), breaches)


__all__ = ["ENDING_WORDS", "Ending", "ending_of", "judge_ending"]
