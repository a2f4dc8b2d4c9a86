"""An index of cue patterns by the words they can start with, so a reply is scanned once.

Python's regular expressions try every alternative at every position, so running a hundred
patterns over a reply costs a hundred scans. Almost every cue pattern, though, can only
start with one of a few literal words ("sorry", "i", "we", "thank"…). This module reads
each compiled pattern's parse tree, collects the literal text every match must begin with,
and files the pattern under those prefixes. Matching then walks the reply's words once and
tries only the patterns filed under the text at each word. A pattern whose start cannot be
pinned down (it begins with "any word", say) is kept aside and scanned the ordinary way, so
the index changes how fast rules run, never what they find.

Working out the starts takes a noticeable part of a second, so they are kept in a cache
file between runs (:func:`write_starts`, :func:`read_starts`). A cache decides which rules
are tried where, so an edited one could change scores: it is trusted only when it names the
rule set it was made for and its content matches the digest stored with it; anything else
is ignored, and the starts are worked out afresh.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final, Generic, TypeVar

from roleplay.core.jsontext import read_json
from roleplay.core.storage import clean_stale_temporaries, write_atomic

try:  # The parser is an internal module; without it, every pattern is simply scanned.
    from re import _constants as _sre_c  # type: ignore[attr-defined]
    from re import _parser as _sre_p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - other Python implementations
    _sre_c = None
    _sre_p = None

T = TypeVar("T")

MAX_PREFIXES = 256
"""A pattern with more possible starts than this is scanned rather than indexed."""

HEAD = 3
"""Stems (starts shorter than a whole word) are looked up only for words sharing their first
three letters, so most words cost two dictionary look-ups and no more."""


class _Unbounded(Exception):
    """Raised inside the prefix walk when a match could start with almost anything."""


def _prefixes(items: list[Any], k: int = 0, words: int = 2) -> set[str]:
    """Return the literal texts that every match of ``items[k:]`` must start with.

    The texts stop after ``words`` complete words (each ends with its space).
    """
    if _sre_c is None:
        raise _Unbounded
    c = _sre_c
    if k >= len(items):
        return {""}
    op, av = items[k]
    if _is_word_end(op, av):
        return {" "}
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return _prefixes(items, k + 1, words)
    if op is c.LITERAL:
        char = chr(av)
        if char == " ":
            if words <= 1:
                return {" "}
            return {" " + rest for rest in _prefixes(items, k + 1, words - 1)}
        return {char + rest for rest in _prefixes(items, k + 1, words)}
    if op is c.SUBPATTERN:
        return _prefixes(list(av[-1]) + items[k + 1 :], 0, words)
    if op is c.BRANCH:
        out: set[str] = set()
        for alternative in av[1]:
            out |= _prefixes(list(alternative) + items[k + 1 :], 0, words)
            if len(out) > MAX_PREFIXES:
                raise _Unbounded
        return out
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        low, _high, body = av
        taken = _prefixes(list(body) + items[k + 1 :], 0, words)
        if low == 0:
            taken |= _prefixes(items, k + 1, words)
        if len(taken) > MAX_PREFIXES:
            raise _Unbounded
        return taken
    if op is c.IN and all(o is c.LITERAL for o, _ in av) and len(av) <= 4:
        out = set()
        for _o, value in av:
            out |= {chr(value) + rest for rest in _prefixes(items, k + 1, words)}
        return out
    # Anything else (a class, a wildcard, a back-reference) ends the literal prefix here.
    return {""}


def _is_word_end(op: Any, av: Any) -> bool:
    """Recognise the zero-width checks that a word ends here: "(?= )" or "(?![^ ])".

    In the space-separated text the index works on, either means a space (or the end, which
    the index pads with a space) follows, so the literal start can end with that space.
    """
    c = _sre_c
    if op is c.ASSERT and av[0] == 1:
        body = list(av[1])
        return bool(body) and body[0] == (c.LITERAL, 32)
    if op is c.ASSERT_NOT and av[0] == 1:
        body = list(av[1])
        return len(body) == 1 and body[0] in (
            (c.NOT_LITERAL, 32),
            (c.IN, [(c.NEGATE, None), (c.LITERAL, 32)]),
        )
    if op is c.BRANCH:
        alternatives = [list(a) for a in av[1]]
        return all(
            len(a) == 1 and a[0][0] in (c.ASSERT, c.ASSERT_NOT) for a in alternatives
        ) and any(_is_word_end(*a[0]) for a in alternatives)
    return False


def prefixes(pattern: str) -> frozenset[str] | None:
    """Return the literal starts of every match of ``pattern``, or None when unconstrained.

    Two words of start are tried first, since a first word such as "we" or "the" filters
    little; a pattern with too many two-word starts falls back to one word.
    """
    if _sre_p is None:
        return None
    try:
        parsed = list(_sre_p.parse(pattern, 0))
    except (re.error, TypeError, ValueError, RecursionError):
        return None
    for words in (2, 1):
        try:
            found = _prefixes(parsed, 0, words)
        except (_Unbounded, RecursionError):
            continue
        if found and "" not in found and len(found) <= MAX_PREFIXES:
            # A start that extends a shorter one adds nothing, and would try the pattern twice.
            return frozenset(p for p in found if not any(q != p and p.startswith(q) for q in found))
    return None


class Entry(Generic[T]):
    """One pattern, the value it belongs to (the rule that owns it), and its literal starts.

    The pattern is compiled the first time the index tries it, so a process that scores one
    reply compiles only the few patterns whose starts appear in it.
    """

    __slots__ = ("_regex", "owner", "source", "starts")

    def __init__(self, source: str, owner: T, starts: frozenset[str] | None) -> None:
        self.source = source
        self.owner = owner
        self.starts = starts
        self._regex: re.Pattern[str] | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        """The compiled pattern (compiled on first use)."""
        if self._regex is None:
            self._regex = re.compile(self.source)
        return self._regex


GUARD_FROM = 3
"""Where this many patterns share a start, one joint pattern is tried first at each place."""


class _Filed(Generic[T]):
    """The patterns filed under one start, with a joint guard where there are several.

    Most tries fail, so where several patterns share a start, one alternation of them all
    (compiled on first use) is tried first: when it does not match, none of them can, and
    one call into the regular-expression engine replaces many.
    """

    __slots__ = ("_guard", "entries")

    def __init__(self, entries: tuple[Entry[T], ...]) -> None:
        self.entries = entries
        self._guard: re.Pattern[str] | bool | None = None if len(entries) >= GUARD_FROM else False

    def collect(self, text: str, position: int, out: list[tuple[Entry[T], re.Match[str]]]) -> None:
        """Add every match of these patterns that starts at ``position``."""
        guard = self._guard
        if guard is not False:
            if guard is None:
                guard = self._guard = self._joint()
            if guard is not False and guard.match(text, position) is None:  # type: ignore[union-attr]
                return
        for entry in self.entries:
            hit = entry.pattern.match(text, position)
            if hit is not None:
                out.append((entry, hit))

    def _joint(self) -> re.Pattern[str] | bool:
        try:
            return re.compile("|".join(f"(?:{e.source})" for e in self.entries))
        except re.error:
            return False


class PrefixIndex(Generic[T]):
    """Patterns filed by their literal starts, plus those that must be scanned whole.

    A start of two whole words ("we will ") is filed under both words; one of a whole word
    ("sorry ") under that word; anything shorter (a stem such as "apologi") under its
    length and text. :meth:`matches` walks the words of the text once and tries only the
    patterns filed under what stands there.
    """

    def __init__(self, entries: Iterable[Entry[T]]) -> None:
        one: dict[str, list[Entry[T]]] = {}
        two: dict[tuple[str, str], list[Entry[T]]] = {}
        stems: dict[int, dict[str, list[Entry[T]]]] = {}
        scanned: list[Entry[T]] = []
        for entry in entries:
            starts = entry.starts
            if starts is None:
                scanned.append(entry)
                continue
            entry_stems: set[str] = set()
            entry_one: set[str] = set()
            entry_two: set[tuple[str, str]] = set()
            for start in starts:
                parts = start.split(" ")
                if len(parts) == 1:
                    entry_stems.add(start)  # part of a first word: "apologi", "frustrat"
                elif len(parts) == 2 or not parts[1]:
                    entry_one.add(parts[0])  # "sorry ", or "we help…" with a part second word
                else:
                    entry_two.add((parts[0], parts[1]))  # "we will "
            # A pair whose first word is already filed on its own would be tried twice.
            entry_two = {pair for pair in entry_two if pair[0] not in entry_one}
            for stem in entry_stems:
                stems.setdefault(len(stem), {}).setdefault(stem, []).append(entry)
            for word in entry_one:
                one.setdefault(word, []).append(entry)
            for pair in entry_two:
                two.setdefault(pair, []).append(entry)
        self._one = {k: _Filed(_unique(v)) for k, v in one.items()}
        self._two = {k: _Filed(_unique(v)) for k, v in two.items()}
        self._stems = tuple(
            (length, {k: _Filed(_unique(v)) for k, v in table.items()})
            for length, table in sorted(stems.items())
        )
        self._stem_heads = frozenset(key[:HEAD] for _length, table in self._stems for key in table)
        self.scanned: tuple[Entry[T], ...] = tuple(scanned)

    @property
    def indexed_count(self) -> int:
        """How many patterns are filed by their starts (the rest are scanned)."""
        seen: set[int] = set()
        for table in (self._one, self._two):
            for filed in table.values():
                seen.update(id(e) for e in filed.entries)
        for _length, stem_table in self._stems:
            for filed in stem_table.values():
                seen.update(id(e) for e in filed.entries)
        return len(seen)

    def matches(self, text: str) -> list[tuple[Entry[T], re.Match[str]]]:
        """Return (entry, match) for every match starting at a word start of ``text``."""
        out: list[tuple[Entry[T], re.Match[str]]] = []
        words = text.split(" ")
        one_get = self._one.get
        two_get = self._two.get
        stems = self._stems
        heads = self._stem_heads
        last = len(words) - 1
        position = 0
        for i, word in enumerate(words):
            filed = one_get(word)
            if filed is not None:
                filed.collect(text, position, out)
            if i < last:
                filed = two_get((word, words[i + 1]))
                if filed is not None:
                    filed.collect(text, position, out)
            if word[:HEAD] in heads:
                for length, table in stems:
                    filed = table.get(word[:length])
                    if filed is not None:
                        filed.collect(text, position, out)
            position += len(word) + 1
        for entry in self.scanned:
            for hit in entry.pattern.finditer(text):
                out.append((entry, hit))
        return out


def _unique(entries: list[Entry[T]]) -> tuple[Entry[T], ...]:
    seen: set[int] = set()
    out: list[Entry[T]] = []
    for entry in entries:
        if id(entry) not in seen:
            seen.add(id(entry))
            out.append(entry)
    return tuple(out)


STARTS_FORMAT: Final = 2
"""The layout of a starts cache file; a file of any other layout is ignored."""

Starts = dict[str, frozenset[str] | None]
"""Each pattern's literal starts, or None for a pattern that must be scanned whole."""


