"""What a reply did within or beyond the learner's role, read in its scenario.

The replies here are deliberately NOT the module's cue words: other verbs, reordered
clauses, refusals before and after the alternative, reassurance instead of instruction.
Some are real agents' wordings from the unlabelled pool
(``/work/shared/data/unlabelled-agent-replies.jsonl``), marked "real", and some learners'
from ``learner-replies.jsonl``, marked "learner". A test marked ``xfail(strict=True)`` is a
known miss or false alarm: when the rule is fixed, it passes, strict xfail fails, and the
mark comes off.
"""

from __future__ import annotations

from functools import cache

import pytest

from roleplay.core.analyse import analyse
from roleplay.core.conduct import Conduct, conduct, sentence_at, sentences
from roleplay.core.library import ScenarioLibrary
from roleplay.core.scenario import Scenario


@cache
def _scenario(name: str) -> Scenario:
    return ScenarioLibrary().find(name).scenario


def _conduct(name: str, reply: str) -> list[Conduct]:
    return conduct(reply, analyse(reply), _scenario(name))


def _kinds(name: str, reply: str) -> set[str]:
    return {c.kind for c in _conduct(name, reply)}


def _of(name: str, reply: str, kind: str) -> list[Conduct]:
    return [c for c in _conduct(name, reply) if c.kind == kind]


