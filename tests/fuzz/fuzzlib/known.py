"""Failure classes already known, each with where it was reported, so the suite stays green.

The fuzz tests treat a failure of a known class as an expected failure (the test is marked
xfail, not strict, naming the classes it met); any other failure fails the test. An entry
no fuzz test meets any more is dead weight and is deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fuzzlib.case import Case
from fuzzlib.oracle import Failure


@dataclass(frozen=True, slots=True)
class Known:
    """A failure class: a name, where it was reported, and which failures belong to it."""

    name: str
    source: str
    matches: Callable[[Failure, Case], bool]


ALL: tuple[Known, ...] = ()
"""The failure classes known and not yet fixed: none. Issue 8's classes, and the ten this
fuzzer found beyond them, were fixed with a test each. Add a class here only with where it
was reported, and only while its fix is under way; a class no fuzz test meets any more must
be deleted."""


def known_class(failure: Failure, case: Case) -> Known | None:
    """The known class a failure belongs to, or None when it is new."""
    return next((k for k in ALL if k.matches(failure, case)), None)
