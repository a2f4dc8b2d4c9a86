"""The kinds of test a branch condition can make, in one registry.

A branch's ``when`` (:class:`~roleplay.core.scenario.Condition`) is read in three places:
the engine decides whether a reply meets it (:func:`roleplay.core.dialogue.meets`), the lint
finds branches that can never fire because an earlier one tests the same thing or because
the test contradicts itself (:mod:`roleplay.core.lint`), and the graph labels each edge with
what it tests (:mod:`roleplay.render.graph`). Each of the three reads :data:`KINDS`, so a
new kind of test is added here once, with all four of its parts, and cannot be missed by
one of them (a test checks that every field of ``Condition`` belongs to a kind).

Each :class:`ConditionKind` says:

* ``holds``: whether a reply meets this part of the condition (only asked when it is given);
* ``key``: what this part tests, ignoring the order and case the tutor wrote it in, so two
  branches with the same key under every kind test the same thing;
* ``never``: why this part can never hold, or None;
* ``label``: a few words for the graph, such as ``any: apologise``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from roleplay.core.facts import ReplyFacts, find_phrase

if TYPE_CHECKING:
    from roleplay.core.scenario import Condition


@dataclass(frozen=True, slots=True)
class Reply:
    """What a condition is tested against: one reply in its conversation."""

    ids: frozenset[str]
    """The moves and flags the reply made."""
    facts: ReplyFacts
    """What else was found in it: citations, law misstated, promises beyond authority."""
    text: str
    """The reply as typed."""
    mood: int
    """The customer's mood before the reply."""
    met: frozenset[str] = frozenset()
    """The customer's needs met by now (this reply included)."""


@dataclass(frozen=True, slots=True)
class ConditionKind:
    """One kind of test a branch can make, and how the engine, the lint and the graph read it."""

    name: str
    fields: tuple[str, ...]
    """The fields of ``Condition`` this kind reads."""
    holds: Callable[[Condition, Reply], bool]
    key: Callable[[Condition], object]
    never: Callable[[Condition], str | None]
    label: Callable[[Condition], str]
    says: Callable[[Condition], str]
    """The test in plain words for a learner: "the reply apologised and offered a remedy"."""
    covers: Callable[[Condition, Condition], bool]
    """Whether every reply that meets the second condition's part of this kind meets the
    first's too (asked only when the first gives this kind): then a branch with the first
    condition, tried earlier, always blocks one with the second."""

    def given(self, condition: Condition) -> bool:
        """Whether the tutor wrote this part of the condition."""
        return any(getattr(condition, f) not in ((), None) for f in self.fields)


def _ids(values: Sequence[str]) -> str:
    return ", ".join(values)


def _no_reason(_condition: Condition) -> str | None:
    return None


def _none_never(condition: Condition) -> str | None:
    both = sorted(set(condition.all) & set(condition.none))
    if both:
        return f"it requires and forbids {', '.join(both)}"
    if condition.any and set(condition.any) <= set(condition.none):
        return f"every one of its 'any' ({', '.join(condition.any)}) is also under 'none'"
    return None


def _keywords_hold(condition: Condition, reply: Reply) -> bool:
    return keyword_in(condition.keywords, reply.text)


def keyword_in(keywords: Sequence[str], text: str) -> bool:
    """Whether one of a tutor's ``keywords`` is in ``text``, as written or as the cue rules
    read it (text-speak and contractions spelled out: "take ur claim on" says "take your
    claim on")."""
    if not keywords:
        return False
    low = text.lower()
    if any(_said(k, low) for k in keywords):
        return True
    from roleplay.core.lexicon import plain_words

    plain = plain_words(text)
    return any(_said(k, plain) for k in keywords)


def _said(keyword: str, text: str) -> bool:
    """Whether ``keyword`` is in ``text`` and not denied just before it ("I can't book a
    collection" does not book one; a keyword that is itself a denial, "can't find it",
    holds as written)."""
    found = find_phrase(keyword, text)
    if found is None:
        return False
    before = text[max(0, found[0] - 60) : found[0]]
    return _DENIED.search(before[-40:]) is None and _NOT_SAID.search(before) is None


_DENIED = re.compile(
    r"\b(?:can['’]?t|cannot|can not|won['’]?t|will not|don['’]?t|do not|didn['’]?t"
    r"|did not|couldn['’]?t|could not|unable to|not able to|not allowed to|never|not)"
    r"\s+(?:(?:really|just|actually|currently|personally|be able to|be allowed to)\s+)?$"
)
"""A denial right before a keyword that says a doing ("can't book a collection", "won't be
able to refund"); a keyword further on ("can't approve accommodation myself, so I've asked
my manager") is a topic the denial does not reach."""


