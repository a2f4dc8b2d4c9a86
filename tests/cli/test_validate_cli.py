"""``roleplay validate``, run as a tutor runs it on the rubrics and cue rules they write."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

Run = Callable[..., subprocess.CompletedProcess[str]]
Result = subprocess.CompletedProcess[str]

BUNDLED_RULES = Path(__file__).resolve().parents[2] / "src" / "roleplay" / "lexicon"

RUBRIC = """\
id: MINI
title: A small model
source: 001_fa4cc0127f8cc454.txt
quote: Listen, say sorry, then put it right.
description: Listen first, apologise, then put it right.
steps:
  - id: listen
    title: Listen
    moves: [listen, acknowledge]
    description: Show you have heard.
    example: So the parcel never came?
  - id: apologise
    title: Apologise
    moves:
      - {apology_move}
    description: Say sorry for what went wrong.
    example: I'm sorry your parcel is late.
  - id: resolve
    title: Resolve
    moves: [resolve]
    description: Put it right.
    example: I'll send a new one today.
"""
APOLOGY_MOVE_LINE = 15
"""The line of ``{apology_move}`` in ``RUBRIC``: the list item a typo sits on."""


def problem_lines(result: Result) -> list[str]:
    """The ``file:line:col: message`` lines among what validate printed to stderr."""
    return [line for line in result.stderr.splitlines() if re.match(r".+:\d+:\d+: ", line)]


def assert_failed_without_traceback(result: Result) -> None:
    """Check that validate reported errors the way a tutor's editor reads them."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert problem_lines(result), result.stderr


def assert_reported_at(result: Result, file: Path, line: int, *fragments: str) -> str:
    """Check that one problem line names ``file`` at ``line`` and says each fragment."""
    prefix = re.compile(rf"^{re.escape(str(file))}:{line}:(\d+): ")
    found = [text for text in problem_lines(result) if prefix.match(text)]
    assert found, f"nothing reported at {file}:{line}:\n{result.stderr}"
    matching = [text for text in found if all(f in text for f in fragments)]
    assert matching, f"{fragments} not said at {file}:{line}:\n{result.stderr}"
    return matching[0]


def copy_rules(tmp_path: Path) -> Path:
    """Copy the bundled cue-rule folder so that a test may break it."""
    folder = tmp_path / "lexicon"
    shutil.copytree(BUNDLED_RULES, folder)
    return folder


def first_rule_id(path: Path) -> str:
    """The id of the first rule in a cue-rule file."""
    return str(yaml.safe_load(path.read_text(encoding="utf-8"))["rules"][0]["id"])


def line_after(lines: list[str], start: int, pattern: str) -> int:
    """The 0-based index of the first line at or after ``start`` matching ``pattern``."""
    for index in range(start, len(lines)):
        if re.match(pattern, lines[index]):
            return index
    raise AssertionError(f"no line matching {pattern!r} after line {start + 1}")


# --- what ships -----------------------------------------------------------------------------


def test_validate_with_no_paths_passes_every_bundled_file_example_and_play_through(
    run: Run,
) -> None:
    """``roleplay validate`` alone checks everything bundled: the rubrics, the cue rules with
    every rule's own examples, and the scenarios with their self-tests and seeded
    play-throughs. All are sound, with not even a warning to list when asked for them.

    (One run for all three: it is the suite's longest command, and the timeout is for a
    hang, not a measure of speed.)"""
    result = run("validate", "--warnings", timeout=300)

    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    assert problem_lines(result) == []
    assert "no errors, no warnings" in result.stdout
    counted = re.search(r"(\d+) file\(s\) checked", result.stdout)
    assert counted and int(counted.group(1)) > 20, result.stdout


def test_validate_one_bundled_rubric_by_relative_path(run: Run, repo_root: Path) -> None:
    """The command the rubric's own comment suggests works from the checkout."""
    result = run("validate", "rubrics/later.yaml", cwd=repo_root)

    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    assert problem_lines(result) == []


