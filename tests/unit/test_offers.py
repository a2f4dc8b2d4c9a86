"""Things a reply gives besides what the customer needs are named, thanked for or doubted."""

from __future__ import annotations

import pytest

from roleplay.core.analyse import analyse
from roleplay.core.dialogue import play
from roleplay.core.library import ScenarioLibrary
from roleplay.core.needs import catalogue
from roleplay.core.offers import offered_things
from roleplay.core.scenario import Scenario


def things(reply: str) -> tuple[str, ...]:
    return offered_things(analyse(reply), catalogue().offered_things)


def bundled(name: str) -> Scenario:
    found = ScenarioLibrary.load().get(name)
    assert found is not None
    return found.scenario


@pytest.mark.parametrize(
    ("reply", "named"),
    [
        ("We'll give you a brand new courtesy car for a month.", ("the brand new courtesy car",)),
        ("We'll put you up in a five-star hotel until it's done.", ("the five-star hotel",)),
        ("I'll put £100 compensation on your account as well.", ("£100 compensation",)),
        ("I'll book your taxi now, it'll be out front in ten minutes.", ("the taxi",)),
        # whatever it is, a thing given free or new is given
        ("We'll install a free smart meter this week.", ("the free smart meter",)),
        ("I'll send you a new phone of your choice.", ("the new phone",)),
        ("I'm giving you a brand new set of bins.", ("the brand new set of bins",)),
        # the rest of the remedy's sentence gives too
        (
            "I'll refund every rise back to day one, plus a free new handset next month.",
            ("the free new handset",),
        ),
        # a thing pointed at is named as the thing ("the ticket", not "the that ticket")
        ("u can jump on the 15:12 wiv that ticket no probs", ("the ticket",)),
        ("I'll swap this ticket for a first-class one.", ("the ticket",)),
        # a verb's particle is no part of the thing ("putting through £1,400 compensation")
        (
            "Yes, that's right. I'm putting through £1,400 compensation for the four of you.",
            ("£1,400 compensation",),
        ),
        # a list of things given is not read as one thing
        (
            "I'll make six months completely free, £200 compensation on top.",
            ("£200 compensation",),
        ),
    ],
)
def test_a_thing_given_is_named_as_the_customer_would(reply: str, named: tuple[str, ...]) -> None:
    assert things(reply) == named


@pytest.mark.parametrize(
    "reply",
    [
        "You can book any hotel you like on us.",  # nothing given yet
        "The payment goes to the card you paid with by Friday.",  # spoken of, not given
        "Would you like a taxi to Bristol?",  # an offer put as a question is accepted elsewhere
        # the question mark closes the sentence, far from the remedy's words
        "Would you like me to fetch the new label from the kitchen so you've got it for them?",
        "I can't give you a courtesy car, I'm afraid.",  # refused
        # described, not given
        "I've checked the label. It's a new supplier's pesto and it has cashews in it.",
        # a place the remedy is done to, listed after another: spoken of, not given
        "I've accepted your claim, and I'll instruct the repairs to the hall and kitchen.",
    ],
)
def test_a_thing_only_spoken_of_is_not_named(reply: str) -> None:
    assert things(reply) == ()


def test_a_lavish_offer_is_doubted_by_name() -> None:
    session = play(
        bundled("cancelled-train"),
        [
            "Oh you poor thing, I'm so sorry. I'm upgrading you to first class on the 15:12 for "
            "free, and I'll order you a taxi at the other end too."
        ],
    )
    assert session.turns[-1].reaction == "too_good"
    assert session.prompt.startswith("The taxi? ")


def test_a_thing_given_besides_a_need_met_is_thanked_for_with_it() -> None:
    session = play(
        bundled("restaurant-allergy"),
        ["I'm very sorry. I'll get the label for the pesto from the kitchen for you."],
    )
    assert "the label" in session.prompt.split(".")[1]


def test_a_thing_given_without_an_article_is_named_with_one() -> None:
    assert things("I will give you vouchers for the café.") == ("the vouchers",)


def test_after_thanks_for_the_engineer_the_line_does_not_take_it_in_again() -> None:
    reply = "hi joanna sry bout all this, 9 days is rubbish. ive booked u an engineer thurs 8-1"
    line = play(bundled("broadband-outage"), [reply]).prompt
    assert "booking the engineer" in line
    assert "An engineer, then." not in line


def test_an_answer_and_the_line_after_it_do_not_say_the_same_short_sentence_twice() -> None:
    reply = (
        "Hi Rebecca, sorry to hear that. Can I check, have you been abroad recently? And did "
        "you get a new SIM at any point this year?"
    )
    line = play(bundled("mobile-contract"), [reply]).prompt
    assert line.count("haven't changed anything") == 1


