"""The prefix index must find exactly what trying every pattern at every word would find."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roleplay.core.index import Entry, PrefixIndex, prefixes
from roleplay.core.lexicon import Lexicon, load_lexicon
from roleplay.core.normalise import normalise

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "agent-replies.jsonl"


def _bounded(pattern: str) -> str:
    return f"(?<![^ ])(?:{pattern})(?:(?<= )|(?![^ ]))"


def test_a_literal_word_is_filed_under_itself() -> None:
    assert prefixes(_bounded("sorry")) == frozenset({"sorry "})


def test_alternatives_and_optional_words_give_every_possible_start() -> None:
    found = prefixes(_bounded("(?:please )?(?:accept|take) our apologies"))
    assert found == frozenset({"please accept ", "please take ", "accept our ", "take our "})


def test_a_stem_is_filed_by_its_letters() -> None:
    assert prefixes(_bounded(r"frustrat\w*")) == frozenset({"frustrat"})


def test_the_index_tries_a_pattern_once_where_two_of_its_starts_overlap() -> None:
    entry = Entry(
        _bounded(r"(?:we|we will) help\w*"), "rule", prefixes(_bounded(r"(?:we|we will) help\w*"))
    )
    assert len(PrefixIndex([entry]).matches("we will help")) == 1
    assert len(PrefixIndex([entry]).matches("we helped")) == 1


def test_a_pattern_that_can_start_anywhere_is_not_filed() -> None:
    assert prefixes(_bounded(r"[a-z]+ sorry")) is None


def _every_word_start(text: str, entries: list[Entry[str]]) -> set[tuple[str, int, int]]:
    starts = [0] + [m.end() for m in re.finditer(" ", text)]
    found = set()
    for entry in entries:
        for position in starts:
            hit = entry.pattern.match(text, position)
            if hit is not None:
                found.add((entry.source, hit.start(), hit.end()))
    return found


def _indexed(text: str, index: PrefixIndex[str]) -> set[tuple[str, int, int]]:
    found = [(entry.source, hit.start(), hit.end()) for entry, hit in index.matches(text)]
    assert len(found) == len(set(found)), "the index tried a pattern twice at one place"
    return set(found)


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


@pytest.fixture(scope="module")
def bundled(lexicon: Lexicon) -> tuple[PrefixIndex[str], list[Entry[str]]]:
    """An index over every bundled pattern, each filed by freshly worked-out starts."""
    entries = [Entry(p, rule.rule.id, prefixes(p)) for rule in lexicon.rules for p in rule.patterns]
    indexed = [e for e in entries if e.starts is not None]
    return PrefixIndex(indexed), indexed


def _replies() -> list[str]:
    replies = [
        "I'm really sorry your delivery was missed, I'll refund you today.",
        "we are aware of the issue and our team is working on a fix",
        "Could you tell me which size you ordered? Thanks for waiting.",
        "I can't refund that, but I can offer a replacement or a voucher.",
    ]
    if DATA.is_file():
        replies += [json.loads(line)["reply"] for line in DATA.read_text().splitlines()]
    return replies


def test_index_finds_what_trying_every_word_finds_on_real_replies(
    lexicon: Lexicon, bundled: tuple[PrefixIndex[str], list[Entry[str]]]
) -> None:
    index, entries = bundled
    for reply in _replies():
        text = normalise(lexicon.normaliser, reply).text
        assert _indexed(text, index) == _every_word_start(text, entries), reply


WORDS = st.sampled_from(
    [
        "i",
        "we",
        "you",
        "am",
        "are",
        "is",
        "will",
        "can",
        "sorry",
        "apologise",
        "thanks",
        "thank",
        "refund",
        "the",
        "your",
        "our",
        "this",
        "not",
        "never",
        ",",
        ".",
        "?",
        "!",
        "manager",
        "team",
        "policy",
        "look",
        "into",
        "check",
        "so",
        "just",
        "to",
        "really",
        "very",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=25))
def test_index_finds_what_trying_every_word_finds_on_any_words(
    lexicon: Lexicon, bundled: tuple[PrefixIndex[str], list[Entry[str]]], words: list[str]
) -> None:
    index, entries = bundled
    text = " ".join(words)
    assert _indexed(text, index) == _every_word_start(text, entries)
