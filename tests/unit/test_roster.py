"""The class list of ``roleplay serve`` and signing in, without a server.

A tutor adds learners and gets each a code once; only its salted hash is kept; names match
whatever the case or spacing; each learner's folder is safe whatever their name; a roster
file that is damaged or edited to be dangerous is refused with its position; and wrong codes
are held back so a code cannot be guessed.
"""

from __future__ import annotations

import json
import os
import re
import stat
import threading
from pathlib import Path

import pytest

from roleplay.core.errors import InvalidFileError
from roleplay.core.roster import (
    CODE_DIGITS,
    Roster,
    RosterError,
    change_roster,
    default_roster_path,
    learner_home,
    load_roster,
    new_code,
    normalise_code,
    roster_lock_path,
    save_roster,
)
from roleplay.core.signin import NAME_TRIES, SignInGate, Throttle


@pytest.fixture(scope="module")
def two() -> tuple[Roster, str, str]:
    """A roster of Asha Patel and Ben Okafor, and their codes (hashing takes a moment)."""
    roster, asha = Roster().add("Asha Patel")
    roster, ben = roster.add("Ben Okafor")
    return roster, asha, ben


def test_a_new_code_is_twelve_digits_in_groups_of_four() -> None:
    codes = {new_code() for _ in range(50)}
    assert all(re.fullmatch(r"\d{4} \d{4} \d{4}", code) for code in codes)
    assert len(codes) == 50


def test_a_code_may_be_typed_with_spaces_or_dashes_but_nothing_else() -> None:
    assert normalise_code(" 4821-0937 5562 ") == "482109375562"
    assert normalise_code("4821O937 5562") == ""
    assert normalise_code("١٢٣٤") == ""  # digits of another script are not the code's digits
    assert len(normalise_code("1234 5678 9012")) == CODE_DIGITS


def test_each_learner_signs_in_with_their_own_code_only(two: tuple[Roster, str, str]) -> None:
    roster, asha, ben = two
    learner = roster.check("Asha Patel", asha)
    assert learner is not None and learner.name == "Asha Patel"
    assert roster.check("Asha Patel", ben) is None
    assert roster.check("Ben Okafor", asha) is None
    assert roster.check("Nobody", asha) is None
    assert roster.check("Asha Patel", "") is None


def test_names_match_whatever_the_case_or_spacing(two: tuple[Roster, str, str]) -> None:
    roster, asha, _ = two
    learner = roster.check("  asha   PATEL ", asha.replace(" ", "-"))
    assert learner is not None and learner.name == "Asha Patel"


