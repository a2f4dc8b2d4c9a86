"""How the fuzz tests judge their cases: new failures fail the test, known ones mark it xfail.

A test draws its cases through hypothesis and hands each to a :class:`SuiteCheck`; at the
end it calls :meth:`SuiteCheck.finish`. A failure of a class in :mod:`fuzzlib.known` is
counted, not raised, so hypothesis goes on looking for new ones; ``finish`` then marks the
test as an expected failure naming the known classes met (``pytest.xfail``: the imperative
form of ``pytest.mark.xfail(strict=False)``, decided per run rather than per test, so the
test passes by itself once those classes are fixed).
"""

from __future__ import annotations

from collections import Counter

import pytest

from fuzzlib.case import Case, Run
from fuzzlib.harness import Worker, run_processes
from fuzzlib.known import known_class
from fuzzlib.oracle import explain, judge


class SuiteCheck:
    """Runs cases in a worker (or as real processes) and sorts their failures."""

    def __init__(self, worker: Worker | None) -> None:
        self.worker = worker
        self.known: Counter[str] = Counter()
        self.cases = 0

    def __call__(self, case: Case) -> None:
        """Run one case; fail with a full explanation when a failure of a new class shows."""
        self.cases += 1
        run: Run = self.worker.run(case) if self.worker is not None else run_processes(case)
        new = []
        for failure in judge(case, run):
            known = known_class(failure, case)
            if known is None:
                new.append(failure)
            else:
                self.known[known.name] += 1
        assert not new, "\n" + explain(case, run, new)

    def finish(self) -> None:
        """Mark the test xfail when it met known failure classes (and nothing new)."""
        if self.known:
            met = "; ".join(f"{name} (×{count})" for name, count in self.known.most_common())
            pytest.xfail(f"known failures in {self.cases} cases: {met}")
