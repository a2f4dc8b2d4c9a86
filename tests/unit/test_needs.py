"""A customer who remembers: needs met across turns, and lines that answer what was done."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from roleplay.core.dialogue import Session, play, turn_to_dict
from roleplay.core.library import ScenarioLibrary
from roleplay.core.lint import check_scenario_file
from roleplay.core.playthrough import play_throughs
from roleplay.core.review import review
from roleplay.core.scenario import Scenario
from roleplay.core.transcript import load_transcript, resume, verify

HEADER = """
id: needs-shop
title: Needs shop
sector: retail
channel: {channel}
difficulty: foundation
brief: You work at a shop.
organisation:
  name: Needs Shop
  promise:
    - {{id: reply, aspect: response_time, text: "We reply within a minute."}}
legislation: [consumer_rights_act]
customer:
  name: Sam
  situation: Broken kettle
  mood: 5
  patience: 5
  needs:
    - {{id: apology, what: "an apology"}}
    - id: refund
      kind: remedy
      what: "a refund"
      met_by: {{any: [resolve], keywords: [refund]}}
    - {{id: manager, what: "someone senior", raised_at: [senior]}}
"""

NODES = """
nodes:
  - id: start
    asks: [apology]
    customer: "My kettle broke after a week."
    branches:
      - {when: {any: [dismiss]}, goto: bad, mood: -3}
      - {otherwise: true, goto: middle}
  - id: middle
    asks: [apology, remedy]
    customer:
      - say: "Is anyone going to say sorry for this?"
        open: [apology]
      - say: "Thanks for saying sorry. Now, what about my money?"
        met: [apology]
    branches:
      - {when: {all: [resolve]}, goto: good, mood: 2}
      - {otherwise: true, goto: middle}
  - id: senior
    customer: "Put me through to a manager."
    branches:
      - {otherwise: true, goto: good}
  - {id: good, outcome: resolved, customer: "Right. Thank you."}
  - {id: bad, outcome: customer_lost, customer: "Bye."}
"""

THANKED = (
    '      - say: "Thanks for saying sorry. Now, what about my money?"\n        met: [apology]\n'
)


def then_says(line: str, *, first_asks: str = "") -> str:
    """Two nodes: the kettle complaint, then ``line`` said for every reply after it (the
    start node asking for ``first_asks`` when given)."""
    asks = f"\n    asks: [{first_asks}]" if first_asks else ""
    return f"""
nodes:
  - id: start{asks}
    customer: "My kettle broke after a week."
    branches:
      - {{otherwise: true, goto: after}}
  - id: after
    customer: {json.dumps(line)}
    branches:
      - {{otherwise: true, goto: after}}
"""


def shop(channel: str = "chat", nodes: str = NODES) -> Scenario:
    data: dict[str, Any] = yaml.safe_load(HEADER.format(channel=channel) + nodes)
    return Scenario.model_validate(data)


def bundled(name: str) -> Scenario:
    """One of the twelve bundled scenarios."""
    found = ScenarioLibrary.load().get(name)
    assert found is not None
    return found.scenario


def test_a_customer_given_an_apology_never_asks_for_one_again() -> None:
    session = play(shop(), ["I'm so sorry your kettle broke, that's not good enough."])
    assert session.prompt.startswith("Thanks for saying sorry")
    assert "say sorry for this?" not in session.prompt


def test_a_customer_still_owed_an_apology_asks_for_it() -> None:
    session = play(shop(), ["Can you tell me the order number?"])
    assert "Is anyone going to say sorry" in session.prompt


def test_the_turn_records_which_needs_were_met_by_which_words_and_which_are_open() -> None:
    session = play(shop(), ["I'm so sorry your kettle broke, that's not good enough."])
    turn = session.turns[0]
    assert [m.id for m in turn.needs_met] == ["apology"]
    assert "sorry" in turn.needs_met[0].words
    assert turn.needs_open == ("refund", "manager")
    saved = turn_to_dict(turn)["needs"]
    assert saved["met"][0]["id"] == "apology" and saved["met"][0]["turn"] == 1
    assert saved["open"] == ["refund", "manager"]


def test_a_need_met_stays_met_and_is_not_thanked_for_twice() -> None:
    session = play(
        shop(),
        [
            "I'm so sorry your kettle broke.",
            "I'm sorry again. Can you send me a photo?",
        ],
    )
    assert [m.id for m in session.turns[1].needs_met] == []
    assert "apology" not in session.turns[1].needs_open


def test_a_line_already_said_is_not_said_again_the_customer_presses_instead() -> None:
    session = play(shop(), ["Can I take your order number?", "And your postcode?"])
    first, second = session.turns[0].response, session.turns[1].response
    assert first != second
    assert "Is anyone going to say sorry" not in second


def test_a_missing_apology_is_not_complained_of_once_one_was_given() -> None:
    session = play(
        shop(),
        ["I'm so sorry your kettle broke.", "Can you send me a photo of it?"],
    )
    assert session.turns[1].reaction != "missing_apology"
    assert "said sorry" not in session.turns[1].response.lower()


def test_a_reply_that_meets_a_need_is_thanked_for_it_when_the_line_does_not_react() -> None:
    nodes = NODES.replace(THANKED, '      - say: "What about my money?"\n')
    session = play(shop(nodes=nodes), ["I'm so sorry your kettle broke."])
    assert session.prompt.lower().startswith(
        ("thank you for the apology.", "well, thank you for the apology.")
    )


def test_a_customer_on_the_phone_is_not_asked_if_they_are_reading() -> None:
    nodes = """
nodes:
  - id: start
    customer: "My kettle broke after a week."
    branches:
      - {otherwise: true, goto: start}
  - {id: good, outcome: resolved, customer: "Right. Thank you."}
"""
    spoken = play(shop("phone", nodes), ["ok"]).turns[0]
    written = play(shop("chat", nodes), ["ok"]).turns[0]
    assert spoken.reaction == written.reaction == "ignored"
    assert "reading" not in spoken.response and "writing" not in spoken.response
    assert "listening" in spoken.response or "heard" in spoken.response


def test_a_default_reaction_does_not_glue_a_contrary_opener_to_the_line_after_it() -> None:
    nodes = """
nodes:
  - id: start
    customer: "My kettle broke after a week."
    branches:
      - {otherwise: true, goto: next}
  - id: next
    customer: "Oh, here we go. It cost me forty pounds."
    branches:
      - {otherwise: true, goto: good}
  - {id: good, outcome: resolved, customer: "Right. Thank you."}
"""
    turn = play(shop(nodes=nodes), ["Calm down."]).turns[0]
    assert turn.reaction == "dismissed"
    assert "here we go" not in turn.response
    assert "It cost me forty pounds." in turn.response


def test_a_branch_can_test_what_was_met_before_this_reply() -> None:
    nodes = NODES.replace(
        "      - {when: {all: [resolve]}, goto: good, mood: 2}",
        "      - {when: {met: [apology], open: [refund]}, goto: senior, mood: 0}\n"
        "      - {when: {all: [resolve]}, goto: good, mood: 2}",
    )
    session = play(shop(nodes=nodes), ["I'm so sorry.", "Let me check."])
    assert session.turns[1].next_node == "senior"
    assert "manager" in session.needs.raised


def test_needs_left_out_follow_from_what_the_nodes_ask_for() -> None:
    text = HEADER.format(channel="chat").split("  needs:")[0] + NODES.replace(THANKED, "")
    scenario = Scenario.model_validate(yaml.safe_load(text))
    session = Session(scenario)
    assert [n.id for n in session.needs.needs] == ["apology", "remedy"]


def test_validate_reports_a_need_that_is_not_the_customers(tmp_path: Path) -> None:
    text = HEADER.format(channel="chat") + NODES.replace("open: [apology]", "open: [apolgy]")
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    _loaded, problems = check_scenario_file(path)
    wrong = [p for p in problems if p.code == "undefined-need"]
    assert wrong and "apolgy" in wrong[0].message and "apology" in wrong[0].message
    assert wrong[0].line == text.splitlines().index("        open: [apolgy]") + 1


def test_play_throughs_find_a_line_that_asks_for_what_was_given(tmp_path: Path) -> None:
    nodes = """
nodes:
  - id: start
    customer: "My kettle broke after a week."
    branches:
      - {when: {any: [apologise]}, goto: still, mood: 1, say: "Is anyone going to say sorry?"}
      - {otherwise: true, goto: start}
  - id: still
    customer: "Right."
    branches:
      - {otherwise: true, goto: good}
  - id: senior
    customer: "Put me through to a manager."
    branches:
      - {otherwise: true, goto: good}
  - {id: good, outcome: resolved, customer: "Right. Thank you."}
tests:
  - name: sorry
    replies: ["I'm so sorry your kettle broke.", "I'll refund you."]
    expect: {outcome: resolved}
"""
    path = tmp_path / "incoherent.yaml"
    path.write_text(HEADER.format(channel="chat") + nodes, encoding="utf-8")
    _loaded, problems = check_scenario_file(path, playthroughs=10, seed=7)
    found = [p for p in problems if p.code == "asks-for-met"]
    assert found, [p.message for p in problems]
    assert "seed 7" in found[0].message and "say sorry" in found[0].message


def test_the_bundled_scenarios_play_through_without_incoherent_lines() -> None:
    for loaded in ScenarioLibrary.load().all():
        report = play_throughs(loaded.scenario, count=8, seed=11)
        assert report.lines > 8
        assert [i.message(11) for i in report.issues if i.code != "no-end"] == []


def test_a_customer_out_of_patience_leaves_by_the_ordinary_door() -> None:
    nodes = """
nodes:
  - id: start
    customer: "My kettle broke after a week."
    branches:
      - {when: {keywords: ["his balance"]}, goto: breach, mood: -3}
      - {when: {any: [dismiss]}, goto: start, mood: -2}
      - {otherwise: true, goto: start, mood: -1}
  - {id: breach, outcome: customer_lost, customer: "You told me someone else's balance?"}
  - {id: gone, outcome: customer_lost, customer: "Forget it. I'm going elsewhere."}
"""
    session = play(shop(nodes=nodes), ["Calm down.", "Calm down, seriously.", "Whatever."])
    assert session.outcome == "customer_lost"
    assert session.node_id == "gone"
    assert "balance" not in session.prompt


DATA = Path(__file__).parent / "data"


def test_an_attempt_saved_before_needs_still_opens_verifies_and_is_debriefed() -> None:
    saved = load_transcript(DATA / "attempt-before-needs-finished.json")

    assert all("needs" not in turn.model_dump() for turn in saved.turns)
    assert verify(saved).ok
    again = review(saved, None, ScenarioLibrary.load())
    assert again.card.outcome == "escalated_correctly"
    assert again.scenario_changed
    assert len(again.card.turns) == 3


def test_an_unfinished_attempt_saved_before_needs_carries_on(tmp_path: Path) -> None:
    path = tmp_path / "attempt.json"
    shutil.copyfile(DATA / "attempt-before-needs-unfinished.json", path)

    with resume(path) as attempt:
        assert len(attempt.turns) == 1
        assert attempt.turns[0].needs_met[0].id == "apology"
        turn = attempt.step("I'll open a trace with the courier under our lost parcel procedure.")
        assert "say sorry" not in turn.response
    assert "needs" in load_transcript(path).turns[1].model_dump()


def test_a_reply_that_gave_everything_at_once_carries_the_customer_past_asking_for_it() -> None:
    nodes = """
nodes:
  - id: start
    customer: "My kettle broke after a week."
    branches:
      - {when: {any: [apologise]}, goto: refund-please, mood: 1}
      - {otherwise: true, goto: refund-please}
  - id: refund-please
    customer:
      - say: "So can I have my money back?"
        open: [refund]
    branches:
      - {when: {any: [resolve]}, goto: good, mood: 2}
      - {otherwise: true, goto: bad, mood: -2}
  - {id: good, outcome: resolved, customer: "Right. Thank you."}
  - {id: bad, outcome: customer_lost, customer: "Bye."}