def test_correct_rubric_written_by_a_tutor_passes(run: Run, tmp_path: Path) -> None:
    """The rubric the next tests break is itself valid, so their errors come from the break."""
    path = tmp_path / "mini.yaml"
    path.write_text(RUBRIC.format(apology_move="apologise"), encoding="utf-8")

    result = run("validate", str(path))

    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr


# --- a tutor's mistakes in a rubric ---------------------------------------------------------


def test_misspelt_move_is_reported_at_its_list_item_with_a_suggestion(
    run: Run, tmp_path: Path
) -> None:
    """``apologize`` is pointed at on its own line, with "did you mean 'apologise'"."""
    path = tmp_path / "mini.yaml"
    path.write_text(RUBRIC.format(apology_move="apologize"), encoding="utf-8")
    assert (
        path.read_text(encoding="utf-8").splitlines()[APOLOGY_MOVE_LINE - 1].endswith("- apologize")
    )

    result = run("validate", str(path))

    assert_failed_without_traceback(result)
    assert_reported_at(result, path, APOLOGY_MOVE_LINE, "apologize", "did you mean 'apologise'")


def test_yaml_syntax_error_is_reported_with_line_and_column(run: Run, tmp_path: Path) -> None:
    """A mis-indented key is reported where PyYAML finds it, as line and column."""
    path = tmp_path / "broken.yaml"
    path.write_text("id: MINI\ntitle: Broken\n  source: nowhere\n", encoding="utf-8")

    result = run("validate", str(path))

    assert_failed_without_traceback(result)
    line = assert_reported_at(result, path, 3, "YAML")
    assert line.startswith(f"{path}:3:9: "), result.stderr


def test_duplicate_key_is_reported_at_the_second_key(run: Run, tmp_path: Path) -> None:
    """PyYAML would silently keep the last ``title``; validate says so instead."""
    text = RUBRIC.format(apology_move="apologise").replace(
        "title: A small model\n", "title: A small model\ntitle: Another name\n", 1
    )
    path = tmp_path / "twice.yaml"
    path.write_text(text, encoding="utf-8")

    result = run("validate", str(path))

    assert_failed_without_traceback(result)
    assert_reported_at(result, path, 3, "duplicate key 'title'", "line 2")


def test_duplicate_key_does_not_hide_other_mistakes_in_the_same_rubric(
    run: Run, tmp_path: Path
) -> None:
    """A tutor with two mistakes sees two lines: the duplicate key and the misspelt move."""
    text = RUBRIC.format(apology_move="apologize") + "id: MINI_AGAIN\n"
    path = tmp_path / "two-mistakes.yaml"
    path.write_text(text, encoding="utf-8")

    result = run("validate", str(path))

    assert_failed_without_traceback(result)
    assert_reported_at(result, path, text.count("\n"), "duplicate key 'id'")
    assert_reported_at(result, path, APOLOGY_MOVE_LINE, "did you mean 'apologise'")


def test_file_that_is_neither_rubric_nor_rules_is_reported(run: Run, tmp_path: Path) -> None:
    """A YAML file of some other kind is named as such rather than passed."""
    path = tmp_path / "shopping.yaml"
    path.write_text("items: [milk, bread]\n", encoding="utf-8")

    result = run("validate", str(path))

    assert_failed_without_traceback(result)
    assert_reported_at(result, path, 1, "rubric")


def test_missing_path_is_reported_and_fails(run: Run, tmp_path: Path) -> None:
    """A path that does not exist is an error naming it, not a silent pass."""
    missing = tmp_path / "no-such-rubric.yaml"

    result = run("validate", str(missing))

    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr
    assert any(line.startswith(f"{missing}:") for line in result.stderr.splitlines()), result.stderr


