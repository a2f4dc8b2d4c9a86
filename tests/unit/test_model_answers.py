"""The scenarios' own model answers: one for every marking point and every step of the
scenario's model, and none that the project's own checks would mark as a fault."""

from __future__ import annotations

import pytest

from roleplay.core.analyse import analyse
from roleplay.core.facts import reply_facts
from roleplay.core.frameworks import get_framework
from roleplay.core.library import ScenarioLibrary
from roleplay.core.marking import marking_points
from roleplay.core.scenario import Scenario

FAULTS = frozenset(
    {"beyond_authority", "disclosure", "advice_outside_role", "unkeepable_promise", "misstatement"}
)
"""Findings a model answer must never produce: it is what the learner is told to say."""

LIBRARY = ScenarioLibrary()
BUNDLED = sorted(loaded.scenario.id for loaded in LIBRARY)
ANSWERS = [
    pytest.param(scenario_id, key, id=f"{scenario_id}:{key}")
    for scenario_id in BUNDLED
    for key in LIBRARY.find(scenario_id).scenario.model_answers
]


def _scenario(scenario_id: str) -> Scenario:
    return LIBRARY.find(scenario_id).scenario


def _faults(answer: str, scenario: Scenario) -> list[str]:
    """What is wrong with ``answer`` as a model answer in ``scenario``: its red flags and
    the findings of a fault, each with the words that earned it."""
    analysis = analyse(answer)
    out = [f"red flag {flag}" for flag in analysis.flags]
    out += [
        f"{f.kind}: {f.quote!r} {f.detail}".rstrip()
        for f in reply_facts(answer, analysis, scenario).findings
        if f.kind in FAULTS
    ]
    return out


def test_every_bundled_scenario_is_checked() -> None:
    assert len(BUNDLED) >= 6
    assert len(ANSWERS) >= 14 * len(BUNDLED)


@pytest.mark.parametrize("scenario_id", BUNDLED)
def test_a_model_answer_for_every_point_and_every_step(scenario_id: str) -> None:
    scenario = _scenario(scenario_id)
    wanted = [point.id for point in marking_points()]
    wanted += [step.id for step in get_framework(scenario.framework).steps]
    missing = [key for key in wanted if not scenario.model_answers.get(key, "").strip()]
    assert not missing, f"{scenario_id} has no model answer for {missing}"


@pytest.mark.parametrize(("scenario_id", "key"), ANSWERS)
def test_a_model_answer_breaks_no_rule(scenario_id: str, key: str) -> None:
    scenario = _scenario(scenario_id)
    answer = scenario.model_answers[key]
    assert _faults(answer, scenario) == [], answer


@pytest.mark.parametrize("scenario_id", BUNDLED)
def test_the_escalation_answer_escalates(scenario_id: str) -> None:
    answer = _scenario(scenario_id).model_answers["escalates-outside-procedure"]
    assert "escalate" in analyse(answer).moves, answer


@pytest.mark.parametrize(
    ("scenario_id", "answer", "fault"),
    [
        ("partners-account", "He owes £2,340 and he's missed the last two payments.", "disclosure"),
        ("late-parcel", "I've refunded the full £64 to your card now.", "beyond_authority"),
        (
            "gp-reception",
            "It sounds like your blood pressure is up, so take two paracetamol and rest.",
            "advice_outside_role",
        ),
        ("catch-up-bill", "I guarantee this will never happen again.", "unkeepable_promise"),
        ("late-parcel", "Calm down, it's the courier's fault, not ours.", "red flag"),
    ],
)
def test_a_tutors_bad_example_is_caught(scenario_id: str, answer: str, fault: str) -> None:
    faults = _faults(answer, _scenario(scenario_id))
    assert any(found.startswith(fault) for found in faults), faults