def test_a_need_only_asked_up_for_is_thanked_for_as_passed_on_not_as_sorted() -> None:
    replies = [
        "I'm sorry about the bill and the call-back.",
        "The £179.60 is roaming from Turkey.",
        "I can't do more than £50 myself, so I'll ask my team leader about the rest today and "
        "message you by 5pm.",
    ]
    line = play(bundled("mobile-contract"), replies).prompt
    assert "passing it on" in line
    assert "sorting the roaming charges" not in line


def test_a_first_aider_fetched_keeps_the_tutors_own_thanks() -> None:
    reply = "I'm so sorry. I'm getting Sam, our first aider, to your table right now."
    line = play(bundled("restaurant-allergy"), [reply]).prompt
    assert "getting help so quickly" in line


def test_a_second_lavish_offer_is_doubted_in_other_words_not_passed_over() -> None:
    # "I'll believe that when I see it." was said once, named ("6 months free unlimited
    # data? I'll believe…"); the next promise is doubted in the other words, not let pass
    session = play(
        bundled("mobile-contract"),
        [
            "So sorry Rebecca! I've wiped the whole £214.60 bill, you don't owe us a penny this "
            "month, and I've added 6 months free unlimited data as a thank you for your patience.",
            "Doesn't matter now, they're all gone! I've also cancelled the £3 April rise for the "
            "rest of your contract and I'll send you a new phone of your choice.",
        ],
    )
    first, second = session.turns
    assert first.reaction == second.reaction == "too_good"
    assert "believe that when I see it" in first.response
    assert second.response.startswith(
        "The £3 April rise and the new phone? Are you sure you're allowed"
    )


def test_a_thing_given_that_is_the_need_just_met_is_thanked_for_once() -> None:
    from roleplay.core.needs import NeedMet, NeedsState, needs_of, thank

    scenario = bundled("catch-up-bill")
    state = NeedsState.start(needs_of(scenario), scenario.start)
    need = next(n for n in state.needs if n.thanks and "credit" in n.thanks)
    said = thank(
        [NeedMet(need.id, 1, "I'm adding a £30 credit")], state, 6, also=["the £30 credit"]
    )
    assert said is not None and said.count("credit") == 1


def test_a_lavish_offer_that_meets_a_need_is_still_doubted_by_name() -> None:
    session = play(
        bundled("insurance-claim"),
        [
            "Dear Claire, I'm so sorry. I've approved your claim in full today, and I'll book "
            "you into a fully accessible hotel for as long as it takes, all on us. Best wishes, "
            "Sam"
        ],
    )
    assert session.turns[-1].reaction == "too_good"
    assert "hotel? " in session.prompt.split(".")[0]


@pytest.mark.parametrize(
    "reply",
    [
        # three things done, one of them money with no thing named
        "Mr Mehta, I'm so sorry. I'll refund all £435 today, fit four new tyres free, and "
        "lend you a courtesy car for a month.",
        # three things done, none of them with a sum
        "I'm so sorry. I'll refund all four tickets in full, pay the compensation on top, and "
        "throw in free flights for the whole family next summer.",
    ],
)
def test_a_promise_of_three_things_is_doubted_as_a_whole(reply: str) -> None:
    # naming two of three would pass over the third, often the biggest ("the £435 back")
    scenario = "garage-repair" if "Mehta" in reply else "airline-delay"
    session = play(bundled(scenario), [reply])
    assert session.turns[-1].reaction == "too_good"
    assert session.prompt.startswith("All of that? ")


@pytest.mark.parametrize(
    ("scenario", "reply", "named"),
    [
        (
            "garage-repair",
            "Mr Mehta, I'm so sorry. I'll refund the whole £435 today and send a brand new hire "
            "car for the week.",
            "£435 and the brand new hire car? ",
        ),
        (
            "catch-up-bill",
            "Mr Hughes, I'm so sorry. I'm cancelling the whole £486 right now - you won't pay a "
            "penny of it - and I'll add £250 compensation for the call-backs.",
            "£486 and £250 compensation? ",
        ),
    ],
)
def test_money_promised_with_a_thing_is_doubted_with_it(
    scenario: str, reply: str, named: str
) -> None:
    # the money is usually the bigger promise: doubting only the car passes over it
    session = play(bundled(scenario), [reply])
    assert session.turns[-1].reaction == "too_good"
    first = session.prompt.split("?")[0] + "? "
    assert first.endswith(named), session.prompt


