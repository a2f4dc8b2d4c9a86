"""The debrief measures an attempt against its model and the examiners' marking points."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.core.debrief import debrief, marking_points, scorecard_to_dict
from roleplay.core.scenario import Scenario, load_scenario

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "seeds"

GOOD = [
    "I'm really sorry your order hasn't arrived, Mrs Shah, that must be so frustrating after "
    "chasing twice. Which door does the driver's photo show?",
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


def test_escalating_before_anything_calls_for_it_is_partial(parcel: Scenario) -> None:
    card = scorecard_to_dict(debrief(parcel, ["I'm transferring you to my manager now."]))
    assert card["escalation"]["verdict"] == "premature"  # type: ignore[index]
    assert _points(card)["escalates-outside-procedure"] == "partial"


def test_a_promise_beyond_authority_is_a_policy_breach(parcel: Scenario) -> None:
    replies = [
        "I'm so sorry your parcel hasn't come, let me check it for you.",
        "I'll refund you the full £64 right now.",
    ]
    card = scorecard_to_dict(debrief(parcel, replies))
    assert card["policy_breaches"]
    assert _points(card)["follows-policy"] == "not_met"