_NOT_SAID = re.compile(
    r"\b(?:(?:can['’]?t|cannot|can not|won['’]?t|don['’]?t|do not|not able to|unable to)"
    r"\s+(?:\w+\s+){0,3}|no way (?:of|to)\s+(?:\w+\s+){0,2}"
    r"|\bonly (?:a|an|the|your|our) (?:\w+\s+){0,2}(?:can|could|would)\s+(?:\w+\s+){0,2})"
    r"(?:whether|if)\s+$"
)
"""A keyword inside what the reply says it cannot tell ("I can't tell you whether he'll be
all right", "only a doctor can say if it's safe"): not said, but declined."""


def _keywords_cover(earlier: Condition, later: Condition) -> bool:
    """Every keyword of ``later`` contains one of ``earlier``'s, so a reply saying it says
    that one too."""
    if not later.keywords:
        return False
    return all(
        any(find_phrase(e, k.lower()) is not None for e in earlier.keywords) for k in later.keywords
    )


def _mood_covers(earlier: Condition, later: Condition) -> bool:
    """``later``'s mood range lies within ``earlier``'s."""
    low, high = earlier.mood_at_least, earlier.mood_at_most
    low_ok = low is None or (later.mood_at_least is not None and later.mood_at_least >= low)
    high_ok = high is None or (later.mood_at_most is not None and later.mood_at_most <= high)
    return low_ok and high_ok


def _mood_holds(condition: Condition, reply: Reply) -> bool:
    low, high = condition.mood_at_least, condition.mood_at_most
    return (low is None or reply.mood >= low) and (high is None or reply.mood <= high)


def _mood_never(condition: Condition) -> str | None:
    low, high = condition.mood_at_least, condition.mood_at_most
    if low is not None and high is not None and low > high:
        return f"mood_at_least {low} is above mood_at_most {high}"
    return None


def _mood_label(condition: Condition) -> str:
    low, high = condition.mood_at_least, condition.mood_at_most
    if low is not None and high is not None:
        return f"mood {low}–{high}"
    if low is not None:
        return f"mood ≥ {low}"
    return f"mood ≤ {high}"


def _needs_never(condition: Condition) -> str | None:
    both = sorted(set(condition.met) & set(condition.open))
    if both:
        return f"it needs {', '.join(both)} both met and still open"
    return None


def _needs_label(condition: Condition) -> str:
    parts = []
    if condition.met:
        parts.append(f"met: {_ids(condition.met)}")
    if condition.open:
        parts.append(f"open: {_ids(condition.open)}")
    return "; ".join(parts)


def _needs_says(condition: Condition) -> str:
    parts = []
    if condition.met:
        parts.append("the customer had been given " + _ids(condition.met))
    if condition.open:
        parts.append("the customer was still waiting for " + _ids(condition.open))
    return " and ".join(parts)


DONE: Final = {
    "acknowledge": "acknowledged the problem",
    "listen": "asked about the problem",
    "empathise": "showed understanding of how it felt",
    "apologise": "apologised",
    "thank": "thanked the customer",
    "explain": "explained what happened",
    "ownership": "took ownership",
    "resolve": "offered a remedy",
    "investigate": "looked into it",
    "learn": "said how it would be prevented",
    "follow_up": "promised to come back",
    "escalate": "passed it to someone with more authority",
    "policy_reference": "named a policy or the law",
    "blame": "blamed someone else",
    "dismiss": "brushed the customer off",
    "non_apology": "apologised for the customer's feelings rather than the problem",
}
"""What each move or red flag looks like when a reply makes it, in a learner's words."""


def _done(ids: Sequence[str], joiner: str) -> str:
    words = [DONE.get(i, i.replace("_", " ")) for i in ids]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {joiner} " + words[-1]


def _mood_says(condition: Condition) -> str:
    low, high = condition.mood_at_least, condition.mood_at_most
    if low is not None and high is None:
        return "the customer was calm enough"
    if high is not None and low is None:
        return "the customer was already upset"
    return "of how the customer felt"


FINDS_LABELS: Final = {"misstatement": "law misstated", "beyond_authority": "beyond authority"}
"""How the graph says each kind of finding a ``finds`` branch looks for."""
FINDS_SAY: Final = {
    "misstatement": "got the law wrong",
    "beyond_authority": "promised something beyond the learner's authority",
}
"""How a learner is told a ``finds`` branch was taken."""


