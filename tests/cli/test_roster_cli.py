"""``roleplay roster``: a tutor issues, lists, re-issues and withdraws learners' codes.

Signing in with the codes is tested against a real server in ``tests/tui/test_serve.py``;
here the commands themselves: what they print, what they keep, and one-line errors.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from roleplay.core.roster import load_roster

Run = Callable[..., subprocess.CompletedProcess[str]]

CODE = re.compile(r"\d{4} \d{4} \d{4}")


def code_of(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr
    found = CODE.findall(done.stdout)
    assert len(found) == 1, done.stdout
    return found[0]


def test_add_prints_a_new_code_once_and_keeps_only_its_hash(run: Run, tmp_path: Path) -> None:
    roster = tmp_path / "roster.json"
    done = run("roster", "add", "Asha Patel", "--roster", str(roster))
    code = code_of(done)
    assert done.stdout.startswith("Added Asha Patel. Their code: ")
    assert "cannot be shown again" in done.stderr
    assert code not in roster.read_text(encoding="utf-8")
    assert load_roster(roster).check("Asha Patel", code) is not None


def test_list_shows_names_and_folders_but_never_codes(run: Run, tmp_path: Path) -> None:
    roster = tmp_path / "roster.json"
    asha = code_of(run("roster", "add", "Asha Patel", "--roster", str(roster)))
    code_of(run("roster", "add", "Ben Okafor", "--roster", str(roster)))
    done = run("roster", "list", "--roster", str(roster))
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert [line.split("  ")[0] for line in lines] == ["Asha Patel", "Ben Okafor"]
    assert str(tmp_path / "learners") in done.stdout
    assert asha not in done.stdout and "scrypt" not in done.stdout


def test_list_of_an_empty_roster_says_how_to_add(run: Run, tmp_path: Path) -> None:
    done = run("roster", "list", "--roster", str(tmp_path / "roster.json"))
    assert done.returncode == 0
    assert "roleplay roster add NAME" in done.stderr


def test_the_default_roster_is_in_the_data_folder(run: Run, cli_env: dict[str, str]) -> None:
    done = run("roster", "add", "Default Learner")
    code_of(done)
    roster = Path(cli_env["ROLEPLAY_DATA_DIR"]) / "serve" / "roster.json"
    assert load_roster(roster).find("default learner") is not None
    assert run("roster", "remove", "Default Learner").returncode == 0


def test_reset_code_replaces_the_code(run: Run, tmp_path: Path) -> None:
    roster = tmp_path / "roster.json"
    old = code_of(run("roster", "add", "Asha Patel", "--roster", str(roster)))
    done = run("roster", "reset-code", "asha patel", "--roster", str(roster))
    new = code_of(done)
    assert done.stdout.startswith("New code for Asha Patel: ")
    loaded = load_roster(roster)
    assert loaded.check("Asha Patel", old) is None
    assert loaded.check("Asha Patel", new) is not None


def test_remove_withdraws_the_code_and_says_where_the_work_is(run: Run, tmp_path: Path) -> None:
    roster = tmp_path / "roster.json"
    code_of(run("roster", "add", "Asha Patel", "--roster", str(roster)))
    done = run("roster", "remove", "ASHA PATEL", "--roster", str(roster))
    assert done.returncode == 0
    assert done.stdout.startswith(f"Removed Asha Patel; their work stays in {tmp_path}")
    assert load_roster(roster).learners == ()


def test_a_name_already_there_or_not_there_is_a_one_line_error(run: Run, tmp_path: Path) -> None:
    roster = tmp_path / "roster.json"
    code_of(run("roster", "add", "Asha Patel", "--roster", str(roster)))
    twice = run("roster", "add", " asha  patel ", "--roster", str(roster))
    assert twice.returncode == 1
    assert twice.stderr == (
        "error: Asha Patel is already on the roster; "
        "'roleplay roster reset-code' gives them a new code\n"
    )
    for command in ("remove", "reset-code"):
        missing = run("roster", command, "Nobody", "--roster", str(roster))
        assert missing.returncode == 1
        assert missing.stderr == "error: no learner called 'Nobody' on the roster\n"


def test_a_damaged_roster_is_a_one_line_error_and_is_left_alone(run: Run, tmp_path: Path) -> None:
    roster = tmp_path / "roster.json"
    roster.write_text('{"format": "roleplay-roster/1",\n "learners": [}', encoding="utf-8")
    for args in (("list",), ("add", "Asha Patel"), ("remove", "Asha Patel")):
        done = run("roster", *args, "--roster", str(roster))
        assert done.returncode == 1
        assert done.stderr.startswith(f"error: {roster}:2:")
        assert len(done.stderr.splitlines()) == 1
        assert "Traceback" not in done.stderr
    assert roster.read_text(encoding="utf-8").endswith("[}")


def test_a_roster_that_cannot_be_read_is_a_one_line_error(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "roster.json"
    folder.mkdir()
    done = run("roster", "list", "--roster", str(folder))
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: {folder}:0:0: cannot read the roster")
    assert len(done.stderr.splitlines()) == 1


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc, which no one can write")
def test_a_roster_that_cannot_be_written_is_a_one_line_error(run: Run) -> None:
    done = run("roster", "add", "Asha Patel", "--roster", "/proc/roster.json")
    assert done.returncode == 1
    assert "cannot write the roster" in done.stderr
    assert len(done.stderr.splitlines()) == 1


def test_roster_commands_run_at_the_same_moment_all_take_effect(run: Run, tmp_path: Path) -> None:
    roster = tmp_path / "roster.json"
    code_of(run("roster", "add", "Asha Patel", "--roster", str(roster)))
    commands = [
        ("add", "Ben Okafor"),
        ("add", "Cara Lewis"),
        ("add", "Dev Shah"),
        ("remove", "Asha Patel"),
    ]
    with ThreadPoolExecutor(len(commands)) as pool:
        done = list(
            pool.map(lambda c: run("roster", c[0], c[1], "--roster", str(roster)), commands)
        )
    assert [d.returncode for d in done] == [0] * len(commands), [d.stderr for d in done]
    names = {learner.name for learner in load_roster(roster).learners}
    assert names == {"Ben Okafor", "Cara Lewis", "Dev Shah"}


def test_roster_alone_lists_its_commands(run: Run) -> None:
    done = run("roster")

    assert done.returncode == 0 and done.stderr == ""
    assert all(f"  {name} " in done.stdout for name in ("add", "list", "remove", "reset-code"))
