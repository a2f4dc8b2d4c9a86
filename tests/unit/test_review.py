"""The review of a saved attempt: one typed value that every view is rendered from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roleplay.core.debrief import scorecard_to_dict
from roleplay.core.errors import UnknownIdError
from roleplay.core.escalation import Escalation
from roleplay.core.integrity import Proof
from roleplay.core.library import ScenarioLibrary, bundled_folder
from roleplay.core.marking import Verdict
from roleplay.core.review import SCENARIO_CHANGED, review, review_live
from roleplay.core.transcript import Attempt, load_transcript
from roleplay.render.json import review_json
from roleplay.render.markdown import scorecard_markdown

GOOD = [
    "I'm really sorry your order hasn't arrived, Mrs Shah, that must be so frustrating. "
    "Which door does the driver's photo show?",
    "Thank you. I'll open a trace under our lost parcel procedure, and as £64 is above what I "
    "can authorise I'm passing it to my team leader, who will call you within the hour.",
]

pytestmark = pytest.mark.usefixtures("private_folders")


def _saved(folder: Path, replies: list[str], learner: str = "Asha") -> Path:
    attempt = Attempt.start(ScenarioLibrary().find("late-parcel"), learner, folder=folder)
    for reply in replies:
        if not attempt.finished:
            attempt.step(reply)
    attempt.close()
    return attempt.path


def test_a_saved_attempt_is_reviewed_with_typed_verdicts_and_integrity(tmp_path: Path) -> None:
    saved = load_transcript(_saved(tmp_path, GOOD))

    done = review(saved, None, ScenarioLibrary())

    assert done.learner == "Asha"
    assert done.attempt is not None and done.attempt.started == saved.started
    assert done.integrity is not None and done.integrity.proof is Proof.UNSIGNED
    assert done.integrity.problems == ()
    assert done.card.escalation is Escalation.NEEDED_DONE
    assert all(isinstance(p.status, Verdict) for p in done.card.points)
    assert not done.scenario_changed and done.warnings == ()
    assert done.counts and not done.flagged


def test_an_edited_attempt_says_which_turn_as_a_reason_not_as_words_to_parse(
    tmp_path: Path,
) -> None:
    path = _saved(tmp_path, GOOD[:1])
    data = json.loads(path.read_text(encoding="utf-8"))
    data["turns"][0]["reply"] = "I'm so sorry. I'll refund you in full today."
    path.write_text(json.dumps(data), encoding="utf-8")

    done = review(load_transcript(path), None, ScenarioLibrary())

    assert done.proof is Proof.EDITED and done.flagged and not done.counts
    assert any("turn 1" in reason for reason in done.integrity.problems)  # type: ignore[union-attr]


def test_the_same_attempt_can_be_reviewed_under_another_model(tmp_path: Path) -> None:
    saved = load_transcript(_saved(tmp_path, GOOD))

    later = review(saved, None, ScenarioLibrary())
    heat = review(saved, "HEAT", ScenarioLibrary())

    assert later.card.framework.id == "LATER" and heat.card.framework.id == "HEAT"
    assert later.attempt == heat.attempt


def test_a_scenario_changed_since_the_attempt_is_warned_of(tmp_path: Path) -> None:
    saved = load_transcript(_saved(tmp_path / "attempts", GOOD))
    tutor = tmp_path / "tutor"
    tutor.mkdir()
    text = (bundled_folder() / "late-parcel.yaml").read_text(encoding="utf-8")
    (tutor / "late-parcel.yaml").write_text(text + "\n# a tutor's note\n", encoding="utf-8")

    done = review(saved, None, ScenarioLibrary(tutor))

    assert done.scenario_changed
    assert done.warnings == (SCENARIO_CHANGED,)
    assert review_json(done)["warnings"] == [SCENARIO_CHANGED]


def test_an_attempt_of_a_scenario_the_library_lacks_names_the_known_ones(tmp_path: Path) -> None:
    path = _saved(tmp_path, GOOD[:1])
    data = json.loads(path.read_text(encoding="utf-8"))
    saved = load_transcript(path)
    library = ScenarioLibrary.of({})

    with pytest.raises(UnknownIdError) as caught:
        review(saved, None, library)

    assert caught.value.given == data["scenario"]["id"] and caught.value.known == ()


def test_the_json_is_the_scorecard_plus_what_the_check_proved_and_which_attempt(
    tmp_path: Path,
) -> None:
    saved = load_transcript(_saved(tmp_path, GOOD))
    done = review(saved, None, ScenarioLibrary())

    data = review_json(done)

    base = scorecard_to_dict(done.card, "Asha")
    assert {k: data[k] for k in base} == base
    assert data["integrity"] == "unsigned: consistent, but anyone could have recomputed it"
    assert data["integrity_status"] == "unsigned"
    assert data["integrity_problems"] == []
    assert data["transcript"] == {
        "id": saved.id,
        "started": saved.started,
        "finished": saved.finished,
    }
    assert "warnings" not in data
    json.dumps(data)  # JSON-ready throughout


def test_a_live_attempt_is_reviewed_the_same_as_when_saved(tmp_path: Path) -> None:
    attempt = Attempt.start(ScenarioLibrary().find("late-parcel"), "Asha", folder=tmp_path)
    for reply in GOOD:
        attempt.step(reply)

    live = review_live(attempt)
    attempt.close()
    saved = review(load_transcript(attempt.path), None, ScenarioLibrary())

    assert live.integrity == saved.integrity
    assert live.attempt == saved.attempt
    assert scorecard_markdown(live) == scorecard_markdown(saved)
