"""Properties ``analyse`` keeps for any text a learner could type."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roleplay.core.analyse import MAX_REPLY_CHARS, analyse
from roleplay.core.analysis import Analysis, Evidence
from roleplay.core.lexicon import Lexicon, compile_lexicon
from roleplay.core.moves import ALL_IDS, FLAGS, MOVES

CUE_WORDS = (
    "sorry",
    "Sorry",
    "not",
    "refund",
    "I'll",
    "if",
    "If",
    '"',
    "'",
    "?",
    "manager",
    "thanks",
    "Thank you",
    "nothing",
    ",",
    ".",
    "I",
    "we",
    "apologise",
    "for",
    "the",
    "delay",
    "you",
    "can't",
    "but",
    "your",
    "fault",
    "look into",
    "call you back",
    "policy",
    "😡",
    "\x00",
    "\u200b",
)
"""Words and marks the cue rules react to, with the scope cues that set matches aside."""

SEPARATORS = ("", " ", " ", "  ", "\n", "\t", "\r\n", "—")

unicode_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),
    max_size=300,
)
"""Any surrogate-free text: control characters, emoji, combining marks, every script."""

emoji_and_controls = st.lists(
    st.sampled_from(
        [*"\x00\x01\x07\x1b\x7f\x85\u2028\u200b\ufeff", "😀", "🙏", "👍🏽", "‍", "Ж", "文", " "]
    ),
    max_size=60,
).map("".join)
"""Emoji (with skin tones and joiners), control characters and other scripts, densely."""

cue_text = st.lists(
    st.tuples(st.sampled_from(CUE_WORDS), st.sampled_from(SEPARATORS)), max_size=40
).map(lambda parts: "".join(word + sep for word, sep in parts))
"""Text built from cue-like words, so that rules, negations and quotes really interact."""

replies = st.one_of(unicode_text, emoji_and_controls, cue_text)

PROPERTY_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module", autouse=True)
def _private_rule_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep the compiled-rule cache these tests may write out of the user's cache folder."""
    folder = tmp_path_factory.mktemp("roleplay-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ROLEPLAY_CACHE_DIR", str(folder))
        yield folder


@cache
def second_lexicon() -> Lexicon:
    """A second, separately compiled copy of the bundled rules, so no analysis is reused."""
    lexicon, problems = compile_lexicon()
    assert lexicon is not None, problems
    return lexicon


def assert_evidence_quotes_the_reply(reply: str, evidence: tuple[Evidence, ...]) -> None:
    """Every quote is the reply's own words, at the span the evidence claims."""
    for e in evidence:
        assert 0 <= e.start < e.end <= len(reply), e
        assert reply[e.start : e.end] == e.quote, e
        assert e.move in ALL_IDS, e
        assert e.rule, e


def evidence_key(analysis: Analysis) -> tuple[tuple[object, ...], ...]:
    """Everything a user could see of an analysis, as plain comparable values."""
    counted = tuple((e.move, e.rule, e.start, e.end, e.quote, e.note) for e in analysis.evidence)
    aside = tuple((e.move, e.rule, e.start, e.end, e.quote, e.note) for e in analysis.suppressed)
    return (analysis.moves, analysis.flags, counted, aside, (analysis.ruleset,))


@PROPERTY_SETTINGS
@given(reply=replies)
def test_evidence_spans_are_the_reply_own_words(reply: str) -> None:
    """A debrief can always quote the learner exactly: span and quote agree, inside the reply."""
    analysis = analyse(reply)

    assert analysis.reply == reply
    assert_evidence_quotes_the_reply(reply, analysis.evidence)
    assert_evidence_quotes_the_reply(reply, analysis.suppressed)


@PROPERTY_SETTINGS
@given(reply=replies)
def test_only_guide_ids_are_reported_moves_as_moves_and_flags_as_flags(reply: str) -> None:
    """Moves are positive moves of the guide, flags are red flags, each once, in guide order."""
    analysis = analyse(reply)

    assert set(analysis.moves) <= set(MOVES)
    assert set(analysis.flags) <= set(FLAGS)
    assert set(analysis.ids) <= set(ALL_IDS)
    assert len(set(analysis.ids)) == len(analysis.ids)
    order = {move_id: i for i, move_id in enumerate(ALL_IDS)}
    assert list(analysis.ids) == sorted(analysis.ids, key=order.__getitem__)


@PROPERTY_SETTINGS
@given(reply=replies)
def test_every_reported_id_has_evidence_and_no_evidence_is_unreported(reply: str) -> None:
    """Nothing is said to be met without words to show it, nor shown without being reported."""
    analysis = analyse(reply)

    for move_id in analysis.ids:
        assert analysis.evidence_for(move_id), move_id
        assert analysis.first_evidence(move_id) is not None
    assert {e.move for e in analysis.evidence} == set(analysis.ids)
    assert all(not e.note for e in analysis.evidence)
    assert all(e.note for e in analysis.suppressed)


