"""The scenario library: the one way every command and screen finds a scenario."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.core.errors import InvalidFileError, UnknownIdError
from roleplay.core.library import ScenarioLibrary, bundled_folder, bundled_scenarios


def _copy(folder: Path, scenario_id: str, title: str | None = None) -> Path:
    text = (bundled_folder() / "late-parcel.yaml").read_text(encoding="utf-8")
    text = text.replace("id: late-parcel", f"id: {scenario_id}", 1)
    if title is not None:
        text = text.replace("title: ", f"title: {title} # was: ", 1)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{scenario_id}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_library_lists_every_bundled_scenario_in_id_order() -> None:
    library = ScenarioLibrary()

    ids = [s.scenario.id for s in library.all()]

    assert ids == sorted(bundled_scenarios())
    assert len(library) == len(ids) and library.problems == ()


def test_a_tutors_scenario_wins_on_a_shared_id(tmp_path: Path) -> None:
    path = _copy(tmp_path / "mine", "late-parcel", title="Our own parcel")

    found = ScenarioLibrary(tmp_path / "mine").find("late-parcel")

    assert found.path == path and found.scenario.title.startswith("Our own parcel")
    assert ScenarioLibrary().find("late-parcel").path.parent == bundled_folder()


def test_naming_a_file_by_path_reads_that_file_alone(tmp_path: Path) -> None:
    path = _copy(tmp_path, "elsewhere")
    library = ScenarioLibrary(tmp_path / "no-such-folder")

    found = library.find(str(path))

    assert found.scenario.id == "elsewhere"
    assert not library.is_read  # the folders were never listed


def test_a_broken_file_is_set_aside_with_its_problems(tmp_path: Path) -> None:
    _copy(tmp_path / "mine", "own-parcel")
    broken = tmp_path / "mine" / "broken.yaml"
    broken.write_text("id: [\n", encoding="utf-8")

    library = ScenarioLibrary.load(tmp_path / "mine")

    assert library.find("own-parcel").scenario.id == "own-parcel"
    assert library.set_aside() == {str(broken)}
    with pytest.raises(InvalidFileError):
        library.find(str(broken))


def test_an_unknown_id_names_the_known_ones() -> None:
    with pytest.raises(UnknownIdError) as caught:
        ScenarioLibrary().find("no-such-scenario")

    assert "late-parcel" in caught.value.known


def test_the_folders_are_the_bundled_one_then_the_tutors(tmp_path: Path) -> None:
    assert ScenarioLibrary().folders() == (bundled_folder(),)
    assert ScenarioLibrary(tmp_path).folders() == (bundled_folder(), tmp_path)
