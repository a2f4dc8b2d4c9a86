"""Turn a raw reply into normalised tokens that cue rules can match, keeping every offset.

Learners type "im realy sory", "thx", "cant" and "SORRY"; the cue rules are written once, in
standard lower-case English with contractions spelt out ("i am", "can not"). This module
bridges the two without losing the learner's own words:

* the reply is split into word and punctuation tokens, each remembering its span of the
  original text, so evidence always quotes the learner exactly;
* each word is lower-cased, looked up in the replacement table (contractions, text-speak;
  data in ``lexicon/language.yaml``) and, failing that, corrected to the nearest cue word by
  rapidfuzz when it is not a real English word itself;
* the normalised words are joined with single spaces into one string, and a table maps
  every character of that string back to its token, so the parser's words (which read the
  normalised text) become spans of the original reply;
* tokens are grouped into sentences and clauses, the scopes a blocker reaches and a piece
  of evidence quotes.
"""

from __future__ import annotations

import gzip
import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from rapidfuzz import fuzz, process

_TOKEN = re.compile(
    r"<url>|@\w+|__\w+__|[^\W_]+(?:[-'’`][^\W_]+|(?<=\d)[.,:](?=\d)[^\W_]+)*|\n|[^\w\s]",
    re.UNICODE,
)
"""A token: a link, a handle, a placeholder, a word (hyphens, apostrophes and, between
digits, a point, comma or colon kept inside: "£318.40", "1,000", "10:30"), a line break or
one mark."""
_SENTENCE_END = frozenset({".", "!", "?", "\n", "…"})
_CLAUSE_PUNCT = frozenset({",", ";", ":", "—", "–", "-", "(", ")", "[", "]"})
_QUOTE_CHARS = frozenset({'"', "“", "”", "«", "»", "‘", "’", "'"})


class Token(NamedTuple):
    """One token of the reply: its span in the original text and its normalised words.

    A named tuple rather than a dataclass: a reply makes dozens of these, and a tuple is
    built several times faster, which the scorer's throughput feels.
    """

    start: int
    end: int
    norm: str
    sentence: int
    clause: int
    quoted: bool


