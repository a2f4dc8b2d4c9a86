"""A sample of each surface's cases run as real ``roleplay`` processes, as a user runs them.

In-process runs are fast but share one interpreter; a real process shows what only it can:
the exit code the interpreter sets, output encoding, the script's entry point. Each process
has the same time and memory limits as the worker.
"""

from __future__ import annotations

import random

import pytest
from fuzzlib.mutate import SUITE_LIMITS
from fuzzlib.suite import SuiteCheck
from fuzzlib.surfaces import SURFACES


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_a_real_process_keeps_the_same_contract(surface: str) -> None:
    check = SuiteCheck(None)
    case = SURFACES[surface](random.Random(f"process:{surface}"), SUITE_LIMITS)

    check(case)
    check.finish()
