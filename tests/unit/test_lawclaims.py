"""Claims about the law: misstatements caught in wordings unlike the catalogue's, correct
statements left alone, the wrong Act found, and whether a law named fits and is explained.

The sentences here are deliberately NOT the catalogue's patterns or uk-law.md's examples:
passives, reordered clauses, other verbs, negations. A rule fitted to one sentence fails them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.core.lawclaims import LawClaim, law_claims, law_given_to_refuse
from roleplay.core.legislation import bundled_catalogue, load_catalogue
from roleplay.core.scenario import Scenario, load_scenario

REPO = Path(__file__).resolve().parents[2]


def _scenario(name: str) -> Scenario:
    loaded, problems = load_scenario(REPO / "scenarios" / f"{name}.yaml")
    assert loaded is not None, problems
    return loaded.scenario


def _claims(reply: str, scenario: Scenario | None = None) -> list[LawClaim]:
    return law_claims(reply, scenario, bundled_catalogue())


def _wrong(reply: str, scenario: Scenario | None = None) -> list[LawClaim]:
    return [c for c in _claims(reply, scenario) if c.kind == "misstatement"]


# Each misstatement in a wording of its own, with a word its correction must contain.
MISSTATED = [
    # a flight sum the law does not set, even for a party
    ("The flight compensation comes to £1,300 for the four of you.", "£350"),
    # wrong party: passive, reordered, risk said to move on a scan
    ("Once a parcel has been scanned as delivered, responsibility is passed to you.", "risk"),
    # wrong party, offered as the easy way rather than a rule
    ("Your best bet is to take it up with the courier directly.", "courier"),
    ("Honestly the quickest way is to ring the delivery firm yourself.", "courier"),
    ("It's your problem now, because the tracking shows it was delivered.", "risk"),
    # learner spelling: no apostrophes, an adverb before "our"
    ("Under the Consumer Rights Act the risk passes to you when its delivered.", "risk"),
    ("Once its marked delivered its not really our responsibility, sorry.", "risk"),
    ("Faults like this are dealt with by the maker, not us.", "retailer"),
    ("Please get in touch with the manufacturer about the fault, they'll sort it.", "retailer"),
    # the right Act with a wrong time limit
    ("Under the Consumer Rights Act you've got 14 days to reject a faulty item.", "30 days"),
    ("The Consumer Rights Act gives you six months to make a claim for a fault.", "6 years"),
    ("Your statutory rights ran out once six months had passed.", "6 years"),
    # the wrong Act for data, and for a refund
    ("The Equality Act means I can't give out your partner's details.", "Data Protection"),
    ("As per the Consumer Rights Act we cannot share anything on your wife's account.", "Data"),
    ("Under the Data Protection Act you're owed a full refund for the faulty toaster.", "Consumer"),
    # rights denied
    ("As it was bought in the sale we're unable to refund it.", "whatever price"),
    ("Faulty goods are exchanged for a voucher only, we don't give money back.", "money back"),
    ("We can only accept the return if it comes back in its original packaging.", "packaging"),
    ("Since it's been more than a month there's nothing more we can do.", "repair"),
    # data protection misused, both ways
    ("My colleague will be able to go through your husband's balance with you.", "authority"),
    ("Because of GDPR we're not allowed to tell you anything about your own account.", "own"),
    # ombudsman routes
    ("This can be referred to the Energy Ombudsman today if you like.", "8 weeks"),
    ("The ombudsman won't accept your complaint until we've issued a deadlock letter.", "8 weeks"),
    # rules that are not law, and other laws
    ("We're legally allowed to back-bill you for up to three years.", "12 months"),
    ("Legally we can charge all of it, the six-year rule covers that.", "12 months"),
    ("Chargeback is your legal right under the Consumer Credit Act.", "card-scheme"),
    ("As bad weather caused the delay, you aren't entitled to meals or a hotel.", "whatever"),
    ("UK261 only pays compensation when a flight is more than five hours late.", "3 hours"),
    ("Delay Repay will pay you £350 for the cancelled train.", "share of the fare"),
    ("Under the Equality Act deaf patients always get seen first.", "priority"),
    ("You'll get a copy of your data within 40 days of your subject access request.", "one month"),
    ("Your landlord has 90 days to protect your deposit in a scheme.", "30 days"),
    ("Section 75 protects your debit card purchase too.", "chargeback"),
    ("You bought it online, so there is no right to cancel if you change your mind.", "14"),
    ("We don't accept returns of faulty goods without the box, I'm afraid.", "packaging"),
    ("You'll have to go through the warranty company, it's not our responsibility.", "retailer"),
    ("The back-billing law means we can't charge more than 12 months.", "Ofgem"),
    ("You can take this to the Financial Ombudsman straight away.", "8 weeks"),
    ("Once it's been left with a neighbour it's your responsibility, not ours.", "risk"),
    ("The Consumer Rights Act lets you cancel your broadband within 30 days.", "reasonable care"),
    ("Ofcom's automatic compensation is a legal right under the Consumer Rights Act.", "scheme"),
    ("Under the Equality Act you have to tell us in writing what you need.", "anticipate"),
    ("The Consumer Credit Act says I can't discuss his account with you.", "Data Protection"),
    ("The Financial Ombudsman only accepts it within 8 weeks of our final response.", "6 months"),
    ("As his wife you're entitled to see his account under data protection.", "authority"),
    ("If it's faulty you'll have to pay a restocking fee on the return.", "no fee"),
    ("Digital downloads can't be refunded even if they're faulty.", "digital content"),
    ("If you cancel, we'll refund the item but not the original delivery charge.", "outward"),
    ("Unhappy with how we handled his data, you can complain to the ombudsman.", "ICO"),
    ("under consumer law once its marked delivered its down to u", "risk"),
    ("The CRA says once the courier has scanned it as delivered it's not our problem.", "risk"),
]


@pytest.mark.parametrize(("reply", "word"), MISSTATED)
def test_a_misstatement_in_other_words_is_caught_with_its_correction(reply: str, word: str) -> None:
    wrong = _wrong(reply)
    assert wrong, reply
    assert any(word in c.detail for c in wrong), [c.detail for c in wrong]
    assert all(c.quote and c.quote in reply for c in wrong)


CORRECT = [
    # the learner asking the caller for the details, not telling her his account
    "Can you give me his card number, please?",
    "You have 30 days to reject a faulty item for a full refund.",
    "Under the Consumer Rights Act you're entitled to a repair or replacement, as it's been more "
    "than 30 days.",
    "You don't need the original packaging to return a faulty item.",
    "You don't have to contact the courier, we'll sort it out for you.",
    "I'll contact the courier myself today and chase the driver's photo.",
    "It's showing as delivered, but that doesn't make it your responsibility.",
    "The parcel remains our responsibility until it reaches you.",
    "Data protection means I can't discuss your husband's account without his authority.",
    "Once he's signed a third-party mandate, we can discuss his account with you.",
    "Because it's been more than 8 weeks, you can take this to the Energy Ombudsman now.",
    "If you're not happy with our final response, you can go to the Financial Ombudsman Service.",
    "Under the Equality Act we should make reasonable adjustments, like texting you instead.",
    "After six months you may need to show the fault was there when it was delivered.",
    "You can cancel within 14 days of delivery, as you bought it online.",
    "Your flight arrived 4 hours late, so you're entitled to £350 compensation under UK261.",
    # the law's sum told as what it comes to for the party
    "The flight compensation comes to £1,400 for the four of you, paid by Friday.",
    "For the two of you the flight compensation is £440 in total.",
    "As you paid £850 by credit card, section 75 makes the card issuer jointly liable.",
    "Our back-billing rule means we can't charge for energy used more than 12 months ago.",
    "Before I go into the account I'll need your postcode, as data protection rules require.",
    "I can't refund the £64 myself, but I've asked my team leader to approve it.",
    "We'll answer your subject access request within one month.",
    "Section 75 doesn't cover debit cards, but you could ask your bank about a chargeback.",
    "As the item was personalised, the 14-day right to cancel doesn't apply.",
    "I can give you a full refund to your card, or store credit if you'd prefer.",
    "Data protection means I need to check your identity before I discuss your account.",
    "Ofgem's back-billing rule means we can't charge for more than 12 months.",
    "It's the courier's fault, not ours, but I'll sort it out for you today.",
    "Ofcom's automatic compensation scheme pays you for every day without service.",
    "I've re-billed the full 14 months from your own readings.",
    "If you cancel, we'll refund the item and the standard delivery, but not the return postage.",
    "There's no fee for returning a faulty item and we'll refund you in full.",
    "I can't share his details, but you can go to the Financial Ombudsman after 8 weeks.",
    "As it's been more than 8 weeks you can go to the Energy Ombudsman, and I'll send you "
    "their details.",
    "Citizens Advice can help with the forms; I'll email you their contact details today.",
    "We can't bill you for anything more than a year old when it was our fault, that's the "
    "back-billing rule.",
]


@pytest.mark.parametrize("reply", CORRECT)
def test_a_correct_statement_is_not_flagged(reply: str) -> None:
    assert _wrong(reply) == [], reply


@pytest.mark.parametrize(
    "reply",
    [
        "Under data protection law I can only discuss the account with him or with someone he "
        "has authorised, so I can't tell you the balance today.",
        "The card's in his sole name, so I'm only able to go over it with him.",
        "GDPR means I can only talk through the account with a person he's nominated.",
    ],
)
def test_saying_who_alone_may_hear_the_account_is_no_misstatement(reply: str) -> None:
    """The model refusal names who may hear the account ("only with him"): reading "can
    discuss the account" without its "only" turned a correct answer into an error."""
    assert _wrong(reply, _scenario("partners-account")) == [], reply


