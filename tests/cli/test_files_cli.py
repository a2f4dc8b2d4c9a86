"""No file and no YAML value gives a traceback, and one bad file never takes anything down.

Run as a tutor, a learner and an assessor run the commands: a bad value is reported at its
``file:line:col``; a bad file in a ``--scenarios`` folder is reported on stderr and set
aside while every other scenario keeps working; pipes, devices, folders named ``*.yaml``
and names too long for the system are one-line errors, never a hang or a traceback.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]
Result = subprocess.CompletedProcess[str]

REPO = Path(__file__).resolve().parents[2]
BUNDLED_RULES = REPO / "src" / "roleplay" / "lexicon"

REGEX_CUE_FILE = """\
move: thank
description: A regular-expression cue rule, checked as the old engine checks it.
rules:
  - id: thank.regex-cue
    summary: thank you
    patterns:
      - "thank you"
    examples:
      match:
        - "Thank you for waiting."
"""
"""A cue file of the regular-expression engine, written by the test: the bundled moves are
parse rules now, and this is the kind of file a tutor's old rule folder still holds."""
LATE_PARCEL = REPO / "scenarios" / "late-parcel.yaml"
TOO_LONG = "x" * 300
"""A file name longer than any file system allows (ENAMETOOLONG)."""

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
needs_dev_zero = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")

POSITIONED = re.compile(r"^.+:\d+:\d+: .+ \[[a-z-]+\]$")


def problem_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if POSITIONED.match(line)]


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error: ")]


def assert_no_traceback(result: Result) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1, 2), (result.returncode, result.stderr)


def assert_one_line_error(result: Result, *fragments: str) -> str:
    """Exit 1 with an ``error:`` line holding every fragment, and nothing else on stderr
    but positioned problems."""
    assert_no_traceback(result)
    assert result.returncode == 1, (result.stdout, result.stderr)
    errors = error_lines(result)
    assert len(errors) == 1, result.stderr
    for fragment in fragments:
        assert fragment in errors[0], result.stderr
    others = [line for line in result.stderr.splitlines() if line not in errors]
    assert all(POSITIONED.match(line) for line in others), result.stderr
    return errors[0]


def own_parcel(folder: Path, scenario_id: str = "own-parcel") -> Path:
    """A copy of the bundled late-parcel scenario under another id, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{scenario_id}.yaml"
    text = LATE_PARCEL.read_text(encoding="utf-8").replace("id: late-parcel", f"id: {scenario_id}")
    path.write_text(text, encoding="utf-8")
    return path


def replies_file(tmp_path: Path) -> Path:
    path = tmp_path / "replies.txt"
    path.write_text("I'm so sorry your parcel hasn't arrived.\n", encoding="utf-8")
    return path


# --- values PyYAML cannot convert -----------------------------------------------------------

BAD_VALUES = [
    ("date: 2024-13-45", 2, 7, "'2024-13-45' is not a valid date (month must be in 1..12)"),
    ("2024-02-30: a key", 2, 1, "'2024-02-30' is not a valid date (day is out of range"),
    ("count: " + "7" * 5000, 2, 8, "a whole number of 5000 digits is too long"),
    ("count: !!int abc", 2, 8, "'abc' is not a whole number"),
    ("ratio: !!float abc", 2, 8, "'abc' is not a number"),
    ("flag: !!bool maybe", 2, 7, "'maybe' is not true or false"),
    ("when: !!timestamp 2024-01-01T99:00:00", 2, 7, "is not a valid date"),
    ("run: !!python/object/apply:os.system [id]", 2, 6, "unknown tag '!!python/object"),
]


@pytest.mark.parametrize(
    ("body", "line", "col", "words"), BAD_VALUES, ids=[v[0][:24] for v in BAD_VALUES]
)
def test_validate_reports_a_value_it_cannot_convert_at_its_place(
    run: Run, tmp_path: Path, body: str, line: int, col: int, words: str
) -> None:
    path = tmp_path / "draft.yaml"
    path.write_text(f"id: draft\n{body}\n", encoding="utf-8")

    result = run("validate", str(path))

    assert_no_traceback(result)
    assert result.returncode == 1
    assert [x for x in problem_lines(result) if x.startswith(f"{path}:{line}:{col}: ")], (
        result.stderr
    )
    assert words in result.stderr


def test_a_replies_file_with_a_bad_date_is_reported_at_its_line(run: Run, tmp_path: Path) -> None:
    replies = tmp_path / "replies.yaml"
    replies.write_text("- I'm so sorry.\n- 2024-13-45\n", encoding="utf-8")

    result = run("run", "late-parcel", "--replies", str(replies))

    assert_one_line_error(result, "not a YAML list of replies")
    assert problem_lines(result)[0].startswith(f"{replies}:2:3: ")


def test_a_customer_with_an_empty_line_map_is_a_problem_not_a_crash(
    run: Run, tmp_path: Path
) -> None:
    path = own_parcel(tmp_path)
    text = path.read_text(encoding="utf-8")
    start = text.index("    customer:\n      default:")
    end = text.index("\n", text.index("      default:", start))
    path.write_text(text[:start] + "    customer: {}" + text[end:], encoding="utf-8")
    line = text[:start].count("\n") + 1

    checked = run("validate", str(path))
    played = run("run", str(path), "--replies", str(replies_file(tmp_path)))

    assert_no_traceback(checked)
    assert checked.returncode == 1
    assert any(x.startswith(f"{path}:{line}:5: nodes[0].customer:") for x in problem_lines(checked))
    assert_one_line_error(played, "cannot load scenario")


# --- one bad file in a folder of scenarios --------------------------------------------------


@pytest.fixture
def folder_with_bad_files(tmp_path: Path) -> Path:
    """A tutor's folder: one good scenario, and bad files of every kind beside it."""
    folder = tmp_path / "mine"
    own_parcel(folder)
    (folder / "bad-date.yaml").write_text("id: x\ndate: 2024-13-45\n", encoding="utf-8")
    (folder / "huge-number.yaml").write_text("id: x\nn: " + "9" * 5000 + "\n", encoding="utf-8")
    (folder / "folder.yaml").mkdir()
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.yaml")
    if Path("/dev/zero").exists():
        (folder / "zero.yaml").symlink_to("/dev/zero")
    return folder