KINDS: Final[tuple[ConditionKind, ...]] = (
    ConditionKind(
        "all",
        ("all",),
        holds=lambda c, r: r.ids.issuperset(c.all),
        key=lambda c: frozenset(c.all),
        never=_no_reason,
        label=lambda c: f"all: {_ids(c.all)}",
        says=lambda c: "the reply " + _done(c.all, "and"),
        covers=lambda e, later: set(e.all) <= set(later.all),
    ),
    ConditionKind(
        "any",
        ("any",),
        holds=lambda c, r: not r.ids.isdisjoint(c.any),
        key=lambda c: frozenset(c.any),
        never=_no_reason,
        label=lambda c: f"any: {_ids(c.any)}",
        says=lambda c: "the reply " + _done(c.any, "or"),
        covers=lambda e, later: (
            bool(set(later.all) & set(e.any)) or (bool(later.any) and set(later.any) <= set(e.any))
        ),
    ),
    ConditionKind(
        "none",
        ("none",),
        holds=lambda c, r: r.ids.isdisjoint(c.none),
        key=lambda c: frozenset(c.none),
        never=_none_never,
        label=lambda c: f"none: {_ids(c.none)}",
        says=lambda c: "the reply never " + _done(c.none, "or"),
        covers=lambda e, later: set(e.none) <= set(later.none),
    ),
    ConditionKind(
        "cites",
        ("cites",),
        holds=lambda c, r: not r.facts.cited.isdisjoint(c.cites),
        key=lambda c: frozenset(c.cites),
        never=_no_reason,
        label=lambda c: f"cites: {_ids(c.cites)}",
        says=lambda c: "the reply named the rule that applies",
        covers=lambda e, later: bool(later.cites) and set(later.cites) <= set(e.cites),
    ),
    ConditionKind(
        "finds",
        ("finds",),
        holds=lambda c, r: any(r.facts.of(kind) for kind in c.finds),
        key=lambda c: frozenset(c.finds),
        never=_no_reason,
        label=lambda c: "finds: " + _ids([FINDS_LABELS.get(k, k) for k in c.finds]),
        says=lambda c: "the reply " + " or ".join(FINDS_SAY.get(k, k) for k in c.finds),
        covers=lambda e, later: bool(later.finds) and set(later.finds) <= set(e.finds),
    ),
    ConditionKind(
        "keywords",
        ("keywords",),
        holds=_keywords_hold,
        key=lambda c: frozenset(k.strip().lower() for k in c.keywords),
        never=_no_reason,
        label=lambda c: "says: " + _ids([f"'{k}'" for k in c.keywords]),
        says=lambda c: "the reply mentioned " + " or ".join(f"“{k}”" for k in c.keywords),
        covers=_keywords_cover,
    ),
    ConditionKind(
        "mood",
        ("mood_at_least", "mood_at_most"),
        holds=_mood_holds,
        key=lambda c: (c.mood_at_least, c.mood_at_most),
        never=_mood_never,
        label=_mood_label,
        says=_mood_says,
        covers=_mood_covers,
    ),
    ConditionKind(
        "needs",
        ("met", "open"),
        holds=lambda c, r: r.met.issuperset(c.met) and r.met.isdisjoint(c.open),
        key=lambda c: (frozenset(c.met), frozenset(c.open)),
        never=_needs_never,
        label=_needs_label,
        says=_needs_says,
        covers=lambda e, later: set(e.met) <= set(later.met) and set(e.open) <= set(later.open),
    ),
)
"""Every kind of test a branch condition can make, in the order the engine tries them
(cheap set tests first, the spelling-tolerant keyword search last but one)."""


def holds(condition: Condition, reply: Reply) -> bool:
    """Whether ``reply`` meets every part of ``condition`` that was given."""
    return all(kind.holds(condition, reply) for kind in KINDS if kind.given(condition))


def blocks(earlier: Condition, later: Condition) -> bool:
    """Whether every reply that meets ``later`` meets ``earlier`` too, so that a branch
    with ``earlier``, tried first, always takes the reply from one with ``later`` (as
    ChatScript's ``:verify blocking`` finds a rule an earlier one always wins over)."""
    return all(kind.covers(earlier, later) for kind in KINDS if kind.given(earlier))


def condition_key(condition: Condition) -> tuple[object, ...]:
    """What a condition tests, kind by kind, ignoring order and case: equal keys, same test."""
    return tuple(kind.key(condition) if kind.given(condition) else None for kind in KINDS)


def why_never(condition: Condition) -> str | None:
    """Why a condition can never be met on its own, or None when it can."""
    for kind in KINDS:
        if kind.given(condition) and (reason := kind.never(condition)) is not None:
            return reason
    return None


def condition_says(condition: Condition) -> str:
    """Say in plain words what a reply did to meet ``condition`` (for the debrief)."""
    return ", and ".join(kind.says(condition) for kind in KINDS if kind.given(condition))


def condition_summary(condition: Condition) -> str:
    """Summarise what a branch tests in a few words, e.g. ``all: apologise; any: listen``."""
    return "; ".join(kind.label(condition) for kind in KINDS if kind.given(condition))


__all__ = [
    "KINDS",
    "ConditionKind",
    "Reply",
    "blocks",
    "condition_key",
    "condition_says",
    "condition_summary",
    "holds",
    "why_never",
]
