"""Scenario, rubric and cue-rule files, mutated structure-aware: no traceback, ever.

Each case is a bundled file with its parsed tree changed (keys dropped, duplicated or
renamed, values of the wrong type, bad tags and dates, huge numbers, aliases, deep nesting,
odd text) and sometimes its bytes damaged; see ``fuzzlib/surfaces.py`` for the commands each
case runs and ``fuzzlib/oracle.py`` for what they must do. A few dozen cases each keep the
suite quick; ``benchmarks/fuzz.py`` draws the same cases by the thousand.
"""

from __future__ import annotations

from fuzzlib.case import Case
from fuzzlib.strategies import cases, fuzz_settings
from fuzzlib.suite import SuiteCheck
from hypothesis import given


def test_a_mutated_scenario_is_reported_and_the_good_one_beside_it_still_works(
    check: SuiteCheck,
) -> None:
    @fuzz_settings(max_examples=30)
    @given(case=cases("scenarios"))
    def examples(case: Case) -> None:
        check(case)

    examples()
    check.finish()


def test_a_mutated_rubric_is_reported_with_its_position(check: SuiteCheck) -> None:
    @fuzz_settings(max_examples=200)
    @given(case=cases("rubrics"))
    def examples(case: Case) -> None:
        check(case)

    examples()
    check.finish()


def test_a_mutated_cue_rule_file_is_reported_with_its_position(check: SuiteCheck) -> None:
    @fuzz_settings(max_examples=20)
    @given(case=cases("rules"))
    def examples(case: Case) -> None:
        check(case)

    examples()
    check.finish()