def test_a_third_lavish_promise_is_doubted_afresh_not_passed_over() -> None:
    session = play(
        bundled("insurance-claim"),
        [
            "Dear Ms Donnelly, I'm so sorry. I've approved your claim in full today and I'm "
            "sending £5,000 compensation on top for the distress.",
            "We'll also pay for a brand new kitchen, and a hotel for you and the children for as "
            "long as you like.",
            "I'll refund all your premiums for the last three years as well.",
        ],
    )
    doubts = [t.response for t in session.turns if t.reaction == "too_good"]
    assert len(doubts) == 3
    openings = [d.split("?")[0] if "?" in d[:40] else d.split(".")[0] for d in doubts]
    assert len(set(openings)) == 3, doubts


def test_a_yes_to_one_of_several_things_asked_says_which() -> None:
    """Asked whether Sam should be fetched, and then about symptoms and the auto-injector,
    the customer's yes names what it is for, and the other questions are still answered."""
    session = play(
        bundled("restaurant-allergy"),
        [
            "What did the waiter tell you exactly? Which dish did you order? How much has he "
            "eaten?",
            "Yes, shall I fetch Sam, our duty manager? She's our first aider. Does Leo have "
            "any symptoms at the moment? Do you have his auto-injector with you?",
        ],
    )
    assert session.prompt.startswith("Yes. Fetch Sam."), session.prompt
    assert "pens" in session.prompt, session.prompt


def test_each_of_several_offers_is_taken_up_by_name() -> None:
    """Offered a delay confirmation, a voucher and a seat in the waiting room, the customer
    takes up each, naming it, not only the first."""
    session = play(
        bundled("cancelled-train"),
        [
            "Can I see your ticket, please? Where are you heading to in Bristol? Is it somewhere "
            "you need to be at a particular time?",
            "Sorry, yes. Did you know your Advance ticket can be used on the next Vale Rail "
            "train, the 15:12? Shall I endorse it for you? Would that still get you there for "
            "part of the concert?",
            "Yes, it is - didn't I say? It's valid on the 15:12, so shall I endorse it now? And "
            "have you heard of Delay Repay?",
            "Would you like me to print a delay confirmation for your claim? And would a £5 "
            "refreshment voucher help while you wait? Do you want to sit in the waiting room?",
        ],
    )
    said = session.turns[-1].response
    for named in (
        "print a delay confirmation",
        "£5 refreshment voucher",
        "sit in the waiting room",
    ):
        assert named in said, said


def test_an_offer_before_an_answered_question_and_one_after_it_are_both_taken_up() -> None:
    """A payment plan offered first, a monthly sum asked, and a credit offered last: the
    customer says yes to the plan, answers the sum, and says yes to the credit too."""
    session = play(
        bundled("catch-up-bill"),
        [
            "I'm sorry to hear that, Mr Hughes. Which app do you use? Did you get a confirmation?",
            "Would it surprise you to hear they're all sitting in an error log after an app "
            "update 14 months ago? Shall I re-bill you from your own readings now? And did you "
            "know we can't charge for energy used more than 12 months back when it's our fault?",
            "Would a payment plan help - I can spread the £412 over up to 18 months? Would "
            "around £23 a month be manageable? And can I also put £30 on your account for the "
            "call-backs you were promised that never came?",
        ],
    )
    said = session.turns[-1].response
    assert "a payment plan" in said, said
    assert "£25 a month" in said, said
    assert "£30 too" in said, said


def test_a_closing_anything_else_does_not_make_one_offer_two_yeses() -> None:
    session = play(
        bundled("catch-up-bill"),
        [
            "I'm sorry to hear that, Mr Hughes. Which app do you use?",
            "Shall I re-bill you from your own readings now?",
            "Great, shall I set up a plan at £23 a month then? And is there anything else "
            "about the call-backs you'd like me to look at?",
        ],
    )
    said = session.turns[-1].response
    assert said.count("Yes") == 1, said


def test_a_yes_to_the_only_thing_asked_needs_no_naming() -> None:
    session = play(
        bundled("restaurant-allergy"),
        ["I'm so sorry. Shall I fetch Sam, our duty manager? She's our first aider."],
    )
    assert "Fetch Sam" not in session.prompt, session.prompt
    assert session.prompt.startswith("Yes"), session.prompt


