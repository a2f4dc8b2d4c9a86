"""``roleplay list``, ``schema scenario``, ``graph`` and ``validate`` on scenarios, run as a
tutor runs them."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

Run = Callable[..., subprocess.CompletedProcess[str]]
Result = subprocess.CompletedProcess[str]

SCENARIO = """\
id: {id}
title: A tutor's own scenario
sector: leisure
channel: email
difficulty: intermediate
brief: A gym member was charged twice.
organisation:
  name: Fit Ltd
  promise:
    - id: fast
      aspect: response_time
      text: We reply within a day.
customer:
  name: Jo
  situation: Charged twice for one month.
nodes:
  - id: opening
    customer: You took my money twice!
    branches:
      - when: {{any: [apologise]}}
        goto: {goto}
        mood: 2
      - otherwise: true
        goto: gone
        mood: -1
  - id: fixed
    outcome: resolved
    customer: Thank you.
  - id: gone
    outcome: customer_lost
    customer: I'm cancelling.
tests:
  - name: an apology settles it
    replies: ["I'm so sorry we charged you twice."]
    expect: {{outcome: resolved}}
"""
GOTO_LINE = 21
"""The line of the first branch's ``goto`` in ``SCENARIO``."""


def write_scenario(folder: Path, scenario_id: str = "gym-double", goto: str = "fixed") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{scenario_id}.yaml"
    path.write_text(SCENARIO.format(id=scenario_id, goto=goto), encoding="utf-8")
    return path


def assert_clean_success(result: Result) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, (result.stdout, result.stderr)


def assert_user_error(result: Result, *fragments: str) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, (result.stdout, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors, result.stderr
    for fragment in fragments:
        assert fragment in errors[-1], result.stderr


def problem_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if re.match(r".+:\d+:\d+: ", line)]


def test_scenario_template_is_what_the_tests_say(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, goto="fixed")

    assert path.read_text(encoding="utf-8").splitlines()[GOTO_LINE - 1].strip() == "goto: fixed"
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["id"] == "gym-double"


# --- list -----------------------------------------------------------------------------------


def test_list_shows_the_bundled_scenarios_as_a_table(run: Run) -> None:
    result = run("list")

    assert_clean_success(result)
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "TITLE", "SECTOR", "CHANNEL", "DIFFICULTY"]
    parcel = next(line for line in lines if line.startswith("late-parcel "))
    for value in ("The parcel that never came", "retail", "chat", "foundation"):
        assert value in parcel


def test_list_json_gives_each_scenario_with_its_brief(run: Run) -> None:
    result = run("list", "--json")

    assert_clean_success(result)
    records = json.loads(result.stdout)
    assert isinstance(records, list)
    keys = {"id", "title", "sector", "channel", "difficulty", "brief"}
    assert all(set(record) == keys for record in records)
    parcel = next(record for record in records if record["id"] == "late-parcel")
    assert parcel["channel"] == "chat"
    assert parcel["difficulty"] == "foundation"
    assert "Brightwell Home" in parcel["brief"]


def test_list_adds_a_tutors_folder(run: Run, tmp_path: Path) -> None:
    write_scenario(tmp_path / "mine")

    result = run("list", "--json", "--scenarios", str(tmp_path / "mine"))

    assert_clean_success(result)
    ids = [record["id"] for record in json.loads(result.stdout)]
    assert "gym-double" in ids
    assert "late-parcel" in ids


def test_a_scenario_named_yml_or_in_capitals_is_used_as_validate_checks_it(
    run: Run, tmp_path: Path
) -> None:
    folder = tmp_path / "mine"
    write_scenario(folder, "short-name").rename(folder / "short-name.yml")
    write_scenario(folder, "capitals").rename(folder / "CAPITALS.YAML")

    listed = run("list", "--scenarios", str(folder))
    played = run("run", "capitals", "--scenarios", str(folder), "--replies", "-", input="Sorry.\n")
    validated = run("validate", str(folder))

    assert_clean_success(listed)
    assert "short-name" in listed.stdout and "capitals" in listed.stdout
    assert_clean_success(played)
    assert_clean_success(validated)
    assert "2 file(s) checked" in validated.stdout


