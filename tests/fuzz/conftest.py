"""Fixtures for the fuzz tests: one worker process, shared by every fuzz test of a session.

The worker runs each case's commands in-process (fast) under a memory limit, and its parent
kills it when a command hangs; see ``fuzzlib/harness.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fuzzlib.harness import Worker
from fuzzlib.suite import SuiteCheck


@pytest.fixture(scope="session")
def worker() -> Iterator[Worker]:
    """A worker process for the session's fuzz cases, stopped and cleaned up at the end."""
    with Worker() as running:
        yield running


@pytest.fixture
def check(worker: Worker) -> SuiteCheck:
    """Judge cases run in the session's worker; see ``fuzzlib/suite.py``."""
    return SuiteCheck(worker)
