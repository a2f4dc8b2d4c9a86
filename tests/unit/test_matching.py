"""The scorer's matchers find exactly what spaCy's own matchers find.

:class:`TokenPatterns` and :class:`DependencyPatterns` try a pattern only where a reply
could hold it (looked up by its words, checked by where they stand, run on that stretch
alone) for speed. A shortcut that skipped a real match would silently drop a move from a
learner's score, so every bundled pattern is compared with one plain spaCy matcher over
every rule's own examples, and hand-made patterns probe the edges of a stretch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from roleplay.core.lexicon import load_lexicon
from roleplay.core.normalise import normalise
from roleplay.core.parse import parse, pipeline
from roleplay.core.parse_rules import DependencyPatterns, DocIndex, TokenPatterns


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEPLAY_CACHE_DIR", str(tmp_path / "cache"))


def _docs(replies: list[str]) -> list[Any]:
    lex = load_lexicon()
    out = []
    for reply in replies:
        norm = normalise(lex.normaliser, reply)
        if norm.tokens:
            out.extend(parse(reply, norm, lex.parse.roles).docs)
    return out


def _plain_token_matches(patterns: list[tuple[str, list[dict[str, Any]]]], doc: Any) -> list:
    from spacy.matcher import Matcher

    matcher = Matcher(doc.vocab)
    for key, pattern in patterns:
        matcher.add(key, [pattern])
    return sorted(matcher(doc))


def test_every_bundled_pattern_matches_the_rules_examples_as_one_spacy_matcher_does() -> None:
    from spacy.matcher import DependencyMatcher, Matcher

    lex = load_lexicon()
    rules = lex.parse.rules
    examples = sorted(
        {text for r in rules for text in (*r.rule.examples.match, *r.rule.examples.no_match)}
    )
    assert len(examples) > 500
    vocab = pipeline().vocab
    ours_tokens, ours_deps = lex.parse.matchers(vocab)
    plain_tokens, plain_deps = Matcher(vocab), DependencyMatcher(vocab)
    for i, rule in enumerate(rules):
        for pattern in rule.patterns:
            plain_tokens.add(str(i), [list(pattern)])
        for pattern in rule.dependency:
            plain_deps.add(str(i), [list(pattern)])
    found = 0
    for doc in _docs(examples):
        index = DocIndex(doc)
        # Two patterns of one rule may find the same words: the same match, once or twice.
        assert set(ours_tokens(doc, index)) == set(plain_tokens(doc)), doc.text
        ours = {(k, tuple(ids)) for k, ids in ours_deps(doc, index)}
        assert ours == {(k, tuple(ids)) for k, ids in plain_deps(doc)}, doc.text
        found += len(ours)
    assert found > 100


EDGE_PATTERNS: list[list[dict[str, Any]]] = [
    [{"LOWER": "sorry"}],
    [{"LOWER": {"IN": ["really", "so"]}, "OP": "?"}, {"LOWER": "sorry"}],
    [{"LOWER": "sorry"}, {"OP": "*"}, {"LEMMA": "wait"}],
    [{"OP": "+"}, {"LOWER": "sorry"}],
    [{"LOWER": "sorry"}, {"OP": "+"}],
    [{"LEMMA": "ring"}, {"OP": "{1,3}"}, {"LOWER": "back"}],
    [{"LEMMA": "ring"}, {"OP": "{2}"}, {"LOWER": "back"}],
    [{"LOWER": "i"}, {"LOWER": "not", "OP": "!"}, {"LEMMA": "be"}],
    [{"LOWER": {"IN": ["i", "we"]}}, {"POS": "AUX", "OP": "{,2}"}, {"LEMMA": "ring"}],
    [{"LOWER": "very", "OP": "+"}, {"LOWER": "sorry"}],
    [{"POS": "PRON"}, {"LEMMA": "be"}, {"LOWER": "sorry"}],
]
"""Patterns whose matches reach the ends of a reply, run over gaps or repeat."""

EDGE_REPLIES = [
    "Sorry",
    "sorry sorry sorry",
    "So sorry for the wait. I'll ring you back, I will ring you straight back.",
    "We are very very sorry. I am sorry you had to wait and wait.",
    "I ring back. I'm not sorry. I am so sorry.",
    "Really sorry, we'll ring you right back after the wait",
]


@pytest.mark.parametrize("reply", EDGE_REPLIES)
def test_matches_at_the_ends_over_gaps_and_repeats_are_all_found(reply: str) -> None:
    vocab = pipeline().vocab
    keyed = [(str(i), (tuple(p),)) for i, p in enumerate(EDGE_PATTERNS)]
    ours = TokenPatterns(vocab, keyed)
    for doc in _docs([reply]):
        plain = _plain_token_matches([(k, list(ps[0])) for k, ps in keyed], doc)
        assert plain, "every reply here matches something"
        assert sorted(set(ours(doc))) == sorted(set(plain))


def test_a_dependency_pattern_whose_words_are_in_different_sentences_is_not_matched() -> None:
    vocab = pipeline().vocab
    pattern = (
        {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": "refund"}},
        {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "who", "RIGHT_ATTRS": {"LOWER": "i"}},
    )
    ours = DependencyPatterns(vocab, [("0", (pattern,))])
    together, apart = _docs(["I will refund the order today."]), _docs(["I see. Refund it."])
    assert [ids for _key, ids in ours(together[0])]
    assert ours(apart[0]) == []