def test_list_of_a_missing_folder_is_a_user_error(run: Run, tmp_path: Path) -> None:
    result = run("list", "--scenarios", str(tmp_path / "nowhere"))

    assert_user_error(result, "nowhere")


# --- schema ---------------------------------------------------------------------------------


def test_scenario_schema_is_json_schema_with_nodes(run: Run) -> None:
    result = run("schema", "scenario")

    assert_clean_success(result)
    schema = json.loads(result.stdout)
    assert "nodes" in schema["properties"]
    assert "nodes" in schema["required"]
    assert "json-schema.org" in schema["$schema"]


# --- graph ----------------------------------------------------------------------------------


def test_graph_prints_mermaid_by_default(run: Run) -> None:
    result = run("graph", "late-parcel")

    assert_clean_success(result)
    assert result.stdout.startswith("flowchart TD\n")
    for node_id in ("opening", "wants-action", "tracing", "escalating", "resolved", "lost"):
        assert f'"{node_id}' in result.stdout
    assert "otherwise · -1" in result.stdout


def test_graph_prints_dot(run: Run) -> None:
    result = run("graph", "late-parcel", "--format", "dot")

    assert_clean_success(result)
    assert result.stdout.startswith('digraph "late-parcel" {')
    assert '"tracing" -> "resolved-escalated"' in result.stdout
    assert result.stdout.rstrip().endswith("}")


def test_graph_of_a_scenario_file_by_path(run: Run, tmp_path: Path) -> None:
    path = write_scenario(tmp_path)

    result = run("graph", str(path), "--format", "dot")

    assert_clean_success(result)
    assert '"opening" -> "fixed"' in result.stdout


def test_graph_of_an_id_in_a_tutors_folder(run: Run, tmp_path: Path) -> None:
    write_scenario(tmp_path / "mine")

    result = run("graph", "gym-double", "--scenarios", str(tmp_path / "mine"))

    assert_clean_success(result)
    assert "n_fixed" in result.stdout


def test_graph_of_an_unknown_id_names_the_known_ones(run: Run) -> None:
    result = run("graph", "no-such-scenario")

    assert_user_error(result, "unknown scenario 'no-such-scenario'", "known:", "late-parcel")
    assert result.stdout == ""


def test_graph_with_an_unknown_format_is_bad_usage(run: Run) -> None:
    result = run("graph", "late-parcel", "--format", "svg")

    assert "Traceback" not in result.stderr
    assert result.returncode == 2


def test_graph_of_a_broken_file_reports_its_problems(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")

    result = run("graph", str(path))

    assert_user_error(result, "broken.yaml")
    assert any(line.startswith(f"{path}:") for line in problem_lines(result)), result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ("run", "{path}", "--replies", "-"),
        ("score", "--scenario", "{path}", "I am so sorry."),
        ("play", "{path}"),
        ("graph", "{path}"),
    ],
    ids=["run", "score", "play", "graph"],
)
def test_a_scenario_whose_goto_names_no_node_is_refused_before_it_is_used(
    run: Run, tmp_path: Path, command: tuple[str, ...]
) -> None:
    path = write_scenario(tmp_path, goto="nowhere")

    result = run(*(part.format(path=path) for part in command), input="I'm so sorry.\n")

    assert_user_error(result, "cannot load scenario")
    assert problem_lines(result) == [
        f"{path}:{GOTO_LINE}:9: 'goto' names node 'nowhere', which is not defined; "
        "known: customer_lost, fixed, gone, opening [undefined-node]"
    ]


def test_a_scenario_whose_goto_names_no_node_is_set_aside_from_a_folder(
    run: Run, tmp_path: Path
) -> None:
    folder = tmp_path / "mine"
    write_scenario(folder, "good")
    bad = write_scenario(folder, "bad", goto="nowhere")

    listed = run("list", "--scenarios", str(folder))
    played = run("run", "bad", "--scenarios", str(folder), "--replies", "-", input="Sorry.\n")

    assert_clean_success(listed)
    assert "good" in listed.stdout and "bad " not in listed.stdout
    assert [line.split(": ")[0] for line in problem_lines(listed)] == [f"{bad}:{GOTO_LINE}:9"]
    assert "note: 1 scenario file set aside" in listed.stderr
    assert_user_error(played, "unknown scenario 'bad'")