def assert_set_aside_and_reported(result: Result, folder: Path) -> None:
    assert_no_traceback(result)
    assert result.returncode == 0, result.stderr
    reported = {Path(line.split(":", 1)[0]).name for line in problem_lines(result)}
    assert {"bad-date.yaml", "huge-number.yaml", "folder.yaml"} <= reported, result.stderr
    assert f"{folder / 'bad-date.yaml'}:2:7: " in result.stderr


def test_list_sets_a_bad_file_aside_and_lists_the_rest(
    run: Run, folder_with_bad_files: Path
) -> None:
    result = run("list", "--scenarios", str(folder_with_bad_files))

    assert_set_aside_and_reported(result, folder_with_bad_files)
    ids = [line.split()[0] for line in result.stdout.splitlines()[1:]]
    assert "own-parcel" in ids and "late-parcel" in ids


@pytest.mark.parametrize("scenario", ["late-parcel", "own-parcel"])
def test_run_and_graph_work_beside_a_bad_file(
    run: Run, tmp_path: Path, folder_with_bad_files: Path, scenario: str
) -> None:
    folder = str(folder_with_bad_files)
    played = run("run", scenario, "--replies", str(replies_file(tmp_path)), "--scenarios", folder)
    drawn = run("graph", scenario, "--scenarios", folder)

    assert_set_aside_and_reported(played, folder_with_bad_files)
    assert_set_aside_and_reported(drawn, folder_with_bad_files)
    assert drawn.stdout.startswith("flowchart TD")


