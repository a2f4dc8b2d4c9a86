"""The debrief measures an attempt against its model and the examiners' marking points."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.core.debrief import debrief, scorecard_to_dict
from roleplay.core.marking import PointResult, marking_points
from roleplay.core.scenario import Scenario, load_scenario

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "seeds"

GOOD = [
    "I'm really sorry your order hasn't arrived, Mrs Shah, that must be so frustrating after "
    "chasing twice. We promise next-day delivery and we've broken that promise, so I've "
    "refunded your £4.95 delivery charge already. Which door does the driver's photo show?",
    "Thank you. Under our lost parcel procedure I'll open a trace with the courier now, and as "
    "a refund of £64 is above what I can authorise I'm passing it to my team leader, who will "
    "call you within the hour.",
]
POOR = ["Calm down, it's the courier's fault, not ours.", "There's nothing I can do about it."]


@pytest.fixture(scope="module")
def parcel() -> Scenario:
    loaded, problems = load_scenario(REPO / "scenarios" / "late-parcel.yaml")
    assert loaded is not None, problems
    return loaded.scenario


def _points(card_dict: dict[str, object]) -> dict[str, str]:
    return {p["id"]: p["status"] for p in card_dict["marking_points"]}  # type: ignore[index, union-attr]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed units are not beside this checkout")
def test_every_marking_point_is_quoted_word_for_word_from_its_seed() -> None:
    for point in marking_points():
        assert point.text in (SEEDS / point.source).read_text(encoding="utf-8"), point.id


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed units are not beside this checkout")
def test_each_marking_point_names_its_unit_as_the_seeds_readme_does() -> None:
    """Learners see "Living up to the customer service promise", not a file name."""
    rows = [
        line.split("|")
        for line in (SEEDS / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| 0")
    ]
    topics = {cells[1].strip(): cells[2].strip() for cells in rows}
    for point in marking_points():
        assert point.unit.lower() == topics[point.source].lower(), point.id
        assert point.unit[0].isupper(), point.id


def test_a_good_attempt_scores_well_and_quotes_the_learner(parcel: Scenario) -> None:
    card = scorecard_to_dict(debrief(parcel, GOOD), "Sam")
    assert card["outcome"] == "escalated_correctly"
    assert card["escalation"]["verdict"] == "needed_done"  # type: ignore[index]
    points = _points(card)
    assert points["professional-tone"] == "met"
    assert points["escalates-outside-procedure"] == "met"
    assert points["listening-and-empathy"] == "met"
    assert card["score"] >= 70  # type: ignore[operator]
    for step in card["steps"]:  # type: ignore[union-attr]
        if step["met"]:
            assert step["evidence"] and step["evidence"] in " ".join(GOOD)


def test_a_poor_attempt_is_marked_down_with_what_was_missing(parcel: Scenario) -> None:
    card = scorecard_to_dict(debrief(parcel, POOR), "Sam")
    assert card["outcome"] == "customer_lost"
    assert card["escalation"]["verdict"] == "needed_missed"  # type: ignore[index]
    points = card["marking_points"]
    tone = next(p for p in points if p["id"] == "professional-tone")  # type: ignore[union-attr]
    assert tone["status"] == "not_met" and tone["evidence"]
    assert all(p["missing"] for p in points if p["status"] != "met")  # type: ignore[union-attr]
    assert card["score"] < 30  # type: ignore[operator]
    assert card["advice"], "a missed attempt must say what to do next time"


def test_cause_and_effect_names_the_reply_that_made_the_customer_ask_for_a_manager(
    parcel: Scenario,
) -> None:
    causes = " ".join(debrief(parcel, POOR).causes)
    assert "asked for a manager at turn 2 because turn 1" in causes


def test_the_score_formula_adds_up(parcel: Scenario) -> None:
    score = debrief(parcel, GOOD).score
    assert round(score.steps + score.points + score.outcome - score.penalty) == score.total
    assert f"→ {score.total}" in score.formula


def test_an_attempt_can_be_rescored_under_another_model(parcel: Scenario) -> None:
    later = debrief(parcel, GOOD, "LATER")
    heat = debrief(parcel, GOOD, "heat")
    assert later.framework.id == "LATER" and heat.framework.id == "HEAT"
    assert [s.id for s in later.coverage.steps] != [s.id for s in heat.coverage.steps]


def test_handing_the_case_up_before_trying_anything_is_premature(parcel: Scenario) -> None:
    card = scorecard_to_dict(debrief(parcel, ["I'm transferring you to my manager now."]))
    assert card["escalation"]["verdict"] == "premature"  # type: ignore[index]
    assert _points(card)["escalates-outside-procedure"] == "not_met"
    assert _points(card)["follows-policy"] == "not_met"


def test_transferring_the_customer_to_an_operational_team_untried_is_premature() -> None:
    """Billing is no one senior, but the caller herself is sent there before anything was
    tried: the case has left the learner's hands, so it is handed over too soon."""
    mobile = _scenario("mobile-contract")
    replies = [
        "Hi Rebecca, I understand your frustration. Billing queries like this are handled by "
        "our billing team, so I'll transfer you over to them now and they can go through it."
    ]
    assert debrief(mobile, replies).escalation == "premature"


