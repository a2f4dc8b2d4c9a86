"""The customer reacts to what each reply really did: branches, default reactions, patience."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from roleplay.core.dialogue import ConversationOver, Session, play
from roleplay.core.scenario import Scenario

BASE = """
id: test-shop
title: Test shop
sector: retail
channel: chat
difficulty: foundation
brief: You work at a test shop.
organisation:
  name: Test Shop
  promise:
    - id: reply
      aspect: response_time
      text: "We reply within a minute."
      cues: ["within a minute"]
  policies:
    - id: returns
      name: 30-day returns policy
      summary: Returns within 30 days.
      cues: ["returns policy"]
      limits: [{action: refund, up_to: 50, needs: my manager}]
legislation: [consumer_rights_act]
customer: {name: Sam, situation: Broken kettle, mood: 5, patience: 2}
triggers:
  - {id: threat, kind: legal_threat, description: Threatens court}
"""


def scenario(nodes: str, extra: str = "") -> Scenario:
    """Build a scenario from the shared header and the given nodes (YAML)."""
    data: dict[str, Any] = yaml.safe_load(BASE + extra + "nodes:\n" + nodes)
    return Scenario.model_validate(data)


END_NODES = """
  - {id: good, outcome: resolved, customer: "Thanks."}
  - {id: bad, outcome: customer_lost, customer: "Bye."}
"""


def one_branch(when: str, mood: int = 1, asks: str = "[]") -> Scenario:
    return scenario(
        f"""
  - id: start
    asks: {asks}
    customer: "My kettle broke."
    branches:
      - {{when: {when}, goto: good, mood: {mood}}}
      - {{otherwise: true, goto: bad}}
"""
        + END_NODES
    )


@pytest.mark.parametrize(
    ("when", "reply", "taken"),
    [
        ("{all: [apologise, resolve]}", "I'm so sorry, I'll refund you today.", True),
        ("{all: [apologise, resolve]}", "I'm so sorry about that.", False),
        ("{any: [investigate, listen]}", "Let me check what happened.", True),
        ("{none: [dismiss]}", "Thanks for telling me.", True),
        ("{none: [dismiss]}", "Calm down.", False),
        ("{cites: [returns]}", "Under our returns policy you can send it back.", True),
        ("{cites: [consumer_rights_act]}", "The Consumer Rights Act gives you 30 days.", True),
        ("{keywords: [replacement]}", "I'll send a replacment kettle.", True),
        ("{keywords: [he looks fine]}", "ok", False),
        ("{keywords: [nothing to pay]}", "no", False),
        ("{mood_at_least: 6}", "Hello.", False),
        ("{mood_at_most: 5}", "Hello.", True),
    ],
)
def test_each_kind_of_branch_condition_decides_the_path(when: str, reply: str, taken: bool) -> None:
    turn = Session(one_branch(when)).step(reply)
    assert (turn.next_node == "good") is taken, turn


def test_the_first_matching_branch_wins() -> None:
    sc = scenario(
        """
  - id: start
    customer: "Hello?"
    branches:
      - {when: {any: [apologise]}, goto: good}
      - {when: {any: [apologise, thank]}, goto: bad}
      - {otherwise: true, goto: bad}
"""
        + END_NODES
    )
    assert Session(sc).step("Sorry and thank you.").next_node == "good"


@pytest.mark.parametrize(
    ("reply", "asks", "reaction"),
    [
        ("Calm down, there is nothing I can do.", "[]", "dismissed"),
        ("That's the courier's fault, not ours.", "[]", "blamed"),
        ("I'll look into it now.", "[apology]", "missing_apology"),
        ("I'll pass you to my manager.", "[]", "premature_escalation"),
        ("Which kettle was it?", "[answer]", "question_for_question"),
        ("Hello there.", "[]", "ignored"),
        ("I'm sorry, I'll refund you today.", "[apology]", None),
    ],
)
def test_default_reactions_answer_what_the_reply_did(
    reply: str, asks: str, reaction: str | None
) -> None:
    sc = scenario(
        f"""
  - id: start
    asks: {asks}
    customer: "It broke and I want to know why."
    branches:
      - {{otherwise: true, goto: start2}}
  - id: start2
    customer: "Well?"
    branches:
      - {{otherwise: true, goto: good}}