def test_debrief_and_report_work_beside_a_bad_file(
    run: Run, tmp_path: Path, folder_with_bad_files: Path
) -> None:
    attempt = tmp_path / "attempt.json"
    made = run(
        "run", "late-parcel", "--replies", str(replies_file(tmp_path)), "--format", "json",
        "--out", str(attempt),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    folder = str(folder_with_bad_files)

    debriefed = run("debrief", str(attempt), "--scenarios", folder)
    reported = run("report", str(attempt), "--scenarios", folder)

    assert_set_aside_and_reported(debriefed, folder_with_bad_files)
    assert_set_aside_and_reported(reported, folder_with_bad_files)
    assert "late-parcel" in reported.stdout.splitlines()[1]


COMMANDS_WITH_A_FOLDER = [
    ("list",),
    ("graph", "late-parcel"),
    ("graph", str(LATE_PARCEL)),
    ("run", "late-parcel", "--replies", "replies.txt"),
    ("debrief", "attempt.json"),
    ("report", "attempt.json"),
    ("play", "late-parcel"),
    ("serve",),
    (),
]


@pytest.mark.parametrize("command", COMMANDS_WITH_A_FOLDER, ids=lambda c: c[0] if c else "bare")
def test_a_missing_scenarios_folder_is_the_same_error_for_every_command(
    run: Run, command: tuple[str, ...]
) -> None:
    result = run(*command, "--scenarios", "/nonexistent")

    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr == "error: /nonexistent: no such folder\n"


# --- files that are not files, and names too long -------------------------------------------


def test_a_folder_named_like_a_yaml_file_is_an_error_for_validate(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "X.yaml"
    folder.mkdir()

    result = run("validate", str(folder))

    assert_no_traceback(result)
    assert result.returncode == 1
    assert problem_lines(result) == [
        f"{folder}:0:0: no .yaml or .yml files in this folder, so nothing was checked [io]"
    ]


def test_a_folder_named_like_a_rule_file_in_a_rule_folder_is_reported(
    run: Run, tmp_path: Path
) -> None:
    rules = tmp_path / "lexicon"
    shutil.copytree(BUNDLED_RULES, rules)
    (rules / "extra.yaml").mkdir()

    result = run("validate", str(rules))

    assert_no_traceback(result)
    assert result.returncode == 1
    assert f"{rules / 'extra.yaml'}:0:0: cannot read file: it is a folder, not a file [io]" in (
        problem_lines(result)
    )


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("thank{4294967295}", "a repetition count is too large"),
        ("(" * 500 + "thank you" + ")" * 500, "groups are nested 500 deep"),
        ("[[:alpha:]] you", "ambiguous regular expression: Possible nested set"),
        ("(?:[a-z]+ ?)+you", "a repeated group that itself repeats can take forever to match"),
    ],
    ids=["huge-repetition", "500-nested-groups", "python-warns-of-the-meaning", "backtracks"],
)
def test_a_cue_pattern_the_engine_would_choke_on_is_a_positioned_problem(
    run: Run, tmp_path: Path, pattern: str, words: str
) -> None:
    rules = tmp_path / "lexicon"
    shutil.copytree(BUNDLED_RULES, rules)
    path = rules / "regex_cue.yaml"
    text = REGEX_CUE_FILE
    line = text.splitlines().index('      - "thank you"') + 1
    path.write_text(text.replace('- "thank you"', f'- "{pattern}"', 1), encoding="utf-8")

    result = run("validate", str(rules))

    assert_no_traceback(result)
    assert result.returncode == 1
    [found] = problem_lines(result)
    assert found.startswith(f"{path}:{line}:") and words in found