"""
    session = play(shop(nodes=nodes), ["I'm so sorry, I'll refund you in full today."])
    turn = session.turns[0]
    assert session.outcome == "resolved"
    assert turn.passed == (("refund-please", 0),)
    assert "money back" not in turn.response
    assert any("already given" in reason for reason in turn.because)


def test_a_node_with_a_line_for_what_was_given_is_not_skipped() -> None:
    session = play(shop(), ["I'm so sorry your kettle broke, that's not good enough."])
    assert session.turns[0].passed == ()
    assert session.node_id == "middle"


def test_a_need_met_by_words_and_a_move_needs_them_in_the_same_sentence() -> None:
    session = play(
        shop(),
        [
            "I'm sorry. I'll send you a replacement kettle today. "
            "A refund is something my manager decides.",
        ],
    )
    assert "resolve" in session.turns[0].analysis.ids
    assert "refund" not in [m.id for m in session.turns[0].needs_met]
    again = play(shop(), ["I'm sorry, I'll refund you in full today."])
    assert "refund" in [m.id for m in again.turns[0].needs_met]


def test_a_sorry_that_is_no_apology_is_not_told_it_never_said_sorry() -> None:
    nodes = """
nodes:
  - id: start
    asks: [apology]
    customer: "My kettle broke after a week."
    branches:
      - {otherwise: true, goto: start}
  - {id: good, outcome: resolved, customer: "Right. Thank you."}
"""
    softened = play(shop(nodes=nodes), ["I'm sorry you feel that way."]).turns[0]
    silent = play(shop(nodes=nodes), ["Can I take your order number?"]).turns[0]
    assert softened.reaction == silent.reaction == "missing_apology"
    assert "apology" in softened.response.lower()
    assert "said sorry" not in softened.response.lower()
    assert softened.response != silent.response


OFFER_NODES = """
nodes:
  - id: start
    customer: "My kettle broke after a week."
    branches:
      - {otherwise: true, goto: middle, mood: 1}
  - id: middle
    customer: "That tells me nothing. It was a present from my mum. What are you going to do?"
    branches:
      - {otherwise: true, goto: good}
  - {id: good, outcome: resolved, customer: "Right. Thank you."}
  - {id: bad, outcome: customer_lost, customer: "Bye."}
"""


def test_a_line_does_not_ask_what_will_be_done_straight_after_an_offer() -> None:
    turn = Session(shop(nodes=OFFER_NODES)).step("I'll send you a new kettle today.")
    assert "It was a present from my mum." in turn.response, "the new fact is still told"
    assert "What are you going to do" not in turn.response
    assert "That tells me nothing" not in turn.response, "no scorn for a reply that helped"


def test_a_line_asks_what_will_be_done_when_nothing_was_offered() -> None:
    turn = Session(shop(nodes=OFFER_NODES)).step("I understand, that's frustrating.")
    assert turn.response.endswith("It was a present from my mum. What are you going to do?")


def test_a_line_whose_every_sentence_was_said_before_counts_as_said() -> None:
    from roleplay.core.needs import said_before

    earlier = ["Thanks for the apology. So what actually caused it? Everyone blamed the plane."]
    assert said_before("So what actually caused it?", earlier)
    assert said_before("so what ACTUALLY caused it", earlier), "case and stops do not matter"
    assert not said_before("So what actually caused it? And who pays?", earlier)
    assert said_before("Right. So what actually caused it?", earlier), "a short opener is not new"


REPEAT_NODES = """
nodes:
  - id: start
    customer: "My kettle broke after a week."
    branches:
      - {otherwise: true, goto: again}
  - id: again
    customer: "It was a present. Who is going to sort this out?"
    branches:
      - {otherwise: true, goto: last}
  - id: last
    customer: "Who is going to sort this out?"
    branches:
      - {otherwise: true, goto: good}
  - {id: good, outcome: resolved, customer: "Right. Thank you."}
"""


def test_the_customer_does_not_repeat_a_question_from_their_last_line() -> None:
    session = Session(shop(nodes=REPEAT_NODES))
    first = session.step("I see.")
    second = session.step("Right.")
    assert first.response.endswith("Who is going to sort this out?")
    assert "Who is going to sort this out?" not in second.response
    assert second.response, "the customer still says something"


def test_a_request_for_something_particular_survives_an_offer_of_something_else() -> None:
    nodes = OFFER_NODES.replace(
        "That tells me nothing. It was a present from my mum. What are you going to do?",
        "I'd rather just have my money back, the full £20. What are you going to do?",
    )
    turn = Session(shop(nodes=nodes)).step("I'll send you a new kettle today.")
    assert "I'd rather just have my money back, the full £20." in turn.response
    assert "What are you going to do" not in turn.response


def test_a_reply_that_gave_something_but_made_things_a_little_worse_is_thanked_grudgingly() -> None:
    nodes = OFFER_NODES.replace(
        "      - {otherwise: true, goto: middle, mood: 1}",
        "      - {when: {any: [resolve]}, goto: middle, mood: -1}",
        1,
    )
    turn = Session(shop(nodes=nodes)).step("I can refund the kettle.")
    assert turn.mood_after == turn.mood_before - 1
    assert turn.reaction is None
    assert "Thanks for sorting that out, I suppose." in turn.response


HANDOVER_NODES = """
nodes:
  - id: start
    customer: "My kettle broke after a week and nobody will help."
    branches:
      - {when: {any: [escalate]}, goto: passed, mood: 0}
      - {otherwise: true, goto: start}
  - id: passed
    outcome: escalated_correctly
    customer: "Fine. I'll wait to hear from them, then."
"""


def test_a_customer_handed_over_there_and_then_waits_for_the_person_not_to_hear() -> None:
    phone = play(shop("phone", HANDOVER_NODES), ["Hold on, I'm putting you through to my manager."])
    assert phone.outcome == "escalated_correctly"
    assert "hold" in phone.prompt.lower() and "wait to hear" not in phone.prompt
    desk = play(shop("face_to_face", HANDOVER_NODES), ["I'll fetch the manager for you now."])
    assert "wait here" in desk.prompt.lower() and "wait to hear" not in desk.prompt


@pytest.mark.parametrize(
    "reply",
    [
        "Please talk to my supervisor, she's standing right here.",
        "I am handing you over to the duty manager, he is here now beside me.",
    ],
)
def test_face_to_face_a_senior_person_already_there_is_spoken_to_not_waited_for(
    reply: str,
) -> None:
    desk = play(shop("face_to_face", HANDOVER_NODES), [reply])
    assert desk.outcome == "escalated_correctly"
    assert "wait" not in desk.prompt.lower()


def test_a_customer_passed_on_for_later_still_waits_to_hear() -> None:
    later = play(
        shop("phone", HANDOVER_NODES),
        ["I'll pass your complaint to my manager and she'll ring you tomorrow."],
    )
    assert later.prompt == "Fine. I'll wait to hear from them, then."


def test_an_offer_put_as_a_question_is_answered_before_anything_else() -> None:
    session = play(shop(), ["I'm so sorry it broke. Would you like me to send a replacement?"])
    assert session.prompt.startswith("Yes")
    assert session.prompt.count("Yes") == 1


def test_a_choice_of_two_is_answered_and_a_question_about_the_problem_gets_no_yes() -> None:
    choice = play(shop(), ["I'm so sorry. Would you prefer a refund or a replacement?"])
    asked = play(shop(), ["I'm so sorry. Did it stop working or did it leak?"])
    assert choice.prompt.startswith("A refund, please.")
    assert not asked.prompt.startswith(("Yes", "It stop"))


def test_a_need_may_be_met_by_any_one_of_its_tests() -> None:
    either = (
        "met_by:\n"
        "        - {any: [resolve], keywords: [refund]}\n"
        "        - {keywords: [money back]}"
    )
    text = HEADER.format(channel="chat").replace(
        "met_by: {any: [resolve], keywords: [refund]}", either
    )
    assert either in text
    scenario = Scenario.model_validate(yaml.safe_load(text + NODES))
    by_words = Session(scenario).step("Sorry. Someone in accounts will sort your money back.")
    by_move = Session(scenario).step("I'm sorry. I've refunded you in full.")
    assert "refund" in [m.id for m in by_words.needs_met]
    assert "refund" in [m.id for m in by_move.needs_met]
    neither = Session(scenario).step("I'm sorry. Accounts will look at it.")
    assert "refund" not in [m.id for m in neither.needs_met]


def test_a_sum_with_pence_is_heard_in_the_sentence_that_offers_it() -> None:
    text = HEADER.format(channel="chat").replace(
        "met_by: {any: [resolve], keywords: [refund]}",
        'met_by: {any: [resolve], keywords: ["£12.50"]}',
    )
    scenario = Scenario.model_validate(yaml.safe_load(text + NODES))
    turn = Session(scenario).step("I'm sorry. I've refunded the £12.50 to your card.")
    assert "refund" in [m.id for m in turn.needs_met]


def test_a_reaction_is_not_said_again_in_other_words_by_the_line_after_it() -> None:
    from roleplay.core.needs import without_echo

    line = "I'll believe it when I see it. So when is somebody coming?"
    assert without_echo(line, "I'll believe that when I see it.") == "So when is somebody coming?"
    assert without_echo(line, "Don't talk down to me, please.") == line


@pytest.mark.parametrize(
    ("reply", "met"),
    [
        ("I'm sorry. Your money back is on its way today.", True),
        ("I'm sorry. Did you want your money back?", False),
        ("I'm sorry, but we can't give your money back on sale items.", False),
        ("I'm sorry. There's no money back on sale items.", False),
        ("I'm sorry. If they say no, accounts will still send your money back.", True),
    ],
)
def test_a_need_met_by_phrases_alone_is_not_met_by_asking_or_refusing(
    reply: str, met: bool
) -> None:
    phrases = 'met_by: {keywords: ["money back"]}'
    text = HEADER.format(channel="chat").replace(
        "met_by: {any: [resolve], keywords: [refund]}", phrases
    )
    scenario = Scenario.model_validate(yaml.safe_load(text + NODES))
    turn = Session(scenario).step(reply)
    assert ("refund" in [m.id for m in turn.needs_met]) is met


def test_a_request_made_now_with_an_answer_to_come_is_not_a_hand_over_now() -> None:
    later = play(
        shop("phone", HANDOVER_NODES),
        ["I'm asking my manager to approve it right now, and she'll ring you back today."],
    )
    assert later.prompt == "Fine. I'll wait to hear from them, then."


FALLBACK_NODES = """
nodes:
  - id: start
    customer:
      - say: "My kettle broke after a week and I want my money back."
        open: [refund]
      - say: "My kettle broke after a week."
    branches:
      - {when: {any: [escalate]}, goto: good, mood: 1}
      - {otherwise: true, goto: bad, mood: -2}
  - {id: good, outcome: resolved, customer: "Right. Thank you."}
  - {id: bad, outcome: customer_lost, customer: "Forget it. Bye."}
"""


def test_a_reply_that_gives_what_was_asked_is_not_sent_down_the_fallback() -> None:
    session = play(shop("chat", FALLBACK_NODES), ["I'm sorry. I've refunded you in full."])
    assert session.outcome == "resolved"
    assert "none of the tutor's branches tested" in " ".join(session.turns[0].because)


def test_a_reply_that_gives_it_but_brushes_the_customer_off_keeps_the_fallback() -> None:
    session = play(shop("chat", FALLBACK_NODES), ["Calm down. I've refunded you in full."])
    assert session.outcome == "customer_lost"


def test_a_sum_in_a_customer_line_is_never_split_when_the_line_is_trimmed() -> None:
    from roleplay.core.needs import without_echo

    line = "Right. I want the whole bill taken off, all £46.80. Now, please."
    assert without_echo(line, "Hello.") == line


@pytest.mark.parametrize(
    ("reply", "met"),
    [
        ("Sorry about that. I'll get back to you.", False),
        ("Sorry about that. I'll ring you back by 4pm today.", True),
        ("Sorry about that. Someone will email you within two working days.", True),
        ("Sorry about that. I've refunded you, and it will be in your account tomorrow.", True),
        ("Sorry about that. I'll refund it by bank transfer.", False),
    ],
)
def test_a_time_is_met_by_a_promise_to_come_back_that_says_when(reply: str, met: bool) -> None:
    text = HEADER.format(channel="chat").replace(
        "    - {id: apology,", '    - {id: time, what: "to know when"}\n    - {id: apology,'
    )
    scenario = Scenario.model_validate(yaml.safe_load(text + NODES))
    turn = Session(scenario).step(reply)
    assert ("time" in [m.id for m in turn.needs_met]) is met


def test_a_reaction_said_first_drops_every_kind_opener_that_would_contradict_it() -> None:
    from roleplay.core.needs import without_opener

    line = "Thank you. That means a lot. But he can't sign anything at the moment."
    assert without_opener(line) == "But he can't sign anything at the moment."


@pytest.mark.parametrize(
    ("reply", "met"),
    [
        ("Sorry. The waiting room is just behind you. Let me walk you over.", True),
        ("Sorry. The waiting room isn't open yet. Let me walk you over to a bench.", False),
        ("Sorry. Have you seen the waiting room? Let me walk you over.", False),
    ],
)
def test_the_thing_named_just_before_the_offer_counts_unless_asked_or_denied(
    reply: str, met: bool
) -> None:
    seat = 'met_by: {any: [resolve], keywords: ["waiting room"]}'
    text = HEADER.format(channel="face_to_face").replace(
        "met_by: {any: [resolve], keywords: [refund]}", seat
    )
    turn = Session(Scenario.model_validate(yaml.safe_load(text + NODES))).step(reply)
    assert ("refund" in [m.id for m in turn.needs_met]) is met


TRANSFER_NODES = """
triggers:
  - {id: big-refund, kind: beyond_authority, description: "She wants more than you may give."}