"""
        + END_NODES
    )
    turn = Session(sc).step(reply)
    assert turn.reaction == reaction
    if reaction is not None:
        assert turn.mood_after < turn.mood_before
        assert turn.because, "the debrief needs to know why"


def test_a_reaction_the_tutor_answered_in_a_branch_is_not_applied_twice() -> None:
    sc = one_branch("{any: [dismiss]}", mood=-2)
    turn = Session(sc).step("Calm down, please.")
    assert turn.reaction is None
    assert turn.mood_after == 3


def test_a_tutor_can_change_or_switch_off_a_default_reaction() -> None:
    nodes = (
        """
  - id: start
    customer: "It broke."
    branches:
      - {otherwise: true, goto: good}
"""
        + END_NODES
    )
    changed = scenario(nodes, "reactions:\n  dismissed: {say: 'Oi!', mood: -4}\n")
    turn = Session(changed).step("Calm down.")
    assert turn.response.startswith("Oi!") and turn.mood_after == 1
    off = scenario(nodes, "reactions:\n  dismissed: {enabled: false}\n")
    assert Session(off).step("Calm down.").reaction is None


def test_the_customer_leaves_when_patience_runs_out() -> None:
    sc = scenario(
        """
  - id: start
    customer: "It broke."
    branches:
      - {otherwise: true, goto: start, mood: -1}
"""
        + END_NODES
    )
    session = play(sc, ["Hmm.", "Well.", "Right.", "OK.", "Fine.", "So."])
    assert session.outcome == "customer_lost"
    assert len(session.turns) < 6
    assert "patience" in " ".join(session.turns[-1].because)


def test_triggers_fire_when_their_node_is_reached() -> None:
    sc = scenario(
        """
  - id: start
    customer: "It broke."
    branches:
      - {otherwise: true, goto: threat}
  - id: threat
    customer: "I'll see you in court."
    triggers: [threat]
    branches:
      - {when: {any: [escalate]}, goto: good}
      - {otherwise: true, goto: bad}
"""
        + END_NODES
    )
    session = Session(sc)
    first = session.step("I'm sorry to hear that.")
    assert first.triggers == ("threat",)
    assert session.escalation_needed()
    assert session.step("I'm passing this to my manager now.").outcome == "resolved"


def test_lines_follow_the_customers_mood() -> None:
    sc = scenario(
        """
  - id: start
    customer: "It broke."
    branches:
      - {when: {any: [apologise]}, goto: next, mood: 3}
      - {otherwise: true, goto: next, mood: -3}
  - id: next
    customer: {furious: "FURIOUS LINE", calm: "CALM LINE"}
    branches:
      - {otherwise: true, goto: good}
"""
        + END_NODES
    )
    assert Session(sc).step("I'm so sorry.").response == "CALM LINE"
    assert Session(sc).step("Hmm.").response.endswith("FURIOUS LINE")


def test_a_finished_conversation_takes_no_more_replies() -> None:
    session = play(one_branch("{any: [apologise]}"), ["Sorry."])
    assert session.finished
    with pytest.raises(ConversationOver):
        session.step("Anything else?")


def test_the_same_replies_always_give_the_same_conversation() -> None:
    sc = one_branch("{any: [apologise]}")
    first = play(sc, ["I'm sorry."]).turns
    second = play(sc, ["I'm sorry."]).turns
    assert [(t.next_node, t.mood_after, t.response) for t in first] == [
        (t.next_node, t.mood_after, t.response) for t in second
    ]


def test_a_promise_beyond_authority_is_found() -> None:
    turn = Session(one_branch("{any: [resolve]}")).step("I'll refund the full £64 today.")
    breaches = turn.facts.of("beyond_authority")
    assert breaches and "£50" in breaches[0].detail
    assert (
        Session(one_branch("{any: [resolve]}"))
        .step("I'll refund £20 today.")
        .facts.of("beyond_authority")
        == ()
    )


def test_law_misstated_is_caught_with_its_correction() -> None:
    turn = Session(one_branch("{any: [dismiss]}")).step(
        "You only had 14 days to return it, so you'll have to take it up with the manufacturer."
    )
    wrong = turn.facts.of("misstatement")
    assert len(wrong) == 2
    assert any("30 days" in f.detail for f in wrong)
    assert any("retailer" in f.detail for f in wrong)


CURT = """
  - id: start
    customer: "Where is my refund?"
    branches:
      - {when: {any: [dismiss]}, goto: bad, mood: -2}
      - {when: {any: [resolve]}, goto: good, mood: 1}
      - {otherwise: true, goto: bad}
