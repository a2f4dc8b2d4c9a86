"""Analyses kept on disk: a second report parses nothing, other rules never reuse them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import roleplay.core.analyse as analyse_module
from roleplay.core.analyse import _MEMO, analyse
from roleplay.core.analysis_cache import AnalysisCache
from roleplay.core.lexicon import bundled_lexicon_dir, compile_lexicon, load_lexicon
from roleplay.core.library import ScenarioLibrary
from roleplay.core.report import report_rows
from roleplay.core.transcript import Attempt

REPLIES = [
    "I'm really sorry your order hasn't arrived, that must be so frustrating. "
    "Which door does the driver's photo show?",
    "Thank you. I'll open a trace today, and my team leader will call you within the hour.",
]


pytestmark = pytest.mark.usefixtures("private_folders")


class Parses:
    """Counts the replies the parser is handed, one at a time or in batches."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        one, many = analyse_module.parse, analyse_module.parse_many

        def parse(*args: object, **kwargs: object) -> object:
            self.count += 1
            return one(*args, **kwargs)  # type: ignore[arg-type]

        def parse_many(items: list[object], *args: object, **kwargs: object) -> object:
            self.count += len(items)
            return many(items, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(analyse_module, "parse", parse)
        monkeypatch.setattr(analyse_module, "parse_many", parse_many)


def _cohort(folder: Path) -> Path:
    for learner in ("Asha", "Ben", "Cai"):
        attempt = Attempt.start(ScenarioLibrary().find("late-parcel"), learner, folder=folder)
        for reply in REPLIES:
            if not attempt.finished:
                attempt.step(f"{reply} ({learner})")
    return folder


def test_a_second_report_of_the_same_cohort_parses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cohort = _cohort(tmp_path / "cohort")
    parses = Parses(monkeypatch)
    _MEMO.clear()
    first = report_rows([cohort])
    assert parses.count > 0

    parses.count = 0
    _MEMO.clear()  # as in a new process: only the file on disk remembers
    second = report_rows([cohort])

    assert parses.count == 0
    assert second == first


def test_cached_analyses_are_the_analyses(tmp_path: Path) -> None:
    """Read back from the file, every field is what analysing afresh gives."""
    pairs = [(reply, "Where is my parcel?") for reply in REPLIES]
    pairs += [("sorry, " * 2_000, None), ("So sorry \ud83d about that.", None), ("", None)]
    writer = AnalysisCache()
    made = writer.analyse_many(pairs)
    writer.save()

    reader = AnalysisCache()
    read = reader.analyse_many(pairs)

    assert reader.computed == 0
    assert read == made
    assert read == [analyse(reply, customer) for reply, customer in pairs]


def test_another_customer_message_is_another_analysis(tmp_path: Path) -> None:
    cache = AnalysisCache()
    cache.analyse(REPLIES[0], "Where is my parcel?")
    cache.save()

    again = AnalysisCache()
    again.analyse(REPLIES[0], "Where is my parcel?")
    again.analyse(REPLIES[0], "I want a refund.")

    assert again.computed == 1


def test_a_changed_rule_set_does_not_reuse_old_analyses(tmp_path: Path) -> None:
    old = AnalysisCache()
    old.analyse(REPLIES[1])
    old.save()
    rules = tmp_path / "rules"
    shutil.copytree(bundled_lexicon_dir(), rules)
    thank = rules / "thank.yaml"
    thank.write_text(thank.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    edited, problems = compile_lexicon(rules)
    assert edited is not None, problems
    assert edited.version != load_lexicon().version

    new = AnalysisCache(edited)
    analysis = new.analyse(REPLIES[1])

    assert new.computed == 1
    assert analysis.ruleset == edited.version
    assert new.path != old.path


@pytest.mark.parametrize(
    "damage",
    [b"", b"{not json", b'{"format": 1, "ruleset": 7}', b"\xff\xfe", b'{"format": 1}'],
    ids=["empty", "broken", "wrong-shape", "not-utf8", "no-entries"],
)
def test_a_damaged_cache_file_is_ignored_and_replaced(tmp_path: Path, damage: bytes) -> None:
    first = AnalysisCache()
    expected = first.analyse(REPLIES[0])
    first.save()
    first.path.write_bytes(damage)

    cache = AnalysisCache()
    assert cache.analyse(REPLIES[0]) == expected
    assert cache.computed == 1
    cache.save()
    assert AnalysisCache().analyse(REPLIES[0]) == expected


def test_a_damaged_entry_is_analysed_again(tmp_path: Path) -> None:
    first = AnalysisCache()
    expected = first.analyse(REPLIES[0])
    first.save()
    text = first.path.read_text(encoding="ascii")
    first.path.write_text(text.replace('"apologise"', "17", 1), encoding="ascii")

    cache = AnalysisCache()
    assert cache.analyse(REPLIES[0]) == expected
    assert cache.computed == 1


def test_a_cache_folder_that_cannot_be_written_costs_only_time(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    cache = AnalysisCache(folder=blocked / "cache")
    analysis = cache.analyse(REPLIES[0])
    cache.save()
    assert "apologise" in analysis.moves