nodes:
  - id: start
    triggers: [big-refund]
    customer: "My kettle broke after a week and I want £200 for the trouble."
    branches:
      - {when: {any: [resolve]}, goto: later, mood: 1}
      - {otherwise: true, goto: later, mood: -1}
  - id: later
    customer: "And another thing: the handle was loose from day one."
    branches:
      - {otherwise: true, goto: later}
  - {id: passed, outcome: escalated_correctly, customer: "I'll wait to hear, then."}
  - {id: bad, outcome: customer_lost, customer: "Bye."}
"""


def test_a_customer_put_through_there_and_then_is_not_talked_on_to() -> None:
    session = play(
        shop("phone", TRANSFER_NODES),
        ["That's one for my team leader. I'm transferring you now, please hold."],
    )
    assert session.outcome == "escalated_correctly"
    assert "hold" in session.prompt.lower() and "handle" not in session.prompt
    assert any("handed the customer over" in b for b in session.turns[0].because)


def test_a_case_sent_up_while_the_customer_waits_to_hear_goes_on_as_the_tutor_wrote() -> None:
    session = play(
        shop("phone", TRANSFER_NODES),
        ["I'm asking my team leader about the £200 now, and she'll ring you by 4pm."],
    )
    assert session.outcome is None and "handle" in session.prompt


def test_a_sales_pitch_put_as_a_question_gets_no_yes() -> None:
    session = play(
        shop(), ["We have a new kettle range out. Would you like me to tell you about it?"]
    )
    assert not session.prompt.startswith("Yes")


ASKED_NODES = """
nodes:
  - id: start
    customer: "It broke after a week. I want to talk to your manager about it."
    branches:
      - {otherwise: true, goto: next}
  - id: next
    customer: "Right. And the money?"
    branches:
      - {otherwise: true, goto: next}
  - {id: done, outcome: resolved, customer: "Thanks."}
"""


def test_passing_on_a_customer_who_asked_for_the_manager_is_not_too_soon() -> None:
    session = play(shop("phone", ASKED_NODES), ["I'll pass this to my manager today."])
    assert session.turns[0].reaction != "premature_escalation"
    assert "passed around" not in session.prompt


def test_after_a_hand_over_the_customer_does_not_ask_what_the_learner_will_do() -> None:
    nodes = NODES.replace(
        '      - say: "Is anyone going to say sorry for this?"\n        open: [apology]',
        '      - say: "Is anyone going to say sorry for this? What are you going to do about it?"\n'
        "        open: [apology]",
    )
    session = play(shop("chat", nodes), ["I'll pass your complaint to my manager today."])
    assert "What are you going to do about it?" not in session.prompt


def test_after_a_reaction_the_line_does_not_say_yes_to_nothing() -> None:
    from roleplay.core.needs import without_opener

    line = "Yes, but can I use my ticket on the next train or not?"
    assert without_opener(line) == "But can I use my ticket on the next train or not?"


def test_i_am_is_not_a_time() -> None:
    text = HEADER.format(channel="chat").replace(
        "    - {id: apology,", '    - {id: time, what: "to know when"}\n    - {id: apology,'
    )
    scenario = Scenario.model_validate(yaml.safe_load(text + NODES))
    turn = Session(scenario).step("I'm sorry. I am refunding the kettle.")
    assert "time" not in [m.id for m in turn.needs_met]


def test_a_long_sentence_is_not_said_twice_in_an_attempt_but_thanks_may_be() -> None:
    from roleplay.core.needs import without_said

    said = ["I'll believe that when I see it. Thank you."]
    line = "I'll believe that when I see it. Thank you. Now, what about my money?"
    assert without_said(line, said) == "Thank you. Now, what about my money?"


def test_the_first_reply_is_not_told_the_customer_is_still_waiting() -> None:
    text = HEADER.format(channel="chat").replace("  mood: 5", "  mood: 1") + NODES
    scenario = Scenario.model_validate(yaml.safe_load(text))
    first = Session(scenario).step("Can I take your order number?")
    assert first.reaction == "missing_apology"
    assert "still" not in first.response.lower()


LOOP_NODES = """
nodes:
  - id: start
    customer: "My kettle broke after a week."
    branches:
      - {otherwise: true, goto: start}
  - {id: done, outcome: resolved, customer: "Thanks."}
"""


def test_after_being_told_what_happens_next_the_customer_does_not_ask_it() -> None:
    session = play(
        shop("chat", LOOP_NODES),
        [
            "I'm so sorry, I've refunded you in full today.",
            "Sorry again. I'll email you by 4pm today with the receipt.",
            "And I'll ring you tomorrow morning to check it has arrived.",
        ],
    )
    said = [turn.response for turn in session.turns]
    assert not any(line.rstrip().endswith("?") for line in said), said


def test_a_remedy_beyond_authority_that_ends_the_conversation_well_is_not_doubted_first() -> None:
    scenario = ScenarioLibrary.load().find("late-parcel").scenario
    session = play(
        scenario,
        [
            "I'm so sorry, Mrs Shah - eight days and two chases is not good enough, and I'll "
            "see this through myself. I've checked and the courier marked it delivered, but "
            "clearly it hasn't reached you. I'm opening a trace with them now, and I'm "
            "refunding your £4.95 delivery charge today because we missed next-day.",
            "A full refund of the £64 goes back to your card today; banks usually show it "
            "within 3 to 5 working days. I'll email you the refund confirmation and the trace "
            "reference within the hour.",
        ],
    )
    assert session.outcome == "resolved"
    assert "allowed" not in session.prompt
    assert any(f.kind == "beyond_authority" for f in session.turns[-1].facts.findings)


def test_them_is_the_team_an_earlier_reply_named() -> None:
    session = play(
        shop("phone", LOOP_NODES),
        [
            "I'm sorry. Our specialist team deals with this, so I'll pass it to them today.",
            "They'll be with you in a moment, I'm putting you through now.",
        ],
    )
    assert session.turns[1].analysis.has("escalate")
    alone = play(
        shop("phone", LOOP_NODES), ["They'll be with you in a moment, putting you through now."]
    )
    assert not alone.turns[0].analysis.has("escalate")


def test_put_through_while_a_danger_is_unanswered_the_customer_asks_about_the_danger() -> None:
    scenario = ScenarioLibrary.load().find("garage-repair").scenario
    session = play(
        scenario,
        [
            "I'm sorry Mr Mehta, I'll pass you to our workshop manager Dave. "
            "Putting you through now."
        ],
    )
    assert session.outcome is None
    assert "safe to drive" in session.prompt


THANKS_NODES = """
nodes:
  - id: start
    customer: "My kettle broke after a week."
    branches:
      - {otherwise: true, goto: later}
  - id: later
    customer: "Thank you, that helps. But what about the mess it made of my worktop?"
    branches:
      - {otherwise: true, goto: later}
"""


def test_a_line_that_opens_with_thanks_does_not_thank_a_reply_that_gave_nothing() -> None:
    session = play(shop("chat", THANKS_NODES), ["Which model of kettle is it?"])
    assert not session.prompt.startswith("Thank")
    assert "worktop" in session.prompt
    given = play(shop("chat", THANKS_NODES), ["I'm so sorry. I've refunded you in full."])
    assert "Thank you, that helps." in given.prompt


LATE_NODES = """
nodes:
  - id: start
    customer: "My kettle broke after a week."
    branches:
      - {otherwise: true, goto: wait}
  - id: wait
    customer: "It was a present from my mum."
    branches:
      - {otherwise: true, goto: middle}
  - id: middle
    customer:
      - say: "Thanks for saying sorry. Now, what about my money?"
        met: [apology]
      - say: "Is anyone going to say sorry for this?"
        open: [apology]
    branches:
      - {otherwise: true, goto: middle}
"""


def test_thanks_for_something_given_turns_ago_is_not_said_late() -> None:
    session = play(shop("chat", LATE_NODES), ["I'm so sorry it broke.", "I'll look into it today."])
    assert session.prompt.startswith("Now, what about my money?"), session.prompt


def test_a_hand_over_said_in_the_sentence_after_the_one_naming_the_team_is_heard() -> None:
    session = play(
        shop("phone", TRANSFER_NODES),
        ["You'll need to speak to our specialist team about that. I'll transfer you now."],
    )
    assert session.outcome == "escalated_correctly"
    assert "hold" in session.prompt.lower()


def test_a_transfer_the_tutor_found_a_mistake_is_refused_not_waited_for() -> None:
    nodes = TRANSFER_NODES.replace(
        "      - {when: {any: [resolve]}, goto: later, mood: 1}",
        "      - {when: {any: [escalate]}, goto: later, mood: -1}\n"
        "      - {when: {any: [resolve]}, goto: later, mood: 1}",
    )
    session = play(shop("phone", nodes), ["That's one for my manager. I'll transfer you now."])
    assert session.outcome is None
    assert session.prompt.startswith("I don't want to be passed around.")


@pytest.mark.parametrize(
    ("reply", "met"),
    [
        ("We're not required to give any refund for that, and you can go to the ombudsman.", False),
        ("I've refunded you in full, and you can go to the ombudsman if you're unhappy.", True),
    ],
)
def test_a_denial_in_the_clause_of_the_thing_means_it_was_not_given(reply: str, met: bool) -> None:
    turn = Session(shop()).step(reply)
    assert ("refund" in [m.id for m in turn.needs_met]) is met


def test_a_line_that_opens_in_astonishment_gets_no_thanks_before_it() -> None:
    from roleplay.core.needs import opens_by_reacting

    assert opens_by_reacting("From my week in Turkey?? Your app says data stops at £45.")
    assert not opens_by_reacting("My week in Turkey. Your app says data stops at £45.")


QUESTION_NODES = """
nodes:
  - id: start
    asks: [answer]
    customer: "Can I use this ticket on the next train?"
    branches:
      - {otherwise: true, goto: start}
  - {id: bad, outcome: customer_lost, customer: "Bye."}
"""


@pytest.mark.parametrize(
    ("reply", "reacted"),
    [
        ("Which train were you booked on?", True),
        ("Yes, you can. Is anyone meeting you at the other end?", False),
        ("I'll sort that ticket out for you straight away. Which train is it?", False),
    ],
)
def test_only_a_reply_that_just_asks_back_is_told_it_did_not_answer(
    reply: str, reacted: bool
) -> None:
    turn = Session(shop("face_to_face", QUESTION_NODES)).step(reply)
    assert (turn.reaction == "question_for_question") is reacted


def test_after_a_reaction_that_finds_fault_the_line_keeps_no_relief() -> None:
    from roleplay.core.needs import without_relief

    line = "So I know where I stand with my ticket, then. That's a relief."
    assert without_relief(line) == "So I know where I stand with my ticket, then."
    assert without_relief("Thank you.") == "Thank you."


DANGER_NODES = """
nodes:
  - id: start
    customer: "My kettle sparked when I switched it on."
    branches:
      - {otherwise: true, goto: danger}
  - id: danger
    customer: "And the plug's gone black. Someone could get a shock."
    branches:
      - {otherwise: true, goto: danger}
  - {id: passed, outcome: escalated_correctly, customer: "I'll wait to hear, then."}
"""


def test_a_danger_is_not_pressed_before_the_customer_has_told_of_it() -> None:
    text = HEADER.format(channel="phone").replace(
        '    - {id: manager, what: "someone senior", raised_at: [senior]}',
        '    - {id: shock, kind: safety, what: "the plug made safe", raised_at: [danger],'
        " met_by: {keywords: [unplug]}}",
    )
    scenario = Scenario.model_validate(yaml.safe_load(text + DANGER_NODES))
    session = play(scenario, ["That's one for my manager, I'm putting you through now."])
    assert "plug's gone black" in session.prompt


EARLIER_NODES = """
nodes:
  - id: start
    customer: "My kettle broke after a week."
    branches:
      - {otherwise: true, goto: again, mood: 0}
  - id: again
    customer:
      - say: "And I want my money back."
        open: [refund]
      - say: "Right. Anything else?"
    branches:
      - {when: {any: [escalate]}, goto: good, mood: 1}
      - {otherwise: true, goto: bad, mood: -2}
  - {id: good, outcome: resolved, customer: "Right. Thank you."}
  - {id: bad, outcome: customer_lost, customer: "Forget it. Bye."}
