"""The registry of branch-condition kinds: the engine, the lint and the graph read one list."""

from __future__ import annotations

import pytest

from roleplay.core.conditions import (
    KINDS,
    Reply,
    condition_key,
    condition_summary,
    holds,
    keyword_in,
    why_never,
)
from roleplay.core.facts import Finding, ReplyFacts
from roleplay.core.scenario import Condition


def test_every_field_of_a_condition_belongs_to_exactly_one_kind() -> None:
    fields = [name for kind in KINDS for name in kind.fields]

    assert sorted(fields) == sorted(Condition.model_fields), (
        "a field of Condition is missing from roleplay.core.conditions.KINDS (or named twice):"
        " add its kind there, with how the engine tests it, how the lint keys it and how the"
        " graph labels it"
    )


def _finding(kind: str) -> Finding:
    return Finding(kind=kind, ref="x", name="x", quote="q", start=0, end=1)


def _reply(ids: set[str] = frozenset(), findings: tuple[Finding, ...] = (), mood: int = 5) -> Reply:
    return Reply(frozenset(ids), ReplyFacts(findings), "I will sort this out today", mood)


@pytest.mark.parametrize(
    ("condition", "reply", "expected"),
    [
        (Condition(finds=("misstatement",)), _reply(findings=(_finding("misstatement"),)), True),
        (
            Condition(finds=("misstatement",)),
            _reply(findings=(_finding("beyond_authority"),)),
            False,
        ),
        (Condition(any=("apologise",), none=("blame",)), _reply({"apologise"}), True),
        (Condition(any=("apologise",), none=("blame",)), _reply({"apologise", "blame"}), False),
        (Condition(keywords=("sort this out",)), _reply(), True),
        (Condition(mood_at_least=6), _reply(mood=5), False),
        (Condition(mood_at_most=5), _reply(mood=5), True),
    ],
    ids=[
        "finds",
        "finds-other-kind",
        "any-none",
        "none-breaks",
        "keywords",
        "mood-low",
        "mood-high",
    ],
)
def test_a_reply_meets_a_condition_only_when_every_given_part_holds(
    condition: Condition, reply: Reply, expected: bool
) -> None:
    assert holds(condition, reply) is expected


def test_conditions_differing_only_in_finds_have_different_keys() -> None:
    law = Condition(any=("explain",), finds=("misstatement",))
    promise = Condition(any=("explain",), finds=("beyond_authority",))

    assert condition_key(law) != condition_key(promise)
    assert condition_key(law) == condition_key(Condition(finds=("misstatement",), any=("explain",)))


def test_why_never_names_the_contradiction() -> None:
    assert why_never(Condition(all=("resolve",), none=("resolve",))) == (
        "it requires and forbids resolve"
    )
    assert why_never(Condition(finds=("misstatement",))) is None


def test_the_summary_says_each_kind_given_in_order() -> None:
    condition = Condition(any=("apologise",), finds=("misstatement",), mood_at_most=4)

    assert condition_summary(condition) == "any: apologise; finds: law misstated; mood ≤ 4"


def test_a_tutors_phrase_is_found_in_text_speak() -> None:
    from roleplay.core.conditions import keyword_in

    assert keyword_in(
        ["taking your claim on", "take your claim on"], "im gonna take ur claim on myself"
    )
    assert keyword_in(["today"], "ill sort it 2day")
    assert not keyword_in(["your claim"], "im gonna chase the report")


@pytest.mark.parametrize(
    "reply",
    [
        "I can't book collections, sorry. The supervisor can.",
        "I'm afraid I won't be able to book a collection today.",
        "we dont really book a collection from here",
        "Sorry, I can’t book a collection from this desk.",  # a curly apostrophe
    ],
)
def test_a_tutor_s_keyword_denied_right_before_it_is_not_said(reply: str) -> None:
    assert not keyword_in(["book a collection"], reply)


@pytest.mark.parametrize(
    ("keywords", "reply"),
    [
        # a topic further on is still named: the denial is of something else
        (["accommodation"], "I can't approve accommodation myself, so I've asked my manager."),
        # a keyword that is itself a denial holds as written
        (["can't find the bin"], "The crew said they can't find the bin."),
        (["book a collection"], "I can't promise a time, but I'll book a collection now."),
    ],
)
def test_a_keyword_not_denied_is_still_said(keywords: list[str], reply: str) -> None:
    assert keyword_in(keywords, reply)


@pytest.mark.parametrize(
    ("keyword", "reply"),
    [
        # another word with the same first letter is another word, not a misspelling
        ("ask the practice manager", "I'm afraid the practice manager is very busy today."),
        ("it'll be out", "Don't worry, it'll be ok."),
    ],
)
def test_a_keyword_is_not_heard_in_a_different_word_that_looks_like_it(
    keyword: str, reply: str
) -> None:
    assert not keyword_in([keyword], reply)


def test_a_keyword_misspelt_is_still_heard() -> None:
    assert keyword_in(["receive a refund"], "you will recieve a refnd by friday")


@pytest.mark.parametrize(
    "reply",
    [
        "I can't tell you whether he'll be all right - only a clinician can.",
        "Honestly, I don't know if he'll be all right, so I'm calling the first aider.",
        "Only a doctor can say whether he'll be all right.",
    ],
)
def test_a_keyword_inside_what_the_reply_says_it_cannot_tell_is_not_said(reply: str) -> None:
    """Saying one cannot tell whether he'll be all right declines to say it: a branch for a
    learner who told a mother her son would be all right must not take it."""
    assert not keyword_in(["he'll be all right"], reply)


def test_the_same_keyword_said_outright_still_counts() -> None:
    assert keyword_in(["he'll be all right"], "Don't worry, he'll be all right.")
