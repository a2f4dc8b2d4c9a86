"""A learner's past attempts, their progress per model step, and remembered settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.core.history import past_attempts, step_progress
from roleplay.core.library import ScenarioLibrary
from roleplay.core.settings import load_settings, save_settings
from roleplay.core.transcript import Attempt

GOOD = [
    "I'm really sorry your order hasn't arrived. Which door does the photo show?",
    "Thank you. Under our lost parcel procedure I'll trace it, and as £64 is above my limit "
    "I'm passing it to my team leader, who will call you within the hour.",
]
POOR = ["Calm down, it's the courier's fault, not ours.", "There's nothing I can do about it."]


@pytest.fixture(autouse=True)
def _private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATA", "CACHE", "CONFIG"):
        monkeypatch.setenv(f"ROLEPLAY_{name}_DIR", str(tmp_path / name.lower()))
    monkeypatch.delenv("ROLEPLAY_CENTRE_KEY", raising=False)


def _play(learner: str, replies: list[str]) -> None:
    attempt = Attempt.start(ScenarioLibrary().find("late-parcel"), learner)
    for reply in replies:
        if not attempt.finished:
            attempt.step(reply)


def test_a_learners_attempts_are_listed_oldest_first_with_scores() -> None:
    _play("Asha", POOR)
    _play("Asha", GOOD)
    _play("Ben", GOOD)
    mine = past_attempts("asha")
    assert [a.outcome for a in mine] == ["customer_lost", "escalated_correctly"]
    assert mine[0].score < mine[1].score


def test_progress_per_step_shows_met_and_missed_in_order() -> None:
    _play("Asha", POOR)
    _play("Asha", GOOD)
    progress = step_progress(past_attempts("Asha"), "later")
    assert set(progress) == {"listen", "apologise", "thank", "explain", "resolve"}
    assert progress["thank"] == [0, 1]


def test_settings_are_remembered_between_runs() -> None:
    assert load_settings() == {}
    save_settings(learner="Asha Patel", mode="assessment")
    save_settings(framework="HEAT")
    assert load_settings() == {"learner": "Asha Patel", "mode": "assessment", "framework": "HEAT"}
