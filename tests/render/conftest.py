"""Scorecards and report rows shared by the renderer tests.

The scorecards come from the real bundled scenario and its own self-tests, played through
the real engine, so a golden file changes when the debrief a learner would see changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from roleplay.core.debrief import debrief
from roleplay.core.review import Review
from roleplay.core.scenario import Scenario, load_scenario

REPO = Path(__file__).resolve().parents[2]
LEARNER = "Sam Learner"
"""A fixed learner name, so that the rendered pages are the same on every run."""


@pytest.fixture(scope="session")
def late_parcel() -> Scenario:
    """The bundled late-parcel scenario."""
    loaded, problems = load_scenario(REPO / "scenarios" / "late-parcel.yaml")
    assert loaded is not None, problems
    return loaded.scenario


HOSTILE = "<script>alert(1)</script> **bold** | pipe"
"""A reply that would run a script, embolden text and split a table cell if not escaped."""

Card = Callable[[Sequence[str]], Review]
"""Play replies through late-parcel and return the review of that attempt."""


def card(scenario: Scenario, replies: Sequence[str]) -> Review:
    """Return the review of ``replies`` played through ``scenario`` by :data:`LEARNER`."""
    return Review(debrief(scenario, replies), LEARNER)


@pytest.fixture(scope="session")
def make_card(late_parcel: Scenario) -> Card:
    """Play the given replies through late-parcel and return the review."""
    return lambda replies: card(late_parcel, replies)


@pytest.fixture(scope="session")
def hostile() -> str:
    """The reply of :data:`HOSTILE`."""
    return HOSTILE


@pytest.fixture(scope="session")
def self_test_cards(late_parcel: Scenario) -> dict[str, Review]:
    """The review of each of late-parcel's self-tests, by test name."""
    return {t.name: card(late_parcel, t.replies) for t in late_parcel.tests}


class _TextFile(SingleFileSnapshotExtension):
    """A golden file per snapshot, stored as text, so it opens in an editor or browser."""

    _write_mode = WriteMode.TEXT


class MarkdownFile(_TextFile):
    """A golden ``.md`` file."""

    file_extension = "md"
    _file_extension = "md"  # the attribute syrupy 4.8 reads


class HtmlFile(_TextFile):
    """A golden ``.html`` file, which opens in a browser for review."""

    file_extension = "html"
    _file_extension = "html"  # the attribute syrupy 4.8 reads


class CsvFile(_TextFile):
    """A golden ``.csv`` file, which opens in a spreadsheet for review."""

    file_extension = "csv"
    _file_extension = "csv"  # the attribute syrupy 4.8 reads


@pytest.fixture
def snapshot_md(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Compare with a golden Markdown file."""
    return snapshot.use_extension(MarkdownFile)


@pytest.fixture
def snapshot_html(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Compare with a golden HTML file."""
    return snapshot.use_extension(HtmlFile)


@pytest.fixture
def snapshot_csv(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Compare with a golden CSV file."""
    return snapshot.use_extension(CsvFile)


REPORT_ROWS: list[dict[str, Any]] = [
    {
        "learner": "Sam Learner",
        "scenario": "late-parcel",
        "scenario_title": "The parcel that never came",
        "framework": "LATER",
        "date": "2025-03-03T10:15:00+00:00",
        "score": 84,
        "steps_met": "4/5",
        "points_met": "8/10",
        "flags": 0,
        "escalation": "needed and done",
        "outcome": "escalated_correctly",
        "integrity": "signed with this centre's key (verified)",
        "file": "attempts/sam/late-parcel-1.json",
    },
    {
        "learner": "Sam Learner",
        "scenario": "late-parcel",
        "scenario_title": "The parcel that never came",
        "framework": "LATER",
        "date": "2025-03-01T09:00:00+00:00",
        "score": 10,
        "steps_met": "2/5",
        "points_met": "1/10",
        "flags": 2,
        "escalation": "needed and missed",
        "outcome": "customer_lost",
        "integrity": "unsigned: consistent, but anyone could have recomputed it",
        "file": "attempts/sam/late-parcel-0.json",
    },
    {
        "learner": "Priya Patel",
        "scenario": "late-parcel",
        "scenario_title": "The parcel that never came",
        "framework": "LATER",
        "date": "2025-03-02T14:30:00+00:00",
        "score": None,
        "steps_met": "",
        "points_met": "",
        "flags": 0,
        "escalation": "",
        "outcome": "",
        "integrity": "damaged: line 3 is not JSON",
        "file": "attempts/priya/late-parcel-0.json",
    },
]
"""Three attempts for the report: two good transcripts of one learner, one damaged file."""


@pytest.fixture
def report_rows() -> list[dict[str, Any]]:
    """A fresh copy of :data:`REPORT_ROWS`."""
    return [dict(row) for row in REPORT_ROWS]