def _payload_digest(ruleset: str, starts: Mapping[str, Any]) -> str:
    """SHA-256 over the layout, the rule set and the starts, in one canonical form."""
    body = {"format": STARTS_FORMAT, "ruleset": ruleset, "starts": starts}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def write_starts(path: Path, ruleset: str, starts: Starts) -> None:
    """Save the starts worked out for the rule set ``ruleset`` (its files' hash) to ``path``.

    Written atomically with a digest of its own content; a folder that cannot be written
    is simply skipped, since the cache only saves time.
    """
    plain = {p: None if s is None else sorted(s) for p, s in starts.items()}
    data = {
        "format": STARTS_FORMAT,
        "ruleset": ruleset,
        "starts": plain,
        "digest": _payload_digest(ruleset, plain),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        clean_stale_temporaries(path.parent)
        write_atomic(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    except OSError:
        return


def read_starts(path: Path, ruleset: str) -> Starts | None:
    """Return the starts saved at ``path`` for the rule set ``ruleset``, or None.

    None, so that the caller works them out afresh, when there is no such file, or it
    cannot be read, is of another layout or another rule set, is not shaped as
    :func:`write_starts` writes, or its content does not match its digest (a file
    corrupted on disk, or edited).
    """
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    data, problem = read_json(text, str(path))
    if problem is not None or not isinstance(data, dict):
        return None
    plain = data.get("starts")
    if (
        data.get("format") != STARTS_FORMAT
        or data.get("ruleset") != ruleset
        or not isinstance(plain, dict)
        or data.get("digest") != _payload_digest(ruleset, plain)
    ):
        return None
    out: Starts = {}
    for pattern, starts in plain.items():
        if starts is None:
            out[pattern] = None
        elif isinstance(starts, list) and starts and all(isinstance(x, str) and x for x in starts):
            out[pattern] = frozenset(starts)
        else:
            return None
    return out