def _gap(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


# --- Money: amounts offered, refused, put for approval ----------------------------------


def test_over_limit_refund_done_in_own_words_is_beyond_authority() -> None:
    found = _of(
        "late-parcel",
        "I'm so sorry. I've refunded the full £64 to your card now.",
        "beyond_authority",
    )
    assert [c.ref for c in found] == ["delivery-promise"]
    assert "£50" in found[0].detail and "team leader" in found[0].detail


def test_refund_within_the_limit_is_an_offer_not_a_fault() -> None:
    kinds = _kinds("late-parcel", "I've refunded £40 to your card.")
    assert "offer" in kinds
    assert "beyond_authority" not in kinds


def test_refusal_then_alternative_offers_only_the_alternative() -> None:
    offers = _of("late-parcel", "I can't do £100 but I can give £30.", "offer")
    assert [c.detail for c in offers] == ["£30"]


def test_over_limit_refund_put_to_the_team_leader_is_approval_not_two_faults() -> None:
    reply = (
        "Refunding £64 is above what I can authorise, so I've asked my team leader to approve it."
    )
    kinds = _kinds("late-parcel", reply)
    assert "needs_approval" in kinds
    assert "beyond_authority" not in kinds


def test_part_given_and_rest_put_for_approval_is_no_fault() -> None:
    reply = "I've refunded £50 now and I've asked my team leader to approve the remaining £14."
    kinds = _kinds("late-parcel", reply)
    assert "beyond_authority" not in kinds
    assert any(c.detail == "refund £50" for c in _of("late-parcel", reply, "offer"))


def test_a_remainder_put_for_approval_with_no_word_of_giving_is_approval() -> None:
    # several money headings share one cap: the rest is over all of them, whatever it is
    reply = (
        "I'm allowed to put £50 back straight away, done, and I've asked my team leader to "
        "approve the remaining £84.60."
    )
    found = _of("mobile-contract", reply, "needs_approval")
    assert [c.ref for c in found] == ["credits"]
    assert "£84.60" in found[0].detail
    assert not _of("mobile-contract", reply, "beyond_authority")


def test_goodwill_knocked_off_the_bill_above_the_limit_is_beyond_authority() -> None:
    reply = "I'll knock £50 off your bill as a goodwill gesture."
    assert [c.ref for c in _of("catch-up-bill", reply, "beyond_authority")] == ["complaints"]


def test_a_voucher_above_the_station_limit_is_beyond_authority() -> None:
    reply = "I'll get you a £10 voucher for the trouble."
    assert _of("cancelled-train", reply, "beyond_authority")


def test_whole_amount_put_back_on_the_card_is_beyond_authority() -> None:
    reply = "I've put the whole £64 back on your card."
    assert _of("late-parcel", reply, "beyond_authority")


@_gap("money: the act after the amount ('I've done it already') is not read as the learner's")
def test_amount_given_back_with_the_act_after_it_is_beyond_authority() -> None:
    reply = "You'll get all £64 back today, I've done it already."
    assert _of("late-parcel", reply, "beyond_authority")


def test_alternative_first_then_refusal_does_not_offer_the_refused_amount() -> None:
    offers = _of("late-parcel", "£30 is what I can do — the £100 isn't.", "offer")
    assert "£100" not in " ".join(c.detail for c in offers)


def test_sign_off_sent_to_a_supervisor_is_approval() -> None:
    reply = (
        "The full £64 is more than I can give, so my supervisor needs to sign that off "
        "— I've sent it to her just now."
    )
    assert _of("late-parcel", reply, "needs_approval")


def test_a_plain_no_ends_the_sentence_so_the_refused_amount_is_not_a_fault() -> None:
    reply = (
        "I'm afraid the answer on the full £64 is no. I've refunded £40 and I can't refund more."
    )
    assert not _of("late-parcel", reply, "beyond_authority")


def test_an_ombudsman_signpost_does_not_turn_a_refund_given_into_approval() -> None:
    reply = (
        "I've refunded the full £64. If you're still unhappy, you can refer this to the ombudsman."
    )
    assert _of("late-parcel", reply, "beyond_authority")


def test_learner_puts_a_full_refund_they_cannot_approve_to_the_team_leader() -> None:
    # learner's wording, with the hotel's manager made this scenario's team leader
    reply = (
        "I am sorry your order had so many problems. A full refund of £64 I cannot approve "
        "myself, so I have sent your complaint to my team leader, and she will reply within "
        "5 working days."
    )
    kinds = _kinds("late-parcel", reply)
    assert "needs_approval" in kinds
    assert "beyond_authority" not in kinds


def test_a_refund_someone_else_approved_earlier_is_not_the_learners_own() -> None:
    reply = (
        "I'm going to take ownership of this from here, so you won't need to explain it "
        "again. I can see the refund of £64.99 was approved on 10 April but never sent to the "
        "payments team. I've sent it through now and it'll reach your card within 3–5 working "
        "days."
    )
    assert not _of("late-parcel", reply, "beyond_authority")


# --- Acts only someone else may do ------------------------------------------------------


def test_pausing_the_letters_yourself_is_beyond_authority() -> None:
    found = _of(
        "partners-account", "I've paused the collection letters for 30 days.", "beyond_authority"
    )
    assert found and "pause collections" in found[0].detail


@pytest.mark.parametrize(
    "reply",
    [
        "What I'll do is put a note on his account that he's in hospital, and I'll pause the "
        "letters for a month so you get some breathing space.",
        "Right, what we're going to do is hold off the letters until he's home.",
    ],
)
def test_an_act_said_as_what_i_will_do_is_still_the_learner_s_own(reply: str) -> None:
    assert _of("partners-account", reply, "beyond_authority")


def test_waiving_a_fee_only_the_specialist_team_may_waive_is_beyond_authority() -> None:
    assert _of("partners-account", "I'll waive the late fee for you.", "beyond_authority")


def test_a_refusal_in_one_sentence_does_not_excuse_the_act_in_the_next() -> None:
    reply = "I can't discuss his account. I'll stop the letters for you."
    found = _of("partners-account", reply, "beyond_authority")
    assert [c.quote for c in found] == ["I'll stop the letters for you."]


def test_transfer_to_the_team_that_can_pause_is_approval_not_a_fault() -> None:
    reply = (
        "If you like, I can transfer you to our specialist support team, "
        "who can put a hold on the letters."
    )
    kinds = _kinds("partners-account", reply)
    assert "needs_approval" in kinds
    assert "beyond_authority" not in kinds


def test_clearing_the_platform_yourself_is_for_the_station_supervisor() -> None:
    reply = "I'll make an announcement myself and clear the platform."
    found = _of("cancelled-train", reply, "beyond_authority")
    assert found and "station supervisor" in found[0].detail


@pytest.mark.parametrize(
    "reply",
    [
        "That was Sam, the station supervisor; he's on his way and he'll sort the announcements "
        "and extra staff.",
        "Our duty supervisor is heading to platform 2 now, and she'll clear the platform.",
    ],
)
def test_the_supervisor_doing_the_platform_work_is_no_act_of_the_learner(reply: str) -> None:
    """The person the limit names does the work: the learner has handed it over, not taken
    it on (a colleague's remedy was once read as the learner's own act)."""
    kinds = _kinds("cancelled-train", reply)
    assert "beyond_authority" not in kinds


@_gap(
    "acts: 'Don't worry, I'll stop the letters' is missed: the own act is sought at the start only"
)
def test_stopping_the_letters_after_a_reassurance_is_beyond_authority() -> None:
    assert _of(
        "partners-account", "Don't worry, I'll stop the letters for you.", "beyond_authority"
    )


@_gap("acts: pausing said in other words ('no more reminders') is not in the limit's words")
def test_no_more_reminders_in_other_words_is_beyond_authority() -> None:
    reply = "I'll make sure you don't get any more reminders."
    assert _of("partners-account", reply, "beyond_authority")


@_gap("acts: a fee waived as 'taken … off' around the amount is read as a plain offer")
def test_late_fee_taken_off_is_beyond_authority() -> None:
    assert _of("partners-account", "I've taken the £12 late fee off.", "beyond_authority")


@_gap("acts: the exit fee waived in other words ('let you go without') is a plain offer")
def test_letting_her_leave_without_the_exit_fee_is_beyond_authority() -> None:
    reply = "We'll let you go without the £180 exit fee."
    assert _of("broadband-outage", reply, "beyond_authority")


def test_a_waiver_named_is_not_a_fee_waived() -> None:
    reply = (
        "You could purchase the tickets on your Platinum Delta SkyMiles American Express "
        "credit card to reach the MQD waiver."
    )
    assert not _of("partners-account", reply, "beyond_authority")


@_gap("acts: only the first sentence using the limit's words is read; the act in the next is lost")
def test_the_act_after_a_sentence_about_who_may_do_it_is_beyond_authority() -> None:
    reply = "The specialist team can pause the letters. I'll pause them myself today."
    assert _of("partners-account", reply, "beyond_authority")


# --- Disclosure of someone else's data -------------------------------------------------


def test_telling_her_he_is_behind_is_a_disclosure() -> None:
    found = _of("partners-account", "He's behind on his payments.", "disclosure")
    assert found and "Steven" in found[0].detail


def test_the_balance_on_his_card_is_a_disclosure() -> None:
    assert _of("partners-account", "There's a balance of £2,340 on his card.", "disclosure")


@pytest.mark.parametrize(
    "reply",
    [
        "I can't discuss what he owes, but I can send you the third-party mandate forms.",
        "I'm afraid I can't tell you whether he owes anything, as the account is in his name only.",
    ],
)
def test_refusing_to_discuss_his_account_is_no_disclosure(reply: str) -> None:
    assert not _of("partners-account", reply, "disclosure")


def test_the_amount_outstanding_said_with_a_thousands_comma_is_a_disclosure() -> None:
    reply = "I can see he's two payments down and there's £2,340 outstanding."
    assert _of("partners-account", reply, "disclosure")


def test_the_debt_read_off_the_screen_is_not_an_offer() -> None:
    reply = "I can see he's two payments down and there's £2,340 outstanding."
    assert not _of("partners-account", reply, "offer")


@_gap("disclosure: missed payments said in other words ('hasn't paid the last two months')")
def test_missed_payments_in_other_words_are_a_disclosure() -> None:
    assert _of("partners-account", "He hasn't paid the last two months, I'm afraid.", "disclosure")


@_gap("disclosure: every sentence ending '?' is skipped, so a fact told as a question is missed")
def test_a_fact_told_inside_a_question_is_a_disclosure() -> None:
    assert _of("partners-account", "Were you aware he's behind on his payments?", "disclosure")


# --- Advice outside the role ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reply", "domain"),
    [
        ("gp-reception", "Just take two of your tablets and have a sit down.", "medical"),
        ("gp-reception", "I'd double up on the tablets tomorrow to catch up.", "medical"),
        ("gp-reception", "It's probably just your blood pressure, you'll be fine.", "medical"),
        (
            "gp-reception",
            "Dizzy spells are really common after a few days off them, it should settle soon.",
            "medical",
        ),
        ("partners-account", "You could take out a loan to clear it.", "financial"),
        ("partners-account", "You should pay off the card with your savings.", "financial"),
        ("catch-up-bill", "You should take them to the small claims court.", "legal"),
        (
            "partners-account",
            "Honestly, you don't need to pay anything on the card while he's in hospital.",
            "financial",
        ),
        ("partners-account", "Don't worry, they can't take your house over this.", "legal"),
    ],
)
def test_advice_outside_the_role_is_found(name: str, reply: str, domain: str) -> None:
    assert [c.ref for c in _of(name, reply, "advice_outside_role")] == [domain]


