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
    r"\b(?:promise[sd]?|promising|meant to|supposed to|should have|should've|should never|"
    r"we say|we said|we tell|we told|we commit|committed to|our commitment|we aim|"
    r"we guarantee|our guarantee|our standard|service standard|our pledge|we always|"
    r"we're expected|we are expected|our promise|we undertake|is that we|when we|if we|"
    r"we're supposed|we are supposed|we're meant|we are meant|we should)\b"
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
    forms.update(f[:5] for f in list(forms) if len(f) >= 7)
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
    any form."""
    lower = sentence.lower().replace("’", "'").replace("-", " ")
    seen: set[str] = set()
    for word in _WORD.findall(lower):
        word = word.split("'")[0]
        if word in _FILLER:
            continue
        seen.update(_forms(word))
    return tuple(sorted(w for w in commitment if _forms(w) & seen))


def _key(commitment: Commitment) -> frozenset[str]:
    return content_words(commitment.text)


def mentions(reply: str, commitments: Sequence[Commitment]) -> list[Mention]:
    """Every sentence of ``reply`` that names or echoes a commitment, best first per one."""
    from roleplay.core.facts import find_phrase

    out: list[Mention] = []
    split = sentences(reply)
    for commitment in commitments:
        key = _key(commitment)
        best: Mention | None = None
        for sentence in split:
            text = reply[sentence.start : sentence.end]
            cued = any(find_phrase(cue, sentence.text) for cue in commitment.cues)
            shared = shared_words(key, text)
            strength = _strength(sentence, shared, key, cued)
            if strength is None:
                continue
            found = Mention(commitment.id, strength, sentence.start, sentence.end, text, shared)
            if best is None or (strength == Strength.NAMED and best.strength == Strength.ECHOED):
                best = found
        if best is not None:
            out.append(best)
    return out


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
