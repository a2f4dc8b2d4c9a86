"""Names-legislation as a strict examiner marks it, and the law misstated in the debrief.

Naming is not doing: a law earns the point only when it fits the situation, what is said
of it is right, and the learner says what it means for the customer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from roleplay.core.debrief import debrief, scorecard_to_dict
from roleplay.core.scenario import Scenario, load_scenario

REPO = Path(__file__).resolve().parents[2]


def _scenario(name: str) -> Scenario:
    loaded, problems = load_scenario(REPO / "scenarios" / f"{name}.yaml")
    assert loaded is not None, problems
    return loaded.scenario


@pytest.fixture(scope="module")
def parcel() -> Scenario:
    return _scenario("late-parcel")


@pytest.fixture(scope="module")
def partners() -> Scenario:
    return _scenario("partners-account")


def _law(scenario: Scenario, replies: list[str]) -> tuple[str, dict[str, Any]]:
    card = scorecard_to_dict(debrief(scenario, replies))
    point = next(p for p in card["marking_points"] if p["id"] == "names-legislation")
    return point["status"], card


def test_a_fitting_law_said_right_and_explained_is_met(parcel: Scenario) -> None:
    status, card = _law(
        parcel,
        [
            "I'm so sorry it hasn't come. The Consumer Rights Act means the parcel stays our "
            "responsibility until it's actually in your hands, so I'm sending a replacement today."
        ],
    )
    assert status == "met"
    assert card["law_misstated"] == []


def test_the_right_act_stating_the_opposite_is_not_met_and_shows_the_correction(
    parcel: Scenario,
) -> None:
    reply = "Under the Consumer Rights Act the risk became yours when the courier scanned it."
    status, card = _law(parcel, [reply])
    assert status == "not_met"
    [wrong] = card["law_misstated"]
    assert wrong["quote"] == reply
    assert "s 29" in wrong["shows"] and "risk" in wrong["shows"]
    point = next(p for p in card["marking_points"] if p["id"] == "names-legislation")
    assert point["missing"].startswith("what turn 1 said about Consumer Rights Act 2015 was wrong")


def test_a_fitting_law_named_right_but_the_law_misstated_elsewhere_is_partial(
    parcel: Scenario,
) -> None:
    status, card = _law(
        parcel,
        [
            "Under the Consumer Rights Act the parcel is our responsibility until you have it.",
            "And you can go straight to the ombudsman today if you'd like.",
        ],
    )
    assert status == "partial"
    assert len(card["law_misstated"]) == 1 and card["law_misstated"][0]["turn"] == 2


def test_a_law_named_with_no_word_of_what_it_means_is_partial(parcel: Scenario) -> None:
    status, _card = _law(parcel, ["This is covered by the Consumer Rights Act."])
    assert status == "partial"


def test_the_law_used_only_as_a_reason_is_partial(partners: Scenario) -> None:
    status, _card = _law(partners, ["For data protection reasons I can't go into his account."])
    assert status == "partial"


def test_the_wrong_act_for_data_is_not_met_and_logged(partners: Scenario) -> None:
    status, card = _law(
        partners, ["The Consumer Rights Act stops me talking to you about your husband's card."]
    )
    assert status == "not_met"
    [wrong] = card["law_misstated"]
    assert "Data Protection" in wrong["shows"]


def test_a_law_that_does_not_fit_the_situation_is_not_met(parcel: Scenario) -> None:
    status, card = _law(
        parcel, ["The Equality Act says we must treat every customer fairly, so I'll help."]
    )
    assert status == "not_met"
    assert card["law_misstated"] == []


def test_a_company_policy_is_not_law_not_even_partial(parcel: Scenario) -> None:
    status, _card = _law(
        parcel, ["Under our lost parcel procedure I'm opening a trace with the courier now."]
    )
    assert status == "not_met"


def test_a_scenario_naming_no_law_gives_no_credit_for_silence(parcel: Scenario) -> None:
    bare = parcel.model_copy(update={"legislation": ()})
    status, _card = _law(bare, ["I'm so sorry, I'll send a replacement today."])
    assert status == "not_met"
    status, _card = _law(
        bare, ["The Consumer Rights Act says the parcel is our responsibility until you have it."]
    )
    assert status == "met"