def test_telling_the_customer_there_is_nobody_more_senior_misses_a_needed_escalation(
    parcel: Scenario,
) -> None:
    """A polite refusal of a hand-over shows the customer needed someone with more authority:
    the escalation was needed and missed, even before any trigger fired (issue 10)."""
    replies = [
        "I'm sorry, Mrs Shah, but there isn't anyone more senior I can pass this to, and "
        "nobody else here could help with it."
    ]
    card = scorecard_to_dict(debrief(parcel, replies))
    assert card["escalation"]["verdict"] == "needed_missed"  # type: ignore[index]


def test_reporting_a_fault_so_it_is_fixed_for_everyone_is_not_handing_the_case_up(
    parcel: Scenario,
) -> None:
    """Feeding a fault back to the team that fixes it is learning; it must not be judged a
    premature hand-over of the customer's case."""
    replies = [
        "I'm so sorry your parcel hasn't come after eight days, Mrs Shah. I've opened a trace "
        "with the courier, and I'm reporting the app fault to our digital team.",
    ]
    card = scorecard_to_dict(debrief(parcel, replies))
    assert card["escalation"]["verdict"] != "premature"  # type: ignore[index]


def test_passing_details_to_a_team_that_does_the_work_is_not_a_premature_hand_over(
    parcel: Scenario,
) -> None:
    """Only handing the case to someone with more authority can be premature; asking the
    warehouse team to check, while keeping the case, is not giving it away."""
    replies = [
        "I'm so sorry, Mrs Shah. I've passed your order details to our warehouse team and I'll "
        "update you as soon as I hear back."
    ]
    card = scorecard_to_dict(debrief(parcel, replies))
    assert card["escalation"]["verdict"] != "premature"  # type: ignore[index]


def test_a_rule_broken_without_refusing_the_customer_leaves_the_process_partial(
    parcel: Scenario,
) -> None:
    """An attempt that hears the customer and puts things right, but refunds more than the
    learner may, is half a structured process, not none (examiners mark it partial)."""
    replies = [
        "I'm so sorry your kettle and toaster haven't come after eight days, Mrs Shah, that's "
        "really frustrating. Which door does the driver's photo show?",
        "You're right, that's not your door. I've refunded the full £64 to your card myself "
        "just now, and your £4.95 delivery charge too, because we promised next-day delivery.",
    ]
    points = _points(scorecard_to_dict(debrief(parcel, replies)))
    assert points["structured-process"] == "partial"
    assert points["follows-policy"] == "not_met"


def test_a_polite_no_one_else_can_help_is_a_brush_off(parcel: Scenario) -> None:
    """Courteous words do not make a refusal with nothing in its place professional."""
    replies = [
        "I do apologise, Mrs Shah. I can see the tracking says delivered but you haven't got it.",
        "I'm afraid there isn't anyone more senior available on chat, but I've noted your "
        "comments. Thank you for your patience.",
    ]
    assert _points(scorecard_to_dict(debrief(parcel, replies)))["professional-tone"] == "not_met"


