"""``benchmarks/mine.py``: concordances a rule writer can trust before adding a rule.

A rule writer reads the concordance to see how people really say a move and which of those
sayings today's scorer already credits; a wrong shape or a wrong credit mark sends them to
write the wrong rule.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest


@pytest.fixture(scope="module")
def mine(import_benchmark: Callable[[str], ModuleType]) -> ModuleType:
    """The benchmark script, imported as a module."""
    return import_benchmark("mine")


@pytest.fixture(scope="module")
def nlp(mine: ModuleType) -> Any:
    """spaCy's English pipeline, or a skip saying it is not installed."""
    pipeline = mine.load_pipeline()
    if pipeline is None:
        pytest.skip(f"spaCy and {mine.MODEL} are not installed")
    return pipeline


REPLIES = [
    {"id": "r1", "reply": "Thanks for waiting. I've refunded the delivery charge."},
    {"id": "r2", "reply": "We have requested the refund. It takes 3 days."},
    {"id": "r3", "reply": "I'll check the tracking and ring you back within the hour."},
    {"id": "r4", "reply": "A replacement has been ordered for you."},
]


def _pool(tmp_path: Path) -> Path:
    path = tmp_path / "pool.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in REPLIES), encoding="utf-8")
    return path


def test_concordance_marks_what_the_scorer_credits_without_spacy(
    mine: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each sentence with the word is listed once, marked + when the scorer credits the move."""
    args = ["kwic", str(_pool(tmp_path)), "--lemmas", "refund", "--move", "resolve", "--no-parse"]
    assert mine.main(args) == 0
    out = capsys.readouterr().out
    hits = [line for line in out.splitlines() if "[refund" in line]
    assert len(hits) == 2
    assert hits[0].startswith("+") and "[refunded]" in hits[0]
    assert hits[1].startswith("-") and "[refund]" in hits[1]
    assert "2 sentences; today's scorer credits resolve to 1 (50%)" in out


def test_joined_verbs_share_their_subject_and_tense(mine: ModuleType, nlp: Any) -> None:
    """After "I'll check ... and", "ring you back" is the agent's, in the future."""
    lines = mine.concordance(
        [mine.Reply("r3", REPLIES[2]["reply"], None, None, {}, None)], ["ring"], None, None, nlp
    )
    assert [ln.shape.key() for ln in lines] == ["I/we | ring | will | you"]


def test_passive_commitment_shape(mine: ModuleType, nlp: Any) -> None:
    """A replacement "has been ordered": present perfect passive, the replacement its subject."""
    lines = mine.concordance(
        [mine.Reply("r4", REPLIES[3]["reply"], None, None, {}, None)], ["order"], None, None, nlp
    )
    assert [(ln.shape.subject, ln.shape.tam) for ln in lines] == [
        ("N:replacement", "present perfect passive")
    ]


def test_cue_words_count_rare_rule_words_in_the_clause_core(
    mine: ModuleType, nlp: Any, tmp_path: Path
) -> None:
    """A case worded in a rule's own rare word counts; the same move in other words does not."""
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        '- {family: f, reply: "I\'ve reimbursed you.", expect: [resolve]}\n'
        '- {family: f, reply: "The money is on its way back to you.", expect: [resolve]}\n',
        encoding="utf-8",
    )
    vocab = mine.rule_vocabularies()
    tallies = mine.cue_words(mine.read_replies(cases), vocab, frozenset(), nlp)
    assert (tallies["f"].positives, tallies["f"].rare) == (2, 1)