def test_two_errors_in_one_sentence_are_two_findings_each_quoting_its_clause() -> None:
    reply = "Sorry, you only had 14 days to send it back, so you must take it up with the maker."
    wrong = _wrong(reply)
    assert len(wrong) == 2
    assert "14 days" in wrong[0].quote and "maker" not in wrong[0].quote
    assert "maker" in wrong[1].quote


def test_one_claim_fitting_two_families_is_one_error() -> None:
    wrong = _wrong("Under the Consumer Rights Act you're owed £220 compensation for the train.")
    assert len(wrong) == 1
    assert "Delay Repay" in wrong[0].detail


def test_another_sectors_ombudsman_is_the_wrong_party() -> None:
    """An energy customer sent to the Financial Ombudsman is sent to the wrong body; the
    Energy Ombudsman, and a bank's customer to the Financial Ombudsman, are right."""
    wrong = "It's past 8 weeks, so you're free to take this to the Financial Ombudsman Service."
    right = "It's past 8 weeks, so you're free to take this to the Energy Ombudsman."
    bank = "After 8 weeks you can take it to the Financial Ombudsman Service."
    assert _wrong(wrong, _scenario("catch-up-bill"))
    assert not _wrong(right, _scenario("catch-up-bill"))
    assert not _wrong(bank, _scenario("partners-account"))


