"""Large YAML files are read once and then taken from the cache, exactly as first read."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.core import yamlcache
from roleplay.core.source import load_yaml

pytestmark = pytest.mark.usefixtures("private_folders")


def big_document(extra: str = "") -> str:
    """A rubric-like document well over the size worth caching."""
    rows = "\n".join(
        f"  - id: rule-{n}\n    words: [sorry, apologise, 'row {n}']\n    weight: {n}"
        for n in range(700)
    )
    return f"version: 3\n{extra}rules:\n{rows}\n"


def cached_files() -> list[Path]:
    return sorted(yamlcache._folder().glob("*.json"))


def test_a_large_file_read_twice_gives_the_same_data_and_positions(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(big_document(), encoding="utf-8")

    first, first_map, problems = load_yaml(path)
    assert problems == []
    assert len(cached_files()) == 1
    again, again_map, problems = load_yaml(path)

    assert problems == []
    assert again == first
    assert dict(again_map.keys) == dict(first_map.keys)
    assert dict(again_map.values) == dict(first_map.values)
    assert again_map.locate(("rules", 699, "weight")) == (2102, 5)
    assert again_map.file == str(path)


def test_an_edited_file_is_read_afresh_with_its_new_positions(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(big_document(), encoding="utf-8")
    load_yaml(path)
    path.write_text(big_document(extra="# a comment\n"), encoding="utf-8")

    _, smap, _ = load_yaml(path)

    assert smap.locate(("rules", 699, "weight")) == (2103, 5)


def test_a_damaged_cache_file_is_ignored_and_the_file_read_again(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(big_document(), encoding="utf-8")
    expected, _, _ = load_yaml(path)
    for cached in cached_files():
        cached.write_text('{"format": 1, "data": {"version": 99}, "keys": [[', encoding="utf-8")

    data, smap, problems = load_yaml(path)

    assert problems == []
    assert data == expected
    assert smap.locate(("rules", 0, "id")) == (3, 5)


def test_a_file_with_a_problem_is_never_cached_so_the_problem_is_always_reported(
    tmp_path: Path,
) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(big_document(extra="version: 4\n"), encoding="utf-8")

    for _ in range(2):
        _, _, problems = load_yaml(path)
        assert [p.code for p in problems] == ["duplicate-key"]
    assert cached_files() == []


def test_data_json_would_change_is_not_cached(tmp_path: Path) -> None:
    """Number keys and dates would come back from JSON as text: such files are read anew."""
    path = tmp_path / "dates.yaml"
    path.write_text(big_document(extra="1: one\nwhen: 2024-05-01\n"), encoding="utf-8")

    first, _, _ = load_yaml(path)
    again, _, _ = load_yaml(path)

    assert cached_files() == []
    assert isinstance(first, dict) and 1 in first
    assert again == first


def test_a_cache_folder_that_cannot_be_written_costs_only_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("ROLEPLAY_CACHE_DIR", str(blocker))
    path = tmp_path / "rules.yaml"
    path.write_text(big_document(), encoding="utf-8")

    data, _, problems = load_yaml(path)

    assert problems == [] and isinstance(data, dict) and len(data["rules"]) == 700