@pytest.mark.parametrize(
    ("name", "reply"),
    [
        (
            "gp-reception",
            "Please speak to the duty doctor about your tablets, I'm adding you to the triage "
            "list now.",
        ),
        ("gp-reception", "The pharmacist can tell you what to do about the missed tablets."),
        (
            "gp-reception",
            "A headache like that needs the doctor, so I'm telling the duty doctor straight away.",
        ),
        ("partners-account", "StepChange or Citizens Advice can give you free debt advice."),
        ("partners-account", "You might want to speak to Citizens Advice about a loan."),
        (
            "catch-up-bill",
            "You could take us to the Energy Ombudsman now, as it's been over 8 weeks.",
        ),
        ("late-parcel", "You won't need to pay anything for the return postage."),
        ("catch-up-bill", "You don't need to pay the £74, the back-billing rule takes it off."),
    ],
)
def test_signposting_to_someone_qualified_is_not_advice(name: str, reply: str) -> None:
    assert not _of(name, reply, "advice_outside_role")


@_gap("medical: a reassurance about missed pills ('won't do any harm') is not read as advice")
def test_reassurance_that_missed_pills_are_harmless_is_medical_advice() -> None:
    reply = "Missing a couple of days of your blood pressure pills won't do any harm."
    assert _of("gp-reception", reply, "advice_outside_role")


