"""The organisation's promise in the learner's own words, and breaches put right.

A learner rarely quotes the promise. "We're meant to put it on the screens within five
minutes" names the commitment "When a train is cancelled we announce it, and put it on the
screens, within five minutes" in other words. This module finds such mentions by the
commitment's content words (their lemmas, read by spaCy's lemmatiser, and numbers as
digits), in a sentence that speaks of a standing commitment ("we promise", "we're meant to",
"we said", "when we … we …") — or, without one, as an echo that only half names it.

It also says, for each commitment broken before the conversation began (``breached`` in the
scenario), whether a reply recognised the breach and put it right with a remedy tied to it
(the commitment's ``put_right`` words), rather than with any remedy at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from roleplay.core.conduct import Sentence, sentences
from roleplay.core.phrases import find_phrase
from roleplay.core.scenario import Commitment

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NUMBERS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "fourteen": "14",
    "thirty": "30",
}
_FILLER = frozenset(
    [
        "we",
        "us",
        "our",
        "you",
        "your",
        "i",
        "my",
        "me",
        "it",
        "they",
        "them",
        "their",
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "is",
        "are",
        "be",
        "been",
        "was",
        "were",
        "will",
        "would",
        "can",
        "could",
        "should",
        "every",
        "each",
        "any",
        "all",
        "that",
        "this",
        "these",
        "those",
        "if",
        "when",
        "who",
        "which",
        "what",
        "how",
        "get",
        "got",
        "make",
        "made",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "not",
        "no",
        "one",
        "within",
        "her",
        "his",
        "he",
        "she",
        "him",
        "never",
        "ago",
        "sometimes",
        "whatever",
        "until",
        "person",
        "people",
        "customer",
        "customers",
    ]
)
"""Words a commitment shares with almost any reply; they never count towards a mention."""

STANDING = re.compile(
    r"\b(?:we|we've|we'd)\s+(?:always\s+)?(?:promise[sd]?|said|say|tell|told|commit\w*|aim|"
    r"guarantee\w*|pledge\w*|undertake|should|should've|ought)\b"
    r"|\bwe(?:'re| are| were)\s+(?:meant|supposed|expected|committed)\b"
    r"|\bour\s+(?:promise|commitment|standard|guarantee|pledge|service standard)\b"
    r"|\b(?:it|this|that|they|he|she|the \w+)(?:'s| is| was| were| are)\s+(?:meant|supposed)\s+to\b"
    r"|\b(?:it|this|that|they)\s+should(?:n't)?\s+(?:have|never)\b"
    r"|\byou\s+(?:should(?:'ve| have)|were meant to have|were supposed to have)\s+"
    r"(?:had|got|received|been given|been told|heard)\b"
    r"|\bis that we\b"
    r"|\b(?:when|if|whenever)\s+we\s+\w+[^.]*?,?\s+we\b"
    r"|\b(?:when|if|whenever)\s+you\s+\w+[^.,]*,?\s+we\s+(?:either\s+|always\s+)?"
    r"(?!will\b|can\b|could\b|would\b|need\b|may\b|might\b|should\b|.ll\b)\w+"
)
"""A sentence that speaks of a standing commitment, not of today's one action."""
_FUTURE_ACT = re.compile(r"\b(?:will|'ll|going to)\b")
NAMED_MIN = 2
"""Content words a sentence with a standing-commitment frame must share with a commitment."""
ECHO_MIN = 3
"""Content words a sentence without one must share to half-name it."""


class Strength(StrEnum):
    """How clearly a reply named a commitment."""

    NAMED = "named"
    ECHOED = "echoed"


@dataclass(frozen=True, slots=True)
class Mention:
    """A commitment of the promise named (or echoed) in one sentence of a reply."""

    commitment: str
    strength: Strength
    start: int
    end: int
    quote: str
    shared: tuple[str, ...]


@lru_cache(maxsize=4096)
def _forms(word: str) -> frozenset[str]:
    from roleplay.core.parse import readings

    word = _NUMBERS.get(word, word)
    if word.isdigit():
        return frozenset({word})
    forms = set(readings(word))
    forms.update(f[:6] for f in list(forms) if len(f) >= 8)
    return frozenset(forms)


