"""Loading YAML a tutor wrote: data, positions, and problems reported as values."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field

from roleplay.core.problems import Problem
from roleplay.core.source import (
    ALIAS_EXPANSION_LIMIT,
    SourceMap,
    did_you_mean,
    format_path,
    load_yaml,
    unknown_id_error,
    validate_model,
)


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    count: int


class Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    items: list[Item]


DOC = """\
title: Orders
items:
  - name: kettle
    count: 2
  - name: toaster
    count: lots
"""


def test_plain_data_is_loaded_with_the_safe_loader() -> None:
    data, _, problems = load_yaml("doc.yaml", DOC)

    assert problems == []
    assert data == {
        "title": "Orders",
        "items": [{"name": "kettle", "count": 2}, {"name": "toaster", "count": "lots"}],
    }


def test_keys_and_values_are_located_one_based() -> None:
    _, smap, _ = load_yaml("doc.yaml", DOC)

    assert smap.file == "doc.yaml"
    assert smap.locate(("title",)) == (1, 1)
    assert smap.locate_value(("title",)) == (1, 8)
    assert smap.locate(("items", 1)) == (5, 5)
    assert smap.locate(("items", 1, "count")) == (6, 5)
    assert smap.locate_value(("items", 1, "count")) == (6, 12)


def test_a_path_not_in_the_file_points_at_its_deepest_ancestor() -> None:
    _, smap, _ = load_yaml("doc.yaml", DOC)

    assert smap.locate(("items", 0, "price")) == (3, 5)
    assert smap.locate(("items", 7, "name")) == (2, 1)
    assert smap.locate(("nowhere",)) == (1, 1)
    assert SourceMap("empty.yaml").locate(("a", 0)) == (1, 1)


def test_duplicate_key_is_reported_with_its_line() -> None:
    text = "title: One\nitems: []\ntitle: Two\n"

    data, smap, problems = load_yaml("dup.yaml", text)

    assert [str(p) for p in problems] == [
        "dup.yaml:3:1: duplicate key 'title' (first defined on line 1) [duplicate-key]"
    ]
    assert data == {"title": "Two", "items": []}
    assert smap.locate(("title",)) == (3, 1)


def test_duplicate_key_in_a_nested_mapping_points_at_the_second_key() -> None:
    text = "items:\n  - name: a\n    count: 1\n    name: b\n"

    _, _, problems = load_yaml("dup.yaml", text)

    assert [(p.line, p.col, p.code) for p in problems] == [(4, 5, "duplicate-key")]


def test_keys_that_differ_only_in_type_are_not_duplicates() -> None:
    _, _, problems = load_yaml("keys.yaml", "1: a\n'1': b\n")

    assert problems == []


def test_syntax_error_is_reported_at_its_line_not_raised() -> None:
    text = "title: Orders\nitems:\n  - name: kettle\n   count: 2\n"

    data, _, problems = load_yaml("bad.yaml", text)

    assert data is None
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.file, problem.line, problem.code) == ("bad.yaml", 4, "yaml-syntax")
    assert problem.message.startswith("YAML syntax error: ")


def test_unclosed_quote_says_where_the_quote_began() -> None:
    _, _, problems = load_yaml("bad.yaml", 'title: "Orders\nitems: []\n')

    assert "while scanning a quoted scalar at line 1, column 8" in problems[0].message


def test_two_documents_in_one_file_are_a_syntax_error() -> None:
    _, _, problems = load_yaml("two.yaml", "a: 1\n---\nb: 2\n")

    assert [(p.line, p.code) for p in problems] == [(2, "yaml-syntax")]
    assert "expected a single document in the stream, but found another" in problems[0].message


def test_tags_that_would_run_code_are_refused() -> None:
    text = "title: !!python/object/apply:os.system ['echo hacked']\n"

    data, _, problems = load_yaml("evil.yaml", text)

    assert data is None
    assert [(p.line, p.col, p.code) for p in problems] == [(1, 8, "yaml-value")]


def test_control_character_is_reported_where_it_is() -> None:
    _, _, problems = load_yaml("ctrl.yaml", "title: ok\nitems: a\x00b\n")

    assert [(p.line, p.col, p.code) for p in problems] == [(2, 9, "yaml-syntax")]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_empty_file_loads_as_none_without_error(text: str) -> None:
    data, _, problems = load_yaml("empty.yaml", text)

    assert data is None
    assert problems == []


def test_missing_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"

    data, _, problems = load_yaml(missing)

    assert data is None
    assert [(p.file, p.line, p.col, p.code) for p in problems] == [(str(missing), 0, 0, "io")]
    assert problems[0].message.startswith("cannot read file: ")


def test_a_directory_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    _, _, problems = load_yaml(tmp_path)

    assert [p.code for p in problems] == ["io"]


def test_invalid_utf8_is_reported_at_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Orders\nitems: café\n".encode("latin-1"))

    data, _, problems = load_yaml(path)

    assert data is None
    assert [(p.line, p.col, p.code) for p in problems] == [(2, 11, "encoding")]
    assert "UTF-8" in problems[0].message


def test_a_file_is_read_as_utf8_with_or_without_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufefftitle: Café\n".encode())

    data, smap, problems = load_yaml(path)

    assert (data, problems) == ({"title": "Café"}, [])
    assert smap.file == str(path)


def test_merge_keys_still_work() -> None:
    text = "base: &b {name: a, count: 1}\nitem:\n  <<: *b\n  count: 2\n"

    data, _, problems = load_yaml("merge.yaml", text)

    assert problems == []
    assert data == {"base": {"name": "a", "count": 1}, "item": {"name": "a", "count": 2}}


def test_an_alias_bomb_is_refused_quickly() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        refs = ", ".join([f"*{prev}"] * 10)
        lines.append(f"{name}: &{name} [{refs}]")
    started = time.perf_counter()

    data, _, problems = load_yaml("bomb.yaml", "\n".join(lines))

    assert time.perf_counter() - started < 2
    assert data is None
    assert [p.code for p in problems] == ["yaml-alias"]


def test_an_alias_loop_is_refused() -> None:
    data, _, problems = load_yaml("loop.yaml", "a: &x [1, *x]\n")

    assert data is None
    assert [(p.line, p.col, p.code) for p in problems] == [(1, 4, "yaml-alias")]


def test_a_long_file_of_plain_keys_is_not_taken_for_an_alias_bomb() -> None:
    count = ALIAS_EXPANSION_LIMIT + 1
    text = "".join(f"key{i}: {i}\n" for i in range(count))

    data, _, problems = load_yaml("long.yaml", text)

    assert problems == []
    assert isinstance(data, dict) and len(data) == count


def test_only_the_values_aliases_add_count_towards_the_limit() -> None:
    items = ", ".join(["x"] * 1000)
    refs = ", ".join(["*a"] * 99)
    within = f"a: &a [{items}]\nb: [{refs}]\n"
    beyond = f"a: &a [{items}]\nb: [{refs}, *a, *a]\n"

    assert load_yaml("within.yaml", within)[2] == []
    assert [p.code for p in load_yaml("beyond.yaml", beyond)[2]] == ["yaml-alias"]


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    data, _, problems = load_yaml("deep.yaml", "[" * 20_000)

    assert data is None
    assert len(problems) == 1


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_loads_without_raising(text: str) -> None:
    data, smap, problems = load_yaml("any.yaml", text)

    assert all(isinstance(p, Problem) for p in problems)
    assert all(p.line >= 0 and p.col >= 0 for p in problems)
    assert isinstance(smap, SourceMap)
    if problems and data is None:
        assert any(p.code != "duplicate-key" for p in problems)


@settings(max_examples=100, deadline=None)
@given(st.binary())
def test_any_bytes_on_disk_load_without_raising(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "any.yaml"
        path.write_bytes(raw)
        _, _, problems = load_yaml(path)
    assert all(isinstance(p, Problem) for p in problems)


def test_valid_data_becomes_the_model() -> None:
    data, smap, _ = load_yaml("doc.yaml", "title: Orders\nitems:\n  - {name: kettle, count: 2}\n")

    doc, problems = validate_model(Doc, data, smap)

    assert problems == []
    assert doc == Doc(title="Orders", items=[Item(name="kettle", count=2)])


def test_every_schema_error_is_reported_at_its_own_line() -> None:
    text = "title: [a list]\nitems:\n  - name: kettle\n  - name: toaster\n    count: lots\n"
    data, smap, _ = load_yaml("doc.yaml", text)

    doc, problems = validate_model(Doc, data, smap)

    assert doc is None
    assert [str(p) for p in problems] == [
        "doc.yaml:1:1: title: expected text, got a list [schema]",
        "doc.yaml:3:5: items[0]: missing required field 'count' [schema]",
        "doc.yaml:5:5: items[1].count: expected a whole number, got 'lots' [schema]",
    ]


def test_missing_field_points_at_the_enclosing_mapping() -> None:
    text = "title: Orders\nitems:\n  - count: 1\n"
    data, smap, _ = load_yaml("doc.yaml", text)

    _, problems = validate_model(Doc, data, smap)

    assert [(p.line, p.col, p.message) for p in problems] == [
        (3, 5, "items[0]: missing required field 'name'")
    ]


def test_misspelt_field_is_named_with_a_suggestion() -> None:
    text = "title: Orders\nitems:\n  - name: kettle\n    count: 1\n    cuont: 2\n"
    data, smap, _ = load_yaml("doc.yaml", text)

    _, problems = validate_model(Doc, data, smap)

    assert [(p.line, p.col, p.message) for p in problems] == [
        (5, 5, "items[0]: unknown field 'cuont'; did you mean 'count'?")
    ]


def test_empty_file_is_reported_as_empty() -> None:
    data, smap, _ = load_yaml("empty.yaml", "")

    _, problems = validate_model(Doc, data, smap)

    assert [str(p) for p in problems] == [
        "empty.yaml:1:1: the file is empty; expected a mapping of fields [schema]"
    ]


def test_a_list_that_has_only_bad_items_is_not_also_called_too_short() -> None:
    class Bounded(BaseModel):
        names: tuple[int, ...] = Field(min_length=1)

    data, smap, _ = load_yaml("n.yaml", "names: [a]\n")

    _, problems = validate_model(Bounded, data, smap)

    assert [p.message for p in problems] == ["names[0]: expected a whole number, got 'a'"]


def test_an_empty_list_is_called_too_short() -> None:
    class Bounded(BaseModel):
        names: tuple[int, ...] = Field(min_length=1)

    data, smap, _ = load_yaml("n.yaml", "names: []\n")

    _, problems = validate_model(Bounded, data, smap)

    assert [(p.line, p.col, p.message) for p in problems] == [
        (1, 1, "names: needs at least 1 item")
    ]


def test_unknown_id_error_suggests_the_nearest_known_id() -> None:
    error = unknown_id_error("move", "apologize", ["apologise", "acknowledge"])

    assert str(error) == "'apologize' is not a known move; did you mean 'apologise'?"


def test_unknown_id_error_without_a_near_match_makes_no_suggestion() -> None:
    error = unknown_id_error("move", "zzzz", ["apologise", "acknowledge"])

    assert str(error) == "'zzzz' is not a known move"


def test_suggestions_ignore_case_and_punctuation() -> None:
    assert did_you_mean("Follow-Up", ["follow_up", "learn"]) == "follow_up"


def test_paths_are_written_as_a_reader_would() -> None:
    assert format_path(("steps", 2, "moves", 0)) == "steps[2].moves[0]"
    assert format_path(()) == ""