"""


def test_a_reply_curt_only_in_tone_is_taken_for_the_answer_it_gives() -> None:
    sc = scenario(CURT + END_NODES)
    turn = Session(sc).step("As I said, the £40 refund is being processed today.")
    assert "dismiss" in turn.analysis.ids, "the examiner still sees the talking down"
    assert turn.next_node == "good"
    assert turn.reaction == "dismissed"
    assert turn.response.startswith(("All right, there's no need", "There's no need to take"))
    assert turn.mood_after == turn.mood_before, "the answer's +1 and the tone's -1"
    assert any("as I said" in reason for reason in turn.because)


def test_a_brush_off_that_also_says_as_i_said_is_still_a_brush_off() -> None:
    sc = scenario(CURT + END_NODES)
    turn = Session(sc).step("Like I said, there's nothing I can do about it.")
    assert turn.next_node == "bad"
    assert "tone" not in turn.response


def two_lines(first: str, second: str) -> Scenario:
    """A scenario whose customer says ``first``, then ``second`` whatever the reply."""
    return scenario(
        f"""
  - id: start
    customer: "{first}"
    branches:
      - {{otherwise: true, goto: start2}}
  - id: start2
    customer: "{second}"
    branches:
      - {{otherwise: true, goto: good}}
"""
        + END_NODES
    )


def test_a_reply_that_answers_in_words_the_rules_miss_is_not_told_it_ignored_them() -> None:
    sc = two_lines("I need a car for tomorrow. How am I meant to get to work?", "Well?")
    assert Session(sc).step("the courtesy car!! u get it 2day").reaction is None
    assert Session(sc).step("Yes, there's one outside for you.").reaction is None
    assert Session(sc).step("Lovely weather today.").reaction == "ignored"
    assert Session(sc).step("ok").reaction == "ignored"


@pytest.mark.parametrize(
    "reply",
    [
        "Team leader decides. I'll ask. Reply tomorrow.",
        "Not alone. Team leader decides. Answer by 5pm tomorrow.",
        "OK. Calling them.",
        "Supervisor's on it.",
        "Can't discuss it. His account.",
        "Nothing at all - just leave it with me. It's done.",
    ],
)
def test_a_clipped_reply_that_says_who_what_or_when_is_not_told_it_ignored_them(
    reply: str,
) -> None:
    # curt, and the rules find no move in it, but it answers: no "Are you even listening?"
    sc = two_lines("Can you sort my refund or not? I want an answer.", "Well?")
    assert Session(sc).step(reply).reaction != "ignored"


def test_anything_else_after_thanks_answers_a_line_that_asked_nothing() -> None:
    from roleplay.core.dialogue import engages

    assert engages("Anything else? Sam", "OK, thank you. I'll keep the slot free.")
    assert not engages("Anything else?", "I asked you a question.")


def test_a_promise_beyond_the_learners_authority_is_doubted_not_ignored() -> None:
    sc = two_lines("My kettle broke after a week.", "And it was a present.")
    turn = Session(sc).step("I'll refund you £200 for it right now.")
    assert turn.reaction == "too_good"
    assert turn.mood_after == turn.mood_before, "the customer doubts it, and is no angrier"
    assert turn.response.startswith(("Are you sure", "I'll believe that"))
    assert "And it was a present." in turn.response


def test_a_tutors_branch_for_a_promise_beyond_authority_answers_it_itself() -> None:
    sc = one_branch("{finds: [beyond_authority]}", mood=0)
    turn = Session(sc).step("I'll refund you £200 for it right now.")
    assert turn.next_node == "good"
    assert turn.reaction is None


def test_a_reply_that_takes_up_what_the_customer_said_before_engages_them() -> None:
    from roleplay.core.dialogue import engages

    earlier = "My son has a nut allergy and the waiter said this pasta was nut-free."
    reply = "Sam's here now. Sam, this lady's son has eaten the pasta with cashew in it."
    assert engages(reply, "I asked you a question.", earlier)
    assert not engages("Is there anything else today?", "I asked you a question.", earlier)


def test_a_question_put_back_after_a_line_that_asked_nothing_is_no_fault() -> None:
    sc = scenario(
        """
  - id: start
    asks: [answer]
    customer: "It broke after a week. I'm fed up with it."
    branches:
      - {otherwise: true, goto: start2}
  - id: start2
    customer: "Well?"
    branches:
      - {otherwise: true, goto: good}