def content_words(text: str) -> frozenset[str]:
    """The words of ``text`` that carry its content, lower case (numbers as digits)."""
    lower = text.lower().replace("’", "'").replace("-", " ")
    out: set[str] = set()
    for word in _WORD.findall(lower):
        word = word.split("'")[0]
        if word in _FILLER:
            continue
        word = _NUMBERS.get(word, word)
        if len(word) < 3 and not word.isdigit():
            continue
        out.add(word)
    return frozenset(out)


def shared_words(commitment: frozenset[str], sentence: str) -> tuple[str, ...]:
    """The words of ``commitment`` (from :func:`content_words`) that ``sentence`` uses, in
    any form; each word of the sentence answers for one of them at most ("days" is not both
    "day" and "days")."""
    lower = sentence.lower().replace("’", "'").replace("-", " ")
    words = []
    for word in _WORD.findall(lower):
        word = word.split("'")[0]
        if word not in _FILLER:
            words.append(_forms(_NUMBERS.get(word, word)))
    used: set[int] = set()
    found: list[str] = []
    for wanted in sorted(commitment):
        forms = _forms(wanted)
        for k, seen in enumerate(words):
            if k not in used and forms & seen:
                used.add(k)
                found.append(wanted)
                break
    return tuple(sorted(found))


def _key(commitment: Commitment) -> frozenset[str]:
    return content_words(commitment.text)


def mentions(reply: str, commitments: Sequence[Commitment]) -> list[Mention]:
    """Every commitment that ``reply`` names or echoes, best sentence first per commitment.

    A sentence names at most one commitment: the one it shares the most of (so "within two
    working days" names the fault-fix promise, not every promise counted in working days).
    """
    best: dict[str, Mention] = {}
    for sentence in sentences(reply):
        text = reply[sentence.start : sentence.end]
        scored: list[tuple[int, float, Commitment, Strength, tuple[str, ...]]] = []
        for commitment in commitments:
            key = _key(commitment)
            cued = any(find_phrase(cue, sentence.text) for cue in commitment.cues)
            shared = shared_words(key, text)
            strength = _strength(sentence, shared, key, cued)
            if strength is not None:
                share = len(shared) / len(key) if key else 0.0
                scored.append((int(cued), share, commitment, strength, shared))
        if not scored:
            continue
        scored.sort(key=lambda s: (s[0], len(s[4]), s[1]), reverse=True)
        _cued, _share, commitment, strength, shared = scored[0]
        found = Mention(commitment.id, strength, sentence.start, sentence.end, text, shared)
        held = best.get(commitment.id)
        if held is None or (strength == Strength.NAMED and held.strength == Strength.ECHOED):
            best[commitment.id] = found
    order = {c.id: k for k, c in enumerate(commitments)}
    return sorted(best.values(), key=lambda m: order[m.commitment])


def _strength(
    sentence: Sentence, shared: Sequence[str], key: frozenset[str], cued: bool
) -> Strength | None:
    if cued:
        return Strength.NAMED
    needed = min(NAMED_MIN, len(key))
    if STANDING.search(sentence.text) and len(shared) >= needed:
        return Strength.NAMED
    if len(shared) >= min(ECHO_MIN, len(key)) and not _FUTURE_ACT.search(sentence.text):
        return Strength.ECHOED
    return None


def puts_right(text: str, commitment: Commitment) -> str | None:
    """The ``put_right`` words of ``commitment`` that ``text`` (lower case) contains, if any."""
    for words in commitment.put_right:
        if re.search(rf"(?<![\w£]){re.escape(words.lower())}", text):
            return words
    return None


RECOGNISED_MIN = 2
"""Content words a sentence must share with a breach (what happened, or the commitment) to
speak of it: one is often only the topic ("trains get cancelled")."""


def recognises(text: str, commitment: Commitment) -> bool:
    """Whether a sentence speaks of this breach: it shares content words with what happened
    or with the commitment itself."""
    if commitment.breached is None:
        return False
    key = content_words(commitment.breached) | _key(commitment)
    return len(shared_words(key, text)) >= min(RECOGNISED_MIN, len(key))