def test_an_nhs_complaint_window_said_too_short_is_a_wrong_time_limit() -> None:
    """A patient has 12 months to complain; "six weeks" would shut most of them out. The
    practice's own 3-working-day acknowledgement is no time limit on the patient."""
    gp = _scenario("gp-reception")
    assert _wrong("You've only got six weeks to put a complaint in under the NHS rules.", gp)
    assert not _wrong(
        "The practice manager will acknowledge your complaint within 3 working days.", gp
    )
    assert not _wrong("You have up to 12 months to make a complaint.", gp)


def test_the_ombudsman_now_is_right_when_the_scenario_is_past_eight_weeks() -> None:
    reply = "You can take this to the Energy Ombudsman now if you're not happy."
    assert _wrong(reply, _scenario("catch-up-bill")) == []
    assert _wrong(reply, _scenario("broadband-outage"))


def _named(reply: str, scenario: Scenario | None = None) -> list[LawClaim]:
    return [c for c in _claims(reply, scenario) if c.kind == "law"]


def test_a_law_the_scenario_names_fits_and_another_does_not() -> None:
    data = _named("Under data protection law I can't share his balance with you.", None)
    assert data and data[0].fits
    parcel = _scenario("late-parcel")
    named = _named("Under the Equality Act we have to treat you fairly.", parcel)
    assert named and named[0].fits is False
    assert "Consumer Rights Act" in named[0].detail
    fits = _named("Under the Consumer Rights Act the parcel is ours until it reaches you.", parcel)
    assert fits and fits[0].fits and fits[0].explained