def test_telling_her_to_pay_the_minimum_is_financial_advice() -> None:
    reply = "I'd pay the minimum each month until he's home."
    assert _of("partners-account", reply, "advice_outside_role")


@_gap("financial (real): which card to pay for tickets with is read as financial advice")
def test_paying_for_tickets_by_credit_card_is_not_financial_advice() -> None:
    reply = (
        "You could purchase the tickets on your Platinum Delta SkyMiles American Express "
        "credit card to reach the MQD waiver."
    )
    assert not _of("partners-account", reply, "advice_outside_role")


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(
            "Take two paracetamol and see the doctor if it gets worse.",
            marks=_gap("medical: a referral anywhere in the sentence excuses the advice before it"),
        ),
        pytest.param(
            "I can't book you in today, but take some paracetamol for now.",
        ),
    ],
)
def test_advice_beside_a_referral_or_a_refusal_is_still_advice(reply: str) -> None:
    assert _of("gp-reception", reply, "advice_outside_role")


@pytest.mark.parametrize(
    ("name", "reply"),
    [
        pytest.param(
            "gp-reception",
            "Don't worry, I'll chase your tablets with the prescriptions clerk today.",
        ),
        pytest.param(
            "gp-reception",
            "I'd like to chase your blood pressure tablets for you now.",
        ),
        pytest.param(
            "gp-reception",
            "You need to order your tablets through the app from now on.",
        ),
        pytest.param(
            "partners-account",
            "I'd be happy to send you the forms for his credit card.",
        ),
        pytest.param(
            "partners-account",
            "Don't rush, it's not urgent, the forms can wait.",
        ),
    ],
)
def test_the_roles_own_work_on_medicines_money_or_forms_is_not_advice(
    name: str, reply: str
) -> None:
    assert not _of(name, reply, "advice_outside_role")


