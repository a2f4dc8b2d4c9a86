"""``benchmarks/accuracy.py``: each file measured on its own, unlabelled files for coverage only,
engines side by side.

The benchmark is a developer's tool, but its figures decide whether a scorer change is kept,
so a figure that mixes files (the unlabelled pool counted every prediction as a false
positive) misleads exactly the person who trusts it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import pytest

from roleplay.core.analyse import analyse as real_analyse
from roleplay.core.analysis import Analysis


@pytest.fixture(scope="module")
def accuracy(import_benchmark: Callable[[str], ModuleType]) -> ModuleType:
    """The benchmark script, imported as a module."""
    return import_benchmark("accuracy")


LABELLED = [
    {
        "id": "a1",
        "customer": "My parcel never came.",
        "reply": "I'm so sorry your parcel hasn't arrived.",
        "labels": ["apologise", "acknowledge"],
    },
    {
        "id": "a2",
        "customer": "Where is it?",
        "reply": "Thanks for your patience.",
        "labels": ["thank"],
    },
]
POOL = [
    {"id": "p1", "customer": "Hi", "reply": "Thanks for getting in touch!"},
    {"id": "p2", "customer": "Hi", "reply": "@customer ^JK"},
    {"id": "p3", "customer": "Hi", "reply": "Sorry about that, we'll refund you today."},
    {"id": "p4", "customer": "Hi", "reply": "Calm down."},
]


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _json_run(accuracy: ModuleType, capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    assert accuracy.main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_unlabelled_pool_adds_no_false_positives(
    accuracy: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A labelled file scores the same alone and beside an unlabelled pool."""
    labelled = _write(tmp_path / "labelled.jsonl", LABELLED)
    pool = _write(tmp_path / "pool.jsonl", POOL)
    alone = _json_run(accuracy, capsys, str(labelled))
    both = _json_run(accuracy, capsys, str(labelled), str(pool))
    by_name = {f["name"]: f for f in both["files"]}
    assert by_name["labelled.jsonl"]["engines"] == alone["files"][0]["engines"]
    assert by_name["labelled.jsonl"]["engines"]["current"]["micro"]["fp"] == 0


def test_unlabelled_pool_reports_the_share_with_no_move(
    accuracy: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The pool gets no precision or recall, but the share of replies with no move, and per id."""
    pool = _write(tmp_path / "pool.jsonl", POOL)
    out = _json_run(accuracy, capsys, str(pool))
    entry = out["files"][0]
    assert entry["labelled"] is False
    figures = entry["engines"]["current"]
    assert "ids" not in figures and "macro_f1" not in figures
    # "^JK" and "Calm down." make no move; "Calm down." raises a flag, so only one is empty.
    assert figures["no_move"] == 2
    assert figures["nothing"] == 1
    assert figures["found"]["thank"] == 1
    assert figures["found_share"]["dismiss"] == pytest.approx(0.25)


def test_each_labelled_file_is_measured_apart_and_marked_tuned_or_not(
    accuracy: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two labelled files give two tables; only the tuned-on file is marked as tuned on."""
    tuned = _write(tmp_path / "agent-replies.jsonl", LABELLED)
    held = _write(tmp_path / "agent-replies-2.jsonl", LABELLED[:1])
    out = _json_run(accuracy, capsys, str(held), str(tuned))
    assert [(f["name"], f["replies"], f["tuned_on"]) for f in out["files"]] == [
        ("agent-replies.jsonl", 2, True),
        ("agent-replies-2.jsonl", 1, False),
    ]
    assert accuracy.main([str(held), str(tuned)]) == 0
    text = capsys.readouterr().out
    assert "not tuned on (judge a change by these): agent-replies-2.jsonl" in text
    assert "TUNED ON" in text
    assert text.rstrip().splitlines()[-1].startswith("agent-replies-2.jsonl")


def test_a_file_mixing_labelled_and_unlabelled_replies_is_refused(
    accuracy: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Half-labelled data would give figures that mean nothing: one line names the culprit."""
    mixed = _write(tmp_path / "mixed.jsonl", [LABELLED[0], POOL[0]])
    assert accuracy.main([str(mixed)]) == 1
    err = capsys.readouterr().err
    assert f"{mixed}:2: no 'labels', unlike {mixed}:1" in err


def _two_engine_analyse(calls: list[tuple[str, str | None, str]]) -> Any:
    """An ``analyse`` with the engine keyword: "regex" is today's scorer, "parse" finds nothing."""

    def analyse(
        reply: str,
        customer: str | None = None,
        lexicon: object = None,
        *,
        engine: Literal["regex", "parse"] = "regex",
    ) -> Analysis:
        calls.append((reply, customer, engine))
        if engine == "regex":
            return real_analyse(reply, customer)
        return Analysis(reply=reply, moves=(), flags=(), evidence=(), ruleset="parse-0")

    return analyse


def test_engines_are_read_from_the_signature(accuracy: ModuleType) -> None:
    """No ``engine`` keyword: one engine, "current"; a Literal: its engines, old rules first."""

    def one_engine(reply: str, customer: str | None = None) -> None:
        """A scorer with a single engine, as before the parse rules."""

    assert accuracy.offered_engines(one_engine) == ("current",)
    assert accuracy.offered_engines(real_analyse) == ("current",)  # one rule language now
    assert accuracy.offered_engines(_two_engine_analyse([])) == ("regex", "parse")

    def untyped(reply: str, customer: str | None = None, *, engine: str = "union") -> None:
        return None

    assert accuracy.offered_engines(untyped) == ("regex", "parse", "union")


def test_engines_print_side_by_side_with_a_delta(accuracy: ModuleType, tmp_path: Path) -> None:
    """Each engine gets its own figures and the customer's message reaches every engine."""
    calls: list[tuple[str, str | None, str]] = []
    double = _two_engine_analyse(calls)
    files = [accuracy.read_file(_write(tmp_path / "agent-replies-2.jsonl", LABELLED))]
    result = accuracy.run(files, double, accuracy.choose_engines(("regex", "parse"), []))
    text = accuracy.render(result, with_errors=False)
    key = str(files[0].path)
    assert result.results[key, "regex"].counts["thank"].tp == 1
    assert result.results[key, "parse"].counts["thank"].fn == 1
    assert "ΔF1" in text and "-1.000" in text
    assert ("Thanks for your patience.", "Where is it?", "parse") in calls


def test_an_engine_not_offered_is_a_usage_error(
    accuracy: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Asking the scorer for an engine it lacks says which engines it has, exit code 2."""
    labelled = _write(tmp_path / "labelled.jsonl", LABELLED)
    assert accuracy.main([str(labelled), "--engine", "neural"]) == 2
    assert "engine 'neural' is not offered by the installed analyse; it offers current" in (
        capsys.readouterr().err
    )
