"""Saving, checking, loading and resuming attempts, as a learner and an assessor see them."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest

if os.name == "posix":
    import fcntl

from roleplay.core.dialogue import ConversationOver, play
from roleplay.core.errors import InputError, InvalidFileError
from roleplay.core.library import ScenarioLibrary
from roleplay.core.scenario import LoadedScenario
from roleplay.core.storage import clean_stale_temporaries
from roleplay.core.transcript import (
    FORMAT,
    HMAC_CHAIN,
    SHA256_CHAIN,
    Attempt,
    Proof,
    ResumeError,
    SaveError,
    _header_bytes,
    _seal,
    load_transcript,
    resume,
    turn_hash,
    unfinished_attempts,
    verify,
)

REPO = Path(__file__).resolve().parents[2]
SCENARIO_FILE = REPO / "scenarios" / "late-parcel.yaml"

THREE_TURNS = (
    "I understand how frustrating this must be.",
    "I'll look into it and trace the parcel with the courier today.",
    "I'll refund the full £64 to your card today.",
)
"""Replies that take the late-parcel customer through three turns to 'resolved'."""


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep data and cache in the test's own folder, with no centre key set."""
    monkeypatch.setenv("ROLEPLAY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ROLEPLAY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ROLEPLAY_CENTRE_KEY", raising=False)
    monkeypatch.delenv("ROLEPLAY_CENTRE_KEY_FILE", raising=False)


@pytest.fixture(scope="module")
def late_parcel() -> LoadedScenario:
    """The bundled late-parcel scenario, loaded from its file."""
    return ScenarioLibrary().find(str(SCENARIO_FILE))