# --- Guarantees nobody can keep --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reply"),
    [
        ("late-parcel", "I can assure you this won't ever happen again."),
        ("late-parcel", "Rest assured this will never happen to you again."),
        ("late-parcel", "It won't happen again, I promise."),
        ("catch-up-bill", "I guarantee your next bill will be right."),
    ],
)
def test_a_guarantee_of_what_the_learner_does_not_control_is_found(name: str, reply: str) -> None:
    assert _of(name, reply, "unkeepable_promise")


@pytest.mark.parametrize(
    "reply",
    [
        "I promise I'll call you back at 3pm.",
        # real agents' wordings: promises refused, "definitely" with no guarantee in it
        "Hi there. We're not making any promises. If it does get released we'll let everyone know.",
        "I can't make any promises, but if you ask nicely maybe a Flight Attendant will put "
        "your drink on our tab!",
        "There's lots of different reasons seats in your cabin can change. "
        "It isn't something we can guarantee 100%",
        "We definitely understand your concern. Please backup your iPhone, update and let us "
        "know the result.",
        # learner: "definitely" about the learner's own next step
        "Thank you for letting me know, I'll definitely mention it to the lads so they use "
        "seat covers every time from now on.",
        "I'll definitely ring you tomorrow at ten.",
    ],
)
def test_own_commitments_and_refused_promises_are_no_guarantee(reply: str) -> None:
    assert not _of("late-parcel", reply, "unkeepable_promise")


@pytest.mark.parametrize(
    ("name", "reply"),
    [
        pytest.param("late-parcel", "It will definitely arrive tomorrow."),
        pytest.param(
            "late-parcel", "You'll definitely have the money back in your account by tomorrow."
        ),
        pytest.param(
            "catch-up-bill",
            "Your next bill will be 100% accurate.",
            marks=_gap("guarantee: '100%' counts only when a future verb follows it"),
        ),
        pytest.param(
            "broadband-outage",
            "Your connection will be working again by Friday, guaranteed.",
            marks=_gap("guarantee: a trailing 'guaranteed' has no future verb after it"),
        ),
        pytest.param(
            "late-parcel",
            "I'll make sure this never happens again.",
            marks=_gap("guarantee: 'never happens again' (3rd person -s) is not matched"),
        ),
        pytest.param(
            "late-parcel",
            "You have my word it'll be with you by Friday.",
            marks=_gap("guarantee: 'you have my word' is not a guarantee word"),
        ),
    ],
)
def test_a_guarantee_in_other_words_is_found(name: str, reply: str) -> None:
    assert _of(name, reply, "unkeepable_promise")


@_gap("guarantee (real): 'definitely possible, but it will require …' is read as a guarantee")
def test_definitely_possible_with_a_requirement_is_no_guarantee() -> None:
    reply = (
        "Using that specific graphic card with your Mac Pro is definitely possible, "
        "but it will require Mac OS X 10.5.7 or later."
    )
    assert not _of("late-parcel", reply, "unkeepable_promise")


# --- Sentences and quotes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "first"),
    [
        (
            "I've refunded £4.99 to your card. The courier comes at 10.30 tomorrow.",
            "I've refunded £4.99 to your card.",
        ),
        (
            "Mr. Whitaker, Dr. Patel will see you at 10.30. Is that OK?",
            "Mr. Whitaker, Dr. Patel will see you at 10.30.",
        ),
        (
            "I've credited £1,234.50 to your account. Anything else?",
            "I've credited £1,234.50 to your account.",
        ),
        ("I'll ring at 9.15am. Sorry again!", "I'll ring at 9.15am."),
        ("I'll send it to St. Albans. Thank you.", "I'll send it to St. Albans."),
        ("The total is approx. £64. Sorry about that.", "The total is approx. £64."),
    ],
)
def test_sentences_are_never_cut_inside_an_amount_a_time_or_a_title(reply: str, first: str) -> None:
    split = sentences(reply)
    assert len(split) == 2
    assert reply[split[0].start : split[0].end] == first