@pytest.mark.parametrize(
    ("asked", "said"),
    [
        (
            "Shall I ask the waste operations supervisor whether they can send a crew out today, "
            "then?",
            "Yes, ask the waste operations supervisor, please.",
        ),
        (
            "Would you like me to log a formal complaint about the call-back that never came?",
            "Yes, log a formal complaint, please.",
        ),
        ("Shall I set the £45 cap on your SIM right now?", "Yes, set the £45 cap, please."),
        # cut where "that" would begin a clause, the doing names nothing: no "Yes, put."
        ("Shall I put exactly that on the note the crew see in their cab?", ""),
        # "that" just after the verb is what is done, not a clause
        ("Shall I put that in the call notes for you?", "Yes, put that in the call notes, please."),
        (
            "Would you like me to log that now and pass it to the practice manager?",
            "Yes, log that now, please.",
        ),
        # a phrase after a pronoun still belongs to the doing; a trailing "then" does not
        ("Great, shall I set it at £23 then?", "Yes, set it at £23, please."),
        # what is checked is said with the check: no "Yes, check."
        (
            "Would it help if I checked whether the spend cap was set on your SIM?",
            "Yes, check whether the spend cap was set, please.",
        ),
        ("Honestly, I'd say no - shall we not risk it?", ""),
        # help put as what the learner might do, said back in the plain form of its verb
        (
            "So would it help if I re-billed you from your own readings now?",
            "Yes, re-bill me from my own readings now, please.",
        ),
        (
            "What if we sent our recovery truck for it instead?",
            "Yes, send your recovery truck, please.",
        ),
        ("Would it help if I booked you in here at the desk?", "Yes, book me in here, please."),
        (
            "Would you be OK if I took £15 off now and asked Sam about the rest?",
            "Yes, take £15 off now, please.",
        ),
        # a thing offered, and a kindness that is the customer's own to take
        (
            "And would a £5 refreshment voucher help while you wait?",
            "Yes, a £5 refreshment voucher, please.",
        ),
        ("Would you like their details?", "Yes, their details, please."),
        (
            "And would you like to wait in the waiting room rather than on the platform?",
            "Yes, I'll wait in the waiting room.",
        ),
        (
            "Would it help if I explained how you could apply?",
            "Yes, explain how I could apply, please.",
        ),
    ],
)
def test_a_named_yes_says_the_doing_in_few_words_and_never_trails_off(
    asked: str, said: str
) -> None:
    from roleplay.core.needs import named_yes

    assert named_yes(asked, 5) == said


def test_offered_to_have_it_done_or_do_it_again_themselves_the_customer_lets_it_be_done() -> None:
    """Offered the claim reopened, or a fresh claim made online, the customer does not take
    on the work again, and is not answered as if asked how they claimed."""
    session = play(
        bundled("airline-delay"),
        [
            "I'm sorry for the delay and for the confusing email. The delay was caused by a "
            "technical fault with the aircraft, which doesn't count as extraordinary "
            "circumstances.",
            "I can't approve compensation myself, but I can reopen the claim and send it to the "
            "claims team. Would you like me to do that, or would you rather make a fresh claim "
            "online?",
        ],
    )
    assert "rather make a fresh claim" not in session.prompt, session.prompt
    assert "Online, on your website" not in session.prompt, session.prompt


@pytest.mark.parametrize(
    "reply",
    [
        "I'm so sorry, that must be really frustrating. I can send a replacement out on "
        "next-day delivery today, or refund you. Which would you prefer?",
        "Sorry about that. Would you like a replacement, or a refund?",
    ],
)
def test_a_refund_picked_is_not_then_asked_for_as_if_the_other_was_chosen(reply: str) -> None:
    # the pick settles the refund; the sum she wants is held to, not asked for as "rather"
    said = play(bundled("late-parcel"), [reply]).prompt
    assert "rather" not in said, said
    assert "The full £64, mind." in said, said


def test_offered_a_replacement_or_their_money_back_they_still_pick_what_they_asked_for() -> None:
    from roleplay.core.needs import accepts_offer

    said = accepts_offer(
        "Would you like me to send a replacement, or would you rather have your money back?",
        6,
        frozenset({"resolve"}),
        "my money back refund",
    )
    assert said == "I'd rather have my money back."