def test_using_a_procedure_without_naming_it_is_not_citing_it(parcel: Scenario) -> None:
    """ "I'll trace the parcel" does what the lost parcel procedure says but names nothing a
    customer could look up; "under our lost parcel procedure" does (moves.md)."""
    act = ["I'm so sorry it hasn't come, Mrs Shah. I'll trace the parcel with the courier now."]
    named = [
        "I'm so sorry it hasn't come, Mrs Shah. Under our lost parcel procedure I'll trace the "
        "parcel with the courier now."
    ]
    assert _points(scorecard_to_dict(debrief(parcel, act)))["cites-policy-for-decisions"] != "met"
    assert _points(scorecard_to_dict(debrief(parcel, named)))["cites-policy-for-decisions"] == "met"


def test_a_choice_of_remedies_within_authority_meets_alternatives_even_unescalated(
    parcel: Scenario,
) -> None:
    """The point asks for alternatives *or* escalation: a choice within the learner's limit
    is the proactive step, while the missed escalation is marked on its own point."""
    replies = [
        "I'm so sorry it hasn't come, Mrs Shah. Let me check the tracking for you now.",
        "I can see the photo shows another door. I can refund £50 to your card straight away, "
        "or send you a new set on next-day delivery. Which would you rather?",
    ]
    card = scorecard_to_dict(debrief(parcel, replies))
    assert card["escalation"]["verdict"] == "needed_missed"  # type: ignore[index]
    assert _points(card)["alternatives-or-escalation"] == "met"
    assert _points(card)["escalates-outside-procedure"] == "not_met"


def test_one_remedy_of_ones_own_with_the_rest_never_put_up_is_half_the_alternative() -> None:
    """£50 credited, the rest of the £134.60 the cap policy refunds never put to the team
    leader: a proactive step, but the customer is left short of what only someone else
    could give, so a strict examiner gives half (a choice of remedies would be full)."""
    mobile = _scenario("mobile-contract")
    replies = [
        "I'm so sorry about the bill, Rebecca. Most of it is £179.60 of data roaming from "
        "your week in Turkey.",
        "Your £45 cap wasn't set up on the new SIM, which is our fault. I've put £50 on your "
        "account now to make up for it.",
    ]
    card = debrief(mobile, replies)
    assert card.escalation == "needed_missed"
    assert _point(mobile, replies, "alternatives-or-escalation").status == "partial"


def test_the_broken_promise_put_right_by_its_own_remedy_is_recovered_unnamed(
    parcel: Scenario,
) -> None:
    """Refunding the postage is the remedy the next-day promise names: the breach is
    recovered even though the learner never says which promise was broken."""
    replies = [
        "I'm so sorry it hasn't come, Mrs Shah. Let me check the tracking for you now.",
        "The photo shows another door. I've refunded your £4.95 postage, and I've opened a "
        "trace with the courier.",
    ]
    assert _points(scorecard_to_dict(debrief(parcel, replies)))["recovers-promise-breach"] == "met"


def test_the_facts_of_a_commitment_echoed_do_not_name_the_promise(parcel: Scenario) -> None:
    """ "You ordered next-day delivery" repeats a fact; naming the promise says it is the
    organisation's own commitment ("we promise next-day delivery…"), as examiners mark it."""
    echoed = ["I'm sorry, Mrs Shah. You ordered next-day delivery and it's now eight days."]
    named = [
        "I'm sorry, Mrs Shah. We promise next-day delivery or your delivery charge back, and "
        "we've broken that promise."
    ]
    assert _points(scorecard_to_dict(debrief(parcel, echoed)))["names-the-promise"] == "not_met"
    assert _points(scorecard_to_dict(debrief(parcel, named)))["names-the-promise"] == "met"


