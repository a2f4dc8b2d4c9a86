"""The organisation's promise recognised in the learner's own words, and breaches put right.

The replies paraphrase the commitments rather than quote them or their cue words: a rule
that matches "we promise next-day delivery" and nothing else fails here. A test marked
``xfail(strict=True)`` is a known miss or false alarm; when it is fixed the mark comes off.
"""

from __future__ import annotations

from functools import cache

import pytest

from roleplay.core.library import ScenarioLibrary
from roleplay.core.promise import Mention, Strength, mentions, puts_right, recognises
from roleplay.core.scenario import Commitment, Scenario


@cache
def _scenario(name: str) -> Scenario:
    return ScenarioLibrary().find(name).scenario


def _commitment(name: str, commitment: str) -> Commitment:
    return next(c for c in _scenario(name).organisation.promise if c.id == commitment)


def _mentions(name: str, reply: str) -> dict[str, Mention]:
    return {m.commitment: m for m in mentions(reply, _scenario(name).organisation.promise)}


def _gap(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


# --- Named in the learner's own words ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reply", "commitment"),
    [
        (
            "late-parcel",
            "You paid for next-day delivery, so you should have had it the next day.",
            "delivery",
        ),
        (
            "cancelled-train",
            "It should have been on the screens within five minutes.",
            "information",
        ),
        (
            "cancelled-train",
            "We're supposed to announce a cancellation within five minutes and put it on the "
            "boards.",
            "information",
        ),
        (
            "gp-reception",
            "We're meant to get repeat prescriptions to your pharmacy in two days.",
            "prescriptions",
        ),
        ("catch-up-bill", "We were supposed to call you back twice and never did.", "callbacks"),
    ],
)
def test_the_promise_paraphrased_as_a_standing_commitment_is_named(
    name: str, reply: str, commitment: str
) -> None:
    found = _mentions(name, reply)
    assert found[commitment].strength == Strength.NAMED
    assert found[commitment].quote == reply


@pytest.mark.parametrize(
    ("name", "reply", "commitment"),
    [
        pytest.param(
            "late-parcel",
            "Sorry for the wait, I know we're meant to reply within a couple of minutes.",
            "response",
            marks=_gap("named: 'reply' for 'answer' and 'a couple of' for 'two' share one word"),
        ),
        pytest.param(
            "catch-up-bill",
            "We said we'd ring you back and we didn't, twice.",
            "callbacks",
            marks=_gap("named: 'ring' for 'call' is not the same content word"),
        ),
        pytest.param(
            "late-parcel",
            "It was supposed to arrive the day after you ordered.",
            "delivery",
            marks=_gap("named: 'the day after' for 'next-day' shares only 'day'"),
        ),
    ],
)
def test_the_promise_in_synonyms_is_named(name: str, reply: str, commitment: str) -> None:
    assert _mentions(name, reply)[commitment].strength == Strength.NAMED


def test_a_statement_of_the_facts_only_echoes_the_promise() -> None:
    found = _mentions("late-parcel", "You ordered next-day delivery and it's now eight days.")
    assert found["delivery"].strength == Strength.ECHOED


def test_what_always_happens_when_the_customer_does_something_names_the_promise() -> None:
    """ "When you pay for next-day, we either get it to you or…" states a standing commitment
    in the learner's own words; "if you send the photo, we'll refund it" is today's offer."""
    standing = _mentions(
        "late-parcel",
        "When you pay for next-day we either get it to you the next day or give you the "
        "delivery fee back.",
    )
    today = _mentions("late-parcel", "If you send the photo, we'll refund your delivery fee.")
    assert standing["delivery"].strength == Strength.NAMED
    assert "delivery" not in today or today["delivery"].strength != Strength.NAMED


def test_the_learners_own_next_step_is_not_an_echo_of_the_promise() -> None:
    reply = "I'll call you back tomorrow at ten to confirm the new bill."
    assert "callbacks" not in _mentions("catch-up-bill", reply)