@pytest.mark.parametrize(
    ("reply", "wants", "said"),
    [
        # two things the learner can do, put as a statement, then "which?": a time and a
        # hyphenated word inside an option do not hide the choice
        (
            "I can send a replacement out on next-day delivery today, or refund you. Which "
            "would you prefer?",
            "my money back",
            "Refund me, please.",
        ),
        (
            "I can book a return collection for the next working day, which is tomorrow, or I "
            "can ask the waste operations supervisor whether a crew can come today. Which "
            "would you prefer?",
            "emptied today, I hope",
            "Ask the waste operations supervisor whether a crew can come today, please.",
        ),
        (
            "I can book a return collection for the next working day, which is tomorrow, or I "
            "can ask the waste operations supervisor whether a crew can come today. Which "
            "would you prefer?",
            "",
            "Book a return collection for the next working day, please.",
        ),
        # two things the customer can do, put as "two choices:"
        (
            "You have two choices: travel on the 15:12 with your Advance ticket, or I can "
            "refund the ticket in full. Which would you like?",
            "",
            "I'll travel on the 15:12 with my Advance ticket.",
        ),
        ("So would you like to take the 15:12 to Bristol, or have the refund?", "", None),
        # the second option is the learner's own doing ("or shall I…")
        (
            "Would you like tomorrow's return collection, or shall I ask the supervisor about "
            "today?",
            "today, please",
            "Ask the supervisor about today, please.",
        ),
        (
            "Would you like tomorrow's return collection, or shall I ask the supervisor about "
            "today?",
            "",
            "Tomorrow's return collection, please.",
        ),
    ],
)
def test_a_choice_of_two_is_answered_with_a_pick_not_a_bare_yes(
    reply: str, wants: str, said: str | None
) -> None:
    """Put a choice of two, the customer names the one they take, never "Yes, all right.",
    which would not say which."""
    from roleplay.core.needs import accepts_offer

    answer = accepts_offer(reply, 6, frozenset({"resolve"}), wants)
    assert answer, reply
    assert not answer.startswith("Yes"), answer
    if said is not None:
        assert answer == said


def test_a_booking_only_offered_as_one_of_two_is_not_thanked_for_as_made() -> None:
    """Asked whether she wants tomorrow's collection or the supervisor asked about today,
    the customer picks one; she does not thank the learner for booking the collection, nor
    take a remark on what the crew should do as the remedy."""
    session = play(
        bundled("council-bins"),
        [
            "Mrs Marsh, I'm very sorry. Six weeks without your bin being emptied, when you're on "
            "the assisted list and the crew should be collecting it from beside your back gate, "
            "simply isn't acceptable. I can book a return collection for the next working day, "
            "which is tomorrow, or I can ask the waste operations supervisor whether a crew can "
            "come out today. Which would you prefer?"
        ],
    )
    said = session.turns[0].response
    assert "booking the collection" not in said, said
    assert not said.startswith("Yes"), said
    assert "please" in said.split(".")[0], said


@pytest.mark.parametrize(
    ("question", "taken"),
    [
        ("Shall I endorse it for you?", True),
        ("Should I stamp your ticket for the 15:12?", True),
        ("Shall we get the form started?", True),
        # a pitch, or a question about the talk itself, offers no help
        ("Shall I tell you about our new tariff?", False),
        ("Shall I be honest with you?", False),
    ],
)
def test_shall_i_offers_whatever_the_verb(question: str, taken: bool) -> None:
    from roleplay.core.needs import accepts_offer

    assert bool(accepts_offer(question, 5, frozenset(), "")) is taken


def test_a_ticket_said_to_be_usable_in_a_question_is_not_asked_about_after() -> None:
    said = play(
        bundled("cancelled-train"),
        [
            "Can I see your ticket, please?",
            "Sorry, yes. Did you know your Advance ticket can be used on the next Vale Rail "
            "train, the 15:12? Shall I endorse it for you?",
        ],
    ).prompt
    assert "any good on the next train" not in said, said
    assert "Endorse it" in said, said


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # a sum's thousands are no place to cut the doing
        (
            "And shall I pay £1,000 now towards your taxis?",
            "Yes, pay £1,000 now towards my taxis, please.",
        ),
        # "you" who are something is "I" who am it
        (
            "Shall I tell them you're worried about the house?",
            "Yes, tell them I am worried, please.",
        ),
        ("Shall I tell them you are worried?", "Yes, tell them I am worried, please."),
        # the learner's text-speak is not said back
        ("shall i split it over up 2 18 months?", ""),
    ],
)
def test_a_named_yes_says_the_doing_as_the_customer_would(question: str, said: str) -> None:
    from roleplay.core.needs import named_yes

    assert named_yes(question, 5) == said


def test_a_choice_put_in_text_speak_is_picked_without_saying_it_back() -> None:
    said = play(
        bundled("catch-up-bill"),
        [
            "sorry bout that. whats ur acc no",
            "ye its a lot. i can split it over up 2 18 months, roughly £23 a month, or fewer if u "
            "want. which wud u like?",
        ],
    ).prompt
    assert "up 2" not in said, said