def test_an_opening_that_feels_for_the_customer_in_their_own_words_shows_listening(
    parcel: Scenario,
) -> None:
    """Naming how it has hit the customer, in the details they gave, shows they were heard
    as well as felt for: listening and empathy both, with no question needed."""
    replies = ["Oh no, that's really frustrating, especially when you've already chased us twice."]
    points = _points(scorecard_to_dict(debrief(parcel, replies)))
    assert points["listening-and-empathy"] == "met"


def test_a_mood_change_inside_one_band_is_said_plainly(parcel: Scenario) -> None:
    """ "The mood rose further (angry)" read as getting angrier; a better reply that leaves
    her angry says it improved, and that she is still angry."""
    card = debrief(parcel, ["I'm so sorry, Mrs Shah."])
    said = " ".join(card.causes)
    assert "further" not in said
    assert "improved" in said or "worsened" in said


def test_an_apology_that_softens_a_condition_neither_owns_nor_rights_the_breach() -> None:
    """ "I'm sorry, but you can only claim compensation once…" says what she will not get
    now: it names the broken promise's remedy only to withhold it."""
    broadband = _scenario("broadband-outage")
    replies = [
        "Dear Ms Whitfield, I'm sorry, but you can only claim compensation once a fault has "
        "lasted 30 days. Regards, Sam"
    ]
    point = _point(broadband, replies, "recovers-promise-breach")
    assert point.status == "not_met"


def test_an_ombudsman_offered_instead_of_anyone_senior_is_no_escalation() -> None:
    """Refusing a senior person and pointing to an outside body in the same breath leaves
    the customer with nobody who can decide here: needed and missed, not escalation done."""
    bill = _scenario("catch-up-bill")
    replies = [
        "I'm afraid there isn't anyone else who can change the bill, Mr Hughes. You are of "
        "course welcome to contact the Energy Ombudsman if you wish."
    ]
    assert debrief(bill, replies).escalation == "needed_missed"


def test_a_manager_asked_for_and_answered_with_nothing_is_escalation_missed() -> None:
    """Blamed, she asks for a manager; the next reply neither hands her up nor does anything
    itself ("nothing I can do"): the request stands untaken, so escalation was needed and
    missed, even though no trigger of the scenario fired on this path."""
    mobile = _scenario("mobile-contract")
    blamed = (
        "Those are roaming charges. You used data in Turkey, which isn't in our Roam Like "
        "Home zone, so you should have checked before you went."
    )
    nothing = (
        "The cap is something you set up yourself in the app, so there's nothing I can do "
        "about that. If you want to leave it's £286."
    )
    assert debrief(mobile, [blamed, nothing]).escalation == "needed_missed"
    handed = "I'm putting you through to my team leader now, and I'll tell her what's happened."
    assert debrief(mobile, [blamed, handed]).escalation == "needed_done"


def test_a_safety_need_put_on_a_call_back_list_is_not_escalation_done() -> None:
    """Symptoms the duty doctor must know about now, answered with "they'll ring you back
    later", are not escalated: where safety is at stake only someone brought in at once
    counts (a later hand-over of the complaint does not make up for it)."""
    gp = _scenario("gp-reception")
    opening = [
        "I'm so sorry, Mr Whitaker, three mornings of not hearing the message must be "
        "exhausting. Have I got that right?",
        "I'm sorry nobody acted on your form. I'm putting a flag on your record now so we "
        "text you from today.",
    ]
    later = "I'll add you to the triage list for the doctor and they'll ring you back later."
    now = "I'm going to take you through to the duty doctor myself now and tell her."
    complaint = "I'll pass your complaint to the practice manager and she'll get back to you."
    assert debrief(gp, [*opening, later, complaint]).escalation == "needed_missed"
    assert debrief(gp, [*opening, now, complaint]).escalation == "needed_done"


def test_the_problem_recognised_later_is_half_of_listening(parcel: Scenario) -> None:
    """No question, no summary, no feeling named, but the problem recognised in a later
    reply: examiners give part credit for the understanding shown."""
    replies = [
        "Can I take your order number please?",
        "Thanks. I'm sorry your kettle and toaster still haven't turned up.",
    ]
    points = _points(scorecard_to_dict(debrief(parcel, replies)))
    assert points["listening-and-empathy"] == "partial"


