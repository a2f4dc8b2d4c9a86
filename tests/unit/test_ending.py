"""The ending an attempt is given follows from the whole conversation, not its last node alone."""

from __future__ import annotations

import pytest

from roleplay.core.debrief import Scorecard, debrief, scorecard_to_dict
from roleplay.core.ending import Ending, judge_ending
from roleplay.core.escalation import Escalation
from roleplay.core.library import ScenarioLibrary
from roleplay.core.scenario import OutcomeKind

End = OutcomeKind
Esc = Escalation


@pytest.mark.parametrize(
    ("outcome", "verdict", "breaches", "ending"),
    [
        (None, Esc.NOT_NEEDED, (), Ending.UNFINISHED),
        (End.RESOLVED, Esc.NOT_NEEDED, (), Ending.RESOLVED),
        (End.ESCALATED, Esc.NEEDED_DONE, (), Ending.ESCALATED_CORRECTLY),
        (End.ESCALATED, Esc.PREMATURE, (), Ending.HANDED_OVER_TOO_SOON),
        # the scenario's end stands where the hand-over was not too soon
        (End.ESCALATED, Esc.NEEDED_MISSED, (), Ending.ESCALATED_CORRECTLY),
        (End.ESCALATED, Esc.NOT_NEEDED, (), Ending.ESCALATED_CORRECTLY),
        # promises beyond authority settle nothing, unless approval was asked for
        (End.RESOLVED, Esc.NEEDED_MISSED, ("beyond_authority",), Ending.RESOLVED_ON_PROMISES),
        (End.ESCALATED, Esc.NOT_NEEDED, ("unkeepable_promise",), Ending.RESOLVED_ON_PROMISES),
        (End.RESOLVED, Esc.NEEDED_DONE, ("beyond_authority",), Ending.RESOLVED),
        # ...but no approval makes a promise nobody can keep a settlement; a customer handed
        # up at the end was escalated all the same
        (End.RESOLVED, Esc.NEEDED_DONE, ("unkeepable_promise",), Ending.RESOLVED_ON_PROMISES),
        (End.ESCALATED, Esc.NEEDED_DONE, ("unkeepable_promise",), Ending.ESCALATED_CORRECTLY),
        (End.ESCALATED, Esc.NEEDED_DONE, ("advice_outside_role",), Ending.RESOLVED_OUTSIDE_ROLE),
        # a customer who left, or went to the ombudsman, did so whatever came before
        (End.CUSTOMER_LOST, Esc.PREMATURE, ("beyond_authority",), Ending.CUSTOMER_LOST),
        (End.OMBUDSMAN, Esc.NEEDED_MISSED, (), Ending.OMBUDSMAN),
        # one let go on in danger is neither lost nor settled
        (End.UNSAFE, Esc.NEEDED_MISSED, (), Ending.LEFT_IN_DANGER),
    ],
)
def test_the_ending_reads_the_end_node_with_escalation_and_the_rules_broken(
    outcome: OutcomeKind | None, verdict: Escalation, breaches: tuple[str, ...], ending: Ending
) -> None:
    assert judge_ending(outcome, verdict, breaches) is ending


def test_only_a_resolution_or_a_correct_escalation_is_an_ending_to_aim_for() -> None:
    assert {e for e in Ending if e.good} == {Ending.RESOLVED, Ending.ESCALATED_CORRECTLY}
    assert all(e.text and "_" not in e.text for e in Ending)


def _card(scenario: str, replies: list[str]) -> Scorecard:
    return debrief(ScenarioLibrary.load().find(scenario).scenario, replies)


def test_a_hand_over_before_anything_called_for_it_is_not_called_correct() -> None:
    card = _card(
        "late-parcel",
        [
            "I'm sorry to hear that. I'll pass you straight to my team leader, they'll sort "
            "this out for you.",
            "My team leader will be with you shortly, I can't really do anything more "
            "myself, sorry.",
            "And I've also flagged it to our customer relations manager and the courier's "
            "complaints department, so they'll all be in touch.",
        ],
    )
    assert card.outcome == OutcomeKind.ESCALATED.value
    assert card.ending is Ending.HANDED_OVER_TOO_SOON
    shown = scorecard_to_dict(card)
    assert shown["outcome"] == "escalated_correctly", "the end node stays in the JSON"
    assert shown["ending"] == {
        "verdict": "handed_over_too_soon",
        "text": "handed over before it was needed",
    }


def test_a_customer_settled_by_promises_beyond_authority_is_not_called_resolved() -> None:
    card = _card(
        "late-parcel",
        [
            "So sorry Mrs Shah! I'll refund the full £64 right now and send a brand new set "
            "for free as well, and I promise this will never happen to you again.",
            "It'll be back on your card within the hour, guaranteed, and the new set will "
            "arrive tomorrow morning. I'll also add a £100 gift card for your trouble.",
            "Completely sure - I can authorise whatever I like. You'll get the £64 back AND "
            "keep the new set, no strings.",
        ],
    )
    assert card.outcome == OutcomeKind.RESOLVED.value
    assert card.ending is Ending.RESOLVED_ON_PROMISES
    assert not card.ending.good


def test_a_driver_told_to_bring_an_unsafe_car_in_is_left_in_danger_not_lost() -> None:
    """He drives the car with the failing brakes in, as told: the debrief says what went
    wrong, not that he took his custom elsewhere."""
    card = _card("garage-repair", ["Bring it in tomorrow morning and we'll have a look at it."])
    assert card.ending is Ending.LEFT_IN_DANGER
    assert scorecard_to_dict(card)["ending"] == {
        "verdict": "left_in_danger",
        "text": "customer left in danger",
    }
