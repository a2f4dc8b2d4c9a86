"""Loading scenarios: one bad file is set aside and reported, and never takes the rest down."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from roleplay.core.errors import InvalidFileError, UnknownIdError
from roleplay.core.frameworks import rubrics_dir
from roleplay.core.library import ScenarioLibrary, bundled_folder
from roleplay.core.scenario import load_scenario, load_scenario_dir
from roleplay.core.validate import check_reactions_file

OPENING_LINE = (
    '    customer:\n      default: "My order says delivered but NOTHING has arrived. '
    "That's eight days now and I've chased twice. What are you going to do about it?\"\n"
)


def _parcel(folder: Path, name: str, scenario_id: str, *, empty_line: bool = False) -> Path:
    """Write a copy of the bundled late-parcel scenario under another id."""
    text = (bundled_folder() / "late-parcel.yaml").read_text(encoding="utf-8")
    text = text.replace("id: late-parcel", f"id: {scenario_id}", 1)
    if empty_line:
        assert OPENING_LINE in text
        text = text.replace(OPENING_LINE, "    customer: {}\n", 1)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tutors_folder(tmp_path: Path) -> Path:
    """A tutor's folder with one good scenario and one of each kind of bad file."""
    folder = tmp_path / "mine"
    _parcel(folder, "own.yaml", "own-parcel")
    (folder / "bad-date.yaml").write_text("id: x\ndate: 2024-13-45\n", encoding="utf-8")
    (folder / "broken.yaml").write_text("id: [\n", encoding="utf-8")
    (folder / "folder.yaml").mkdir()
    _parcel(folder, "no-line.yaml", "no-line", empty_line=True)
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.yaml")
    return folder


def test_a_bad_file_is_set_aside_and_every_other_scenario_loads(tutors_folder: Path) -> None:
    catalogue = ScenarioLibrary.load(tutors_folder)

    assert {"own-parcel", "late-parcel", "gp-reception"} <= set(catalogue.scenarios)
    assert "no-line" not in catalogue.scenarios
    set_aside = {Path(p.file).name for p in catalogue.problems}
    expected = {"bad-date.yaml", "broken.yaml", "folder.yaml", "no-line.yaml"}
    if hasattr(os, "mkfifo"):
        expected.add("pipe.yaml")
    assert set_aside == expected
    by_file = {Path(p.file).name: p for p in catalogue.problems}
    assert (by_file["bad-date.yaml"].line, by_file["bad-date.yaml"].col) == (2, 7)


def test_find_scenario_by_id_is_not_stopped_by_a_bad_file(tutors_folder: Path) -> None:
    assert ScenarioLibrary(tutors_folder).find("late-parcel").scenario.id == "late-parcel"
    assert ScenarioLibrary(tutors_folder).find("own-parcel").path == tutors_folder / "own.yaml"


def test_an_id_no_scenario_has_names_the_known_ones(tutors_folder: Path) -> None:
    with pytest.raises(UnknownIdError) as caught:
        ScenarioLibrary(tutors_folder).find("no-line")

    assert "own-parcel" in caught.value.known and "late-parcel" in caught.value.known


def test_a_scenario_named_by_path_with_problems_is_refused_with_them(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\ndate: 2024-13-45\n", encoding="utf-8")

    with pytest.raises(InvalidFileError) as caught:
        ScenarioLibrary().find(str(path))

    assert [(p.line, p.col, p.code) for p in caught.value.problems] == [(2, 7, "yaml-value")]


def test_a_file_with_a_duplicate_key_is_set_aside_although_it_loads(tmp_path: Path) -> None:
    path = _parcel(tmp_path / "mine", "dup.yaml", "dup-parcel")
    path.write_text(path.read_text(encoding="utf-8") + "title: Again\n", encoding="utf-8")

    found, problems = load_scenario_dir(tmp_path / "mine")

    assert found == {}
    assert [p.code for p in problems] == ["duplicate-key"]


def test_a_missing_folder_is_a_problem_not_an_empty_list(tmp_path: Path) -> None:
    found, problems = load_scenario_dir(tmp_path / "nowhere")

    assert found == {}
    assert [(p.code, p.message) for p in problems] == [("io", "no such folder")]


def test_an_empty_file_is_a_problem_not_a_silent_skip(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")

    loaded, problems = load_scenario(path)

    assert loaded is None
    assert [(p.line, p.col, p.code) for p in problems] == [(1, 1, "empty")]


def test_a_scenario_that_does_not_fit_together_is_refused_where_it_is_loaded(
    tmp_path: Path,
) -> None:
    path = _parcel(tmp_path / "mine", "goto.yaml", "goto-parcel")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("goto: escalating", "goto: nowhere", 1), encoding="utf-8")
    line = path.read_text(encoding="utf-8").splitlines().index("        goto: nowhere") + 1

    loaded, problems = load_scenario(path)
    catalogue = ScenarioLibrary.load(tmp_path / "mine")

    assert loaded is None
    assert [(p.line, p.col, p.code) for p in problems] == [(line, 9, "undefined-node")]
    assert "goto-parcel" not in catalogue.scenarios
    assert [p.code for p in catalogue.problems if p.file == str(path)] == ["undefined-node"]
    with pytest.raises(InvalidFileError):
        ScenarioLibrary().find(str(path))


def test_a_customer_line_map_with_no_line_is_a_problem_at_that_node(tmp_path: Path) -> None:
    path = _parcel(tmp_path, "no-line.yaml", "no-line", empty_line=True)
    line = path.read_text(encoding="utf-8").splitlines().index("    customer: {}") + 1

    loaded, problems = load_scenario(path)

    assert loaded is None
    assert [(p.line, p.col, p.code) for p in problems] == [(line, 5, "schema")]
    assert problems[0].message.startswith("nodes[0].customer: write what the customer says")


def test_a_default_reaction_with_no_line_is_a_problem(tmp_path: Path) -> None:
    source = (rubrics_dir() / "reactions.yaml").read_text(encoding="utf-8")
    start = source.index("  dismissed:")
    say = source.index("    say:\n", start)
    end = source.index("\n  blamed:", say)
    path = tmp_path / "reactions.yaml"
    path.write_text(source[:say] + "    say: {}\n" + source[end + 1 :], encoding="utf-8")

    problems = check_reactions_file(path)

    assert [p.code for p in problems] == ["schema"]
    assert "write what the customer says" in problems[0].message