def test_a_sorry_for_a_generic_noun_shows_no_understanding_of_the_problem() -> None:
    """ "Sorry for the delay to your flight" names no detail of hers, unlike "sorry your
    kettle and toaster still haven't turned up": no listening, no empathy, nothing
    understood, so the point is not met (a strict examiner's call)."""
    airline = _scenario("airline-delay")
    replies = [
        "Hi, sorry for the delay to your flight. Can I have your booking reference please?",
        "I can refund the £58.40 for the food, if you upload the receipts to the booking.",
    ]
    assert _point(airline, replies, "listening-and-empathy").status == "not_met"


def test_the_law_misstated_instead_of_the_procedure_followed_is_no_structured_process() -> None:
    """Good practical steps, then the Ombudsman said to be open now "under the Consumer
    Rights Act" in place of stage 2: neither the law nor the procedure was respected, so a
    strict examiner gives no credit for the process, not part credit for the steps."""
    council = _scenario("council-bins")
    replies = [
        "Mrs Marsh, I'm so sorry, four misses is not good enough. I've booked a return "
        "collection for tomorrow morning and told the crew to take it from your back gate.",
        "I've put a note on your record so the crew always use the back gate, and you'll get "
        "letters by email from now on.",
        "Under the Consumer Rights Act you can take this straight to the Local Government "
        "Ombudsman today, you don't have to go through our complaints procedure first.",
    ]
    point = _point(council, replies, "structured-process")
    assert point.status == "not_met"
    assert "misstated" in point.missing


def test_a_danger_nobody_senior_is_ever_told_of_breaks_the_procedure() -> None:
    """The car grounded and collected, but the workshop manager the unsafe vehicle
    procedure says to tell is never told: a strict examiner marks the procedure not
    followed, not half followed (told late would be half)."""
    garage = _scenario("garage-repair")
    replies = [
        "I'm sorry, Mr Mehta. Please don't drive it. I'll send our truck round for it this "
        "afternoon and we'll lend you a courtesy car.",
        "We'll redo the brakes free of charge under our guarantee, parts and labour.",
    ]
    point = _point(garage, replies, "follows-policy")
    assert point.status == "not_met"
    assert "danger" in point.missing


def test_a_procedure_named_to_say_what_must_happen_justifies_a_decision() -> None:
    """ "He'd need to sign a third-party mandate" uses the named procedure to decide what
    must happen: cited for a decision, though no remedy move is made in that reply."""
    partners = _scenario("partners-account")
    replies = [
        "I'm sorry, Mrs Doyle, I know a letter like that is worrying. What's happened?",
        "He'd need to sign a third-party mandate before I could talk it through with you.",
    ]
    point = next(
        p for p in debrief(partners, replies).points if p.id == "cites-policy-for-decisions"
    )
    assert point.status == "met", point.missing


def test_a_policy_named_in_other_spelling_is_still_named() -> None:
    """ "Auto compensation" is the automatic compensation scheme by name, shortened."""
    broadband = _scenario("broadband-outage")
    replies = [
        "Dear Ms Whitfield, I'm so sorry. I've booked an engineer for Thursday, and you'll get "
        "auto compensation for every day without service, paid on your bill. Regards, Sam"
    ]
    point = next(
        p for p in debrief(broadband, replies).points if p.id == "cites-policy-for-decisions"
    )
    assert point.status == "met", point.missing


def test_asking_approval_for_an_over_limit_refund_is_escalation_not_a_breach(
    parcel: Scenario,
) -> None:
    """The model answer ("£64 is above what I can authorise, so I'm asking my team leader")
    must not be marked both beyond authority and escalation missed (issue 10)."""
    replies = [
        "I'm so sorry, Mrs Shah, that's a long wait. Let me look into it now.",
        "The full £64 is more than the £50 I'm allowed to refund, so I've asked my team leader "
        "to sign it off today and she'll message you by 5pm.",
    ]
    card = scorecard_to_dict(debrief(parcel, replies))
    assert card["policy_breaches"] == []
    assert card["escalation"]["verdict"] == "needed_done"  # type: ignore[index]
    assert _points(card)["follows-policy"] == "met"