@pytest.mark.parametrize(
    ("command", "content"),
    [
        (("run", "{path}", "--replies", "-"), ""),
        (("score", "--scenario", "{path}", "I am so sorry."), ""),
        (("play", "{path}"), ""),
        (("graph", "{path}"), ""),
        (("run", "{path}", "--replies", "-"), "# only a comment\n"),
        (("graph", "{path}"), "---\n"),
        (("score", "--scenario", "{path}", "Sorry."), "  \n\n"),
    ],
    ids=["run", "score", "play", "graph", "comment", "document-marker", "whitespace"],
)
def test_an_empty_scenario_file_says_why_and_where(
    run: Run, tmp_path: Path, command: tuple[str, ...], content: str
) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text(content, encoding="utf-8")

    result = run(*(part.format(path=path) for part in command), input="Sorry.\n")

    assert_user_error(result, "cannot load scenario")
    assert problem_lines(result) == [f"{path}:1:1: the file is empty [empty]"]


def test_an_empty_scenario_file_in_a_folder_is_reported_and_set_aside(
    run: Run, tmp_path: Path
) -> None:
    folder = tmp_path / "mine"
    write_scenario(folder, "good")
    (folder / "empty.yaml").write_text("", encoding="utf-8")

    result = run("list", "--scenarios", str(folder))

    assert_clean_success(result)
    assert "good" in result.stdout
    assert problem_lines(result) == [f"{folder / 'empty.yaml'}:1:1: the file is empty [empty]"]
    assert "note: 1 scenario file set aside" in result.stderr


# --- validate -------------------------------------------------------------------------------


def test_validate_of_a_broken_scenario_reports_file_line_col_and_fails(
    run: Run, tmp_path: Path
) -> None:
    path = write_scenario(tmp_path, goto="fixd")

    result = run("validate", str(path))

    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, (result.stdout, result.stderr)
    at_goto = [line for line in problem_lines(result) if line.startswith(f"{path}:{GOTO_LINE}:")]
    assert at_goto, result.stderr
    assert "fixd" in at_goto[0] and "did you mean 'fixed'" in at_goto[0]
    assert "[undefined-node]" in at_goto[0]
    assert "1 error" in result.stdout


def test_validate_of_a_scenario_with_only_warnings_passes_and_shows_them(
    run: Run, tmp_path: Path
) -> None:
    path = write_scenario(tmp_path)

    result = run("validate", str(path))

    assert_clean_success(result)
    warnings = [line for line in problem_lines(result) if ": warning: " in line]
    assert warnings, result.stderr
    assert all(line.startswith(f"{path}:") for line in problem_lines(result))
    untested = [line for line in warnings if "[untested]" in line]
    assert any("branch 2 of node 'opening'" in line for line in untested), result.stderr
    assert re.search(r"1 file\(s\) checked: no errors, \d+ warnings?", result.stdout)


def test_validate_of_a_self_test_that_fails_is_an_error_at_the_test(
    run: Run, tmp_path: Path
) -> None:
    path = write_scenario(tmp_path)
    text = path.read_text(encoding="utf-8").replace(
        "expect: {outcome: resolved}", "expect: {outcome: customer_lost}"
    )
    path.write_text(text, encoding="utf-8")
    test_line = text.splitlines().index("  - name: an apology settles it") + 1

    result = run("validate", str(path))

    assert result.returncode == 1, (result.stdout, result.stderr)
    assert any(
        line.startswith(f"{path}:{test_line}:") and "[self-test-failed]" in line
        for line in problem_lines(result)
    ), result.stderr


def test_validate_a_folder_of_scenarios_finds_them_by_content(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    write_scenario(folder, "one")
    write_scenario(folder, "two", goto="nowhere")

    result = run("validate", str(folder))

    assert result.returncode == 1, (result.stdout, result.stderr)
    errors = [line for line in problem_lines(result) if ": warning: " not in line]
    assert errors and all(line.startswith(f"{folder / 'two.yaml'}:") for line in errors)
    assert "2 file(s) checked" in result.stdout


def test_validate_the_rubrics_folder_knows_the_catalogue_and_reactions(
    run: Run, repo_root: Path
) -> None:
    result = run("validate", "rubrics", cwd=repo_root)

    assert_clean_success(result)
    assert problem_lines(result) == []