def test_a_law_used_only_as_a_reason_is_named_but_not_explained() -> None:
    for reply in (
        "For data protection reasons I can't go into his account.",
        "Because of GDPR I can't talk about that.",
        "Sorry, it's data protection.",
    ):
        named = _named(reply)
        assert named and named[0].explained is False, reply
    said = _named("The Equality Act says we should make it easier for you to contact us.")
    assert said and said[0].explained


def test_consumer_law_is_checked_against_the_act_but_names_nothing() -> None:
    assert _named("Under consumer law the parcel stays with us until you have it.") == []
    assert _named("This doesn't affect your statutory rights.") == []
    wrong = _wrong("Under consumer law, the risk is yours once it's marked as delivered.")
    assert wrong and wrong[0].ref == "consumer_rights_act"


def test_a_rule_that_is_not_law_is_never_named_as_law() -> None:
    reply = (
        "Under the back-billing rule we can't charge for energy used more than 12 months ago, "
        "and Delay Repay gives you 100% back, and you can go to the ombudsman after 8 weeks."
    )
    assert _named(reply) == []


def test_saying_an_act_does_not_apply_is_no_wrong_act() -> None:
    assert _wrong("The Consumer Rights Act doesn't cover his account details, I'm afraid.") == []


def test_a_catalogue_with_an_unknown_matter_or_a_bad_pattern_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "legislation.yaml"
    bad.write_text(
        "matters:\n"
        "  - id: goods\n    label: goods\n    words: ['\\bgoods\\b']\n"
        "laws:\n"
        "  - id: some_act\n    name: Some Act\n    summary: s\n    governs: [goods, cars]\n"
        "    cues: ['some act']\n"
        "    misstatements:\n"
        "      - all: ['(a+)+b']\n        correction: c\n",
        encoding="utf-8",
    )
    catalogue, problems = load_catalogue(bad)
    assert catalogue is None
    codes = {p.code for p in problems}
    assert codes >= {"unknown-matter", "bad-pattern"}


def test_the_bundled_catalogue_loads_and_every_law_governs_a_known_matter() -> None:
    catalogue = bundled_catalogue()
    ids = {m.id for m in catalogue.matters}
    for law in catalogue.laws:
        assert law.governs and set(law.governs) <= ids, law.id


def test_text_speak_and_a_misnamed_act_are_still_read() -> None:
    named = _named("under the consumer rights act its our responsibility till u get it")
    assert named and named[0].explained
    bare = _named("cos of data protection i cant tell u his balance")
    assert bare and bare[0].explained is False
    assert _wrong("cos of data protection i cant tell u his balance") == []
    misnamed = _named("The Equalities Act means we have to make it easier for you to book.")
    assert misnamed and misnamed[0].ref == "equality_act" and misnamed[0].explained


def test_cra_beside_a_credit_reference_agency_is_not_the_act() -> None:
    assert _claims("We've told the CRA about the missed payments on his credit file.") == []
    assert _named("The CRA says a faulty item can be rejected for a refund within 30 days.")


@pytest.mark.parametrize(
    "reply",
    [
        "This goes to the Energy Ombudsman, not the Financial Ombudsman.",
        "Past 8 weeks the Energy Ombudsman, rather than the Financial Ombudsman, can look at it.",
    ],
)
def test_the_right_ombudsman_set_beside_the_wrong_one_is_no_misstatement(reply: str) -> None:
    assert not _wrong(reply, _scenario("catch-up-bill"))


def test_how_long_a_complaint_takes_is_no_time_limit_on_making_it() -> None:
    gp = _scenario("gp-reception")
    assert not _wrong("Your complaint will only take 2 weeks to look into.", gp)


@pytest.mark.parametrize(
    "reply",
    [
        "Six hours with a baby and no meal vouchers is shocking, and the fault was not "
        "extraordinary at all, so the decline was wrong.",
        "I've just looked at the notes: you were sent vouchers by mistake, and I'm refunding "
        "your faulty order to your card.",
    ],
)
def test_what_the_customer_went_without_or_a_passing_just_is_no_misstatement(reply: str) -> None:
    assert _wrong(reply, _scenario("airline-delay")) == []