def test_refusing_one_amount_and_giving_a_smaller_one_is_not_a_promise_of_the_first(
    parcel: Scenario,
) -> None:
    replies = [
        "I'm sorry your parcel hasn't come, Mrs Shah. Let me check the tracking for you.",
        "I can't do the full £64 myself, I'm afraid, but I've refunded £40 to your card today.",
    ]
    card = scorecard_to_dict(debrief(parcel, replies))
    assert card["policy_breaches"] == []


def test_the_promise_is_recognised_in_the_learners_own_words(parcel: Scenario) -> None:
    """No cue phrase: "we said you'd have it the next day" names the delivery commitment."""
    replies = [
        "I'm so sorry, Mrs Shah. We said you'd have it the day after you ordered, and we let "
        "you down, so I've put the delivery charge back on your card.",
    ]
    card = scorecard_to_dict(debrief(parcel, replies))
    assert _points(card)["names-the-promise"] == "met"
    assert _points(card)["recovers-promise-breach"] == "met"


def test_any_remedy_is_not_a_recovery_of_the_breached_promise(parcel: Scenario) -> None:
    """A voucher for next time, with no word of the missed next-day delivery, repairs
    nothing the promise named."""
    replies = [
        "Sorry about that. I've put a £10 voucher on your account for your next order.",
    ]
    card = scorecard_to_dict(debrief(parcel, replies))
    assert _points(card)["recovers-promise-breach"] == "partial"
    assert _points(card)["names-the-promise"] == "not_met"


def test_text_speak_in_a_company_chat_is_not_a_professional_tone(parcel: Scenario) -> None:
    replies = ["soz ur parcel hasnt come hun, ill chase it up 4 u 2day x"]
    card = scorecard_to_dict(debrief(parcel, replies))
    tone = next(p for p in card["marking_points"] if p["id"] == "professional-tone")  # type: ignore[union-attr]
    assert tone["status"] == "not_met"
    assert "text-speak" in tone["missing"]


def test_a_promise_beyond_authority_is_a_policy_breach(parcel: Scenario) -> None:
    replies = [
        "I'm so sorry your parcel hasn't come, let me check it for you.",
        "I'll refund you the full £64 right now.",
    ]
    card = scorecard_to_dict(debrief(parcel, replies))
    assert card["policy_breaches"]
    assert _points(card)["follows-policy"] == "not_met"


def test_a_refusal_with_the_rule_that_requires_it_is_not_a_brush_off() -> None:
    """Refusing a caller her husband's balance, for data protection, with help offered, is
    the right answer: it must not cost the learner the professional-tone point."""
    partners = _scenario("partners-account")
    reasoned = [
        "I'm sorry, but I can't give you the balance for data protection reasons. What's happened?"
    ]
    bare = ["I'm sorry, but I can't give you the balance. Goodbye."]
    tone = {
        name: _point(partners, replies, "professional-tone")
        for name, replies in (("reasoned", reasoned), ("bare", bare))
    }
    assert tone["reasoned"].status == "met", tone["reasoned"].missing
    # the evidence says why the flagged refusal was excused, not that nothing was flagged
    assert [q.what for q in tone["reasoned"].evidence] == [
        "a refusal with its reason and help offered"
    ]
    assert tone["bare"].status == "not_met"


def test_telling_a_caller_someone_elses_debt_is_listed_as_a_breach() -> None:
    partners = _scenario("partners-account")
    card = scorecard_to_dict(
        debrief(partners, ["Hello Mrs Doyle. He's two payments behind, that's why it came."])
    )
    breaches = card["policy_breaches"]
    assert breaches and "only" in breaches[0]["shows"]  # type: ignore[index]
    assert _points(card)["follows-policy"] == "not_met"


