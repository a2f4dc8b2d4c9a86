"""The cohort report: one row an attempt, and a damaged or edited file never stops it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from roleplay.core.integrity import Proof
from roleplay.core.library import ScenarioLibrary
from roleplay.core.report import COLUMNS, report_rows
from roleplay.core.transcript import Attempt
from roleplay.render.report import is_counted

GOOD = [
    "I'm really sorry your order hasn't arrived, Mrs Shah, that must be so frustrating. "
    "Which door does the driver's photo show?",
    "Thank you. I'll open a trace under our lost parcel procedure, and as £64 is above what I "
    "can authorise I'm passing it to my team leader, who will call you within the hour.",
]


pytestmark = pytest.mark.usefixtures("private_folders")


def _attempt(folder: Path, learner: str, replies: list[str]) -> Path:
    attempt = Attempt.start(ScenarioLibrary().find("late-parcel"), learner, folder=folder)
    for reply in replies:
        if not attempt.finished:
            attempt.step(reply)
    return attempt.path


def test_each_attempt_becomes_one_row_with_every_column(tmp_path: Path) -> None:
    folder = tmp_path / "cohort"
    _attempt(folder, "Asha", GOOD)
    _attempt(folder, "Ben", ["Calm down, it's the courier's fault.", "Nothing I can do."])
    rows = report_rows([folder])
    assert [r["learner"] for r in sorted(rows, key=lambda r: r["learner"])] == ["Asha", "Ben"]
    for row in rows:
        assert tuple(row) == (*COLUMNS, "proof")
        assert row["integrity"] == "unsigned: consistent, but anyone could have recomputed it"
        assert row["proof"] is Proof.UNSIGNED
    by_learner = {r["learner"]: r for r in rows}
    assert by_learner["Asha"]["score"] > by_learner["Ben"]["score"]
    assert by_learner["Ben"]["outcome"] == "customer_lost"


def test_an_edited_reply_is_marked_in_the_report(tmp_path: Path) -> None:
    path = _attempt(tmp_path / "cohort", "Asha", GOOD[:1])
    data = json.loads(path.read_text(encoding="utf-8"))
    data["turns"][0]["reply"] = "I'm so sorry. I'll refund you in full today."
    path.write_text(json.dumps(data), encoding="utf-8")
    [row] = report_rows([path])
    assert row["integrity"].startswith("EDITED")
    assert "turn 1" in row["integrity"]
    assert row["proof"] is Proof.EDITED and not is_counted(row)


def test_a_damaged_file_is_a_row_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "cohort"
    good = _attempt(folder, "Asha", GOOD)
    (folder / "truncated.json").write_text(good.read_text(encoding="utf-8")[:200])
    (folder / "not-json.json").write_text("hello")
    rows = report_rows([folder])
    assert len(rows) == 3
    damaged = [r for r in rows if r["score"] is None]
    assert len(damaged) == 2
    assert all(r["integrity"].startswith("damaged:") for r in damaged)


def test_a_cohort_can_be_rescored_under_another_model(tmp_path: Path) -> None:
    path = _attempt(tmp_path / "cohort", "Asha", GOOD)
    [later] = report_rows([path])
    [heat] = report_rows([path], framework="HEAT")
    assert later["framework"] == "LATER" and heat["framework"] == "HEAT"


def test_on_a_machine_with_a_centre_key_an_unsigned_attempt_is_not_signed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cohort"
    _attempt(folder / "before-the-key", "Asha", GOOD)
    monkeypatch.setenv("ROLEPLAY_CENTRE_KEY", "brightwell-centre-secret")
    _attempt(folder / "signed", "Ben", GOOD)

    rows = {r["learner"]: r["integrity"] for r in report_rows([folder])}

    assert rows["Ben"] == "signed with this centre's key (verified)"
    assert rows["Asha"].startswith("NOT SIGNED: this machine signs with centre key ")

    monkeypatch.delenv("ROLEPLAY_CENTRE_KEY")
    elsewhere = {r["learner"]: r["integrity"] for r in report_rows([folder])}
    assert elsewhere["Ben"].startswith("CANNOT BE CHECKED: signed with centre key ")
    assert elsewhere["Asha"] == "unsigned: consistent, but anyone could have recomputed it"


def test_a_pipe_or_a_device_among_the_transcripts_is_a_row_not_a_hang(tmp_path: Path) -> None:
    folder = tmp_path / "cohort"
    _attempt(folder, "Asha", GOOD)
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.json")
    if Path("/dev/zero").exists():
        (folder / "zero.json").symlink_to("/dev/zero")
    (folder / "sub.json").mkdir()

    rows = report_rows([folder])

    damaged = {Path(r["file"]).name: r["integrity"] for r in rows if r["score"] is None}
    assert set(damaged) == {"pipe.json", "zero.json"} & {p.name for p in folder.iterdir()}
    assert all("not a regular file" in why for why in damaged.values())
    assert [r["learner"] for r in rows if r["score"] is not None] == ["Asha"]


def test_a_broken_file_in_the_tutors_folder_does_not_stop_the_report(tmp_path: Path) -> None:
    path = _attempt(tmp_path / "cohort", "Asha", GOOD)
    tutor = tmp_path / "tutor"
    tutor.mkdir()
    (tutor / "draft.yaml").write_text("id: draft\ndate: 2024-13-45\n", encoding="utf-8")

    [row] = report_rows([path], extra=tutor)

    assert row["scenario"] == "late-parcel"
    assert row["score"] is not None
    assert not row["integrity"].startswith("damaged")
