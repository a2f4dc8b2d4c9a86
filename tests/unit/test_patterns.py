"""A hand-written pattern that ``re`` would choke on is refused in words before it is compiled."""

from __future__ import annotations

import pytest

from roleplay.core.patterns import MAX_GROUP_DEPTH, NESTED_REPEAT, group_depth, pattern_problem


@pytest.mark.parametrize(
    ("pattern", "depth"),
    [
        ("sorry", 0),
        ("(?:so )?sorry", 1),
        ("((a)(b))", 2),
        (r"\(\(a\)\)", 0),
        ("[(][(]a[)]", 0),
        ("[]()](a)", 1),
        ("[^]()](a)", 1),
        ("(?:" * 40 + "a" + ")" * 40, 40),
    ],
)
def test_group_depth_counts_only_real_groups(pattern: str, depth: int) -> None:
    assert group_depth(pattern) == depth


def test_a_usable_pattern_has_no_problem() -> None:
    assert pattern_problem(r"(?:i am|we are) (?:so )?sorry\b") is None
    assert pattern_problem("thanks{1000000000}") is None


def test_a_repetition_count_beyond_the_engine_is_a_problem_not_an_overflow() -> None:
    for pattern in ("a{4294967295}", "a{99999999999999999999}", "a{1,4294967296}"):
        problem = pattern_problem(pattern)
        assert problem is not None and "repetition count is too large" in problem


def test_groups_nested_hundreds_deep_are_a_problem_not_a_recursion_error() -> None:
    problem = pattern_problem("(" * 500 + "a" + ")" * 500)

    assert problem == f"groups are nested 500 deep; the most is {MAX_GROUP_DEPTH}"


def test_a_malformed_pattern_says_what_is_wrong() -> None:
    problem = pattern_problem("thank (you")

    assert problem is not None and problem.startswith("not a valid regular expression: missing )")


@pytest.mark.parametrize(
    "pattern",
    [
        "([a-z]+ ?)+x",
        "(?:a*)*b",
        "(?:x|(?:y{2,})+)*",
        "(?:(?:ab)+c){3,}",
        "(?:a+?)+?b",
        "(?=(?:a+)+)a",
    ],
)
def test_a_repeated_group_that_itself_repeats_is_refused_before_it_can_hang(
    pattern: str,
) -> None:
    assert pattern_problem(pattern) == NESTED_REPEAT


@pytest.mark.parametrize(
    "pattern",
    [
        "(?:[^ ]+ ){0,8}if",
        "(?:[a-z]+ )?sorry",
        "(?:so|very)+ sorry",
        "(?:a{2,5})+b",
        "(?:a+)*+b",
        "(?:[a-z]+ ){2}then",
    ],
)
def test_a_repetition_with_a_count_or_inside_nothing_repeated_is_allowed(pattern: str) -> None:
    assert pattern_problem(pattern) is None