def _scenario(name: str) -> Scenario:
    from roleplay.core.library import ScenarioLibrary

    return ScenarioLibrary().find(name).scenario


def _gp() -> Scenario:
    return _scenario("gp-reception")


def _point(scenario: Scenario, replies: list[str], point_id: str) -> PointResult:
    """The debrief's result on one marking point."""
    return next(p for p in debrief(scenario, replies).points if p.id == point_id)


def test_one_of_two_broken_promises_put_right_recovers_only_part_of_the_breach() -> None:
    """The surgery broke two commitments (his text-only form, his repeat prescription): a
    learner who sorts the texts and never the prescription has recovered half of it."""
    texts = [
        "I'm so sorry, Mr Whitaker. Three mornings of that is exhausting.",
        "Nobody acted on your form and that's our fault. From today your record says texts "
        "only, and you can book here at the desk.",
    ]
    both = [
        *texts,
        "I'm chasing your repeat with the prescriptions clerk now so it reaches your pharmacy "
        "today.",
    ]
    half = _point(_gp(), texts, "recovers-promise-breach")
    whole = _point(_gp(), both, "recovers-promise-breach")
    assert half.status == "partial" and "prescription" in half.missing
    assert whole.status == "met"


def test_a_hardship_told_back_and_judged_is_empathy(parcel: Scenario) -> None:
    """ "Eight days, after paying for next day and chasing twice, just isn't good enough"
    says how it has hit her in her own terms: empathy as plainly as naming a feeling."""
    replies = [
        "Eight days with nothing, after you paid for next day and chased us twice, just isn't "
        "good enough. Did the driver leave a card or a photo?"
    ]
    point = _point(parcel, replies, "listening-and-empathy")
    assert point.status == "met"


def test_empathy_that_softens_a_refusal_is_not_empathy(parcel: Scenario) -> None:
    """ "I understand you're frustrated, but…" names the feeling only to say no to it."""
    replies = [
        "Can you tell me whether a neighbour has checked for it?",
        "I understand you're frustrated, but there isn't a manager on chat today.",
    ]
    point = _point(parcel, replies, "listening-and-empathy")
    assert point.status == "partial" and point.missing == "no empathy shown"


def test_text_speak_caps_listening_at_partial(parcel: Scenario) -> None:
    """The point credits clear written communication with listening and empathy: the same
    feeling and question in text-speak are not clear writing in a retailer's chat."""
    plain = ["So sorry, that must be really frustrating. Did the driver leave a card?"]
    slang = ["omg so sorry, that must be rly frustrating. did the driver leave a card coz ur"]
    marks = {
        name: _point(parcel, r, "listening-and-empathy")
        for name, r in (("plain", plain), ("slang", slang))
    }
    assert marks["plain"].status == "met"
    assert marks["slang"].status == "partial" and "text-speak" in marks["slang"].missing


def test_a_refund_within_the_limit_refused_is_against_the_policy() -> None:
    """Costs up to £50 are the adviser's to refund: refusing the £30 of mobile data on a
    reason the policy does not give follows the rules of authority but not the policy."""
    broadband = _scenario("broadband-outage")
    replies = [
        "Hi Joanna, sorry you've been without broadband. I've booked an engineer for Thursday.",
        "Hi Joanna, I'm afraid the mobile data isn't something we can refund, as it was "
        "bought separately.",
    ]
    point = _point(broadband, replies, "follows-policy")
    assert point.status == "partial"
    assert "refused" in point.missing and point.evidence[0].turn == 2