def _saved(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _write(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def _played(late_parcel: LoadedScenario, replies: tuple[str, ...] = THREE_TURNS) -> Attempt:
    """Play ``replies`` and close the attempt, as the learner closing the window does."""
    with Attempt.start(late_parcel, "Sam Patel") as attempt:
        for reply in replies:
            attempt.step(reply)
    return attempt


# --------------------------------------------------------------------------- saving


def test_starting_an_attempt_saves_it_at_once_with_no_turns(
    late_parcel: LoadedScenario, tmp_path: Path
) -> None:
    attempt = Attempt.start(late_parcel, "Sam Patel", mode="assessment")

    assert attempt.path.parent == tmp_path / "data" / "attempts"
    assert re.fullmatch(r"\d{8}-\d{6}-late-parcel-[0-9a-f]{4}", attempt.id)
    saved = _saved(attempt.path)
    assert saved["format"] == FORMAT
    assert saved["id"] == attempt.id
    assert saved["turns"] == []
    assert saved["finished"] is None
    assert saved["opening"] == attempt.prompt
    assert saved["scenario"] == {
        "id": "late-parcel",
        "title": late_parcel.scenario.title,
        "digest": late_parcel.digest,
    }
    assert (saved["framework"], saved["learner"], saved["mode"]) == (
        "LATER",
        "Sam Patel",
        "assessment",
    )
    assert saved["ruleset"]
    assert verify(saved).ok


def test_each_reply_is_on_disk_before_step_returns(late_parcel: LoadedScenario) -> None:
    attempt = Attempt.start(late_parcel, "Sam Patel")

    for number, reply in enumerate(THREE_TURNS[:2], start=1):
        turn = attempt.step(reply)
        saved = _saved(attempt.path)

        assert len(saved["turns"]) == number
        assert saved["turns"][-1]["reply"] == reply
        assert saved["turns"][-1]["response"] == turn.response == attempt.prompt
    attempt.close()
    assert list(attempt.path.parent.iterdir()) == [attempt.path], "no temporary file is left"


def test_each_saved_turn_has_the_fields_the_design_names(late_parcel: LoadedScenario) -> None:
    attempt = _played(late_parcel)
    saved = _saved(attempt.path)

    for number, (turn, reply) in enumerate(zip(saved["turns"], THREE_TURNS, strict=True), 1):
        assert {"customer", "reply", "moves", "flags", "node", "mood", "at", "hash"} <= set(turn)
        assert turn["number"] == number
        assert turn["reply"] == reply
        assert re.fullmatch(r"[0-9a-f]{64}", turn["hash"])
    assert saved["turns"][0]["customer"] == saved["opening"]
    assert saved["turns"][0]["moves"] == ["empathise"]
    assert saved["turns"][-1]["mood"] == attempt.session.mood


def test_reaching_an_outcome_finishes_the_attempt(late_parcel: LoadedScenario) -> None:
    attempt = _played(late_parcel)
    saved = _saved(attempt.path)

    assert attempt.finished
    assert saved["outcome"] == "resolved"
    assert saved["finished"] == saved["turns"][-1]["at"]
    with pytest.raises(ConversationOver):
        attempt.step("Is there anything else I can help with?")


TOO_SOON = (
    "I'm sorry to hear that. I'll pass you straight to my team leader, they'll sort this out "
    "for you.",
    "My team leader will be with you shortly, I can't really do anything more myself, sorry.",
    "And I've also flagged it to our customer relations manager and the courier's complaints "
    "department, so they'll all be in touch.",
)
"""Replies that hand the late-parcel customer over before anything called for it."""


def test_a_finished_attempt_keeps_the_ending_its_debrief_shows(
    late_parcel: LoadedScenario,
) -> None:
    """The file says how the attempt ended as the debrief judges it, beside the end node
    reached, so an assessor reading it never sees "escalated correctly" for a hand-over
    the debrief calls premature; the ending is sealed like the outcome."""
    attempt = _played(late_parcel, TOO_SOON)
    saved = _saved(attempt.path)

    assert saved["outcome"] == "escalated_correctly"
    assert saved["ending_verdict"] == "handed_over_too_soon"
    assert load_transcript(attempt.path).ending_verdict == "handed_over_too_soon"
    assert verify(saved).ok
    saved["ending_verdict"] = "escalated_correctly"
    assert not verify(saved).ok


def test_an_attempt_ended_early_is_kept_as_unfinished(late_parcel: LoadedScenario) -> None:
    with Attempt.start(late_parcel, "Sam Patel") as attempt:
        attempt.step(THREE_TURNS[0])
        attempt.finish()
    saved = _saved(attempt.path)
    assert saved["outcome"] is None
    assert saved["ending_verdict"] == "unfinished"
    assert verify(saved).ok


def test_a_transcript_saved_before_the_ending_was_kept_still_verifies(
    late_parcel: LoadedScenario,
) -> None:
    """A file from before the ending was kept (no ``ending_verdict`` at all) still reads and
    verifies as it did."""
    attempt = _played(late_parcel)
    saved = _saved(attempt.path)
    del saved["ending_verdict"]
    saved["integrity"]["seal"] = _seal(saved, saved["turns"], None)

    assert verify(saved).ok
    _write(attempt.path, saved)
    assert load_transcript(attempt.path).ending_verdict is None


def test_a_blank_learner_name_is_refused(late_parcel: LoadedScenario) -> None:
    with pytest.raises(InputError, match="learner's name"):
        Attempt.start(late_parcel, "   ")


# --------------------------------------------------------------------------- integrity


def test_the_hash_chain_of_a_saved_attempt_verifies(late_parcel: LoadedScenario) -> None:
    attempt = _played(late_parcel)

    found = verify(load_transcript(attempt.path))

    assert found.ok, found.problems
    assert found.method == SHA256_CHAIN
    assert found.problems == ()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("reply", "I'll look into it, trace the parcel and send you flowers."),
        ("moves", ["investigate", "ownership", "apologise"]),
        ("flags", ["blame"]),
        ("mood", 9),
    ],
)
def test_an_edited_turn_is_detected_and_named(
    late_parcel: LoadedScenario, field: str, value: object
) -> None:
    attempt = _played(late_parcel)
    saved = _saved(attempt.path)
    saved["turns"][1][field] = value

    found = verify(saved)

    assert not found.ok
    assert found.problems == ("turn 2: reply or score changed after it was saved",)