"""


def test_a_node_asking_for_what_an_earlier_reply_gave_does_not_walk_the_customer_out() -> None:
    session = play(
        shop("chat", EARLIER_NODES),
        ["I'm sorry. I've refunded you in full.", "It should reach your card by Friday."],
    )
    assert session.outcome == "resolved"
    assert "an earlier reply had already given" in " ".join(session.turns[1].because)


def test_an_earlier_remedy_does_not_excuse_a_brush_off_at_the_next_node() -> None:
    session = play(
        shop("chat", EARLIER_NODES),
        ["I'm sorry. I've refunded you in full.", "Calm down, it's only a kettle."],
    )
    assert session.outcome == "customer_lost"


WRITING_NODES = then_says(
    "Right. But I want all of this in writing. And is the new one the same model?"
)


@pytest.mark.parametrize(
    ("reply", "asks"),
    [
        ("I'm sorry. I'll send you a letter confirming the refund today.", False),
        ("Sorry about that. You'll get an email confirmation of the refund by five.", False),
        ("Sorry about that. I can't put anything in writing, I'm afraid.", True),
        ("Sorry about that. I'll sort the refund today.", True),
    ],
)
def test_a_customer_promised_it_in_writing_does_not_ask_for_it_in_writing(
    reply: str, asks: bool
) -> None:
    line = play(shop("chat", WRITING_NODES), [reply]).prompt
    assert ("in writing" in line) is asks
    assert "same model?" in line


THANKED_BEFORE_NODES = then_says(
    "Thank you for the voucher last time. But this is the second kettle to go."
)


def test_the_customer_thanks_once_for_this_reply_and_what_the_tutor_s_line_thanked_for() -> None:
    line = play(
        shop("chat", THANKED_BEFORE_NODES),
        ["I'm so sorry. I've refunded you in full and I'm passing it to my manager."],
    ).prompt
    assert line.count("hank") == 1
    assert "and for the voucher last time" in line


def test_a_need_the_learner_meets_before_it_is_raised_is_thanked_for_not_asked_for() -> None:
    session = play(
        bundled("gp-reception"),
        [
            "I'm so sorry, Mr Whitaker, that's our mistake. I'm putting a flag on your record "
            "now so we only ever text you.",
            "There's a slot at 3:40 with Dr Patel. Shall I put you in it? I'll also ask the "
            "prescriptions clerk about your blood pressure tablets.",
        ],
    )
    assert "chasing my tablets" in session.prompt
    assert "What about that?" not in session.prompt


SORRY_ONCE_NODES = """
nodes:
  - id: start
    customer: "My kettle broke after a week."
    branches:
      - {otherwise: true, goto: cross}
  - id: cross
    customer: "I want this sorted today."
    branches:
      - {when: {all: [apologise], any: [resolve]}, goto: good, mood: 1}
      - {otherwise: true, goto: bad, mood: -1}
  - {id: good, outcome: resolved, customer: "Right. Thank you."}
  - {id: bad, outcome: customer_lost, customer: "Forget it. Bye."}
"""


def test_an_apology_made_earlier_is_not_asked_for_again_with_the_remedy() -> None:
    session = play(
        shop("chat", SORRY_ONCE_NODES),
        ["I'm so sorry about your kettle.", "I've refunded the full £25 to your card."],
    )
    assert session.outcome == "resolved"
    assert "given in an earlier reply" in " ".join(session.turns[1].because)


@pytest.mark.parametrize("second", ["ok", "Sorry again."])
def test_an_earlier_apology_does_not_stand_in_for_a_remedy(second: str) -> None:
    session = play(shop("chat", SORRY_ONCE_NODES), ["I'm so sorry about your kettle.", second])
    assert session.outcome == "customer_lost"


UPDATE_NODES = """
nodes:
  - id: start
    customer:
      - say: "I want my money back, or someone senior."
        open: [refund]
    branches:
      - {when: {any: [escalate]}, goto: handed, mood: 1}
      - {when: {any: [apologise]}, goto: later, mood: 1}
      - {otherwise: true, goto: bad, mood: -2}
  - id: later
    customer: "Right. And when will it reach my card?"
    branches:
      - {otherwise: true, goto: later}
  - {id: handed, outcome: escalated_correctly, customer: "Thank you. I'll wait to hear."}
  - {id: bad, outcome: customer_lost, customer: "Forget it. Bye."}
"""


def test_a_need_met_without_a_hand_over_does_not_end_on_one() -> None:
    session = play(shop("chat", UPDATE_NODES), ["I've refunded the £25 to your card."])
    assert session.outcome is None
    assert session.prompt.endswith("when will it reach my card?")
    assert not any("a real apology" in b for b in session.turns[0].because)


def test_a_remedy_paid_in_part_with_the_rest_passed_on_is_thanked_for_as_that_part() -> None:
    session = play(
        shop(),
        ["I'm so sorry. I'll refund £10 now and pass the rest to my manager to approve today."],
    )
    assert "the £10 so far" in session.prompt
    assert "sorting" not in session.prompt


def test_someone_senior_fetched_out_to_the_customer_now_is_a_hand_over_now() -> None:
    from roleplay.core.analyse import analyse
    from roleplay.core.needs import hands_over_now

    reply = "I can't deal with that here, I'll get the practice manager out to you now."
    assert hands_over_now(analyse(reply), reply)
    later = "I'll get the practice manager out to you now, and she'll ring you tonight too."
    assert not hands_over_now(analyse(later), later)


def test_put_straight_through_to_a_supervisor_is_a_hand_over_now() -> None:
    from roleplay.core.analyse import analyse
    from roleplay.core.needs import hands_over_now

    reply = "I'll put you straight through to the waste operations supervisor. One moment."
    assert hands_over_now(analyse(reply), reply)


HELD_NODES = """
nodes:
  - id: start
    customer: "I want someone senior. Now."
    branches:
      - {when: {any: [escalate]}, goto: handed, mood: 1}
      - {otherwise: true, goto: bad, mood: -2}
  - {id: handed, outcome: escalated_correctly, customer: "Thank you. I'll wait to hear."}
  - {id: bad, outcome: customer_lost, customer: "Forget it. Bye."}