def test_a_refund_offered_only_as_a_voucher_is_still_caught() -> None:
    wrong = _wrong("It's faulty, but we can only give you a voucher, not a refund.")
    assert wrong and "voucher" in wrong[0].detail


# Law-muddlers' inventions, each family in words unlike the hand-played attempts that showed
# it: (scenario, reply, a word the correction must contain).
INVENTED = [
    # the right basis named only to be denied
    (
        "airline-delay",
        "Just so you know, under UK261 compensation is paid per booking, not per passenger, "
        "so the most it could be is £350 in total.",
        "each passenger",
    ),
    (
        "airline-delay",
        "Engine problems are classed as extraordinary, so the airline owes nothing.",
        "technical fault",
    ),
    (
        "airline-delay",
        "Compensation is only for cancelled flights, so a late departure doesn't qualify.",
        "delays of 3 hours",
    ),
    ("airline-delay", "It's £350 per reservation, however many are travelling.", "each passenger"),
    (
        "airline-delay",
        "Under European rules compensation is paid only for delays longer than six hours.",
        "3 hours or more",
    ),
    (
        "airline-delay",
        "Refreshments are just a goodwill thing, not a legal requirement.",
        "2 hours",
    ),
    (
        "broadband-outage",
        "Automatic compensation doesn't kick in until the line's been down for a fortnight.",
        "two full working days",
    ),
    (
        "broadband-outage",
        "Legally a missed engineer visit is force majeure, so we owe you nothing.",
        "act of God",
    ),
    (
        "council-bins",
        "By law the council has ten working days to empty a missed bin.",
        "reasonable time",
    ),
    (
        "council-bins",
        "The Equality Act is about wheelchairs, it doesn't reach hearing problems.",
        "deaf",
    ),
    ("council-bins", "The Ombudsman just handles big claims, not ones like yours.", "no minimum"),
    (
        "gp-reception",
        "GDPR bans us from sending anything by email, so it has to be a letter.",
        "does not forbid",
    ),
    ("catch-up-bill", "You'd have to wait a year before the Ombudsman would touch it.", "8 weeks"),
    ("late-parcel", "Legally it's on you once the driver marks it delivered.", "risk"),
    (
        "cancelled-train",
        "By law, Advance fares are only any good on the booked service, so you'll pay again.",
        "next available service",
    ),
    (
        "cancelled-train",
        "Legally, Delay Repay won't pay a penny unless you're more than an hour late.",
        "15 or 30 minutes",
    ),
]


@pytest.mark.parametrize(("name", "reply", "word"), INVENTED)
def test_a_law_invented_to_deny_a_right_is_caught_with_the_real_rule(
    name: str, reply: str, word: str
) -> None:
    wrong = _wrong(reply, _scenario(name))
    assert wrong, reply
    assert word in wrong[0].detail


@pytest.mark.parametrize(
    ("name", "reply"),
    [
        ("airline-delay", "An engine problem isn't extraordinary, so you'll get £350 each."),
        ("airline-delay", "Our system wrongly coded the technical fault as extraordinary."),
        # the exemption said not to hold, after the fault
        (
            "airline-delay",
            "It was a hydraulic leak on the plane, which means the 'extraordinary "
            "circumstances' reason doesn't apply.",
        ),
        ("airline-delay", "You're due £350 each, per passenger, not per booking."),
        ("airline-delay", "Meals are due after two hours of waiting, whatever the cause."),
        (
            "broadband-outage",
            "Automatic compensation starts once a fault has gone two working days unfixed.",
        ),
        ("broadband-outage", "You'll see the compensation on your next bill within 30 days."),
        (
            "council-bins",
            "The Equality Act means we should make reasonable adjustments, like "
            "ringing you instead.",
        ),
        (
            "council-bins",
            "If you're still unhappy after stage 2, the Local Government Ombudsman can look at it.",
        ),
        ("gp-reception", "For data protection I can't email the details until I've verified you."),
        ("late-parcel", "By law you have 30 days to reject faulty goods."),
        (
            "cancelled-train",
            "An Advance is normally only valid on the train booked, but as yours was cancelled "
            "you can take the 15:12.",
        ),
        ("cancelled-train", "Delay Repay kicks in at 15 minutes late, whatever your ticket."),
        # a wrong answer about the operators' own terms, not put on the law: a policy broken
        (
            "cancelled-train",
            "Advance tickets are only valid on the train booked, so you'd need a new one.",
        ),
        (
            "cancelled-train",
            "You can claim Delay Repay: the 15:12 gets in just over an hour after yours "
            "would have.",
        ),
        ("late-parcel", "Legally, the refund has to reach you within 14 days."),
    ],
)
def test_the_real_rule_said_in_the_same_words_is_not_flagged(name: str, reply: str) -> None:
    assert _wrong(reply, _scenario(name)) == []