@PROPERTY_SETTINGS
@given(reply=replies)
def test_the_same_reply_under_the_same_rules_scores_the_same(reply: str) -> None:
    """Scoring is reproducible: again, and with the rules compiled afresh, nothing changes."""
    first = analyse(reply)
    again = analyse(reply)
    afresh = analyse(reply, lexicon=second_lexicon())

    assert evidence_key(again) == evidence_key(first)
    assert evidence_key(afresh) == evidence_key(first)
    assert afresh.to_dict() == first.to_dict()


@PROPERTY_SETTINGS
@given(reply=cue_text, padding=st.sampled_from(["", " ", "\n", "  \t "]))
def test_surrounding_white_space_moves_spans_but_not_judgements(reply: str, padding: str) -> None:
    """Stray spaces around a reply do not change which moves and flags it makes."""
    plain = analyse(reply)
    padded = analyse(padding + reply + padding)

    assert padded.moves == plain.moves
    assert padded.flags == plain.flags
    assert_evidence_quotes_the_reply(padding + reply + padding, padded.evidence)


@pytest.mark.parametrize(
    "reply",
    ["", " ", "\n\n", "\t \r\n", "\x00", "\x00\x01\x02", "\u200b", "😀" * 50],
    ids=["empty", "space", "newlines", "mixed", "nul", "controls", "zero-width", "emoji"],
)
def test_replies_without_words_make_no_moves(reply: str) -> None:
    """Nothing said, nothing credited, and no red flag raised either."""
    analysis = analyse(reply)

    assert analysis.moves == ()
    assert analysis.flags == ()
    assert analysis.evidence == ()


def test_long_reply_beyond_the_cache_is_analysed_like_a_short_one() -> None:
    """A reply too long to be remembered is still analysed the same way, with exact spans."""
    sentence = "Thank you for waiting, I'm so sorry about the delay. "
    reply = sentence * 200

    analysis = analyse(reply)

    assert {"thank", "apologise"} <= set(analysis.moves)
    assert_evidence_quotes_the_reply(reply, analysis.evidence)
    assert len(analysis.evidence_for("thank")) >= 2


def test_a_10_mb_reply_is_answered_on_its_first_part_and_says_so() -> None:
    """A reply past the limit is scored on its first 10,000 characters, cut at a space."""
    reply = "sorry, " * (10 * 1024 * 1024 // 7)

    analysis = analyse(reply)

    assert analysis.truncated
    assert analysis.truncated_from == len(reply)
    assert len(analysis.reply) <= MAX_REPLY_CHARS
    assert reply.startswith(analysis.reply) and analysis.reply.endswith("sorry,")
    assert analysis.has("apologise")
    assert_evidence_quotes_the_reply(analysis.reply, analysis.evidence)
    assert analysis.to_dict()["truncated"] == {"scored": len(analysis.reply), "length": len(reply)}
    assert analysis.truncation_note() == (
        f"the reply is {len(reply):,} characters long; only the first "
        f"{len(analysis.reply):,} were scored"
    )


def test_words_past_the_limit_are_not_scored() -> None:
    """What is scored is exactly the first part: a move said only after it does not count."""
    padding = "The parcel left our depot on Monday and reached the courier's hub. " * 200
    reply = padding + "I'm so sorry."
    assert len(padding) > MAX_REPLY_CHARS

    analysis = analyse(reply)

    assert not analysis.has("apologise")
    assert analyse(reply[:MAX_REPLY_CHARS]).moves == analysis.moves
    assert not analyse(padding[:5000] + "I'm so sorry.").truncated


@pytest.mark.parametrize(
    ("reply", "move", "ends_with"),
    [
        (
            "Eight days with nothing, after paying for next-day delivery and chasing us twice, "
            "is not good enough, and I'm sorry.",
            "acknowledge",
            "is not good enough",
        ),
        ("Honestly, it's the courier's fault, not ours.", "blame", "not ours."),
    ],
)
def test_evidence_is_quoted_to_the_end_of_its_clause(reply: str, move: str, ends_with: str) -> None:
    """A quote that stops at the last word a rule matched ("…is not good") misquotes the
    learner: the clause is quoted whole, to its own end."""
    quotes = [e.quote for e in analyse(reply).evidence_for(move)]
    assert quotes and quotes[0].endswith(ends_with), quotes


def test_a_route_talked_down_in_one_clause_leaves_the_hand_over_in_the_next() -> None:
    """ "You don't need to ask for a manager" says no to one route; the hand-over in the
    next clause is still escalation."""
    reply = (
        "You don't need to ask for a manager, I'm putting you through to our specialist "
        "support team now."
    )
    assert analyse(reply).has("escalate")
    assert not analyse("No need to go to the ombudsman, I'll sort it myself.").has("escalate")
