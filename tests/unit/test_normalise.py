"""Learners' spelling, text-speak and punctuation reach the cue rules in standard form."""

from __future__ import annotations

import pytest

from roleplay.core.analyse import analyse
from roleplay.core.lexicon import Lexicon, load_lexicon
from roleplay.core.normalise import Normaliser, normalise


@pytest.fixture(scope="module")
def normaliser() -> Normaliser:
    lexicon: Lexicon = load_lexicon()
    return lexicon.normaliser


@pytest.mark.parametrize(
    ("typed", "read_as"),
    [
        ("sory", "sorry"),
        ("SORRY", "sorry"),
        ("appologies", "apologies"),
        ("inconvienence", "inconvenience"),
        ("apologize", "apologise"),
        ("im", "i am"),
        ("cant", "can not"),
        ("can't", "can not"),
        ("won’t", "will not"),
        ("thx", "thanks"),
        ("u", "you"),
        ("n", "and"),
        ("theyll", "they will"),
        ("weve", "we have"),
        ("u'll", "you will"),
        ("wrkin", "working"),
        ("acc", "account"),
    ],
)
def test_misspellings_and_text_speak_read_as_standard_words(
    normaliser: Normaliser, typed: str, read_as: str
) -> None:
    assert normaliser.word(typed) == read_as


def test_a_second_promise_joined_by_text_speak_n_is_still_read() -> None:
    reply = "ill chase the courier now n ring u back by 3"
    assert analyse(reply).moves == ("investigate", "follow_up")


@pytest.mark.parametrize("word", ["sort", "story", "thinks", "manager", "parcel", "refund"])
def test_real_words_are_never_corrected_into_cue_words(normaliser: Normaliser, word: str) -> None:
    assert normaliser.word(word) == word


def test_every_token_keeps_its_place_in_the_learners_text(normaliser: Normaliser) -> None:
    reply = "Im realy sory, the £12 charge\u00a0wasn't fair 😀"
    norm = normalise(normaliser, reply)
    assert [reply[t.start : t.end] for t in norm.tokens][:4] == ["Im", "realy", "sory", ","]
    assert norm.text.startswith("i am really sorry , the")


def test_quoted_words_are_marked_and_apostrophes_are_not_quotes(normaliser: Normaliser) -> None:
    norm = normalise(normaliser, "You said 'sorry' and \"thanks\" but don't the customers' bags")
    quoted = {norm.text.split(" ")[0]} | {t.norm for t in norm.tokens if t.quoted}
    assert {"sorry", "thanks"} <= quoted
    assert not any(t.quoted for t in norm.tokens if t.norm in ("do", "bags", "customers"))


def test_an_unclosed_quote_does_not_swallow_the_rest_of_the_reply(
    normaliser: Normaliser,
) -> None:
    norm = normalise(normaliser, 'He said "fine. I am sorry for the wait.')
    assert not any(t.quoted for t in norm.tokens if t.norm == "sorry")


def test_sentences_end_at_full_stops_but_not_inside_abbreviations(
    normaliser: Normaliser,
) -> None:
    norm = normalise(normaliser, "Which U.S. card is it? Thanks.")
    which = norm.tokens[0]
    question = next(t for t in norm.tokens if t.norm == "?")
    assert which.sentence == question.sentence
    assert norm.tokens[-1].sentence == question.sentence + 1


@pytest.mark.parametrize("amount", ["£318.40", "29.99", "1,000", "10:30"])
def test_a_point_or_comma_between_digits_is_inside_the_number(
    normaliser: Normaliser, amount: str
) -> None:
    reply = f"I have refunded {amount} to your card. Thanks"
    norm = normalise(normaliser, reply)
    quoted = [reply[t.start : t.end] for t in norm.tokens]
    assert amount.lstrip("£") in quoted
    assert norm.tokens[-1].sentence == 1 and norm.tokens[-2].sentence == 0
    resolve = next(e for e in analyse(reply).evidence if e.move == "resolve")
    assert amount in resolve.quote


def test_but_starts_a_new_clause(normaliser: Normaliser) -> None:
    norm = normalise(normaliser, "I can't refund it but I can replace it")
    clause_of = {t.norm: t.clause for t in norm.tokens}
    assert clause_of["refund"] != clause_of["replace"]


def test_text_speak_that_starts_with_a_digit_is_read_too(normaliser: Normaliser) -> None:
    words = [t.norm for t in normaliser.tokens("il book it 2day or 2nite, not 2 weeks")]
    assert words[:2] == ["i will", "book"]
    assert "today" in words and "tonight" in words
    assert "2" in words, "a plain number is left alone"


@pytest.mark.parametrize(
    ("typed", "read_as"),
    [
        ("il get a crew 2 u 2moro", "i will get a crew to you tomorrow"),
        ("2moro 4 sure", "tomorrow for sure"),
        ("booked it 4 2moro", "booked it for tomorrow"),
        ("i can give u 2 days", "i can give you 2 days"),
        ("its 4 weeks late", "its 4 weeks late"),
    ],
)
def test_a_digit_is_read_as_a_word_only_where_the_next_word_shows_it(
    normaliser: Normaliser, typed: str, read_as: str
) -> None:
    assert " ".join(t.norm for t in normaliser.tokens(typed)) == read_as


def test_a_crew_sent_in_text_speak_is_a_remedy() -> None:
    assert "resolve" in analyse("omg sry thats not ok. il get a crew 2 u 2moro ok?").ids


@pytest.mark.parametrize("dash", [" - ", " – ", " — "])
def test_a_hyphen_standing_alone_is_read_as_the_dash_it_means(dash: str) -> None:
    reply = f"I'm so sorry{dash}four misses in a row is not acceptable."
    result = analyse(reply)
    assert "apologise" in result.moves, "the apology is not read as 'sorry four misses'"
    quoted = next(e.quote for e in result.evidence if e.move == "apologise")
    assert quoted.startswith("I'm so sorry")


def test_a_hyphen_inside_a_word_is_kept() -> None:
    result = analyse("Sorry for the mix-up with your follow-up appointment.")
    assert "apologise" in result.moves
    assert "mix-up" in next(e.quote for e in result.evidence if e.move == "apologise")