@pytest.mark.parametrize(
    "reply",
    [
        "Legally the council only has to collect bins left at the kerbside.",
        "Under Ofcom rules roaming charges can never be refunded once they're billed.",
        "Honestly, there's no point, it's the law.",
        "Cashews are classed as a legume under the Food Safety Act, so the dish was nut-free.",
        "By law that's your responsibility, not ours.",
        # the law given as why the charge stands, or why it cannot be taken off
        "Under Ofcom rules the cap switches off outside Europe, so the charges are correct.",
        "Legally the job was accepted when you paid, so a second repair would be chargeable.",
        "The cancellation fee is set by law, so nobody here can waive it.",
    ],
)
def test_the_law_given_as_the_reason_for_nothing_is_found_even_when_no_family_knows_it(
    reply: str,
) -> None:
    assert law_given_to_refuse(reply, bundled_catalogue()) == [(0, len(reply))]


@pytest.mark.parametrize(
    "reply",
    [
        "If you're not happy with our final response, you can go to the Energy Ombudsman.",
        "Under UK261 a technical fault isn't extraordinary, so you're owed £350 each.",
        "The Consumer Rights Act gives you the right to a repair or a refund.",
        "I can only refund £50 myself, so I'm asking my team leader for the rest.",
        "Under the Tenant Fees Act we are not allowed to charge a check-out fee at all.",
        "Under the back-billing rule we can't charge for energy used more than 12 months ago.",
        "Under the Consumer Rights Act a full refund is due to you, so I'll process it now.",
        "Legally the delay is not our fault, but I will refund you anyway.",
        # what the customer need not do is in their favour
        "That's your right, and you wouldn't need to wait for us: you can go to the Local "
        "Government Ombudsman.",
    ],
)
def test_the_law_given_for_the_customer_or_no_law_at_all_is_not(reply: str) -> None:
    assert law_given_to_refuse(reply, bundled_catalogue()) == []


def test_a_customer_doubts_the_law_given_as_the_reason_and_thanks_for_nothing_it_said() -> None:
    from roleplay.core.dialogue import play
    from roleplay.core.library import ScenarioLibrary

    found = ScenarioLibrary.load().get("restaurant-allergy")
    assert found is not None
    reply = "I'm sorry. Under the Food Safety Act cashews count as a seed, so it was nut-free."
    line = play(found.scenario, [reply]).prompt
    assert line.startswith(("That's not right", "That doesn't sound right", "Really?"))
    assert "finding out what was in it" not in line


@pytest.mark.parametrize(
    "reply",
    [
        "Let me make sure I have it right: four of you, no vouchers given, and your claim "
        "declined for 'extraordinary circumstances'.",
        "Just to recap, you were told there'd be no meal vouchers because of the weather.",
        "If I've understood you correctly, the email said a technical fault was outside our "
        "control.",
    ],
)
def test_the_customers_own_account_read_back_is_no_claim_about_the_law(reply: str) -> None:
    """What the customer was told, checked back with them, is theirs: a learner who reads
    back "declined for extraordinary circumstances" has not denied the meals."""
    assert _wrong(reply, _scenario("airline-delay")) == [], reply


def test_the_same_words_said_as_the_learners_own_are_still_caught() -> None:
    reply = "There are no vouchers for this one, it was extraordinary circumstances."
    assert _wrong(reply, _scenario("airline-delay")), reply


def test_a_fault_said_to_be_no_extraordinary_circumstance_in_other_words_is_right() -> None:
    reply = (
        "It does seem to have been an issue with the aircraft rather than anything "
        "extraordinary, so I've sent your claim back to the claims team."
    )
    assert _wrong(reply, _scenario("airline-delay")) == [], reply