class Normaliser:
    """Normalises replies with one replacement table and one cue vocabulary.

    ``replacements`` maps lower-case tokens to their standard words ("cant" → "can not");
    ``vocabulary`` is every word the cue rules use, the only words a misspelling may be
    corrected to; ``clause_words`` start a new clause ("but", "however"), and
    ``clause_words_before_subject`` start one only when a subject pronoun follows ("and
    I will…"); ``digit_words`` read a digit as a word before the words that show it is one
    ("2 u" → "to you"). Corrections are cached, so a long batch pays for each distinct word once.
    """

    def __init__(
        self,
        replacements: Mapping[str, str],
        vocabulary: Iterable[str],
        clause_words: Iterable[str],
        clause_words_before_subject: Iterable[str],
        subjects: Iterable[str],
        min_known_count: int = 1000,
        min_similarity: float = 84.0,
        digit_words: Mapping[str, tuple[str, frozenset[str]]] | None = None,
    ) -> None:
        self._replacements = dict(replacements)
        self._digit_words = dict(digit_words or {})
        protected = set(vocabulary)
        for words in self._replacements.values():
            protected.update(words.split())
        self._vocabulary = frozenset(protected)
        by_initial: dict[str, list[str]] = {}
        for word in sorted(self._vocabulary):
            if len(word) >= 4 and word.isalpha():
                by_initial.setdefault(word[0], []).append(word)
        self._by_initial = by_initial
        self._clause_words = frozenset(clause_words)
        self._clause_before_subject = frozenset(clause_words_before_subject)
        self._subjects = frozenset(subjects)
        self._min_known_count = min_known_count
        self._min_similarity = min_similarity
        self._cache: dict[str, str] = {}
        self._info_cache: dict[str, tuple[str, bool, bool, bool, bool]] = {}

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every word the normaliser never corrects: the cue words and table outputs."""
        return self._vocabulary

    def word(self, raw: str) -> str:
        """Return the normalised form of one raw word token (possibly several words)."""
        cached = self._cache.get(raw)
        if cached is not None:
            return cached
        low = raw.lower().replace("’", "'").replace("`", "'")
        out = self._replacements.get(low)
        if out is None:
            stripped = low.rstrip("'")
            out = self._replacements.get(stripped)
            if out is None:
                out = self._correct(stripped)
        if len(self._cache) < 200_000:
            self._cache[raw] = out
        return out

    def _correct(self, low: str) -> str:
        """Correct a misspelt word to the nearest cue word, if it is not a real word."""
        if low in self._vocabulary or len(low) < 4 or not low.isalpha():
            return low
        candidates = self._by_initial.get(low[0])
        if not candidates:
            return low
        best = process.extractOne(
            low, candidates, scorer=fuzz.ratio, score_cutoff=self._min_similarity
        )
        if best is None or abs(len(best[0]) - len(low)) > 2:
            return low
        if _english_count(low) >= self._min_known_count:
            return low
        return best[0]

    def _info(self, raw: str) -> tuple[str, bool, bool, bool, bool]:
        """Return, for one raw token: its normalised words and whether it starts a clause,
        starts one before a subject, is a subject, or is punctuation that ends a clause."""
        cached = self._info_cache.get(raw)
        if cached is not None:
            return cached
        if raw == "\n":
            norm = "."
        elif raw[0] == "@":
            norm = "@handle"
        elif raw[0].isalpha():
            norm = self.word(raw)
        elif raw[0].isalnum() or raw == "<url>" or raw.startswith("__"):
            norm = raw.lower()
            norm = self._replacements.get(norm, norm)  # text-speak that starts with a digit
        elif raw == "-":
            # a hyphen standing alone is a dash; the parser reads "sorry - four misses" as
            # "sorry four misses" but parses the dash it means as a break between clauses
            norm = "—"
        else:
            norm = raw.replace("’", "'").replace("“", '"').replace("”", '"')
        first = norm.split(" ", 1)[0]
        info = (
            norm,
            first in self._clause_words,
            first in self._clause_before_subject,
            first in self._subjects,
            raw in _CLAUSE_PUNCT,
        )
        if len(self._info_cache) < 200_000:
            self._info_cache[raw] = info
        return info

    def tokens(self, text: str) -> list[Token]:
        """Split ``text`` into tokens with normalised words, sentences, clauses and quotes."""
        raw_tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        infos = [self._info(raw) for _s, _e, raw in raw_tokens]
        if any(raw in _QUOTE_CHARS for _s, _e, raw in raw_tokens):
            quoted = _quoted_flags(text, raw_tokens)
        else:
            quoted = [False] * len(raw_tokens)
        out: list[Token] = []
        append = out.append
        sentence = 0
        clause = 0
        previous_norm = ""
        last = len(raw_tokens) - 1
        for i, (start, end, raw) in enumerate(raw_tokens):
            norm, starts_clause, before_subject, _subject, clause_punct = infos[i]
            if raw in self._digit_words and i < last:
                # "2 u" is "to you" and "4 sure" is "for sure"; "2 days" is two days
                word, before = self._digit_words[raw]
                if infos[i + 1][0].split(" ", 1)[0] in before:
                    norm = word
            if (starts_clause and previous_norm not in ("", ".")) or (
                before_subject and i < last and infos[i + 1][3]
            ):
                clause += 1
            append(Token(start, end, norm, sentence, clause, quoted[i]))
            if norm in _SENTENCE_END and not (
                raw == "."
                and i > 0
                and len(raw_tokens[i - 1][2]) == 1
                and raw_tokens[i - 1][2].isalpha()
            ):
                sentence += 1
                clause += 1
            elif clause_punct:
                clause += 1
            previous_norm = norm
        return out


def _quoted_flags(text: str, raw_tokens: list[tuple[int, int, str]]) -> list[bool]:
    """Mark the tokens that stand inside quotation marks.

    Double and curly quotes pair up in order. A straight or curly single quote opens a
    quotation only where it cannot be an apostrophe (after a space or at the start) and
    closes only before a non-letter, so "don't" and "customers' orders" are left alone.
    """
    flags = [False] * len(raw_tokens)
    open_at: str | None = None
    for i, (start, _end, raw) in enumerate(raw_tokens):
        if raw not in _QUOTE_CHARS:
            if open_at is not None:
                flags[i] = True
            continue
        if open_at is None:
            before = text[start - 1] if start > 0 else " "
            if raw in ("'", "‘") and not (before.isspace() or before in "([{"):
                continue
            if raw in ("”", "»"):
                continue
            open_at = raw
            continue
        closes = {
            '"': '"',
            "“": "”",
            "«": "»",
            "'": "'",
            "‘": "’",
        }.get(open_at, open_at)
        if raw == closes or (open_at == "“" and raw == '"') or (open_at == "‘" and raw == "'"):
            after = text[raw_tokens[i][1]] if raw_tokens[i][1] < len(text) else " "
            if raw in ("'", "’") and after.isalpha():
                flags[i] = True
                continue
            open_at = None
        else:
            flags[i] = True
    if open_at is not None:
        # An unclosed quotation is more likely a stray mark than a quote of the rest.
        last_open = max(
            (i for i, (_s, _e, raw) in enumerate(raw_tokens) if raw == open_at), default=-1
        )
        for i in range(last_open + 1, len(flags)):
            flags[i] = False
    return flags


@dataclass(frozen=True, slots=True)
class Normalised:
    """A reply's tokens and the normalised string the cue rules run over.

    ``text`` joins each token's normalised words with single spaces; ``starts[i]`` is where
    token ``i`` begins in ``text``, so :meth:`token_span` maps a match back to tokens.
    """

    tokens: tuple[Token, ...]
    text: str
    starts: tuple[int, ...]
    clauses: tuple[tuple[int, int], ...]
    """``clauses[c]`` is the first and last token index of clause ``c``."""
    sentences: tuple[tuple[int, int], ...]
    """``sentences[s]`` is the first and last token index of sentence ``s``."""

    def clause_bounds(self, index: int) -> tuple[int, int]:
        """Return the first and last token index of the clause holding token ``index``."""
        return self.clauses[self.tokens[index].clause]

    def sentence_bounds(self, index: int) -> tuple[int, int]:
        """Return the first and last token index of the sentence holding token ``index``."""
        return self.sentences[self.tokens[index].sentence]

    def token_span(self, start: int, end: int) -> tuple[int, int]:
        """Return the first and last token index covered by ``text[start:end]``."""
        first = bisect_right(self.starts, start) - 1
        last = bisect_right(self.starts, max(start, end - 1)) - 1
        return max(first, 0), max(last, 0)


def normalise(normaliser: Normaliser, reply: str) -> Normalised:
    """Tokenise and normalise ``reply`` into the string cue rules match against."""
    tokens = normaliser.tokens(reply)
    starts: list[int] = []
    parts: list[str] = []
    pos = 0
    for tok in tokens:
        starts.append(pos)
        parts.append(tok.norm)
        pos += len(tok.norm) + 1
    return Normalised(
        tuple(tokens),
        " ".join(parts),
        tuple(starts),
        _bounds([t.clause for t in tokens]),
        _bounds([t.sentence for t in tokens]),
    )


def _bounds(ids: list[int]) -> tuple[tuple[int, int], ...]:
    """Map each group id (ids rise by one or more along the tokens) to its token range."""
    if not ids:
        return ()
    out: list[tuple[int, int]] = [(0, -1)] * (ids[-1] + 1)
    first = 0
    for i in range(1, len(ids) + 1):
        if i == len(ids) or ids[i] != ids[first]:
            out[ids[first]] = (first, i - 1)
            first = i
    return tuple(out)


@lru_cache(maxsize=1)
def _english_counts() -> Mapping[str, int]:
    """Load English word counts (pyspellchecker's list) once, only when a word looks misspelt."""
    data = (resources.files("spellchecker") / "resources" / "en.json.gz").read_bytes()
    counts: dict[str, int] = json.loads(gzip.decompress(data))
    return counts


def _english_count(word: str) -> int:
    """Return how common ``word`` is in English text; 0 for a word the list lacks."""
    return _english_counts().get(word, 0)
