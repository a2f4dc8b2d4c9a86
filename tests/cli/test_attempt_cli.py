"""run, debrief and report as an assessor uses them: real processes, real files."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from syrupy.assertion import SnapshotAssertion

Run = Callable[..., subprocess.CompletedProcess[str]]

GOOD = [
    "I'm really sorry your order hasn't arrived, Mrs Shah. Which door does the photo show?",
    "Thank you. Under our lost parcel procedure I'll trace it, and as £64 is above my limit "
    "I'm passing it to my team leader, who will call you within the hour.",
]
POOR = ["Calm down, it's the courier's fault, not ours.", "There's nothing I can do about it."]

VOLATILE = {"id", "started", "updated", "finished", "at", "hash", "seal", "ruleset", "digest"}


def _scrub(value: Any) -> Any:
    """Replace what changes from run to run (times, ids, hashes) so the rest can be golden."""
    if isinstance(value, dict):
        return {
            k: ("…" if k in VOLATILE and v is not None else _scrub(v)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _replies(tmp_path: Path, replies: list[str], name: str = "replies.txt") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(replies) + "\n", encoding="utf-8")
    return path


def _run_json(run: Run, tmp_path: Path, replies: list[str], learner: str) -> Path:
    out = tmp_path / f"{learner.split()[0].lower()}.json"
    done = run(
        "run", "late-parcel", "--replies", str(_replies(tmp_path, replies)),
        "--format", "json", "--out", str(out), "--learner", learner,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


def test_run_json_holds_the_transcript_and_the_scorecard(
    run: Run, tmp_path: Path, snapshot: SnapshotAssertion
) -> None:
    data = json.loads(_run_json(run, tmp_path, GOOD, "Asha Patel").read_text(encoding="utf-8"))
    for key in ("scenario", "framework", "learner", "turns", "outcome", "steps"):
        assert key in data
    for key in ("marking_points", "flags", "score"):
        assert key in data
    for turn in data["turns"]:
        assert {"customer", "reply", "moves", "flags", "node", "mood"} <= set(turn)
    assert all(p["status"] in ("met", "partial", "not_met") for p in data["marking_points"])
    assert 0 <= data["score"] <= 100
    assert _scrub(data) == snapshot


def test_run_reads_a_yaml_list_of_replies_and_renders_markdown_and_html(
    run: Run, tmp_path: Path
) -> None:
    replies = tmp_path / "replies.yaml"
    replies.write_text("\n".join(f"- {json.dumps(r)}" for r in POOR) + "\n", encoding="utf-8")
    md = run("run", "late-parcel", "--replies", str(replies))
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# Debrief") and "customer lost" in md.stdout
    html = run("run", "late-parcel", "--replies", str(replies), "--format", "html")
    assert html.returncode == 0 and html.stdout.lstrip().lower().startswith("<!doctype html")


def test_replies_after_the_end_are_reported_not_lost(run: Run, tmp_path: Path) -> None:
    done = run("run", "late-parcel", "--replies", str(_replies(tmp_path, [*POOR, *POOR])))
    assert done.returncode == 0
    assert "2 replies were not used" in done.stderr


def test_debrief_recomputes_a_run_under_another_model(run: Run, tmp_path: Path) -> None:
    saved = _run_json(run, tmp_path, GOOD, "Asha Patel")
    later = run("debrief", str(saved), "--format", "json")
    heat = run("debrief", str(saved), "--format", "json", "--framework", "heat")
    assert later.returncode == heat.returncode == 0
    first, second = json.loads(later.stdout), json.loads(heat.stdout)
    assert (first["framework"], second["framework"]) == ("LATER", "HEAT")
    assert first["integrity"] == "unsigned: consistent, but anyone could have recomputed it"
    assert first["integrity_status"] == "unsigned"
    assert [s["id"] for s in first["steps"]] != [s["id"] for s in second["steps"]]


def test_a_transcript_edited_by_hand_is_marked_by_debrief_and_report(
    run: Run, tmp_path: Path
) -> None:
    saved = _run_json(run, tmp_path, POOR, "Ben Jones")
    data = json.loads(saved.read_text(encoding="utf-8"))
    data["turns"][0]["reply"] = "I'm so sorry, I'll refund you in full today."
    saved.write_text(json.dumps(data), encoding="utf-8")
    debriefed = run("debrief", str(saved))
    assert debriefed.returncode == 0
    assert "EDITED" in debriefed.stdout and "turn 1" in debriefed.stdout
    assert "warning:" in debriefed.stderr
    rows = list(csv.DictReader(io.StringIO(run("report", str(saved)).stdout)))
    assert rows[0]["integrity"].startswith("EDITED")
    as_json = json.loads(run("debrief", str(saved), "--format", "json").stdout)
    assert as_json["integrity_status"] == "edited"
    assert any("turn 1" in reason for reason in as_json["integrity_problems"])


def test_debrief_json_keeps_every_key_it_had_and_adds_the_reasons(run: Run, tmp_path: Path) -> None:
    saved = _run_json(run, tmp_path, GOOD, "Asha Patel")
    data = json.loads(run("debrief", str(saved), "--format", "json").stdout)
    before = {
        *("scenario", "framework", "learner", "turns", "outcome", "steps", "in_order"),
        *("marking_points", "flags", "escalation", "policy_breaches", "law_misstated"),
        *("causes", "advice", "score", "score_detail"),
        *("integrity", "integrity_status", "transcript"),
    }
    assert before <= set(data)
    assert "warnings" not in data  # only when the scenario has changed
    assert data["integrity_problems"] == []


def test_report_gives_one_row_an_attempt_and_survives_a_damaged_file(
    run: Run, tmp_path: Path
) -> None:
    cohort = tmp_path / "cohort"
    cohort.mkdir()
    _run_json(run, cohort, GOOD, "Asha Patel")
    _run_json(run, cohort, POOR, "Ben Jones")
    (cohort / "broken.json").write_text('{"format": "roleplay-transcript/1", "turns": [', "utf-8")
    done = run("report", str(cohort))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == 3
    assert sum(1 for r in rows if r["integrity"].startswith("damaged")) == 1
    html = run("report", str(cohort), "--format", "html", "--out", str(tmp_path / "r.html"))
    assert html.returncode == 0
    assert "Asha Patel" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_bad_input_gets_one_error_line_and_exit_1(run: Run, tmp_path: Path) -> None:
    cases = [
        ("run", "nope", "--replies", str(_replies(tmp_path, GOOD))),
        ("run", "late-parcel", "--replies", str(tmp_path / "missing.txt")),
        ("run", "late-parcel", "--replies", str(_replies(tmp_path, ["  "], "empty.txt"))),
        ("run", "late-parcel", "--replies", str(_replies(tmp_path, GOOD)), "--framework", "X"),
        ("debrief", str(_replies(tmp_path, GOOD, "not-a-transcript.json"))),
        ("report", str(tmp_path / "missing-folder")),
    ]
    for args in cases:
        done = run(*args)
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        assert done.stderr.strip().splitlines()[-1].startswith("error:"), (args, done.stderr)


def test_bad_usage_exits_2(run: Run) -> None:
    assert run("run", "late-parcel").returncode == 2
    assert run("report").returncode == 2
    assert run("debrief", "x.json", "--format", "pdf").returncode == 2


HOSTILE = {
    "5000-digit-number": ('"mood": ', '"mood": ' + "9" * 5000 + ", "),
    "nested-100000-deep": ('"mood": ', '"deep": ' + "[" * 100_000 + "]" * 100_000 + ', "mood": '),
}
"""Two edits Python's JSON reader cannot take: a number too long, nesting too deep."""