"""


def test_a_customer_given_something_real_stays_to_ask_for_the_rest() -> None:
    session = play(shop("chat", HELD_NODES), ["I've refunded the full £25 to your card."])
    assert session.outcome is None
    assert "stayed to ask for it again" in " ".join(session.turns[0].because)


def test_a_customer_given_nothing_still_leaves() -> None:
    session = play(shop("chat", HELD_NODES), ["I'm sorry, there's nobody else here."])
    assert session.outcome == "customer_lost"


def test_three_things_done_at_once_are_thanked_for_two_not_read_back_as_a_checklist() -> None:
    line = play(
        shop(),
        [
            "I'm so sorry, that's not good enough. I've refunded the £25 to your card, and I'm "
            "passing your complaint to my manager today."
        ],
    ).prompt
    assert "thank you for the apology and sorting that out." in line.lower()
    assert "passing it on" not in line and "so far" not in line


def test_a_refusal_before_but_does_not_deny_the_remedy_after_it() -> None:
    session = play(shop(), ["sry, cant do it 2day but ive done ur refund 4 2moro"])
    assert "refund" in [m.id for m in session.turns[0].needs_met]


def test_a_customer_who_stays_is_not_also_said_to_have_been_given_nothing() -> None:
    session = play(shop("chat", HELD_NODES), ["I've refunded the full £25 to your card."])
    assert not any("did not do what would have helped" in b for b in session.turns[0].because)


PLAIN_NODES = then_says("Ok, so it was a faulty batch. I didn't know that.")


def test_a_plain_ok_gives_way_to_thanks_when_a_reply_gave_much() -> None:
    line = play(
        shop("chat", PLAIN_NODES),
        ["I'm so sorry. I've refunded the £25 to your card and passed it to my manager."],
    ).prompt
    assert "hank you for the apology" in line
    assert "So it was a faulty batch." in line and "Ok," not in line


FAULT_NODES = then_says(
    "Well, thank you for being straight with me about it. I'll wait to hear.", first_asks="apology"
)


def test_no_thank_you_follows_a_reaction_that_finds_fault() -> None:
    line = play(shop("chat", FAULT_NODES), ["Which model is it?"]).prompt
    assert "thank you" not in line.lower()
    assert "I'll wait to hear." in line


def test_a_policy_named_only_inside_a_question_explains_nothing() -> None:
    asked = play(
        bundled("partners-account"),
        ["I'm so sorry. Do you have a power of attorney or a bank mandate for him?"],
    )
    told = play(
        bundled("partners-account"),
        [
            "I'm so sorry. Because of data protection I can only discuss it with him, or "
            "with someone he's given a power of attorney or a third-party mandate."
        ],
    )
    assert "reason" not in [m.id for m in asked.turns[0].needs_met]
    assert "explaining" not in asked.prompt
    assert "reason" in [m.id for m in told.turns[0].needs_met]


def test_a_line_that_thanks_in_its_own_words_gets_no_second_thank_you() -> None:
    nodes = then_says("So it's all sorted and I get the money back. Thank you, that's a relief.")
    line = play(shop(nodes=nodes), ["I'm so sorry. I've refunded the £25 to your card."]).prompt
    assert line.lower().count("thank") == 1


def test_an_offer_beyond_the_learners_limit_is_doubted_even_where_the_tutor_wrote_no_line() -> None:
    session = play(
        bundled("mobile-contract"),
        [
            "I'm so sorry. It's roaming from your week in Turkey.",
            "You're right, the cap never got set up on your new SIM, that was our fault. So I'm "
            "clearing the whole bill, and your line rental is free for the next six months.",
        ],
    )
    assert session.turns[1].reaction == "too_good"
    assert session.prompt.startswith(("I'll believe that", "Are you sure you're allowed"))


def test_blame_laid_on_the_customer_is_denied_in_the_facts_of_their_story() -> None:
    session = play(
        bundled("catch-up-bill"),
        ["Everyone else's readings arrive fine, so you can't have entered them right."],
    )
    assert session.turns[0].reaction == "blamed"
    assert session.prompt.startswith("I did put them in.")


def test_blame_laid_on_someone_else_is_not_heard_as_blame_on_the_customer() -> None:
    line = play(bundled("late-parcel"), ["That's the courier's fault, not ours."]).prompt
    assert "my fault" not in line and "Nobody knocked" not in line


def test_a_decision_put_on_a_colleague_is_answered_by_asking_who_can_decide() -> None:
    session = play(
        bundled("late-parcel"),
        [
            "I'm so sorry. Let me look into it.",
            "A full refund is the manager's decision, not mine.",
        ],
    )
    assert session.turns[1].reaction == "blamed"
    assert "whose fault" not in session.prompt
    assert "someone more senior" in session.prompt or "who can" in session.prompt.lower()


def test_a_drivers_handling_is_defended_only_when_it_was_blamed() -> None:
    opening = "I'm sorry the car's still making that noise. Can you tell me what's happening?"
    blamed = play(bundled("garage-repair"), [opening, "You must have been braking too hard."])
    disowned = play(
        bundled("garage-repair"), [opening, "A refund isn't mine to give, it's Dave's call."]
    )
    elsewhere = play(
        bundled("garage-repair"), [opening, "That's the parts supplier's fault, not ours."]
    )
    assert "twenty-five years" in blamed.prompt
    for session in (disowned, elsewhere):
        assert session.turns[1].next_node == "in-charge"
        assert "twenty-five years" not in session.prompt
        assert "Don't you start" not in session.prompt
    assert "whose fault" not in disowned.prompt
    assert "whose fault" in elsewhere.prompt


def test_a_curt_hand_up_is_heard_not_met_with_are_you_even_reading() -> None:
    opening = (
        "Dear Ms Donnelly, I'm so sorry. I'm Sam and I'm taking your claim on from today. "
        "The report reached us four weeks ago and I've accepted your claim. Sam"
    )
    session = play(bundled("insurance-claim"), [opening, "Team leader decides. Asking today. Sam"])
    assert session.turns[1].reaction != "ignored"
    assert "reading what I'm writing" not in session.prompt


def test_a_curt_remedy_is_taken_as_one() -> None:
    session = play(
        bundled("airline-delay"),
        ["Sorry about that.", "Food costs: £58.40 refunded, 7 days."],
    )
    assert session.turns[1].analysis.has("resolve")
    assert "listening" not in session.prompt and "reading" not in session.prompt


def test_a_detail_asked_for_in_one_word_is_given() -> None:
    session = play(bundled("gp-reception"), ["Sorry. Name?"])
    assert session.prompt.startswith("It's Mr Alan Whitaker.")


def test_what_the_customer_said_yes_to_is_not_asked_for_next() -> None:
    session = play(
        bundled("gp-reception"),
        [
            "I'm sorry to hear that. Can I take your name and date of birth? What is it you're "
            "hoping to see the doctor about?",
            "Can I tell the duty doctor about your headache right now, so they can see you? And "
            "have you been taking your blood pressure tablets?",
            "Yes - shall I add a flag saying text only to your record now? And would you like "
            "me to chase the prescription with our clerk today?",
        ],
    )
    last = session.turns[-1]
    assert "tablets" in [m.id for m in last.needs_met]
    assert "my tablets?" not in session.prompt


def test_a_promise_of_more_than_was_asked_is_not_asked_for_again() -> None:
    session = play(
        bundled("mobile-contract"),
        [
            "Hi, sorry about this. Let me look.",
            "It's £35 for your plan and £179.60 roaming from Turkey, but honestly forget about "
            "it, it's all going back to you plus I'll add £100 on top for the hassle.",
            "Totally sure, I'm allowed, don't worry! The cap didn't get set on your new SIM "
            "but I've fixed it. The £314.60 will be in your account by tomorrow.",
        ],
    )
    assert "roaming-refund" in [m.id for m in session.turns[-1].needs_met]
    assert "everything over the £45 back" not in session.prompt


def test_a_hand_over_pressed_again_after_a_refusal_is_refused_again() -> None:
    session = play(
        bundled("broadband-outage"),
        [
            "Let me put you through to my manager now, please hold.",
            "No, I'm transferring you to my manager, she can deal with it.",
        ],
    )
    assert session.turns[0].reaction == "premature_escalation"
    assert session.prompt.startswith(("I've told you", "I've already said"))


def test_a_sentence_that_says_again_what_the_same_line_said_is_left_out() -> None:
    session = play(
        bundled("catch-up-bill"),
        [
            "Can I take your account number?",
            "I'm sorry, Mr Hughes. Before I put you through, could you tell me which readings "
            "you're most worried about? Was it the electricity or the gas? And do you still "
            "have the readings on your phone?",
        ],
    )
    assert session.prompt.count("book by the meter") <= 1


def test_a_text_speak_warning_before_a_question_still_keeps_the_driver_off_the_road() -> None:
    session = play(
        bundled("garage-repair"), ["sry to hear that!! pls dont drive it. is it at urs?"]
    )
    assert "safety" in [m.id for m in session.turns[0].needs_met]
    assert "on my drive at home" in session.prompt


def test_a_request_put_as_a_question_still_keeps_the_driver_off_the_road() -> None:
    session = play(
        bundled("garage-repair"),
        ["I'm sorry. Could I ask you not to drive it at all? What time do you need to leave?"],
    )
    assert "safety" in [m.id for m in session.turns[0].needs_met]
    assert "safe to drive or not" not in session.prompt


def test_a_decision_taken_to_the_one_who_makes_it_is_not_answered_as_blame() -> None:
    session = play(
        bundled("gp-reception"),
        [
            "ok thats def 4 a doctor not me, im telling the duty doc rn. pls sit there n "
            "shout if u feel worse."
        ],
    )
    assert session.turns[0].reaction != "blamed"
    assert "whose fault" not in session.prompt


def test_anything_else_is_answered_no_when_all_that_was_left_was_given() -> None:
    session = play(
        bundled("airline-delay"),
        [
            "Hello Mrs Hassan, I'm sorry - five hours forty at the gate with two children and"
            " no meal vouchers is not what should have happened, and thank you for setting it"
            " all out so clearly. I've looked at the disruption record for SK2241: the delay "
            "was caused by a hydraulic leak found on our aircraft during checks at "
            "Birmingham, and a part had to be flown in. That's a technical fault, not an "
            "extraordinary circumstance, so the decline email was wrong.",
            "You're right about the band - Birmingham to Malaga is in the £350 band. I can't "
            "authorise the payment myself: only our claims team can overturn a decline. What "
            "I can do right now is reopen your claim and refer it to them with my notes that "
            "the record shows a technical fault. They'll decide within 14 days and email you."
            " Separately, I can refund your £58.40 food costs against your receipts today - "
            "it goes back to the card you paid with within 7 days. Shall I do both?",
            "Done - your claim is reopened and with the claims team, and the £58.40 refund is"
            " booked to your card. As a gesture for the missing vouchers I've also added a "
            "£50 e-voucher to your booking. If you're not happy with the claims team's "
            "decision, that decision will tell you how to take it free to AviationADR. Is "
            "there anything else I can help with today?",
        ],
    )
    assert session.prompt.startswith("No, that's everything.")
    assert "there is" not in session.prompt


def test_after_bristling_at_the_tone_the_customer_does_not_thank_for_mere_words() -> None:
    session = play(
        bundled("insurance-claim"),
        [
            "Dear Ms Donnelly, I have looked at your claim. The loss adjuster recorded that "
            "your property is habitable with a bathroom available upstairs, so there is no "
            "urgency on our side. It is also the policyholder's responsibility to chase the "
            "report. Regards, Claims",
            "Dear Ms Donnelly, as I said, the adjuster found a bathroom upstairs you can use. "
            "Delays happen when customers send lots of emails as it clogs the queue. Regards, "
            "Claims",
        ],
    )
    assert session.turns[1].reaction == "dismissed"
    assert session.prompt.startswith("There's no need to take that tone")
    assert "thank" not in session.prompt.lower()


def test_the_ombudsman_signposted_is_not_someone_senior_passed_the_case() -> None:
    session = play(
        bundled("catch-up-bill"),
        [
            "I'm sorry Mr Hughes.",
            "For anything more I'd need to ask my team leader. You can go to the Energy "
            "Ombudsman now if you're not happy.",
        ],
    )
    assert "manager" not in [m.id for m in session.turns[1].needs_met]
    assert "passing it on" not in session.prompt


def test_thanks_in_one_attempt_are_not_said_in_the_same_frame_twice() -> None:
    session = play(
        bundled("catch-up-bill"),
        [
            "I'm sorry Mr Hughes, that's a big bill to get out of nowhere.",
            "I've had a look. Your readings did come in, but a fault in our app stopped them "
            "getting onto your account, so your bills were guessed too low for 14 months.",
        ],
    )
    first, second = (turn.response for turn in session.turns)
    assert first.startswith("Right. Thanks for")
    assert not second.startswith("Right. Thanks for")
    assert "thanks for" in second.lower()


@pytest.mark.parametrize(
    ("scenario", "wrong", "right", "need"),
    [
        (
            "catch-up-bill",
            "The Ombudsman won't touch it until a year has gone by, so don't bother them yet.",
            "As it's been over eight weeks, you can take this to the Energy Ombudsman now.",
            "ombudsman-route",
        ),
        (
            "airline-delay",
            "The hydraulic leak counts as extraordinary, so nothing's payable.",
            "It was a hydraulic leak on the aircraft, which is our own fault, not extraordinary.",
            "explanation",
        ),
    ],
)
def test_a_need_told_only_in_a_wrong_statement_of_the_law_stays_open(
    scenario: str, wrong: str, right: str, need: str
) -> None:
    told_wrongly = play(bundled(scenario), [wrong]).turns[-1]
    assert need not in {m.id for m in told_wrongly.needs_met}
    assert need in told_wrongly.needs_open
    told_rightly = play(bundled(scenario), [right]).turns[-1]
    assert need in {m.id for m in told_rightly.needs_met}


def test_a_customer_asked_a_question_answers_and_asks_again_before_walking_out() -> None:
    # she wants someone senior; a question about her receipts is no refusal, so she answers
    # it and asks again for what she still lacks (not in the words she used a turn ago); a
    # second reply that still ignores her is the tutor's way out
    replies = ["Sorry about that.", "I'm not sure, I'll have to look into it."]
    asked = "Thanks for bearing with me. Did you keep the receipts for the food?"
    session = play(bundled("airline-delay"), [*replies, asked])
    before, held = session.turns[-2], session.turns[-1]
    assert held.outcome is None
    assert held.next_node == held.node == "fobbed-off"
    assert "£58.40" in held.response
    pressed = held.response.split("four of us.")[-1]
    assert "?" in pressed and pressed.strip() not in before.response
    session.step("How old are the children?")
    assert session.outcome == "customer_lost"


def test_a_payment_confirmed_again_does_not_send_the_customer_away() -> None:
    replies = ["Sorry about that.", "I'm not sure, I'll have to look into it."]
    confirmed = "I've approved the £1,400 and the £58.40, and you'll have an email tonight."
    session = play(bundled("airline-delay"), [*replies, confirmed])
    assert session.outcome != "customer_lost"


@pytest.mark.parametrize(
    ("reply", "met"),
    [
        ("Our first aider's on her lunch at the moment, sorry.", False),
        ("The duty manager is tied up with another table, I'm afraid.", False),
        ("Sam, our first aider, is on her way over now.", True),
    ],
)
def test_the_person_a_need_names_said_to_be_out_of_reach_does_not_meet_it(
    reply: str, met: bool
) -> None:
    turn = play(bundled("restaurant-allergy"), [reply]).turns[-1]
    assert ("safety" in {m.id for m in turn.needs_met}) is met


def test_a_tone_is_answered_as_a_tone_and_thanks_keep_their_words() -> None:
    curt = "Like I said, don't drive it, we'll collect the car today and redo the brakes free."
    line = play(bundled("garage-repair"), [curt]).prompt
    assert line.startswith("There's no need to take that tone")
    assert "the brakes for free, I suppose" in line  # not "freeI suppose"


def test_a_smaller_sum_given_beside_a_larger_one_refused_is_thanked_for_as_that_sum() -> None:
    replies = [
        "Dear Ms Donnelly, I'm sorry. I'll look into your claim today.",
        "I can't pay the £2,500 up front, but send me the plumber's receipt and I'll pay "
        "you 240 back this week.",
    ]
    line = play(bundled("insurance-claim"), replies).prompt
    assert "the £240 so far" in line
    assert "sorting out the money" not in line


def test_a_glad_word_is_not_left_after_a_reaction() -> None:
    from roleplay.core.needs import without_opener

    assert without_opener("Great, I'm texting PAC to 65075 now.") == "I'm texting PAC to 65075 now."
    assert without_opener("Right, but who pays?") == "But who pays?"


def test_a_customer_walking_out_does_not_concede_first_nor_answer_no_to_a_kind_question() -> None:
    replies = ["I'm sorry to hear that.", "And how are you managing, is the bill a worry?"]
    line = play(bundled("catch-up-bill"), replies).prompt
    assert "but fine" not in line and "but all right" not in line
    assert not line.startswith("No.")


def test_a_further_offer_after_the_need_was_met_is_taken_in_before_going_on() -> None:
    replies = [
        "Dear Ms Donnelly, I'm so sorry. I'm your handler now and I'll sort this today.",
        "I can pay the plumber's £240 back today.",
        "On top of that I can make an interim payment of £1,000 today, and I'll look at "
        "the taxis with my team leader this week.",
    ]
    from roleplay.core.needs import catalogue

    turn = play(bundled("insurance-claim"), replies).turns[-1]
    assert not turn.needs_met  # the money was met by the £240 already
    taken = catalogue().taken_in or {}
    assert any(turn.response.startswith(way) for ways in taken.values() for way in ways)


def test_an_apology_is_not_met_with_scorn_and_sympathy_is_not_thanked_grudgingly() -> None:
    line = play(bundled("partners-account"), ["I'm sorry about the letter, it's our mistake."])
    assert not line.prompt.startswith("Oh, here we go")
    kind = play(bundled("partners-account"), ["I'm so sorry to hear he's been so poorly."])
    assert "I suppose" not in kind.prompt


def _with_answer(answer: str) -> str:
    return HEADER.format(channel="chat").replace("  needs:\n", f"  answers:\n{answer}  needs:\n", 1)


def test_an_answer_that_tells_of_a_need_raises_it_there_and_then() -> None:
    answer = (
        '    - {asks: ["how are you"], say: "Fed up. I want to see a manager.", '
        "raises: [manager]}\n"
    )
    scenario = Scenario.model_validate(yaml.safe_load(_with_answer(answer) + NODES))
    session = Session(scenario)
    session.step("I'm so sorry. How are you doing today?")
    assert "Fed up." in session.prompt
    assert "manager" in session.needs.raised
    session.step("I'm passing you to my manager now.")
    assert "manager" in session.needs.met_ids


def test_an_answer_that_says_nothing_of_a_need_raises_nothing() -> None:
    answer = '    - {asks: ["how are you"], say: "Fed up.", raises: [manager]}\n'
    scenario = Scenario.model_validate(yaml.safe_load(_with_answer(answer) + NODES))
    session = Session(scenario)
    session.step("I'm so sorry. Can I take your order number?")
    assert "manager" not in session.needs.raised


def test_validate_reports_an_answer_raising_a_need_the_customer_has_not(
    tmp_path: Path,
) -> None:
    answer = '    - {asks: ["how are you"], say: "Fed up.", raises: [manger]}\n'
    text = _with_answer(answer) + NODES
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    _loaded, problems = check_scenario_file(path)
    wrong = [p for p in problems if p.code == "undefined-need"]
    assert wrong and "manger" in wrong[0].message and "manager" in wrong[0].message


@pytest.mark.parametrize(
    ("scenario", "replies", "need", "not_said"),
    [
        # a slot put to him as a question is an appointment offered, and taken
        (
            "gp-reception",
            ["I'm sorry, that's awful.", "I've got a slot today at 11, would that suit you?"],
            "appointment",
            "see a doctor today",
        ),
        # a day put to her for the visit she has been asking for
        (
            "broadband-outage",
            [
                "Dear Ms Whitfield, I'm very sorry about the missed visits. Would Thursday "
                "8am to 1pm suit you for a priority engineer visit? Kind regards, Sam"
            ],
            "engineer-date",
            "WHEN is someone coming",
        ),
        (
            "council-bins",
            ["I'm so sorry about this.", "Would tomorrow morning be alright for a collection?"],
            "collection",
            "when is somebody",
        ),
    ],
)
def test_a_remedy_put_as_a_question_is_taken_and_not_asked_for_again(
    scenario: str, replies: list[str], need: str, not_said: str
) -> None:
    session = play(bundled(scenario), replies)
    assert need in session.needs.met_ids
    assert session.prompt.startswith("Yes")
    assert not_said.lower() not in session.prompt.lower()


@pytest.mark.parametrize(
    "promise",
    [
        "il go check the kitchen 4 wots in the sauce brb",
        "I'll go to the kitchen and bring you the pesto label so you can see every ingredient.",
    ],
)
def test_what_is_being_found_out_is_not_asked_for_again_meanwhile(promise: str) -> None:
    session = play(
        bundled("restaurant-allergy"),
        ["I'm so sorry. Our first aider Sam is coming over now.", promise],
    )
    assert "what was in that sauce" not in session.prompt
    assert not session.prompt.split(". ")[1].startswith(("But", "And"))


def test_a_plain_thank_you_gives_way_to_thanks_for_what_was_done() -> None:
    reply = (
        "I'm really sorry Mr Whitaker, that's on us. I'll put a flag on your record now so we "
        "text you, and I've got a held-back slot this morning at 10:40 I can book you into."
    )
    line = play(bundled("gp-reception"), [reply]).prompt
    assert "booking me in" in line
    assert not line.startswith("Thank you. ")


def test_a_line_that_thanks_in_its_own_words_is_not_thanked_before_as_well() -> None:
    reply = "omg sry mr mehta thats scary. dont drive it, il send r truck 2 get it 2day 4 free"
    line = play(bundled("garage-repair"), [reply]).prompt
    assert line.lower().count("thank") == 1


def test_an_answer_and_the_line_after_it_do_not_tell_the_same_thing_twice() -> None:
    reply = (
        "I'm so sorry Mrs Carter. I'm getting Sam, our first aider, to your table right now. "
        "Have you got his auto-injector with you?"
    )
    line = play(bundled("restaurant-allergy"), [reply]).prompt
    assert line.count("on the table") == 1


def _sentence_keys(line: str) -> set[str]:
    import re

    return {
        " ".join(re.findall(r"[a-z']+", s.lower()))
        for s in re.split(r"(?<=[.!?])\s+", line)
        if len(s.split()) > 3
    }


def test_a_customer_who_stays_where_they_are_does_not_say_their_line_again_in_other_words() -> None:
    # the third reply gives nothing new; her line at this point was said last turn, in
    # another temper ("So this is my second complaint, and I want it taken higher this
    # time, with…"), and is not said again as "Still, this is my second complaint…"
    replies = [
        "I'm so sorry - I've arranged for a crew to come back today AND I'm giving you a full "
        "refund of this year's council tax as compensation.",
        "I've also made sure you'll never be missed again - I've put you on the VIP list.",
        "It's all sorted and guaranteed, I've authorised it myself. You won't need to complain "
        "again.",
    ]
    session = play(bundled("council-bins"), replies)
    before, last = session.turns[-2], session.turns[-1]
    assert last.next_node == last.node
    assert "second complaint" in before.response
    assert "second complaint" not in last.response
    assert not _sentence_keys(last.response) & _sentence_keys(before.response)


def test_a_wrong_rule_the_tutor_rebuts_is_not_rebutted_twice() -> None:
    # the tutor's branch for a misstatement leads to her own "that's not what the CAA
    # website says": no stock "That's not right, and I'll be checking it." before it
    session = play(
        bundled("airline-delay"),
        ["I'm sorry about the delay.", "Actually the compensation is £1,300 for the flight."],
    )
    turn = session.turns[-1]
    assert turn.next_node == "wrong-law"
    assert "CAA website" in turn.response
    assert "not right" not in turn.response and "checking" not in turn.response


def test_a_need_met_by_an_offer_put_as_a_question_is_taken_up_not_thanked_for_as_done() -> None:
    session = play(
        bundled("gp-reception"),
        [
            "Sorry about that.",
            "Of course. While you wait for her, can I book you an appointment? We hold some "
            "back for people who can't use the phone.",
        ],
    )
    turn = session.turns[-1]
    assert "appointment" in {m.id for m in turn.needs_met}
    assert turn.response.startswith("Yes")
    assert "booking me in" not in turn.response


def test_of_two_things_thanked_for_one_at_least_was_done_for_them() -> None:
    # apology, explanation and refund at once: the refund is not the one left out
    header = HEADER.replace(
        '    - {{id: apology, what: "an apology"}}\n',
        '    - {{id: apology, what: "an apology"}}\n'
        '    - {{id: why, kind: explanation, what: "why it broke", thanks: "explaining", '
        "met_by: {{any: [explain]}}}}\n",
    )
    data: dict[str, Any] = yaml.safe_load(header.format(channel="chat") + NODES)
    line = play(
        Scenario.model_validate(data),
        [
            "I'm so sorry. It broke because that batch had a faulty thermostat. I've refunded "
            "the £25 to your card."
        ],
    ).prompt
    turn_thanks = line.lower()
    assert "the apology" in turn_thanks and "explaining" not in turn_thanks
    assert "sorting that out" in turn_thanks


def test_a_wrong_law_is_answered_without_a_second_retort_for_the_missing_apology() -> None:
    turn = play(
        bundled("cancelled-train"),
        [
            "Under the Consumer Rights Act you only get a refund if the delay is over 3 hours, "
            "so you'll need to buy a new ticket."
        ],
    ).turns[-1]
    assert turn.reaction == "missing_apology"  # the mood still falls for it
    assert "my rights" in turn.response
    assert "sorry" not in turn.response.lower()


def test_a_question_the_customer_answers_is_not_taken_for_ignoring_them() -> None:
    # no move is read in "wot's the best way 2 contact u?", but she answers it: she is not
    # also asked "are you even listening?" of the question she has just answered
    turn = play(
        bundled("council-bins"),
        [
            "hiya mrs marsh sry bout ur bin",
            "il get a crew out 2day",
            "wot's the best way 2 contact u? phone or email?",
        ],
    ).turns[-1]
    assert turn.response.startswith("Ring me, please.")
    assert turn.reaction != "ignored" and "listening" not in turn.response


@pytest.mark.parametrize(
    ("reply", "met"),
    [
        ("Sorry about that. You can get the next one, the 15:12, your ticket'll be fine.", True),
        ("sry ur ticket will be ok on the next 1", True),
        ("Your ticket is only valid on the 14:12, so you'll need a new one.", False),
        ("The next train is the 15:12.", False),
    ],
)
def test_the_ticket_is_said_good_on_the_next_train_only_when_it_is(reply: str, met: bool) -> None:
    turn = play(bundled("cancelled-train"), [reply]).turns[-1]
    assert ("travel" in {m.id for m in turn.needs_met}) is met


def test_one_who_will_not_be_passed_around_does_not_first_agree_to_wait() -> None:
    turn = play(
        bundled("cancelled-train"),
        ["Let me get my supervisor for you, he deals with cancellations. Can you wait here?"],
    ).turns[-1]
    assert turn.reaction == "premature_escalation"
    assert "passed around" in turn.response
    assert not turn.response.startswith(("Yes", "All right"))


def test_a_reaction_the_line_says_in_its_own_words_is_not_said_first() -> None:
    # the tutor's line refuses the practice manager ("I've been passed around enough"): no
    # stock "I don't want to be passed around." before it
    session = play(
        bundled("gp-reception"),
        [
            "Sorry, I can't deal with appointment problems at the desk. You'll have to speak "
            "to the practice manager, I'll ask her to come out.",
            "The form is a matter for the manager as well. She'll be out in a minute, please "
            "take a seat.",
        ],
    )
    line = session.turns[-1].response
    assert line.count("passed around") == 1


def test_a_sum_asked_for_is_not_asked_again_after_an_offer_of_as_much_or_more() -> None:
    line = "It was £25. What are you going to do about the £25? I paid for it."
    more = play(shop("chat", then_says(line)), ["I'll give you £40 for the trouble."]).prompt
    less = play(shop("chat", then_says(line)), ["I'll give you £10 for the trouble."]).prompt
    assert "What are you going to do about the £25?" not in more
    assert "What are you going to do about the £25?" in less


def _bundled(name: str) -> Scenario:
    found = ScenarioLibrary.load().get(name)
    assert found is not None
    return found.scenario


def test_a_customer_passed_on_before_asking_to_be_does_not_thank_for_it() -> None:
    line = play(
        _bundled("insurance-claim"),
        [
            "Dear Ms Donnelly, I'm sorry to hear this. I'm passing your email to my team "
            "leader, who will be able to look at it properly. Alex"
        ],
    ).prompt
    assert "passing it on" not in line


def test_a_need_only_forwarded_is_thanked_as_passed_on_not_as_done() -> None:
    session = play(
        _bundled("insurance-claim"),
        [
            "Dear Ms Donnelly, I'm sorry to hear this. I'm passing your email to my team leader.",
            "My team leader will be dealing with it from here.",
            "I understand. Accommodation is something only my team leader can approve, so I've "
            "forwarded everything you've said to her. Please wait for her to contact you.",
        ],
    )
    line = session.prompt
    assert "where we can live" not in line.split(".")[0]


def test_a_customer_does_not_open_every_line_with_thanks() -> None:
    session = play(
        _bundled("catch-up-bill"),
        [
            "I'm sorry about this, Mr Hughes.",
            "I can see your readings in the app's error log. They never reached your account "
            "because of a fault, so your bills were estimated.",
            "I'll re-bill the account from your own readings now.",
            "Because it wasn't your fault, we can't charge for more than 12 months back. That "
            "takes off £74, so the bill is now £412.",
            "I can spread the £412 over up to 18 months if you'd like.",
        ],
    )
    thanked = [t.response for t in session.turns if "hanks for" in t.response]
    assert len(thanked) < len(session.turns), thanked


def test_an_apology_refused_is_not_heard_as_a_sorry_tacked_on() -> None:
    line = play(
        _bundled("late-parcel"),
        [
            "Your parcel shows as delivered at 2:14pm on Tuesday.",
            "I can't really apologise for the courier, they're a separate company. You'd be better "
            "contacting them directly.",
        ],
    ).prompt
    assert "tacked on" not in line


def test_every_press_line_of_a_kind_of_need_is_heard_as_asking_for_that_kind() -> None:
    """A press line the kind's own ``asks`` words miss would be said again straight after a
    reply that gave that kind of thing ("Yes. Do that. So what are you actually going to do
    about it?")."""
    from roleplay.core.needs import catalogue
    from roleplay.core.phrases import has_phrase

    unheard = [
        (kind.value, line)
        for kind, defaults in catalogue().kinds.items()
        if kind.value != "other"
        for lines in (defaults.press or {}).values()
        for line in ([lines] if isinstance(lines, str) else lines)
        if not any(has_phrase(ask, line) for ask in defaults.asks)
    ]
    assert unheard == []


def test_two_things_thanked_for_that_end_alike_are_thanked_for_in_one_breath() -> None:
    """Two needs thanked as "explaining why nobody told me" and "looking into why nobody
    told me" are one phrase with two doings, not the same words twice."""
    from roleplay.core.dialogue import play
    from roleplay.core.library import ScenarioLibrary

    found = ScenarioLibrary.load().get("broadband-outage")
    assert found is not None
    line = play(
        found.scenario,
        [
            "Dear Ms Whitfield, I'm sorry you've been without broadband for nine days and "
            "that nobody turned up or told you. Sam",
            "Dear Ms Whitfield, I've booked a priority engineer for this Thursday between "
            "8am and 1pm, and I'll check with the team on Wednesday afternoon that the "
            "visit is confirmed. Sam",
            "Dear Ms Whitfield, I'll refund the £30 you spent on data. You're also due "
            "automatic compensation for the days without service and the missed visits, "
            "which will appear as a credit on your bill within 30 days. Sam",
            "Dear Ms Whitfield, both visits were dropped because of a fault in our "
            "scheduling system, and the text telling you the engineer wasn't coming was "
            "never sent. I've reported it to the team that runs the system so it can be "
            "fixed. Sam",
        ],
    ).prompt
    assert line.count("why nobody told me") <= 1


def test_one_who_goes_on_to_want_more_thanks_plainly_not_warmly() -> None:
    """ "Thanks ever so much for the money so far. That's a start, but it isn't the £2,500."
    is two moods; the thanks before a line that wants more is plain, in every turn."""
    from roleplay.core.library import ScenarioLibrary
    from roleplay.core.needs import NeedMet, NeedsState, needs_of, thank

    found = ScenarioLibrary.load().get("catch-up-bill")
    assert found is not None
    state = NeedsState.start(needs_of(found.scenario), found.scenario.start)
    need = next(n for n in state.needs if n.thanks and "credit" in n.thanks)
    met = [NeedMet(need.id, 1, "I'm adding a £30 credit")]
    warm = re.compile(r"Thanks ever so much|That's good of you|Lovely|Good\.|That helps\.")
    for _ in range(3):
        said = thank(met, state, 9, still_wanting=True)
        assert said is not None and not warm.match(said)
        state.said.append(said)
    # a pleased customer wanting no more may well say "Thanks ever so much…"
    fresh = NeedsState(state.needs)
    ways = []
    for _ in range(5):
        way = thank(met, fresh, 9) or ""
        ways.append(way)
        fresh.said.append(way)
    assert any(warm.match(way) for way in ways)


def test_a_bare_sorry_some_turns_back_draws_no_retort_at_a_reply_without_one() -> None:
    # "'sorry' on its own doesn't cover it" answers a sorry just said; turns later, after a
    # reply that said none, it rebuts nothing
    session = play(
        shop(), ["Sorry, can I take your order number?", "Let me look.", "Right, checking now."]
    )
    for turn in session.turns[1:]:
        assert "on its own" not in turn.response, turn.response
        assert "quick sorry" not in turn.response.lower(), turn.response


@pytest.mark.parametrize(
    "first",
    [
        "Sorry, can I take your order number?",
        "Oh dear, sorry. Which model is it?",
        "soz, wots the order no?",
    ],
)
def test_after_a_bare_sorry_no_line_says_nobody_said_sorry(first: str) -> None:
    # a "sorry" tacked on is not the apology the customer needs, but from then on they ask
    # for a proper one: "is anyone going to say sorry?" would be untrue
    session = play(shop(), [first, "Let me look at the order.", "Right, checking now."])
    said = " ".join(t.response for t in session.turns).lower()
    assert "say sorry" not in said and "haven't said sorry" not in said
    assert any(
        words in said
        for words in ("sorry on its own", "quick sorry", "what you're", "not really an apology")
    ), said
    assert all(t.response.strip() for t in session.turns)


@pytest.mark.parametrize(
    "reply",
    [
        "Oh no, that's not good at all, I'll refund you today.",
        "That isn't on. We'll refund the kettle in full this afternoon.",
    ],
)
def test_a_not_in_the_clause_before_does_not_deny_the_remedy_after_it(reply: str) -> None:
    # "that's not good, I'll refund you": the "not" is the judgement's, not the refund's
    session = play(shop(), [reply])
    assert "refund" in {m.id for m in session.turns[0].needs_met}


def test_her_is_the_manager_an_earlier_reply_named() -> None:
    # the first reply names the duty manager without handing anything up; the second puts
    # the bill to "her", which is a hand-up to that manager
    session = play(
        shop(),
        [
            "Sorry about this. Our duty manager today is Priya, she signs off refunds.",
            "I can take £10 off now and I will put the whole bill to her.",
        ],
    )
    assert not session.turns[0].analysis.has("escalate")
    assert session.turns[1].analysis.has("escalate")


RELIEF_NODES = """
nodes:
  - id: start
    customer: "My kettle broke after a week."
    branches:
      - {when: {any: [dismiss]}, goto: after, mood: -1}
      - {otherwise: true, goto: after, mood: 1}
  - id: after
    customer:
      - say: "That's one thing off my mind, anyway. So what now?"
      - say: "That's not what I wanted to hear. So what now?"
    branches:
      - {otherwise: true, goto: after}
"""


def test_a_reply_that_made_things_worse_is_not_met_with_relief() -> None:
    worse = play(shop(nodes=RELIEF_NODES), ["That's not our problem, it's the maker's."])
    better = play(shop(nodes=RELIEF_NODES), ["I'm sorry, I'll refund it now."])
    assert "off my mind" not in worse.prompt and "not what I wanted" in worse.prompt
    assert "off my mind" in better.prompt


def test_a_customer_told_when_does_not_ask_when() -> None:
    # "So when will I see it?" straight after "it'll be back in your account within the
    # hour" asks for what was just given, whether or not the scenario lists a need for a time
    session = play(
        shop(nodes=then_says("Right. So when will I actually see it?")),
        [
            "Sorry about that.",
            "I've put the refund through, it'll be back on your card within the hour.",
        ],
    )
    assert "when will" not in session.prompt.lower()
    assert session.prompt.strip()


BLAME_NODES = """
nodes:
  - id: start
    customer: "My kettle broke after a week."
    branches:
      - {when: {any: [dismiss, blame]}, goto: after, mood: -2}
      - {otherwise: true, goto: after}
  - id: after
    customer: "So what now?"
    branches:
      - {otherwise: true, goto: after}
"""


def test_blame_is_answered_when_the_tutor_s_branch_for_it_has_no_words() -> None:
    # the branch tests blame but says nothing: the customer still answers it
    session = play(shop(nodes=BLAME_NODES), ["That's the manufacturer's fault, not ours."])
    assert session.turns[0].reaction == "blamed"
    assert "fault" in session.prompt.lower()


def test_of_two_things_to_do_the_thing_is_said_back_not_its_purpose() -> None:
    from roleplay.core.needs import accepts_offer

    picked = accepts_offer(
        "Would it help if I fetch the box from the stockroom so you can see the label, or "
        "would you rather I read it out?",
        6,
        {"resolve"},
    )
    assert picked == "Fetch the box from the stockroom, please."


@pytest.mark.parametrize(
    "reply",
    [
        "We can not, I am afraid, refund the kettle today.",
        "We will not, I'm sorry, be giving a refund for this one.",
    ],
)
def test_a_denial_with_an_aside_after_its_comma_is_still_a_denial(reply: str) -> None:
    session = play(shop(), [reply])
    assert "refund" not in {m.id for m in session.turns[0].needs_met}


def test_a_reference_number_given_is_no_hand_over_now() -> None:
    from roleplay.core.analyse import analyse
    from roleplay.core.needs import hands_over_now

    reply = "I will pass this to my manager. Here is my reference number for you: 4471."
    assert not hands_over_now(analyse(reply), reply)


SHORT_NODES = """
nodes:
  - id: start
    customer: "My kettle broke after a week."
    branches:
      - {otherwise: true, goto: after}
  - id: after
    customer:
      - say: "Is that it?"
      - say: "Right. So what happens with my kettle now?"
    branches:
      - {otherwise: true, goto: after}
"""


def test_a_short_line_is_not_said_twice_while_another_is_left() -> None:
    session = play(shop(nodes=SHORT_NODES), ["Let me check.", "Still checking.", "Nearly done."])
    said = [t.response for t in session.turns]
    assert sum("Is that it?" in r for r in said) <= 1


@pytest.mark.parametrize(
    "asked",
    [
        # help put as a thing that would help, however long the thing
        "Would a new kettle sent out today, at no cost to you, help?",
        "So would £20 back to your card now, with the rest once the old one is back, work for you?",
        # leave asked to do something for them
        "Can we collect the broken one from your door this afternoon?",
        "Would it help if we sent a courier for it tomorrow?",
        # an offer asked after again
        "Sorry, is that a yes to the replacement?",
    ],
)
def test_an_offer_however_it_is_put_is_answered_yes(asked: str) -> None:
    from roleplay.core.needs import accepts_offer

    assert accepts_offer(asked, 6, frozenset()).startswith("Yes")


@pytest.mark.parametrize(
    "asked",
    [
        "Can I take your order number?",
        "Can I get the date you bought it?",
        "Could I ask what happened when you switched it on?",
        "Would you say the kettle was dropped?",
    ],
)
def test_a_question_for_facts_is_not_taken_as_an_offer(asked: str) -> None:
    from roleplay.core.needs import accepts_offer

    assert accepts_offer(asked, 6, frozenset({"resolve"})) == ""


def test_of_two_helps_in_one_question_the_customer_takes_the_one_they_asked_for() -> None:
    from roleplay.core.needs import accepts_offer

    asked = "Would a voucher or a refund to your card put it right?"
    assert accepts_offer(asked, 6, frozenset()) == ""  # no way of helping they can pick
    asked = "Would a voucher or money back to your card help?"
    assert accepts_offer(asked, 6, frozenset(), wants="I want my money back") == (
        "Money back to my card, please."
    )
    assert accepts_offer(asked, 6, frozenset()) == "A voucher, please."


def test_an_offer_among_several_questions_is_taken_up_as_well_as_the_questions_answered() -> None:
    session = play(
        shop(),
        [
            "I'm so sorry. Would it help if we sent a new kettle out today? "
            "And can I take your order number?"
        ],
    )
    assert session.prompt.startswith("Yes"), session.prompt
    assert "order number" in session.prompt, "the question after the offer is answered too"


@pytest.mark.parametrize(
    "said",
    [
        "Sorry about that. We can send a courier to collect it tomorrow.",
        "i can split it over 6 months if u want, bout £5 a month",
        "We could lend you one of ours while yours is away.",
    ],
)
def test_an_offer_said_as_a_statement_is_taken_up(said: str) -> None:
    from roleplay.core.needs import accepts_offer

    assert accepts_offer(said, 6, frozenset({"resolve"})).startswith("Yes")


@pytest.mark.parametrize(
    "said",
    [
        "I can see the charge on your statement.",
        "We can not send anyone out today.",
        "I can understand why you're cross.",
    ],
)
def test_a_statement_that_offers_nothing_gets_no_yes(said: str) -> None:
    from roleplay.core.needs import accepts_offer

    assert accepts_offer(said, 6, frozenset({"resolve"})) == ""


@pytest.mark.parametrize(
    ("scenario", "replies", "told"),
    [
        (
            "broadband-outage",
            [
                "Dear Ms Whitfield, which days were the engineers booked for - Tuesday and "
                "Friday last week? Were you at home both mornings? And did you get any text "
                "or call from us saying they weren't coming? Sam"
            ],
            "waited in",
        ),
        (
            "insurance-claim",
            [
                "Dear Ms Donnelly, could you confirm your claim number is HC-48213? When "
                "exactly did the loss adjuster visit? And which emails did you send us?",
                "I'm sorry. Can I check - did anyone tell you your handler had left? Would "
                "it help if I took the claim on myself? And have you been able to wash at "
                "home at all since the flood?",
                "Would you be happy for me to ask my team leader today about moving you "
                "somewhere accessible? Is it just you and your two children who'd need to "
                "move? And would the afternoon be a good time for me to phone you with her "
                "answer, or do you prefer email?",
                "Do you have the plumber's receipt for the £240? Could you send bank "
                "statements or a list for the taxis and the rest? And if I accept your claim "
                "today as the adjuster recommended, would that put your mind at rest?",
            ],
            "keep receipts",
        ),
    ],
)
def test_two_answers_in_one_line_do_not_tell_the_same_thing_twice(
    scenario: str, replies: list[str], told: str
) -> None:
    session = play(bundled(scenario), replies)
    assert session.prompt.count(told) <= 1, session.prompt


GARAGE_PASSED_ON = [
    "Oh, that's one for our workshop manager, Dave. I'll get him to give you a ring.",
    "I'd really rather Dave answered that, he's the expert. I'm passing you over to him now.",
    "Please don't do anything until Dave's spoken to you. I'm transferring you to him now.",
    "Not until Dave says so. Putting you through now.",
]


def test_one_put_through_with_a_danger_unanswered_asks_before_they_go() -> None:
    session = play(bundled("garage-repair"), GARAGE_PASSED_ON[:2])
    first, second = (turn.response for turn in session.turns)
    assert not first.startswith("Before"), "a ring later is no transfer now"
    assert second.startswith("Before you transfer me, "), second
    assert "drive" in second and second.rstrip().endswith(("?", "know."))


def test_one_who_has_asked_every_way_lets_themselves_be_put_through() -> None:
    session = play(bundled("garage-repair"), GARAGE_PASSED_ON)
    lines = [turn.response for turn in session.turns]
    assert lines[2].startswith("Before you transfer me, ") and lines[2] != lines[1]
    assert "I'll hold" in lines[3], lines[3]


def test_what_was_taken_up_as_offered_is_not_demanded_in_the_same_breath() -> None:
    session = play(
        bundled("restaurant-allergy"),
        [
            "Oh my goodness, how is Leo feeling right now? Is he having any trouble "
            "breathing? Do you have his EpiPen with you?",
            "Shall I fetch Sam, our duty manager? She's our first aider, would you like her "
            "here now? And would you like me to ask the kitchen exactly what goes into that "
            "sauce?",
        ],
    )
    last = session.turns[-1]
    assert "ingredients" in [m.id for m in last.needs_met], "the offer taken meets the need"
    assert "what was in that sauce" not in session.prompt, session.prompt


def test_an_offer_that_only_shares_a_general_word_with_a_need_does_not_meet_it() -> None:
    session = play(
        bundled("restaurant-allergy"),
        [
            "Oh my goodness, how is Leo feeling right now? Is he having any trouble "
            "breathing? Do you have his EpiPen with you?",
            "Shall I fetch Sam, our duty manager? She's our first aider, would you like her "
            "here now? And would you like me to bring you some water?",
        ],
    )
    assert "ingredients" not in [m.id for m in session.turns[-1].needs_met]


def test_an_offer_made_on_a_condition_is_taken_up_and_not_called_a_question_back() -> None:
    session = play(
        bundled("cancelled-train"),
        [
            "Can I see your ticket, please? Where are you heading today?",
            "What time does the concert start? If I endorse your ticket for the 15:12, "
            "would that work for you?",
        ],
    )
    last = session.turns[-1]
    assert last.reaction != "question_for_question"
    assert "travel" in [m.id for m in last.needs_met]
    assert "answered my question" not in session.prompt


@pytest.mark.parametrize(
    "told",
    [
        "Would it surprise you to hear our records show a hydraulic leak on the aircraft?",
        "Didn't I mention the hydraulic leak found during the checks at Birmingham?",
        "Were you aware that a hydraulic leak was found on the aircraft?",
    ],
)
def test_a_cause_told_as_a_question_is_told(told: str) -> None:
    session = play(bundled("airline-delay"), ["Could you give me your booking reference?", told])
    assert "explanation" in [m.id for m in session.turns[-1].needs_met], session.prompt


def test_an_offer_summed_up_after_a_comma_is_still_an_offer() -> None:
    from roleplay.core.needs import accepts_offer

    asked = "Shall I put the £350 each through now, so £1,400 for the four of you?"
    assert accepts_offer(asked, 6, frozenset({"resolve"})).startswith("Yes")


def test_a_hand_up_offered_before_a_last_question_and_taken_is_not_asked_for_next() -> None:
    session = play(
        bundled("mobile-contract"),
        [
            "Hi Rebecca, can I ask a few things first? Which bill is this, the one dated this "
            "month? Were you abroad recently? Did you use data while you were away?",
            "Sorry about that. So the £179.60 is data roaming in Turkey, which is outside Roam "
            "Like Home. Did you get a text when you landed telling you the charges? Was your "
            "SIM the new one we sent in January? And did anyone ever call you back after you "
            "rang 5 weeks ago?",
            "Would it help if I told you the spend cap was never set up on that January SIM? "
            "Would you like me to look at refunding the part above the £45 cap? And is there "
            "a good number for billing to reach you on?",
            "Can I be honest? Anything over £50 needs my team leader's approval, so can I "
            "pass the £134.60 refund to her now and log this as a complaint that I own? "
            "What's the best email address for the confirmation?",
        ],
    )
    assert session.prompt.startswith("Yes"), session.prompt
    assert not re.search(r"manager|senior", session.prompt, re.I), session.prompt


def test_a_clipped_referral_or_transfer_is_a_hand_up() -> None:
    from roleplay.core.analyse import analyse

    assert "escalate" in analyse("Over £50 needs manager. Referring.").moves
    assert (
        "escalate"
        in analyse("Doing that. Transferring now.", "Put me through to a manager NOW.").moves
    )


def test_a_cap_named_beside_a_sum_put_for_approval_is_not_thanked_for_as_money() -> None:
    """A cap named ("the £45 cap was never set up") and a credit put to a team leader for
    approval: no £45 was given, and the £134.60 is asked for, not paid."""
    session = play(
        bundled("mobile-contract"),
        [
            "Hi Rebecca, I'm really sorry. Your bill is £35 for your plan plus £179.60 of data "
            "roaming from Turkey, which isn't in our Roam Like Home zone.",
            "You're right to ask. I've checked and the £45 cap was never set up on the new SIM "
            "we sent you in January. So you should never have been charged more than £45. I'm "
            "asking my team leader now to approve a credit of £134.60, which is everything "
            "above the cap, and I'll confirm back to you in this chat within 15 minutes.",
        ],
    )
    assert "£45 and" not in session.prompt, session.prompt
    assert "so far" not in session.prompt, session.prompt


def test_a_sum_the_learner_will_ask_about_is_not_thanked_for_as_given() -> None:
    session = play(
        bundled("catch-up-bill"),
        [
            "Hello, I'm sorry about this. Can I take your account number?",
            "Thank you. I can see your readings are stuck in an error log in our app. A fault "
            "stopped them reaching your account for 14 months, so your bills were estimates.",
            "No. As it wasn't your fault, we can only charge for the last 12 months. I'll "
            "re-bill from your readings, and that takes £74 off. The bill will be £412.",
            "You don't have to. I can set up a payment plan over 18 months, which is about £23 "
            "a month.",
            "I'm sorry about the call-backs. I can give you £30 goodwill now. For anything "
            "more I'd need my team leader, so I'll ask her about the £100 and call you back by "
            "5pm tomorrow.",
        ],
    )
    assert "£30" in session.prompt, session.prompt
    assert "£100" not in session.prompt, session.prompt


@pytest.mark.parametrize(
    ("name", "guess"),
    [
        (
            "mobile-contract",
            "It looks like there's some extra usage on there, maybe from being abroad or "
            "something. Billing handles that side.",
        ),
        (
            "insurance-claim",
            "I think the report should be somewhere on the system. It'll get picked up by "
            "someone soon.",
        ),
    ],
)
def test_an_explanation_given_only_as_a_guess_is_doubted_not_thanked_for(
    name: str, guess: str
) -> None:
    session = play(bundled(name), ["I'm sorry about this.", guess])
    assert "sure" in session.prompt.split(".")[0], session.prompt
    assert not session.prompt.startswith("Thank"), session.prompt
    assert session.turns[-1].needs_open[:1] != (), session.prompt
    assert not {"explanation", "update"} & {m.id for m in session.turns[-1].needs_met}


def test_the_same_explanation_said_plainly_is_taken() -> None:
    session = play(
        bundled("mobile-contract"),
        [
            "I'm sorry about this.",
            "The extra is data roaming from your week in Turkey, which isn't in our Roam Like "
            "Home zone.",
        ],
    )
    assert "sure" not in session.prompt, session.prompt
    assert "explanation" in {m.id for m in session.turns[-1].needs_met}


def test_a_crew_sent_round_within_the_hour_is_not_asked_when_they_are_coming() -> None:
    session = play(
        bundled("council-bins"),
        [
            "Oh Mrs Marsh, that's awful, I'm so sorry. I'll have a crew out to you within the "
            "hour today, and I can promise you personally that your bin will never be missed "
            "again."
        ],
    )
    assert "when is" not in session.prompt.lower(), session.prompt
    assert "collection" in {m.id for m in session.turns[-1].needs_met}


def test_a_remedy_given_only_as_a_guess_is_doubted_not_thanked_for() -> None:
    session = play(
        bundled("airline-delay"),
        [
            "Hi, sorry to hear that. The email goes out automatically.",
            "It was a technical fault with the aircraft. For the food, I'm not sure we cover "
            "that, sorry.",
        ],
    )
    assert "sure" in session.prompt, session.prompt
    assert "food money" not in session.prompt, session.prompt


def test_a_time_told_as_what_happens_next_is_not_asked_for_again() -> None:
    """Told "It'll be in your account within the hour", the customer does not ask when
    she will see the money: the time was said, as what will happen next."""
    session = play(
        bundled("late-parcel"),
        [
            "So sorry Priya! I'll refund the full £64 right now AND send you a brand new set "
            "free, plus a £30 voucher for the hassle. This will never happen to you again, I "
            "guarantee it.",
            "It'll be in your account within the hour, guaranteed. And the new set will be with "
            "you first thing tomorrow, I've told the courier personally.",
        ],
    )
    assert "when will I actually see" not in session.turns[1].response, session.turns[1].response


def test_a_day_told_of_what_went_wrong_is_no_time_given() -> None:
    """An explanation of the past that names a day ("the engineer didn't come on Tuesday
    because…") says nothing of when it will be put right."""
    from roleplay.core.analyse import analyse
    from roleplay.core.conditions import Reply
    from roleplay.core.facts import reply_facts
    from roleplay.core.needs import says_when

    text = "The engineer didn't come on Tuesday because our scheduling system dropped the job."
    scenario = bundled("broadband-outage")
    found = analyse(text)
    reply = Reply(frozenset(found.moves), reply_facts(text, found, scenario), text, 5)
    assert not says_when(reply, found)


def test_an_offer_taken_before_the_need_is_raised_is_not_asked_for_after() -> None:
    """Offered the waiting room before she asks to sit down, and saying yes to it, the
    customer does not then ask whether there is somewhere she can sit."""
    session = play(
        bundled("cancelled-train"),
        [
            "I'm so sorry, madam - it's been cancelled because of a fault on the train. Your "
            "Advance ticket is valid on the next Vale Rail train, the 15:12 to Bristol - I'll "
            "endorse it for you now.",
            "Because you'll arrive around an hour late, you can claim Delay Repay - your £34.50 "
            "back - online within 28 days. I'll print a delay confirmation for you.",
            "Thank you for telling me - that's a safety matter, so I'm calling the station "
            "supervisor on the radio right now to get staff down to platform 2. While they deal "
            "with it, would you like to wait in the warm in the waiting room?",
        ],
    )
    said = session.turns[2].response
    assert said.startswith("Yes"), said
    assert "sit down" not in said, said


def test_a_slot_today_put_as_a_question_is_answered_and_a_clipped_fix_is_taken_in() -> None:
    """Asked "Today ok?" after "Book you in now.", the patient says yes before anything
    else; told "Text flag added.", he thanks for it rather than asking again."""
    session = play(
        bundled("gp-reception"), ["Book you in now. Today ok?", "Sorry. Text flag added."]
    )
    first, second = (turn.response for turn in session.turns)
    assert first.startswith("Yes"), first
    assert "texts" in {m.id for m in session.turns[1].needs_met}, second
    assert "text me" not in second.lower(), second