def test_the_code_itself_is_never_kept(two: tuple[Roster, str, str], tmp_path: Path) -> None:
    roster, asha, ben = two
    path = tmp_path / "roster.json"
    save_roster(roster, path)
    text = path.read_text(encoding="utf-8")
    for code in (asha, ben):
        assert code not in text and code.replace(" ", "") not in text
    assert '"kdf": "scrypt"' in text


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_the_roster_file_is_readable_by_its_owner_only(
    two: tuple[Roster, str, str], tmp_path: Path
) -> None:
    path = tmp_path / "class" / "roster.json"
    save_roster(two[0], path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_saved_roster_loads_the_same_and_still_checks_codes(
    two: tuple[Roster, str, str], tmp_path: Path
) -> None:
    roster, asha, _ = two
    path = tmp_path / "roster.json"
    save_roster(roster, path)
    again = load_roster(path)
    assert again == roster
    assert again.check("Asha Patel", asha) is not None


def test_a_roster_not_yet_made_is_empty(tmp_path: Path) -> None:
    assert load_roster(tmp_path / "none.json").learners == ()


def test_a_name_already_on_the_roster_is_refused(two: tuple[Roster, str, str]) -> None:
    with pytest.raises(RosterError, match="Asha Patel is already on the roster"):
        two[0].add("ASHA patel")


@pytest.mark.parametrize(
    ("name", "message"),
    [("   ", "needs a name"), ("x" * 81, "at most 80"), ("Asha\x1b[2J", "control characters")],
)
def test_an_unusable_name_is_refused(name: str, message: str) -> None:
    with pytest.raises(RosterError, match=message):
        Roster().add(name)


@pytest.mark.parametrize("name", ["../../etc", "Zoë Ñúñez", "李小龍", "CON", ".", "a/b\\c"])
def test_each_learner_gets_a_safe_folder_whatever_their_name(name: str, tmp_path: Path) -> None:
    roster, _ = Roster().add(name)
    learner = roster.learners[0]
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", learner.folder)
    home = learner_home(tmp_path / "roster.json", learner)
    assert home.parent == tmp_path / "learners"


def test_two_learners_of_similar_names_get_different_folders() -> None:
    roster, _ = Roster().add("Sam Lee")
    roster, _ = roster.add("Sam  Lee-")
    assert len({learner.folder for learner in roster.learners}) == 2


def test_removing_a_learner_stops_their_code(two: tuple[Roster, str, str]) -> None:
    roster, asha, ben = two
    smaller, gone = roster.remove("asha patel")
    assert gone.name == "Asha Patel"
    assert smaller.check("Asha Patel", asha) is None
    assert smaller.check("Ben Okafor", ben) is not None
    with pytest.raises(RosterError, match="no learner called 'Nobody'"):
        smaller.remove("Nobody")


def test_a_new_code_replaces_the_old_one_and_keeps_the_folder(
    two: tuple[Roster, str, str],
) -> None:
    roster, asha, _ = two
    changed, fresh = roster.reset_code("Asha Patel")
    assert changed.check("Asha Patel", asha) is None
    learner = changed.check("Asha Patel", fresh)
    assert learner is not None
    assert learner.folder == roster.learners[0].folder


def test_the_default_roster_is_in_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROLEPLAY_DATA_DIR", str(tmp_path))
    assert default_roster_path() == tmp_path / "serve" / "roster.json"


# --------------------------------------------------------------------------- bad files


def roster_file(tmp_path: Path, roster: Roster, **change: object) -> Path:
    """Save ``roster`` with the first learner's fields changed as ``change`` says."""
    data = roster.model_dump(mode="json")
    first = data["learners"][0]
    for key, value in change.items():
        if key in first["code"]:
            first["code"][key] = value
        else:
            first[key] = value
    path = tmp_path / "roster.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def only_problem(path: Path) -> str:
    with pytest.raises(InvalidFileError) as caught:
        load_roster(path)
    assert len(caught.value.problems) >= 1
    return str(caught.value.problems[0])


def test_a_roster_that_is_not_json_is_reported_at_its_position(tmp_path: Path) -> None:
    path = tmp_path / "roster.json"
    path.write_text('{"format": "roleplay-roster/1",\n  "learners": [,]}', encoding="utf-8")
    assert only_problem(path).startswith(f"{path}:2:16: not valid JSON")


def test_a_roster_that_is_a_folder_is_reported(tmp_path: Path) -> None:
    assert "cannot read the roster" in only_problem(tmp_path)


@pytest.mark.parametrize(
    "content", [b"[]", b'{"learners": []}', b"\xff\xfe{}", b'{"format": "roleplay-transcript/1"}']
)
def test_a_file_that_is_not_a_roster_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "roster.json"
    path.write_bytes(content)
    assert "not a" in only_problem(path)


def test_a_roster_saved_with_a_byte_order_mark_still_loads(
    two: tuple[Roster, str, str], tmp_path: Path
) -> None:
    path = tmp_path / "roster.json"
    save_roster(two[0], path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_roster(path) == two[0]


def test_a_folder_edited_to_leave_the_class_folder_is_refused(
    two: tuple[Roster, str, str], tmp_path: Path
) -> None:
    path = roster_file(tmp_path, two[0], folder="../../home")
    problem = only_problem(path)
    assert problem.startswith(f"{path}:6:")
    assert "folder" in problem


def test_a_code_cost_edited_to_exhaust_the_server_is_refused(
    two: tuple[Roster, str, str], tmp_path: Path
) -> None:
    assert "n" in only_problem(roster_file(tmp_path, two[0], n=2**30))
    assert "too high" in only_problem(roster_file(tmp_path, two[0], n=2**17, r=16))


def test_two_learners_edited_to_share_a_name_are_refused(
    two: tuple[Roster, str, str], tmp_path: Path
) -> None:
    path = roster_file(tmp_path, two[0], name="ben okafor")
    assert "two learners have the name 'ben okafor'" in only_problem(path)


# --------------------------------------------------------------------------- throttling


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_throttle_holds_a_key_back_until_its_oldest_try_is_old_enough() -> None:
    throttle = Throttle(limit=3, window=60)
    for moment in (0, 10, 20):
        assert throttle.wait("k", moment) == 0
        throttle.record("k", moment)
    assert throttle.wait("k", 30) == 30
    assert throttle.wait("other", 30) == 0
    assert throttle.wait("k", 60) == 0


def test_wrong_codes_for_one_name_hold_even_the_right_code_back(
    two: tuple[Roster, str, str],
) -> None:
    roster, asha, ben = two
    clock = Clock()
    gate = SignInGate(clock=clock)
    for _ in range(NAME_TRIES):
        result = gate.try_sign_in(roster, "Asha Patel", "0000 0000 0000", "10.0.0.1")
        assert result.learner is None and not result.throttled
    held = gate.try_sign_in(roster, "asha patel", asha, "10.0.0.2")
    assert held.throttled and held.learner is None
    assert gate.try_sign_in(roster, "Ben Okafor", ben, "10.0.0.1").learner is not None
    clock.now += held.retry_after
    assert gate.try_sign_in(roster, "Asha Patel", asha, "10.0.0.2").learner is not None


def test_one_client_guessing_many_names_is_held_back() -> None:
    roster = Roster()
    gate = SignInGate(client_tries=4, clock=Clock())
    for number in range(4):
        assert not gate.try_sign_in(roster, f"Learner {number}", "1", "10.0.0.9").throttled
    assert gate.try_sign_in(roster, "Learner 99", "1", "10.0.0.9").throttled
    assert not gate.try_sign_in(roster, "Learner 99", "1", "10.0.0.8").throttled


def test_right_codes_from_a_shared_address_do_not_use_up_its_tries(
    two: tuple[Roster, str, str],
) -> None:
    roster, asha, ben = two
    gate = SignInGate(client_tries=2, clock=Clock())
    for _ in range(3):
        assert gate.try_sign_in(roster, "Asha Patel", asha, "10.0.0.1").learner is not None
        assert gate.try_sign_in(roster, "Ben Okafor", ben, "10.0.0.1").learner is not None


# --------------------------------------------------------------------------- changing it


HANG = 30.0
"""Seconds a thread may take before the test fails as a hang."""


def test_two_changes_at_the_same_moment_both_take_effect(tmp_path: Path) -> None:
    path = tmp_path / "roster.json"
    first_inside, go = threading.Event(), threading.Event()
    # Set when the second change waits for the lock, or (were there none) goes ahead.
    second_moved = threading.Event()

    def slow_add(roster: Roster) -> tuple[Roster, str]:
        first_inside.set()
        assert go.wait(HANG)
        return roster.add("Asha Patel")

    def add_ben(roster: Roster) -> tuple[Roster, str]:
        second_moved.set()
        return roster.add("Ben Okafor")

    def waiting(seconds: float) -> None:
        second_moved.set()
        threading.Event().wait(seconds)

    first = threading.Thread(target=change_roster, args=(path, slow_add))
    second = threading.Thread(target=change_roster, args=(path, add_ben), kwargs={"sleep": waiting})
    first.start()
    assert first_inside.wait(HANG)
    second.start()
    assert second_moved.wait(HANG)
    go.set()
    for thread in (first, second):
        thread.join(HANG)
        assert not thread.is_alive()
    names = [learner.name for learner in load_roster(path).learners]
    assert names == ["Asha Patel", "Ben Okafor"]
    assert not roster_lock_path(path).exists()


def test_a_change_that_fails_leaves_the_roster_as_it_was_and_unlocked(tmp_path: Path) -> None:
    path = tmp_path / "roster.json"
    change_roster(path, lambda roster: roster.add("Asha Patel"))
    before = path.read_bytes()
    with pytest.raises(RosterError, match="already on the roster"):
        change_roster(path, lambda roster: roster.add("asha patel"))
    assert path.read_bytes() == before
    assert not roster_lock_path(path).exists()
    change_roster(path, lambda roster: roster.add("Ben Okafor"))
    assert len(load_roster(path).learners) == 2


def test_a_change_gives_up_in_one_line_while_another_holds_the_roster(tmp_path: Path) -> None:
    from roleplay.core.storage import PathLock

    path = tmp_path / "roster.json"
    held = PathLock(roster_lock_path(path))
    held.acquire()
    try:
        with pytest.raises(RosterError, match=r"another roster command .* is still changing"):
            change_roster(path, lambda roster: roster.add("Asha Patel"), wait=0)
    finally:
        held.release()
    assert not path.exists()