def _hostile(saved: Path, kind: str) -> Path:
    old, new = HOSTILE[kind]
    text = saved.read_text(encoding="utf-8")
    saved.write_text(text.replace(old, new, 1), encoding="utf-8")
    return saved


def test_a_transcript_python_cannot_read_is_one_positioned_problem_in_debrief(
    run: Run, tmp_path: Path
) -> None:
    for kind in HOSTILE:
        saved = _hostile(_run_json(run, tmp_path, GOOD, "Asha Patel"), kind)
        done = run("debrief", str(saved))
        assert done.returncode == 1, (kind, done.stderr)
        assert "Traceback" not in done.stderr
        first = done.stderr.splitlines()[0]
        assert first.startswith(f"{saved}:"), first
        line, col = first[len(f"{saved}:") :].split(":")[:2]
        assert int(line) > 1 and int(col) > 1, first
        assert done.stderr.strip().splitlines()[-1].startswith("error:")


def test_a_transcript_python_cannot_read_is_a_marked_row_in_the_report(
    run: Run, tmp_path: Path
) -> None:
    cohort = tmp_path / "cohort"
    cohort.mkdir()
    _run_json(run, cohort, GOOD, "Asha Patel")
    for kind in HOSTILE:
        (cohort / kind).mkdir()
        _hostile(_run_json(run, cohort / kind, POOR, "Ben Jones"), kind)

    done = run("report", str(cohort))

    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["learner"] for r in rows if r["score"]] == ["Asha Patel"]
    damaged = [r["integrity"] for r in rows if r["integrity"].startswith("damaged")]
    assert len(damaged) == 2
    assert any("5,000 digits" in d for d in damaged)
    assert any("nested more than" in d for d in damaged)


