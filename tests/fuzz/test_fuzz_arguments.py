"""Random command lines from the real commands and options, with odd values.

The commands and options are read from the click group, so a new command is fuzzed as soon
as it exists. ``serve`` resolves and binds its address but never listens (see
``fuzzlib/harness.py``); the app itself never starts, since no terminal is attached.
``benchmarks/fuzz.py --surface arguments`` draws thousands more.
"""

from __future__ import annotations

from fuzzlib.case import Case
from fuzzlib.strategies import cases, fuzz_settings
from fuzzlib.suite import SuiteCheck
from hypothesis import given


def test_any_command_line_exits_0_1_or_2_with_a_one_line_message(check: SuiteCheck) -> None:
    @fuzz_settings(max_examples=100)
    @given(case=cases("arguments"))
    def examples(case: Case) -> None:
        check(case)

    examples()
    check.finish()