def test_a_limit_given_as_the_reason_cites_the_policy_in_part(parcel: Scenario) -> None:
    """ "£50 is my limit, so the rest needs my team leader" gives the rule behind the decision
    without naming the policy: partial, where saying nothing of any rule is not met."""
    limit = [
        "I'm sorry it hasn't come, Mrs Shah. Did the driver leave a card?",
        "I can only authorise £50 myself, so I've asked my team leader to approve the full £64 "
        "today.",
    ]
    none = ["I'm sorry it hasn't come, Mrs Shah. Did the driver leave a card?"]
    marks = {
        name: _point(parcel, r, "cites-policy-for-decisions")
        for name, r in (("limit", limit), ("none", none))
    }
    assert marks["limit"].status == "partial" and "limit" in marks["limit"].missing
    assert marks["none"].status == "not_met"


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (
            "I hear you. I'll ask our specialist support team to ring you back in the next "
            "couple of days about the letters.",
            "partial",
        ),
        (
            "I hear you. I'm putting you through to our specialist support team now, and I'll "
            "stay on the line while I explain it all to them.",
            "met",
        ),
    ],
)
def test_a_struggling_customer_is_put_through_not_promised_a_call_back(
    last: str, expected: str
) -> None:
    """She is at the end of her tether: the specialist team is the right place, but a call
    in a couple of days leaves her alone with it; putting her through now is the procedure."""
    partners = _scenario("partners-account")
    replies = [
        "Good morning Mrs Doyle. I'm afraid data protection means I can't share anything about "
        "your husband's account with you. Is everything all right at home?",
        "I'm so sorry about last week's call, that's not how anyone should be treated, and I'm "
        "sorry to hear about your husband.",
        "When he's able to, he can sign a third-party mandate, or a power of attorney would let "
        "you deal with it. I'll post you the forms today.",
        last,
    ]
    card = debrief(partners, replies)
    point = next(p for p in card.points if p.id == "escalates-outside-procedure")
    assert str(card.escalation) == "needed_done"
    assert point.status == expected


def test_symptoms_heard_but_not_passed_on_are_listening_in_words_only() -> None:
    """A receptionist who feels for the patient and asks the right question, then meets his
    headache and dizziness with reassurance, heard him without acting on what he said."""
    replies = [
        "I'm so sorry, Mr Whitaker, three mornings of that must be exhausting. What would "
        "work best for you, texts or booking here at the desk?",
        "Sorry nobody acted on your form. I've put a flag on your record under the Accessible "
        "Information Standard, so from today it's texts only.",
        "Oh, that'll be because you've missed a few tablets, it should settle down. I'll chase "
        "your prescription for you.",
    ]
    card = debrief(_gp(), replies)
    point = next(p for p in card.points if p.id == "listening-and-empathy")
    assert str(card.escalation) == "needed_missed"
    assert point.status == "partial" and "not acted on" in point.missing


def test_an_advice_example_rests_only_on_what_this_customer_said(parcel: Scenario) -> None:
    """The model answers about "the driver's photo" teach nothing to a learner whose
    customer never mentioned a photo (the audit's strong attempt): the debrief falls back to
    an example that fits what happened."""
    replies = [
        "I'm so sorry, Mrs Shah. Eight days with nothing, after paying for next-day delivery "
        "and chasing us twice, is not good enough, and I can hear how fed up you are. Can I "
        "just check: nothing was left with a neighbour or in a safe place?",
        "That's completely fair. We promise next-day delivery or your delivery charge back, "
        "and we broke that promise, so I've refunded your £4.95 delivery charge to your card "
        "right now. I can refund up to £50 myself; the full £64 needs my team leader's "
        "sign-off, so I'm asking her to approve it now.",
    ]
    card = debrief(parcel, replies)
    said = " ".join(t.customer + " " + t.response for t in card.turns).lower()
    assert "photo" not in said
    examples = " ".join(a.example for a in card.advice).lower()
    assert card.advice and "photo" not in examples


def test_empathy_followed_by_reassurance_is_still_empathy() -> None:
    """ "…but you don't have to sort this on your own" comforts; only a refusal after the
    feeling ("…but the manager isn't available") makes it a softener."""
    partners = _scenario("partners-account")
    replies = [
        "I'm so sorry, Mrs Doyle. What's been happening with the letters?",
        "It must be so hard with your husband in hospital, but you don't have to sort this on "
        "your own.",
    ]
    point = _point(partners, replies, "listening-and-empathy")
    assert point.status == "met"