def test_a_finding_quotes_the_whole_sentence_with_its_amount_time_and_title() -> None:
    reply = (
        "I've refunded your £4.95 delivery charge, Mrs. Shah, and the courier will call at "
        "10.30 tomorrow."
    )
    found = _of("late-parcel", reply, "offer")
    assert [c.quote for c in found] == [reply]


def test_sentence_at_quotes_the_sentence_around_a_time() -> None:
    reply = "Sorry for the wait. The courier will call at 10.30 tomorrow. Anything else?"
    at = reply.index("10.30")
    start, end = sentence_at(reply, at, at + 5)
    assert reply[start:end] == "The courier will call at 10.30 tomorrow."


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(
            "I'm afraid the answer is no. I'll pass it to my team leader.",
        ),
        pytest.param(
            "It'll be with you by the 21st. Sorry again.",
        ),
    ],
)
def test_a_sentence_ending_in_a_word_like_an_abbreviation_still_ends(reply: str) -> None:
    assert len(sentences(reply)) == 2


def test_a_question_written_without_a_capital_is_a_sentence_of_its_own() -> None:
    split = sentences("pls dont drive it. where is it now?")
    assert [s.text for s in split] == ["pls dont drive it.", "where is it now?"]
    # statements run on in lower case stay one sentence, as before
    assert len(sentences("ok thx. il sort it 2day.")) == 1


def test_every_money_action_a_tutor_may_limit_has_words_for_giving_it() -> None:
    """A limit on a money action with no words for it would never be checked."""
    from roleplay.core.conduct import MONEY_WORDS
    from roleplay.core.scenario import MONEY_ACTIONS

    assert set(MONEY_WORDS) == set(MONEY_ACTIONS)


# --- What the customer is owed, refused ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reply"),
    [
        ("broadband-outage", "I'm afraid the mobile data isn't something we can refund."),
        ("cancelled-train", "Sorry, we don't do Delay Repay on Advance tickets."),
        ("broadband-outage", "You can only claim compensation once it's been down 30 days."),
        ("late-parcel", "We don't do refunds while the trace is still open, I'm afraid."),
    ],
)
def test_refusing_what_the_customer_is_owed_is_withholding_it(name: str, reply: str) -> None:
    """A refund within the learner's own limit, or what a policy gives as of right, said no
    to: the customer is denied what the policy owes them, however politely."""
    assert _of(name, reply, "withheld"), reply


@pytest.mark.parametrize(
    ("name", "reply"),
    [
        ("broadband-outage", "You don't need to claim the compensation, it comes on your bill."),
        ("late-parcel", "I can't refund the full £64 myself, so I've asked my team leader."),
        ("catch-up-bill", "I can't do £100, but I can put £30 goodwill on your account now."),
        ("partners-account", "I can't discuss his account, but I can send you the forms."),
        ("cancelled-train", "Can I not get you on the next train instead?"),
        # a fact, a rule named as the reason, a step put off, the same sentence giving it
        ("partners-account", "There's no mandate on his account yet, so I'll post the forms."),
        ("catch-up-bill", "Bills over a year old can't be charged under the back-billing rule."),
        ("partners-account", "I can't send you the forms until tomorrow, I'm sorry."),
        ("cancelled-train", "The next train isn't until 15:12, but the waiting room is warm."),
        ("gp-reception", "We don't text you at the moment, and I'm sorry; I'll set it up now."),
    ],
)
def test_a_limit_kept_or_a_step_spared_withholds_nothing(name: str, reply: str) -> None:
    """Saying what is beyond one's own limit, sparing the customer a step or refusing what
    the policy forbids is not refusing what they are owed."""
    assert not _of(name, reply, "withheld"), reply