def test_a_reply_about_something_else_names_no_commitment() -> None:
    assert _mentions("late-parcel", "Could you confirm the postcode for me, please?") == {}


def test_a_personal_promise_of_a_call_back_does_not_name_the_call_back_promise() -> None:
    reply = "I'll call you back tomorrow by 10am, I promise."
    assert "callbacks" not in _mentions("catch-up-bill", reply)


@pytest.mark.parametrize(
    ("name", "reply", "other"),
    [
        pytest.param(
            "broadband-outage",
            "We're meant to fix faults within two working days.",
            "reply-time",
        ),
        pytest.param(
            "gp-reception",
            "Your prescription should have reached the pharmacy within two working days, "
            "and it didn't.",
            "complaints-ack",
        ),
    ],
)
def test_a_time_limit_alone_does_not_name_another_commitment(
    name: str, reply: str, other: str
) -> None:
    assert other not in _mentions(name, reply)


def test_a_word_sharing_only_a_prefix_does_not_name_a_commitment() -> None:
    reply = "We should have completed the job within a working day."
    assert "named-person" not in _mentions("broadband-outage", reply)


def test_blaming_the_customer_with_the_promise_words_does_not_name_it() -> None:
    found = _mentions("late-parcel", "You should have been in for a next-day delivery.")
    assert "delivery" not in found or found["delivery"].strength != Strength.NAMED


def test_a_quote_with_a_time_and_a_title_is_not_cut() -> None:
    reply = (
        "Mr. Whitaker, we're meant to get repeat prescriptions to your pharmacy within two "
        "days, by 10.30 on the second."
    )
    found = _mentions("gp-reception", reply)
    assert found["prescriptions"].quote == reply


# --- The breach recognised ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "commitment", "text"),
    [
        ("late-parcel", "delivery", "i'm sorry your parcel is eight days late."),
        ("cancelled-train", "information", "i'm sorry nobody told you your train was cancelled."),
        ("catch-up-bill", "callbacks", "i'm sorry you didn't get the call you were promised."),
    ],
)
def test_the_breach_in_other_words_is_recognised(name: str, commitment: str, text: str) -> None:
    assert recognises(text, _commitment(name, commitment))


def test_a_commitment_never_broken_is_never_recognised_as_a_breach() -> None:
    assert not recognises("sorry for the wait on the chat.", _commitment("late-parcel", "response"))


@pytest.mark.parametrize(
    ("name", "commitment", "text"),
    [
        pytest.param(
            "cancelled-train",
            "information",
            "trains get cancelled sometimes.",
            marks=_gap(
                "breach: the docstring's own topic-only example shares two words and passes"
            ),
        ),
        pytest.param(
            "late-parcel",
            "delivery",
            "sorry the day was so stressful.",
        ),
    ],
)
def test_the_topic_alone_is_not_the_breach_recognised(
    name: str, commitment: str, text: str
) -> None:
    assert not recognises(text, _commitment(name, commitment))


# --- The breach put right with a remedy tied to it ----------------------------------------


@pytest.mark.parametrize(
    "text",
    ["i've refunded your £4.95 delivery charge.", "i've put the postage back on your card."],
)
def test_a_remedy_tied_to_the_broken_delivery_promise_puts_it_right(text: str) -> None:
    assert puts_right(text, _commitment("late-parcel", "delivery"))


def test_any_remedy_is_not_a_remedy_tied_to_the_breach() -> None:
    assert puts_right("i've refunded the £64.", _commitment("late-parcel", "delivery")) is None


def test_a_larger_amount_containing_the_fee_is_not_the_fee() -> None:
    assert puts_right("i've refunded £14.95.", _commitment("late-parcel", "delivery")) is None


@_gap("put right: only the scenario's exact phrases count: 'what you paid for the delivery' misses")
def test_the_delivery_charge_given_back_in_other_words_puts_it_right() -> None:
    text = "i've given you back what you paid for the next-day delivery."
    assert puts_right(text, _commitment("late-parcel", "delivery"))