def test_a_turn_removed_from_the_middle_is_detected(late_parcel: LoadedScenario) -> None:
    attempt = _played(late_parcel)
    saved = _saved(attempt.path)
    del saved["turns"][1]

    found = verify(saved)

    assert not found.ok
    assert "turn 2 is missing: turn 1 is followed by turn 3" in found.problems


def test_turns_cut_from_the_end_are_detected(late_parcel: LoadedScenario) -> None:
    attempt = _played(late_parcel)
    saved = _saved(attempt.path)
    del saved["turns"][2]
    saved["outcome"] = None
    saved["finished"] = None

    found = verify(saved)

    assert not found.ok
    assert any(p.startswith("turns missing after turn 2") for p in found.problems)


def test_a_changed_learner_name_is_detected(late_parcel: LoadedScenario) -> None:
    attempt = _played(late_parcel)
    saved = _saved(attempt.path)
    saved["learner"] = "Someone Else"

    assert not verify(saved).ok


def test_a_transcript_saved_with_a_centre_key_verifies_only_with_that_key(
    late_parcel: LoadedScenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLEPLAY_CENTRE_KEY", "brightwell-centre-secret")
    attempt = _played(late_parcel)
    saved = _saved(attempt.path)

    assert saved["integrity"]["method"] == HMAC_CHAIN
    assert saved["integrity"]["key_id"]
    assert "brightwell-centre-secret" not in attempt.path.read_text(encoding="utf-8")
    assert verify(saved, "brightwell-centre-secret").ok

    assert verify(saved, "brightwell-centre-secret").proof is Proof.SIGNED
    assert (
        verify(saved, "brightwell-centre-secret").text == "signed with this centre's key (verified)"
    )

    wrong = verify(saved, "another-centre")
    assert not wrong.ok
    assert wrong.proof is Proof.UNCHECKABLE
    assert wrong.text.startswith("CANNOT BE CHECKED: signed with centre key ")
    assert "not with this machine's key" in wrong.text

    without = verify(saved)
    assert not without.ok
    assert without.proof is Proof.UNCHECKABLE
    assert without.text == (
        f"CANNOT BE CHECKED: signed with centre key {saved['integrity']['key_id']}, and this "
        "machine has no centre key to check it with"
    )


def test_a_centre_key_can_come_from_a_key_file(
    late_parcel: LoadedScenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "centre.key"
    key_file.write_bytes(b"key-from-file\n")
    monkeypatch.setenv("ROLEPLAY_CENTRE_KEY_FILE", str(key_file))
    attempt = _played(late_parcel, THREE_TURNS[:1])

    assert verify(_saved(attempt.path), b"key-from-file").ok


def test_an_edit_re_hashed_without_the_key_is_still_caught(late_parcel: LoadedScenario) -> None:
    signed = Attempt.start(late_parcel, "Sam Patel", key="centre-secret")
    for reply in THREE_TURNS:
        signed.step(reply)
    forged = Attempt.start(late_parcel, "Sam Patel", key=None)
    for reply in THREE_TURNS:
        forged.step(reply)
    saved = _saved(forged.path)
    saved["integrity"] = _saved(signed.path)["integrity"]

    found = verify(saved, "centre-secret")

    assert not found.ok
    assert "turn 1" in found.problems[0]


def test_an_unsigned_transcript_fails_when_the_centre_has_a_key(
    late_parcel: LoadedScenario,
) -> None:
    attempt = _played(late_parcel, THREE_TURNS[:1])

    found = verify(_saved(attempt.path), "centre-secret")

    assert not found.ok
    assert found.proof is Proof.NOT_SIGNED
    assert found.text.startswith("NOT SIGNED: this machine signs with centre key ")
    assert "anyone could have edited it" in found.text


def test_an_unsigned_transcript_is_never_called_verified(late_parcel: LoadedScenario) -> None:
    attempt = _played(late_parcel, THREE_TURNS[:1])

    found = verify(_saved(attempt.path))

    assert found.ok
    assert found.proof is Proof.UNSIGNED
    assert found.text == "unsigned: consistent, but anyone could have recomputed it"
    assert "verified" not in found.text


def _rehashed_without_the_key(data: dict[str, Any], *, keep_key_id: bool) -> dict[str, Any]:
    """What a forger without the key can do: edit a reply, then recompute a plain chain."""
    data["turns"][0]["reply"] = "I'm so sorry, I'll refund you in full today."
    before = _header_bytes(data)
    for turn in data["turns"]:
        turn["hash"] = turn_hash(before, turn)
        before = turn["hash"].encode("ascii")
    data["integrity"]["method"] = SHA256_CHAIN
    if not keep_key_id:
        data["integrity"]["key_id"] = None
    data["integrity"]["seal"] = _seal(data, data["turns"], None)
    return data


def test_a_signed_transcript_downgraded_to_a_plain_chain_is_never_verified(
    late_parcel: LoadedScenario,
) -> None:
    with Attempt.start(late_parcel, "Sam Patel", key="centre-secret") as attempt:
        for reply in THREE_TURNS:
            attempt.step(reply)

    claims = _rehashed_without_the_key(_saved(attempt.path), keep_key_id=True)
    for key in (None, "centre-secret"):
        assert verify(claims, key).proof is Proof.EDITED, "it still names the key it lost"
        assert "re-hashed without the key" in verify(claims, key).text

    quiet = _rehashed_without_the_key(_saved(attempt.path), keep_key_id=False)
    on_the_centres_machine = verify(quiet, "centre-secret")
    assert on_the_centres_machine.proof is Proof.NOT_SIGNED
    assert not on_the_centres_machine.ok
    elsewhere = verify(quiet)
    assert elsewhere.proof is Proof.UNSIGNED
    assert elsewhere.text == "unsigned: consistent, but anyone could have recomputed it"


# --------------------------------------------------------------------------- loading


def test_a_truncated_file_is_reported_not_raised_as_a_traceback(
    late_parcel: LoadedScenario,
) -> None:
    attempt = _played(late_parcel, THREE_TURNS[:2])
    text = attempt.path.read_text(encoding="utf-8")
    attempt.path.write_text(text[: len(text) // 2], encoding="utf-8")

    with pytest.raises(InvalidFileError) as caught:
        load_transcript(attempt.path)

    (problem,) = caught.value.problems
    assert problem.file == str(attempt.path)
    assert problem.line > 1
    assert "cut off" in problem.message


def test_a_file_that_is_not_json_is_reported_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    path.write_text('{"format": "roleplay-transcript/1",\n  oops\n}', encoding="utf-8")

    with pytest.raises(InvalidFileError) as caught:
        load_transcript(path)

    (problem,) = caught.value.problems
    assert (problem.line, problem.col) == (2, 3)
    assert problem.message.startswith("not valid JSON")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("[1, 2, 3]", "expected a JSON object"),
        ('{"format": "something-else/2"}', "format is 'something-else/2'"),
        (b"\xff\xfe{}", "not valid UTF-8"),
    ],
)
def test_a_file_that_is_not_a_transcript_says_why(
    tmp_path: Path, content: str | bytes, message: str
) -> None:
    path = tmp_path / "other.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")

    with pytest.raises(InvalidFileError, match=re.escape(message)):
        load_transcript(path)


def test_missing_and_mistyped_fields_are_all_reported_with_lines(
    late_parcel: LoadedScenario,
) -> None:
    attempt = _played(late_parcel, THREE_TURNS[:2])
    saved = _saved(attempt.path)
    del saved["learner"]
    saved["turns"][1]["mood"] = "calm"
    _write(attempt.path, saved)

    with pytest.raises(InvalidFileError) as caught:
        load_transcript(attempt.path)

    messages = [p.message for p in caught.value.problems]
    assert "missing required field 'learner'" in messages
    assert "turn 2, mood: expected a whole number, got 'calm'" in messages
    assert all(p.line >= 1 for p in caught.value.problems)


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(InvalidFileError, match="cannot read"):
        load_transcript(tmp_path / "nowhere.json")


# --------------------------------------------------------------------------- resuming


def test_a_resumed_attempt_ends_as_an_uninterrupted_one(late_parcel: LoadedScenario) -> None:
    first = Attempt.start(late_parcel, "Sam Patel")
    first.step(THREE_TURNS[0])
    first.close()

    again = resume(first.path)
    assert again.path == first.path
    assert again.prompt == first.prompt
    assert len(again.turns) == 1
    for reply in THREE_TURNS[1:]:
        again.step(reply)

    whole = play(late_parcel.scenario, THREE_TURNS)
    saved = load_transcript(first.path)
    assert again.outcome == whole.outcome == saved.outcome == "resolved"
    assert saved.replies == THREE_TURNS
    assert [(t.node, t.mood) for t in saved.turns] == [(t.node, t.mood_after) for t in whole.turns]
    assert saved.warnings == ()
    assert verify(saved).ok


def test_a_finished_attempt_cannot_be_resumed(late_parcel: LoadedScenario) -> None:
    attempt = _played(late_parcel)

    with pytest.raises(ResumeError, match="has finished with the outcome 'resolved'"):
        resume(attempt.path)


def test_an_attempt_ended_early_cannot_be_resumed(late_parcel: LoadedScenario) -> None:
    with Attempt.start(late_parcel, "Sam Patel") as attempt:
        attempt.step(THREE_TURNS[0])
        attempt.finish()

    assert _saved(attempt.path)["finished"] is not None
    with pytest.raises(ResumeError, match="has finished"):
        resume(attempt.path)


def test_a_changed_scenario_file_is_a_warning_on_resume(
    late_parcel: LoadedScenario, tmp_path: Path
) -> None:
    attempt = _played(late_parcel, THREE_TURNS[:1])
    tutor = tmp_path / "tutor"
    tutor.mkdir()
    copy = tutor / "late-parcel.yaml"
    copy.write_text(
        SCENARIO_FILE.read_text(encoding="utf-8") + "# reworded by the tutor\n",
        encoding="utf-8",
    )

    again = resume(attempt.path, library=ScenarioLibrary(tutor))

    assert len(again.warnings) == 1
    assert "late-parcel.yaml has changed since this attempt began" in again.warnings[0]
    saved = load_transcript(attempt.path)
    assert saved.warnings == again.warnings
    assert verify(saved).ok
    for reply in THREE_TURNS[1:]:
        again.step(reply)
    assert again.outcome == "resolved"


def test_a_scenario_that_no_longer_replays_the_same_is_refused(
    late_parcel: LoadedScenario, tmp_path: Path
) -> None:
    attempt = _played(late_parcel, THREE_TURNS[:1])
    tutor = tmp_path / "tutor"
    tutor.mkdir()
    text = SCENARIO_FILE.read_text(encoding="utf-8")
    changed = text.replace(
        "goto: wants-action\n        mood: 1", "goto: wants-action\n        mood: 3"
    )
    assert changed != text
    (tutor / "late-parcel.yaml").write_text(changed, encoding="utf-8")

    with pytest.raises(ResumeError, match="no longer re-plays the same: turn 1"):
        resume(attempt.path, library=ScenarioLibrary(tutor))


def test_a_broken_file_in_the_tutors_folder_does_not_stop_a_resume(
    late_parcel: LoadedScenario, tmp_path: Path
) -> None:
    attempt = _played(late_parcel, THREE_TURNS[:1])
    tutor = tmp_path / "tutor"
    tutor.mkdir()
    (tutor / "draft.yaml").write_text("id: draft\ndate: 2024-13-45\n", encoding="utf-8")
    (tutor / "folder.yaml").mkdir()

    again = resume(attempt.path, library=ScenarioLibrary(tutor))

    assert again.loaded.scenario.id == "late-parcel"
    assert len(again.turns) == 1


def test_an_edited_attempt_cannot_be_resumed(late_parcel: LoadedScenario) -> None:
    attempt = _played(late_parcel, THREE_TURNS[:2])
    saved = _saved(attempt.path)
    saved["turns"][0]["reply"] = "I'm terribly sorry, Mrs Shah."
    _write(attempt.path, saved)

    with pytest.raises(ResumeError, match="turn 1: reply or score changed"):
        resume(attempt.path)


def test_a_signed_attempt_needs_its_key_to_resume(
    late_parcel: LoadedScenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLEPLAY_CENTRE_KEY", "centre-secret")
    attempt = _played(late_parcel, THREE_TURNS[:1])
    monkeypatch.delenv("ROLEPLAY_CENTRE_KEY")

    with pytest.raises(ResumeError, match="signed with a centre key"):
        resume(attempt.path)

    again = resume(attempt.path, key="centre-secret")
    again.step(THREE_TURNS[1])
    assert verify(load_transcript(attempt.path), "centre-secret").ok


def test_unfinished_attempts_are_offered_for_resuming(
    late_parcel: LoadedScenario, tmp_path: Path
) -> None:
    waiting = _played(late_parcel, THREE_TURNS[:2])
    _played(late_parcel)
    folder = waiting.path.parent
    (folder / "damaged.json").write_text('{"format": "roleplay-tr', encoding="utf-8")

    offered = unfinished_attempts()

    assert [path for path, _ in offered] == [waiting.path]
    summary = offered[0][1]
    assert (summary.id, summary.learner, summary.scenario_id, summary.turns) == (
        waiting.id,
        "Sam Patel",
        "late-parcel",
        2,
    )
    assert summary.last_line == waiting.prompt
    assert unfinished_attempts(tmp_path / "no-such-folder") == []


# --------------------------------------------------------------------------- hostile files


def test_a_number_too_long_to_read_is_a_positioned_problem(
    late_parcel: LoadedScenario,
) -> None:
    attempt = _played(late_parcel, THREE_TURNS[:1])
    text = attempt.path.read_text(encoding="utf-8")
    attempt.path.write_text(re.sub(r'"mood": -?\d+', '"mood": ' + "9" * 5000, text, count=1))
    expected_line = text[: text.index('"mood": ')].count("\n") + 1

    with pytest.raises(InvalidFileError) as caught:
        load_transcript(attempt.path)

    (problem,) = caught.value.problems
    assert problem.line == expected_line
    assert problem.col > 1
    assert "5,000 digits" in problem.message


def test_json_nested_100000_deep_is_a_positioned_problem(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"format": "roleplay-transcript/1",\n "x": ' + "[" * 100_000 + "]" * 100_000)

    with pytest.raises(InvalidFileError) as caught:
        load_transcript(path)

    (problem,) = caught.value.problems
    assert (problem.line, problem.col) == (2, 7 + 63), "the 64th [ opens level 65"
    assert "nested more than 64 levels deep" in problem.message


def test_a_transcript_with_a_byte_order_mark_loads(late_parcel: LoadedScenario) -> None:
    attempt = _played(late_parcel, THREE_TURNS[:1])
    attempt.path.write_bytes(b"\xef\xbb\xbf" + attempt.path.read_bytes())

    saved = load_transcript(attempt.path)

    assert saved.replies == THREE_TURNS[:1]
    assert verify(saved).ok


# --------------------------------------------------------------------------- two windows


def test_an_attempt_open_in_one_window_cannot_be_resumed_in_another(
    late_parcel: LoadedScenario,
) -> None:
    """The second window is told; the first window's answered turn is never lost."""
    first = Attempt.start(late_parcel, "Sam Patel")
    first.step(THREE_TURNS[0])
    first.close()
    window_a = resume(first.path)

    with pytest.raises(ResumeError, match="open in another window"):
        resume(first.path)
    window_a.step(THREE_TURNS[1])
    window_a.close()

    with resume(first.path) as window_b:
        assert [t.reply for t in window_b.turns] == list(THREE_TURNS[:2])
        window_b.step(THREE_TURNS[2])
    assert load_transcript(first.path).replies == THREE_TURNS


def test_a_new_attempt_is_locked_from_its_start(late_parcel: LoadedScenario) -> None:
    with (
        Attempt.start(late_parcel, "Sam Patel") as attempt,
        pytest.raises(ResumeError, match="open in another window"),
    ):
        resume(attempt.path)
    assert not list(attempt.path.parent.glob(".*.lock")), "closing removes the lock file"


def test_a_closed_attempt_saves_no_more(late_parcel: LoadedScenario) -> None:
    attempt = _played(late_parcel, THREE_TURNS[:1])

    with pytest.raises(SaveError, match="closed"):
        attempt.step(THREE_TURNS[1])
    assert load_transcript(attempt.path).replies == THREE_TURNS[:1]


# --------------------------------------------------------------------------- interrupted saves


def test_temporary_files_of_interrupted_saves_are_cleaned_when_listing(
    late_parcel: LoadedScenario,
) -> None:
    attempt = _played(late_parcel, THREE_TURNS[:1])
    folder = attempt.path.parent
    stale = folder / f".roleplay-{attempt.path.name}.k3j9x_2a.tmp"
    legacy = folder / f".{attempt.path.name}.q8w7e6r5.tmp"
    fresh = folder / f".roleplay-{attempt.path.name}.a1b2c3d4.tmp"
    someone_elses = folder / "notes.tmp"
    for path in (stale, legacy, fresh, someone_elses):
        path.write_text('{"format": "roleplay-tr', encoding="utf-8")
    an_hour_ago = time.time() - 3600
    for path in (stale, legacy, someone_elses):
        os.utime(path, (an_hour_ago, an_hour_ago))

    unfinished_attempts()

    assert not stale.exists() and not legacy.exists()
    assert fresh.exists(), "a temporary file written just now may still be in use"
    assert someone_elses.exists(), "only roleplay's own temporary files are removed"


@pytest.mark.skipif(os.name != "posix", reason="POSIX advisory locks")
def test_an_old_temporary_file_still_being_written_is_not_removed(tmp_path: Path) -> None:
    path = tmp_path / ".roleplay-x.json.abcd1234.tmp"
    path.write_text("half of a save", encoding="utf-8")
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))
    with path.open("rb") as writer:
        fcntl.flock(writer.fileno(), fcntl.LOCK_EX)
        assert clean_stale_temporaries(tmp_path) == []
        assert path.exists()
    assert clean_stale_temporaries(tmp_path) == [path]


def test_a_10_mb_reply_is_saved_whole_and_scored_on_its_first_part(
    late_parcel: LoadedScenario,
) -> None:
    reply = "sorry, " * (10 * 1024 * 1024 // 7)
    with Attempt.start(late_parcel, "Sam Patel") as attempt:
        turn = attempt.step(reply)

    assert turn.analysis.truncated and turn.analysis.has("apologise")
    saved = load_transcript(attempt.path)
    assert saved.replies == (reply,)
    assert saved.turns[0].model_dump()["scored_chars"] == len(turn.analysis.reply)
    assert verify(saved).ok
    with resume(attempt.path) as again:
        assert again.turns[0].mood_after == turn.mood_after


def test_a_lone_surrogate_escaped_in_a_transcript_reads_as_a_replacement_character(
    tmp_path: Path,
) -> None:
    """Only an edited file holds one; it must load (and then fail its hash), not crash."""
    path = tmp_path / "attempt.json"
    path.write_text('{"format": "roleplay-transcript/1", "learner": "\\udfa5 Asha"}', "utf-8")

    with pytest.raises(InvalidFileError) as caught:
        load_transcript(path)

    assert "\udfa5" not in " ".join(p.message for p in caught.value.problems)