def test_a_misstatement_that_backtracks_without_end_is_a_positioned_problem(
    run: Run, tmp_path: Path
) -> None:
    path = tmp_path / "legislation.yaml"
    text = (REPO / "rubrics" / "legislation.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    line = next(i for i, found in enumerate(lines, 1) if found.startswith("      - says: "))
    lines[line - 1] = '      - says: "(?:[a-z]+ ?)+x"'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = run("validate", str(path), timeout=60)

    assert_no_traceback(result)
    assert result.returncode == 1
    [found] = problem_lines(result)
    assert found.startswith(f"{path}:{line}:9: pattern cannot be used: a repeated group")


ARGUMENTS = [
    ("validate", "{long}.yaml"),
    ("validate", "{long}"),
    ("graph", "{long}"),
    ("graph", "{long}.yaml"),
    ("run", "{long}", "--replies", "{replies}"),
    ("run", "late-parcel", "--replies", "{long}"),
    ("run", "late-parcel", "--replies", "{replies}", "--out", "{long}"),
    ("debrief", "{long}"),
    ("report", "{long}"),
    ("score", "--jsonl", "{long}"),
    ("score", "sorry", "--scenario", "{long}.yaml"),
    ("list", "--scenarios", "{long}"),
    ("play", "{long}.yaml"),
]


@pytest.mark.parametrize("arguments", ARGUMENTS, ids=lambda a: "-".join(a[:2])[:20])
def test_a_name_too_long_for_the_system_is_a_one_line_error(
    run: Run, tmp_path: Path, arguments: tuple[str, ...]
) -> None:
    long = str(tmp_path / TOO_LONG)
    args = [a.format(long=long, replies=replies_file(tmp_path)) for a in arguments]

    result = run(*args)

    assert_no_traceback(result)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert len(error_lines(result)) == 1 or problem_lines(result), result.stderr
    assert all(
        POSITIONED.match(line) or line.startswith(("error: ", "warning: "))
        for line in result.stderr.splitlines()
        if not re.match(r"^\d+ file\(s\) checked", line)
    ), result.stderr


@needs_fifo
def test_a_named_pipe_as_a_replies_file_is_refused_not_waited_on(run: Run, tmp_path: Path) -> None:
    fifo = tmp_path / "replies.txt"
    os.mkfifo(fifo)

    result = run("run", "late-parcel", "--replies", str(fifo))

    assert_one_line_error(result, "named pipe", "--replies -")


@needs_fifo
def test_a_named_pipe_given_to_validate_is_refused_not_waited_on(run: Run, tmp_path: Path) -> None:
    fifo = tmp_path / "draft.yaml"
    os.mkfifo(fifo)

    result = run("validate", str(fifo))

    assert result.returncode == 1
    assert problem_lines(result) == [
        f"{fifo}:0:0: cannot read file: it is a named pipe, not a regular file [io]"
    ]


@needs_dev_zero
@pytest.mark.parametrize("command", ["validate", "debrief", "replies"])
def test_a_link_to_dev_zero_is_refused_without_reading_it(
    run: Run, tmp_path: Path, command: str
) -> None:
    link = tmp_path / ("replies.txt" if command == "replies" else "file.yaml")
    link.symlink_to("/dev/zero")
    args = ["run", "late-parcel", "--replies", str(link)] if command == "replies" else [command]
    if command != "replies":
        args.append(str(link))

    result = run(*args)

    assert_no_traceback(result)
    assert result.returncode == 1
    assert "is a device, not a regular file" in result.stderr


def test_a_replies_file_over_the_limit_is_refused_with_the_limit(run: Run, tmp_path: Path) -> None:
    big = tmp_path / "replies.txt"
    big.write_bytes(b"sorry\n" * (1024 * 1024))

    from_file = run("run", "late-parcel", "--replies", str(big))
    from_stdin = run("run", "late-parcel", "--replies", "-", input=big.read_bytes())

    assert_one_line_error(from_file, "larger than 5 MB")
    assert_one_line_error(from_stdin, "more than 5 MB")


# --- a newline in a value stays on its line -------------------------------------------------


def test_a_newline_in_a_reported_value_is_shown_not_printed(run: Run, tmp_path: Path) -> None:
    path = own_parcel(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("any: [dismiss, blame]", 'any: ["wants\\naction", blame]', 1), "utf-8"
    )

    validated = run("validate", str(path))
    unknown = run("graph", "no\nsuch")

    assert validated.returncode == 1
    echoed = [line for line in validated.stderr.splitlines() if "wants" in line]
    assert echoed and all(POSITIONED.match(line) for line in echoed), validated.stderr
    assert "'wants\\naction' is not a known move" in echoed[0]
    assert_one_line_error(unknown, "unknown scenario 'no\\nsuch'")


# --- --out writes a file, and only a file ---------------------------------------------------


def test_out_through_a_link_writes_the_file_it_names_and_keeps_the_link(
    run: Run, tmp_path: Path
) -> None:
    target = tmp_path / "card.md"
    target.write_text("an older card\n", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "latest.md"
    link.symlink_to(target)

    result = run("run", "late-parcel", "--replies", str(replies_file(tmp_path)), "--out", str(link))

    assert_no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.readlink() == target
    assert "an older card" not in target.read_text(encoding="utf-8")
    assert "late-parcel" in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.parametrize(
    ("kind", "words"),
    [("pipe", "it is a named pipe, not a regular file"), ("folder", "it is a folder, not a file")],
)
def test_out_to_something_that_is_not_a_file_is_refused_and_left_alone(
    run: Run, tmp_path: Path, kind: str, words: str
) -> None:
    out = tmp_path / "out.md"
    if kind == "pipe":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes here")
        os.mkfifo(out)
    else:
        out.mkdir()

    result = run("run", "late-parcel", "--replies", str(replies_file(tmp_path)), "--out", str(out))

    assert_one_line_error(result, f"{out}: cannot write: {words}")
    assert stat.S_ISFIFO(out.stat().st_mode) if kind == "pipe" else out.is_dir()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".roleplay-")] == []


@pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX")
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_export_file_gets_the_permissions_the_users_umask_gives(
    roleplay_command: list[str], cli_env: dict[str, str], tmp_path: Path, umask: int, mode: int
) -> None:
    out = tmp_path / "card.md"
    args = ["run", "late-parcel", "--replies", str(replies_file(tmp_path)), "--out", str(out)]

    done = subprocess.run(
        [*roleplay_command, *args],
        capture_output=True,
        text=True,
        env=cli_env,
        umask=umask,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == mode
