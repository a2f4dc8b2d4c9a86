"""Values a tutor can write that PyYAML cannot convert: each is a problem at its own place."""

from __future__ import annotations

import pytest

from roleplay.core.source import load_yaml
from roleplay.core.yamlvalues import MAX_INT_DIGITS

LONG = "1" * (MAX_INT_DIGITS + 700)

CASES = [
    # (what the file holds after "id: x\n", line, column, words the message must hold)
    ("date: 2024-13-45", 2, 7, ["'2024-13-45' is not a valid date", "month must be in 1..12"]),
    ("2024-02-30: a key", 2, 1, ["'2024-02-30' is not a valid date", "day is out of range"]),
    ("when: 2024-01-01 25:00:00", 2, 7, ["not a valid date", "hour must be in 0..23"]),
    (f"count: {LONG}", 2, 8, [f"{len(LONG)} digits is too long", f"the most is {MAX_INT_DIGITS}"]),
    (f"? {LONG}\n: a key", 2, 3, [f"{len(LONG)} digits is too long"]),
    ("count: -" + LONG, 2, 8, ["digits is too long"]),
    ("count: 0x" + "f" * 4000, 2, 8, ["is too large a number"]),
    ("count: !!int abc", 2, 8, ["'abc' is not a whole number", "tagged !!int"]),
    ("count: !!int 0x", 2, 8, ["'0x' is not a whole number"]),
    ('count: !!int ""', 2, 8, ["'' is not a whole number"]),
    ("ratio: !!float abc", 2, 8, ["'abc' is not a number", "tagged !!float"]),
    ('ratio: !!float ""', 2, 8, ["'' is not a number"]),
    ("flag: !!bool maybe", 2, 7, ["'maybe' is not true or false", "tagged !!bool"]),
    ("when: !!timestamp 2024-99-01", 2, 7, ["not a valid date", "month must be in 1..12"]),
    ("when: !!timestamp yesterday", 2, 7, ["'yesterday' is not a valid date"]),
    ("when: !!timestamp 2024-01-01T10:00:00+99:00", 2, 7, ["not a valid date"]),
    ('blob: !!binary "a"', 2, 7, ["base64"]),
    ("blob: !!binary é", 2, 7, ["base64"]),
    ("set: !!set [1, 2]", 2, 6, ["expected a mapping"]),
    ("odd: !!foo bar", 2, 6, ["unknown tag '!!foo'"]),
    ("odd: !custom bar", 2, 6, ["unknown tag '!custom'"]),
    ("run: !!python/object/apply:os.system [echo]", 2, 6, ["unknown tag '!!python/object"]),
    ("run: !!python/name:os.system ''", 2, 6, ["unknown tag '!!python/name"]),
    ("nested:\n  - [1, !!int x]", 3, 9, ["'x' is not a whole number"]),
]


@pytest.mark.parametrize(("body", "line", "col", "words"), CASES, ids=[c[0][:30] for c in CASES])
def test_a_value_that_cannot_be_converted_is_a_problem_at_its_node(
    body: str, line: int, col: int, words: list[str]
) -> None:
    data, _smap, problems = load_yaml("tutor.yaml", f"id: x\n{body}\n")

    assert data is None
    assert [(p.file, p.line, p.col, p.code) for p in problems] == [
        ("tutor.yaml", line, col, "yaml-value")
    ]
    for word in words:
        assert word in problems[0].message
    assert "\n" not in str(problems[0])


def test_an_unquoted_date_like_value_suggests_quotes() -> None:
    _data, _smap, problems = load_yaml("tutor.yaml", "date: 2024-13-45\n")

    assert problems[0].message.endswith("put it in quotes if it is meant as text")


def test_the_same_text_in_quotes_is_plain_text() -> None:
    data, _smap, problems = load_yaml("tutor.yaml", f'date: "2024-13-45"\ncount: "{LONG}"\n')

    assert problems == []
    assert data == {"date": "2024-13-45", "count": LONG}


def test_good_tagged_values_still_load() -> None:
    text = (
        "a: !!int 42\nb: !!float 1.5\nc: !!bool yes\nd: 2024-02-29\n"
        "e: !!binary aGk=\nf: 1_000\ng: 0x1f\nh: 1:30\n"
    )
    data, _smap, problems = load_yaml("tutor.yaml", text)

    assert problems == []
    assert isinstance(data, dict)
    assert (data["a"], data["b"], data["c"], data["e"], data["f"], data["g"], data["h"]) == (
        42,
        1.5,
        True,
        b"hi",
        1000,
        31,
        90,
    )
    assert str(data["d"]) == "2024-02-29"


def test_a_whole_number_at_the_limit_still_loads() -> None:
    biggest = "9" * MAX_INT_DIGITS
    data, _smap, problems = load_yaml("tutor.yaml", f"count: {biggest}\n")

    assert problems == []
    assert data == {"count": int(biggest)}


def test_a_bad_key_and_a_duplicate_are_both_reported_without_raising() -> None:
    text = "2024-02-30: a\n2024-02-30: b\n"
    _data, _smap, problems = load_yaml("tutor.yaml", text)

    assert {p.code for p in problems} == {"duplicate-key", "yaml-value"}