def test_another_customers_bill_told_is_a_disclosure() -> None:
    """A neighbour's name and what she owes, told to make a point, is another customer's
    personal data: the learner may not share it, whatever the scenario's own secrets."""
    reply = "You're not the only one: Mrs Evans next door rang last week and hers was over £600."
    found = _of("catch-up-bill", reply, "disclosure")
    assert found and "another customer" in found[0].detail


@pytest.mark.parametrize(
    "reply",
    [
        "Mr Hughes, your corrected bill is £412.",
        "Dr Patel is on duty today and her list opens at eleven.",
    ],
)
def test_the_customer_or_a_colleague_named_is_no_disclosure(reply: str) -> None:
    assert not _of("catch-up-bill", reply, "disclosure")


def test_waiving_any_late_fees_promises_too_much_but_tells_nothing() -> None:
    """ "I'll waive any late fees" is beyond the adviser's authority, but says nothing of
    whether he has any: no disclosure of his account."""
    kinds = _kinds("partners-account", "I'll also waive any late fees.")
    assert "beyond_authority" in kinds and "disclosure" not in kinds


def test_writing_off_a_bill_said_without_a_sum_is_beyond_authority() -> None:
    reply = "Look, I'll just wipe the whole bill for you, I can do that on my own."
    assert _of("catch-up-bill", reply, "beyond_authority")


def test_money_given_under_no_heading_above_every_limit_is_beyond_authority() -> None:
    found = _of(
        "airline-delay",
        "Don't worry - I'm going to give you £1,000 each, so £4,000, and free flights.",
        "beyond_authority",
    )
    assert found and "under any heading" in found[0].detail


@pytest.mark.parametrize(
    ("name", "reply"),
    [
        ("catch-up-bill", "I can set up a payment plan for the £412 over 18 months."),
        ("cancelled-train", "That's covered by Delay Repay: you get all £34.50 of your fare back."),
        ("airline-delay", "I'm going to give you £40 towards the meals straight away."),
    ],
)
def test_money_spread_owed_by_a_scheme_or_within_a_limit_is_no_fault(name: str, reply: str) -> None:
    assert "beyond_authority" not in _kinds(name, reply)


@pytest.mark.parametrize(
    "reply",
    [
        "So sorry! We'll refund your whole trip, plus £500 each in compensation.",
        "I can personally guarantee £2,000 for your family by tomorrow morning.",
    ],
)
def test_money_added_to_an_offer_or_guaranteed_is_checked_against_the_limit(reply: str) -> None:
    assert _of("airline-delay", reply, "beyond_authority")


@pytest.mark.parametrize(
    ("name", "reply"),
    [
        ("insurance-claim", "I've approved it, and I'm sending £5,000 compensation on top."),
        ("restaurant-allergy", "I'll throw in £100 cash for the upset, no questions asked."),
        ("late-parcel", "And I've sent £80 for the hassle."),
    ],
)
def test_a_sum_given_as_a_gift_above_every_limit_is_beyond_authority(name: str, reply: str) -> None:
    assert _of(name, reply, "beyond_authority"), reply


def test_a_further_sum_put_for_approval_is_approval_of_the_money_it_adds_to() -> None:
    reply = (
        "I can add £25 goodwill, which is my limit, and I've asked my complaints team leader "
        "to approve a further £50 for the two lost mornings."
    )
    found = _of("broadband-outage", reply, "needs_approval")
    assert found and "goodwill of £50" in found[0].detail


# --- Gifts beyond every front-line limit (rule-benders) ----------------------------------