def test_a_4_mb_reply_is_played_and_debriefed_on_its_first_part(run: Run, tmp_path: Path) -> None:
    """run and debrief answer a 4 MB reply (replies files stop at 5 MB), scoring its first part."""
    replies = _replies(tmp_path, ["sorry, " * (4 * 1024 * 1024 // 7)])
    out = tmp_path / "long.json"

    args = ("--replies", str(replies), "--format", "json", "--out", str(out))
    played = run("run", "late-parcel", *args, timeout=120)
    debriefed = run("debrief", str(out), timeout=120)

    assert played.returncode == 0, played.stderr
    assert "note: turn 1: the reply is 4,194,302 characters long; only the first" in played.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["turns"][0]["scored_chars"] <= 10_000
    assert debriefed.returncode == 0, debriefed.stderr
    assert "note: turn 1: the reply is 4,194,302 characters long" in debriefed.stderr


def test_a_transcript_naming_an_unknown_model_is_reported_at_its_line(
    run: Run, tmp_path: Path
) -> None:
    saved = _run_json(run, tmp_path, GOOD, "Asha Patel")
    text = saved.read_text(encoding="utf-8")
    saved.write_text(text.replace('"framework": "LATER"', '"framework": "LATTER"', 1), "utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if '"framework": "LATER"' in s)

    done = run("debrief", str(saved))

    assert done.returncode == 1 and "Traceback" not in done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith(f"{saved}:{line}:")
    assert "'LATTER' is not a known framework; did you mean 'LATER'?" in first


def test_a_lone_surrogate_edited_into_a_transcript_is_shown_not_a_crash(
    run: Run, tmp_path: Path
) -> None:
    saved = _run_json(run, tmp_path, GOOD, "Asha Patel")
    data = json.loads(saved.read_text(encoding="utf-8"))
    data["turns"][0]["reply"] += "\udfa5"
    saved.write_text(json.dumps(data), encoding="utf-8")  # ASCII JSON: the escape survives

    done = run("debrief", str(saved), "--format", "json")

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "EDITED" in done.stderr
    assert "\ufffd" in json.loads(done.stdout)["turns"][0]["reply"]


def test_a_transcript_of_a_scenario_not_installed_here_is_reported_at_its_line(
    run: Run, tmp_path: Path
) -> None:
    saved = _run_json(run, tmp_path, GOOD, "Asha Patel")
    data = json.loads(saved.read_text(encoding="utf-8"))
    data["scenario"]["id"] = "tutors-own-scenario"
    saved.write_text(json.dumps(data, indent=2), encoding="utf-8")
    line = next(
        i
        for i, s in enumerate(saved.read_text(encoding="utf-8").splitlines(), 1)
        if '"tutors-own-scenario"' in s
    )

    done = run("debrief", str(saved))

    assert done.returncode == 1 and "Traceback" not in done.stderr
    problem, error = done.stderr.splitlines()
    assert problem.startswith(f"{saved}:{line}:")
    assert "unknown scenario 'tutors-own-scenario'" in problem
    assert error == f"error: {saved}: its scenario is not here; name its folder with --scenarios"
