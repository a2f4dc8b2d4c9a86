"""Edited and damaged transcripts: every real edit is flagged, no file gives a traceback.

Each case edits a real transcript (made by ``roleplay run … --format json --out``): a reply,
a score, a hash, a turn deleted or moved, the header, huge numbers, deep nesting, a BOM, a
cut-off end, sometimes re-hashed as anyone without the centre's key can.
"""

from __future__ import annotations

from fuzzlib.case import Case
from fuzzlib.strategies import cases, fuzz_settings
from fuzzlib.suite import SuiteCheck
from hypothesis import given


def test_an_edited_transcript_is_never_called_intact(check: SuiteCheck) -> None:
    @fuzz_settings(max_examples=120)
    @given(case=cases("transcripts"))
    def examples(case: Case) -> None:
        check(case)

    examples()
    check.finish()