@pytest.mark.parametrize(
    ("name", "reply"),
    [
        # the whole bill or balance cleared, said with or without the amount
        ("mobile-contract", "Leave it with me, I'm scrapping the entire balance for you today."),
        ("mobile-contract", "Honestly, consider the whole lot cleared, you owe us nothing."),
        ("catch-up-bill", "Right, I'm knocking the full bill off for you now."),
        ("mobile-contract", "I'm clearing the £214.60 off your account this afternoon."),
        # something free for months or years
        (
            "broadband-outage",
            "As a thank you, your line rental is on us for the next three months.",
        ),
        ("late-parcel", "I'll make your deliveries free for a whole year."),
        ("catch-up-bill", "And I'll keep your tariff frozen for two years."),
        # a promise with no ceiling on its cost
        ("insurance-claim", "Stay in any accessible hotel you like and we'll cover it."),
        ("insurance-claim", "We'll rebuild the kitchen to your taste, whatever it costs."),
        ("insurance-claim", "We'll put you all in a hotel for as long as you want."),
        ("mobile-contract", "Just name your price and I'll credit it."),
        # money back on years of payments
        ("insurance-claim", "And I'll pay back every premium you've ever paid us."),
        ("broadband-outage", "I'm refunding all your bills since you joined, too."),
        # a free upgrade or travel
        ("airline-delay", "I'm putting four free return flights on your account."),
        ("broadband-outage", "I'll move you up to our top package at no extra cost."),
    ],
)
def test_a_gift_no_front_line_role_may_give_is_beyond_authority(name: str, reply: str) -> None:
    assert _of(name, reply, "beyond_authority"), reply


@pytest.mark.parametrize(
    ("name", "reply"),
    [
        # a payment plan over months is not a gift
        ("catch-up-bill", "You can spread the £412 interest-free over the next 18 months."),
        # a guarantee's term is not a free period
        (
            "garage-repair",
            "Our work is guaranteed for 12 months, so we'll check it over and redo the brakes "
            "for free.",
        ),
        # someone else's to decide, and said so
        ("broadband-outage", "I'll pass it to my team leader, they can waive the £180 for you."),
        (
            "mobile-contract",
            "There's an exit fee of £286 for the 10 months left; waiving it would need my team "
            "leader, and I'll put that to her today.",
        ),
        # what leaving costs for the time left is a charge, not a free period
        (
            "mobile-contract",
            "It doesn't let you leave for free, though: leaving now costs £286 for the 10 "
            "months left.",
        ),
        # refused, not given
        ("mobile-contract", "I'm afraid I can't wipe the whole bill."),
        # a free thing within the role, with no period
        ("late-parcel", "I'll send the replacement out free by tomorrow."),
    ],
)
def test_no_gift_is_found_where_nothing_beyond_the_role_is_given(name: str, reply: str) -> None:
    assert not _of(name, reply, "beyond_authority"), reply


def test_what_the_customer_went_without_told_back_to_them_is_not_a_refusal() -> None:
    reply = "Five hours with two kids and no vouchers is awful, and I'm sorry."
    assert not _of("airline-delay", reply, "withheld")


def test_an_act_named_as_someone_elses_to_do_is_not_the_learners_own() -> None:
    reply = (
        "I'll log this now as a stage 2 complaint for our complaints team - they're the ones "
        "who can look at a payment for your trouble."
    )
    assert not _of("council-bins", reply, "beyond_authority")


@pytest.mark.parametrize(
    "reply",
    [
        "I'll ask Sam to take the whole bill off. She's the one who can do that.",
        "Let me get our duty manager to knock the entire bill off for you.",
        "I've asked the manager on tonight to put the whole meal on the house.",
    ],
)
def test_an_act_asked_of_someone_else_is_put_to_them_not_done_beyond_authority(
    reply: str,
) -> None:
    """Asking a colleague to do what only they may do is the right move, not a promise
    beyond the learner's authority."""
    kinds = _kinds("restaurant-allergy", reply)
    assert "beyond_authority" not in kinds, reply
    assert "needs_approval" in kinds, reply


def test_an_act_the_learner_asks_the_customer_to_accept_is_still_their_own() -> None:
    kinds = _kinds("restaurant-allergy", "I'll take the whole bill off myself, no need to ask.")
    assert "beyond_authority" in kinds
