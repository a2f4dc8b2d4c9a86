"""Any reply a learner can type: scored in-process and by every command that reads replies.

Arbitrary Unicode, control characters, lone surrogates, very long and many-line replies,
through ``analyse()``, ``score TEXT``, ``score --jsonl -`` and ``run SCENARIO --replies``.
"""

from __future__ import annotations

from fuzzlib.case import Case
from fuzzlib.strategies import cases, fuzz_settings
from fuzzlib.suite import SuiteCheck
from hypothesis import given


def test_any_reply_is_scored_without_a_traceback(check: SuiteCheck) -> None:
    @fuzz_settings(max_examples=120)
    @given(case=cases("replies"))
    def examples(case: Case) -> None:
        check(case)

    examples()
    check.finish()