"""
        + END_NODES
    )
    turn = Session(sc).step("Which kettle was it?")
    assert turn.reaction is None
    assert "answered my question" not in turn.response


def test_civil_replies_that_never_answer_wear_the_customer_s_patience_out() -> None:
    """Asked the same thing reply after reply, politely and never answered, a customer does
    not go on asking as calmly as the first time: past their patience their mood falls, and
    the conversation ends rather than running on with the same question."""
    data: dict[str, Any] = yaml.safe_load(
        """
id: stalls
title: Stalls
sector: retail
channel: chat
difficulty: foundation
brief: You work at a shop.
organisation: {name: Stall Shop, promise: [{id: reply, aspect: response_time, text: "Soon."}]}
legislation: [consumer_rights_act]
customer: {name: Mrs Sam Patel, situation: Broken kettle, mood: 5, patience: 2}
nodes:
  - id: start
    customer: "My kettle broke. Will you refund it?"
    branches:
      - {when: {any: [resolve]}, goto: done, mood: 3}
      - {otherwise: true, goto: start}
  - {id: done, outcome: resolved, customer: "Thank you."}
  - {id: lost, outcome: customer_lost, customer: "I'm going elsewhere."}
"""
    )
    session = Session(Scenario.model_validate(data))
    moods = []
    for _ in range(12):
        if session.finished:
            break
        turn = session.step("I see what you mean.")
        moods.append(turn.mood_after)
    assert moods[:2] == [5, 5]  # within their patience, no worse
    assert session.finished and session.outcome == "customer_lost"
    assert any("patience wore thin" in reason for t in session.turns for reason in t.because)


@pytest.mark.parametrize(
    ("reply", "paid", "not_paid"),
    [
        (
            "I can give you £30 goodwill now; anything above that needs my team leader, so "
            "I'll put your £100 request to her today and ring you by 4pm.",
            "£30",
            "£100",
        ),
        ("You should get back everything over £45. I can do £50 now.", "£50", "£45"),
        ("I'll put £50 credit on now and pass the rest to my team leader.", "£50", ""),
        (
            "I can give you £30 goodwill now. For anything more I'd need my team leader, so "
            "I'll ask her about the £100 and call you back by 5pm tomorrow.",
            "£30",
            "£100",
        ),
    ],
)
def test_a_sum_is_given_only_when_the_reply_gives_it_not_when_it_is_put_to_someone(
    reply: str, paid: str, not_paid: str
) -> None:
    from roleplay.core.dialogue import _paid_now

    assert _paid_now(paid, reply, reply.find(paid))
    if not_paid:
        assert not _paid_now(not_paid, reply, reply.find(not_paid))


def test_a_first_hand_up_is_taken_in_before_the_customer_moves_on() -> None:
    from roleplay.core.library import ScenarioLibrary

    session = play(
        ScenarioLibrary.load().find("mobile-contract").scenario,
        [
            "sorry bout that. checking ur bill.",
            "roaming in turkey £179.60 + plan £35",
            "new sim in jan never got the cap switched on. our error, known fault.",
            "cant do over £50 myself. sending it to my team leader.",
        ],
    )
    said = session.turns[-1].response
    assert said.startswith(("OK. Let me know what they decide.", "Fine. Let me know")), said


def test_fetching_the_first_aider_who_is_also_the_manager_does_not_end_the_complaint() -> None:
    """The duty manager fetched because she is the first aider is help for the danger, not
    the complaint handed over: the mother goes on to ask what was in the sauce, and the
    learner's later replies are heard (a strong attempt is not cut off after one reply)."""
    from roleplay.core.library import ScenarioLibrary

    session = play(
        ScenarioLibrary.load().find("restaurant-allergy").scenario,
        [
            "I'm so sorry. Please don't let him have any more, I'm taking the plate now. Sam, "
            "our duty manager, is our first aider and I'm calling her over this second.",
            "The kitchen changed to a new supplier's pesto last week and it contains cashews; "
            "nobody updated our allergen folder. Here's the label from the jar.",
        ],
    )
    assert [t.number for t in session.turns] == [1, 2]
    assert session.turns[0].next_node != "escalated"
    assert "ended with the hand-over" not in " ".join(session.turns[0].because)