def test_good_and_missing_paths_together_still_fail(
    run: Run, tmp_path: Path, repo_root: Path
) -> None:
    """One good file does not hide a missing one."""
    missing = tmp_path / "gone.yaml"

    result = run("validate", str(repo_root / "rubrics" / "later.yaml"), str(missing))

    assert result.returncode == 1, result.stderr
    assert str(missing) in result.stderr


# --- a tutor's mistakes in cue rules --------------------------------------------------------


def test_example_a_rule_cannot_match_is_reported_at_its_line_with_the_rule_id(
    run: Run, tmp_path: Path
) -> None:
    """A should-match example the rule misses fails validate, at that example's line."""
    folder = copy_rules(tmp_path)
    path = folder / "thank.yaml"
    rule_id = first_rule_id(path)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    rule_at = line_after(lines, 0, rf"\s*- id: {re.escape(rule_id)}\s*$")
    match_at = line_after(lines, rule_at, r"\s+match:\s*$")
    first_item = lines[match_at + 1]
    indent = first_item[: len(first_item) - len(first_item.lstrip())]
    lines.insert(match_at + 1, f'{indent}- "The weather is lovely in Leeds today."\n')
    path.write_text("".join(lines), encoding="utf-8")
    example_line = match_at + 2

    result = run("validate", str(folder))

    assert_failed_without_traceback(result)
    assert_reported_at(result, path, example_line, rule_id, "lovely in Leeds")


def test_invalid_regular_expression_in_a_rule_folder_is_reported_at_its_line(
    run: Run, tmp_path: Path
) -> None:
    """A per-token regular expression Python cannot compile is reported at its line, naming
    the rule."""
    folder = copy_rules(tmp_path)
    path = folder / "thank.yaml"
    rule_id = first_rule_id(path)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    patterns_at = line_after(lines, 0, r"\s+patterns:\s*$")
    first_pattern = lines[patterns_at + 1]
    indent = first_pattern[: len(first_pattern) - len(first_pattern.lstrip())]
    lines[patterns_at + 1] = f'{indent}- [{{LOWER: {{REGEX: "thank(you"}}}}]\n'
    path.write_text("".join(lines), encoding="utf-8")

    result = run("validate", str(folder))

    assert_failed_without_traceback(result)
    assert_reported_at(result, path, patterns_at + 2, rule_id, "regular expression")


def test_invalid_regular_expression_in_a_lone_rule_file_is_reported(
    run: Run, tmp_path: Path
) -> None:
    """A rule file checked on its own, away from its rule folder, still has its patterns checked."""
    path = tmp_path / "thank.yaml"
    lines = (BUNDLED_RULES / "thank.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    patterns_at = line_after(lines, 0, r"\s+patterns:\s*$")
    first_pattern = lines[patterns_at + 1]
    indent = first_pattern[: len(first_pattern) - len(first_pattern.lstrip())]
    lines[patterns_at + 1] = f'{indent}- [{{LOWER: {{REGEX: "thank(you"}}}}]\n'
    path.write_text("".join(lines), encoding="utf-8")

    result = run("validate", str(path))

    assert_failed_without_traceback(result)
    assert_reported_at(result, path, patterns_at + 2, "regular expression")


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe not utf-8 at all\n",
        b"",
        b"- just\n- a list\n",
        b"rules: {}\nmove: thank\n",
        b"a: &a [*a]\n",
        b"!!python/object/apply:os.system ['echo hacked']\n",
    ],
    ids=["bad-encoding", "empty", "list", "rules-wrong-shape", "alias-loop", "python-tag"],
)
def test_odd_files_never_cause_a_traceback(run: Run, tmp_path: Path, content: bytes) -> None:
    """Whatever a tutor saves, validate answers with problems, not a crash."""
    path = tmp_path / "odd.yaml"
    path.write_bytes(content)

    result = run("validate", str(path))

    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "hacked" not in result.stdout
    assert any(line.startswith(f"{path}:") for line in result.stderr.splitlines()), result.stderr
