"""Finding a tutor's phrase in a learner's reply, tolerating small misspellings.

Policy cues, branch keywords, the promise's cue words and the names of laws are all found
the same way: as whole words first, then (for longer phrases) by rapidfuzz's best partial
alignment, widened to whole words so the quote is what the learner wrote.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from rapidfuzz import fuzz

FUZZY_CUE = 88
"""How close (rapidfuzz partial ratio, 0–100) a phrase must be to a cue to count as it."""
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ’‘", "abcdefghijklmnopqrstuvwxyz''")
SHORTEST_MATCH = 0.75
"""The least share of a phrase's length a spelling-tolerant match may span."""
LONGEST_TEXT = 20_000
"""Longer texts are searched for exact phrases only: alignment over them is slow."""


def lower(text: str) -> str:
    """Lower-case ASCII letters (and straighten quotes) only, keeping every offset."""
    return text.translate(_LOWER)


@lru_cache(maxsize=32768)
def _whole(phrase: str) -> re.Pattern[str]:
    # every rubric's and scenario's phrases at once: a smaller cache compiles them over and
    # over in a play-through
    return re.compile(rf"(?<![\w]){re.escape(phrase)}(?![\w])")


def has_phrase(phrase: str, text: str) -> bool:
    """Whether ``phrase`` is in ``text`` as whole words, ignoring case, with no misspelling
    forgiven: for a rubric's fixed wordings ("shall i", "transfer you")."""
    return _whole(phrase.lower()).search(text.lower()) is not None


_DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=131072)
def find_phrase(
    phrase: str,
    text: str,
    *,
    fuzzy_from: int = 6,
    letters_only: bool = False,
    same_length: bool = False,
) -> tuple[int, int] | None:
    """Find ``phrase`` in ``text`` (already lower-cased) and return the span, or None.

    An exact match must be whole words. Phrases of ``fuzzy_from`` characters or more may
    also match with a small misspelling, but never with other numbers; ``letters_only``
    keeps phrases with digits exact ("s 75"), and ``same_length`` refuses an alignment
    much longer or shorter than the phrase (the names of laws, where a near miss is
    another law).
    """
    want = lower(phrase).strip()
    if not want:
        return None
    exact = _whole(want).search(text)
    if exact:
        return exact.start(), exact.end()
    if len(want) < fuzzy_from or len(text) > LONGEST_TEXT:
        return None
    if letters_only and not want.replace(" ", "").isalpha():
        return None
    aligned = fuzz.partial_ratio_alignment(want, text, score_cutoff=FUZZY_CUE)
    if aligned is None:
        return None
    start, end = aligned.dest_start, aligned.dest_end
    while start < end and text[start].isspace():
        start += 1  # lined up from the space before a word: the word before is not in it
    while end > start and text[end - 1].isspace():
        end -= 1
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    if start > 1 and text[start - 1] == "'" and text[start - 2].isalnum():
        # lined up from the tail of a contraction ("t book collections" in "can't book
        # collections"): the match begins at the next word
        following = text.find(" ", start)
        if 0 <= following < end:
            start = following + 1
    while end < len(text) and text[end].isalnum():
        end += 1
    if same_length and abs((end - start) - len(want)) > max(2, len(want) // 6):
        return None
    if _DIGITS.findall(want.replace(",", "")) != _DIGITS.findall(text[start:end].replace(",", "")):
        return None  # a misspelling is forgiven, another number is not: "14 months" ≠ "12 months"
    if (end - start) < len(want) * SHORTEST_MATCH:
        # A text shorter than the phrase aligns inside it ("ok" in "he looks fine"): that
        # is the phrase containing the text, not the text saying the phrase.
        return None
    if not _same_word_starts(want, _words_at(text, aligned.dest_start, aligned.dest_end)):
        return None  # "sort out authority" is not "got authority" misspelt
    got = _words_at(text, aligned.dest_start, aligned.dest_end).split()
    if text[aligned.dest_end - 1].isspace() and len(got) < len(want.split()):
        return None  # "are you ok" lined up on "are you " of "are you happy…": a word short
    return start, end


def _words_at(text: str, start: int, end: int) -> str:
    """The whole words an alignment covers: trimmed of the spaces at its ends first, so
    " how your husband " is not widened to "ask how your husband is"."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return text[start:end]


def _same_word_starts(want: str, found: str) -> bool:
    """Whether a near match keeps the phrase's words: as many of them, starting with the
    same letters, in any order (a misspelling keeps a word's first letter: "recieve",
    "refnd"; "how your husband is" says "how is your husband")."""
    wanted, got = want.split(), found.split()
    if len(wanted) == 1 or len(got) == 1:
        return True  # "cashnut" for "cash nut", or the reverse
    if abs(len(wanted) - len(got)) > 1:
        return False
    fewer, more = sorted(([w[:1] for w in wanted], [g[:1] for g in got]), key=len)
    rest = list(more)
    for letter in fewer:  # "how's your husband" in "how your husband is"
        if letter not in rest:
            return False
        rest.remove(letter)
    # each word said is the phrase's word misspelt, not another word with its first letter
    # ("ask the practice manager" is not "afraid the practice manager"; "ok" is not "out")
    words = list(got)
    for word in wanted:
        near = max(words, key=lambda g: fuzz.ratio(word, g), default="")
        if fuzz.ratio(word, near) < SAME_WORD:
            return len(wanted) != len(got)  # a word joined or split ("cashnut") is judged whole
        words.remove(near)
    return True


SAME_WORD: Final = 60
"""How alike (rapidfuzz ratio) a word of a near match must be to the phrase's word it stands
for: "recieve" for "receive" is, "afraid" for "ask" is not."""
