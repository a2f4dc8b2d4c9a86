"""``roleplay``, ``roleplay score`` and ``roleplay schema``, run as a user runs them."""

from __future__ import annotations

import json
import re
import select
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from roleplay.core.frameworks import get_framework
from roleplay.core.moves import ALL_IDS, FLAGS, MOVES

Run = Callable[..., subprocess.CompletedProcess[str]]
Result = subprocess.CompletedProcess[str]

PARCEL = "I'm so sorry your parcel is late."
KNOWN_FRAMEWORKS = ("LATER", "HEAT", "AARL", "AIRL", "LERF")

REPLIES: list[dict[str, str]] = [
    {"id": "r1", "reply": PARCEL},
    {"id": "r2", "reply": "Thank you for waiting. I'll refund the delivery charge today."},
    {"id": "r3", "reply": "That's not our fault, you should have read the terms."},
    {"id": "r4", "reply": "I will look into this and call you back tomorrow."},
    {"id": "r5", "reply": "Whatever. Nothing I can do about it."},
]


def assert_user_error(result: Result, *fragments: str) -> None:
    """Check the user-error contract: exit 1, one ``error: …`` line, no traceback."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], result.stderr


def assert_clean_success(result: Result) -> None:
    """Check that a run succeeded without a traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr


def json_lines(stdout: str) -> list[dict[str, Any]]:
    """Parse one JSON object per output line, failing the test on anything else."""
    records = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    assert all(isinstance(r, dict) for r in records), stdout
    return records


def write_jsonl(path: Path, items: list[dict[str, Any]]) -> Path:
    """Write ``items`` one JSON object a line, as an assessor's export would be."""
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    return path


def assert_record_is_well_formed(record: dict[str, Any], reply: str) -> None:
    """Check one scored line: guide ids only, each with words quoted from the reply."""
    assert set(record["moves"]) <= set(MOVES), record
    assert set(record["flags"]) <= set(FLAGS), record
    assert set(record["moves"]) | set(record["flags"]) <= set(ALL_IDS)
    assert set(record["evidence"]) == set(record["moves"]) | set(record["flags"]), record
    for move_id, quote in record["evidence"].items():
        assert quote, (move_id, record)
        assert quote in reply, (move_id, quote, reply)


# --- the command list ---------------------------------------------------------------------


@pytest.mark.parametrize("args", [(), ("--help",), ("-h",)], ids=["bare", "--help", "-h"])
def test_command_list_is_printed_and_exits_0(run: Run, args: tuple[str, ...]) -> None:
    """A user who types ``roleplay`` (or asks for help) sees which commands there are."""
    result = run(*args)

    assert_clean_success(result)
    commands = result.stdout.split("Commands:", 1)[-1]
    for command in ("score", "validate", "schema"):
        assert re.search(rf"^\s+{command}\b", commands, re.MULTILINE), result.stdout


# --- one reply on the command line ---------------------------------------------------------


def test_score_quotes_the_apology_with_its_rule_and_rule_set_version(run: Run) -> None:
    """The readable result names the move, quotes the words, the rule and the rule set."""
    readable = run("score", PARCEL)
    as_json = run("score", "--json", PARCEL)

    assert_clean_success(readable)
    assert_clean_success(as_json)
    ruleset = json.loads(as_json.stdout)["ruleset"]
    assert ruleset
    apology = [line for line in readable.stdout.splitlines() if "apologise" in line]
    assert any(f'"{PARCEL}"' in line and "[apologise.sorry]" in line for line in apology), (
        readable.stdout
    )
    assert ruleset in readable.stdout


def test_score_json_is_one_object_with_moves_flags_evidence_and_ruleset(run: Run) -> None:
    """``--json`` prints exactly one JSON object whose evidence quotes the reply."""
    result = run("score", "--json", PARCEL)

    assert_clean_success(result)
    assert len(result.stdout.strip().splitlines()) == 1
    record = json.loads(result.stdout)
    assert {"moves", "flags", "evidence", "ruleset"} <= set(record)
    assert "apologise" in record["moves"]
    assert record["flags"] == []
    assert record["evidence"]["apologise"] == PARCEL
    assert "framework" not in record
    assert_record_is_well_formed(record, PARCEL)


@pytest.mark.parametrize("given", ["later", "LaTeR"])
def test_framework_is_chosen_ignoring_case_and_adds_its_steps(run: Run, given: str) -> None:
    """``--framework later`` reports LATER's steps, which of them this reply met, and a score."""
    result = run("score", "--json", "--framework", given, PARCEL)

    assert_clean_success(result)
    framework = json.loads(result.stdout)["framework"]
    assert framework["id"] == "LATER"
    expected_steps = [step.id for step in get_framework("LATER").steps]
    assert [step["id"] for step in framework["steps"]] == expected_steps
    met = {step["id"]: step["met"] for step in framework["steps"]}
    assert all(isinstance(value, bool) for value in met.values())
    assert met["apologise"] is True
    assert met["thank"] is False
    assert met["resolve"] is False
    share = 100 * sum(met.values()) / len(met)
    assert abs(framework["score"] - share) <= 0.5


def test_explain_shows_a_negated_apology_as_set_aside_with_its_reason(run: Run) -> None:
    """``--explain`` says why "I won't apologise" did not count as an apology."""
    reply = "I won't apologise for our policy."
    plain = run("score", reply)
    explained = run("score", "--explain", reply)

    assert_clean_success(plain)
    assert_clean_success(explained)
    assert "negated" not in plain.stdout
    moves_line = explained.stdout.splitlines()[0]
    assert "apologise" not in moves_line, explained.stdout
    set_aside = explained.stdout.split("Set aside", 1)
    assert len(set_aside) == 2, explained.stdout
    assert "apologise" in set_aside[1]
    assert "won't apologise" in set_aside[1]
    assert "negated" in set_aside[1]


# --- many replies, one a line ---------------------------------------------------------------


def test_jsonl_writes_one_object_per_line_in_input_order(run: Run, tmp_path: Path) -> None:
    """Each reply comes back once, under its own id, with guide ids and quoted evidence."""
    path = write_jsonl(tmp_path / "replies.jsonl", REPLIES)

    result = run("score", "--jsonl", str(path))

    assert_clean_success(result)
    records = json_lines(result.stdout)
    assert [r["id"] for r in records] == [item["id"] for item in REPLIES]
    for record, item in zip(records, REPLIES, strict=True):
        assert_record_is_well_formed(record, item["reply"])
        assert "framework" not in record
    assert "apologise" in records[0]["moves"]
    assert "thank" in records[1]["moves"]
    assert any(r["flags"] for r in records), records


def test_jsonl_from_stdin_gives_the_same_lines_as_from_a_file(run: Run, tmp_path: Path) -> None:
    """``--jsonl -`` reads the same replies from standard input."""
    path = write_jsonl(tmp_path / "replies.jsonl", REPLIES)

    from_file = run("score", "--jsonl", str(path))
    from_stdin = run("score", "--jsonl", "-", input=path.read_text(encoding="utf-8"))

    assert_clean_success(from_stdin)
    assert from_stdin.stdout == from_file.stdout
    assert len(json_lines(from_stdin.stdout)) == len(REPLIES)


def test_jsonl_with_framework_adds_the_framework_to_every_line(run: Run, tmp_path: Path) -> None:
    """``--framework HEAT`` reports HEAT's steps for each reply."""
    path = write_jsonl(tmp_path / "replies.jsonl", REPLIES)

    result = run("score", "--jsonl", str(path), "--framework", "HEAT")

    assert_clean_success(result)
    records = json_lines(result.stdout)
    assert len(records) == len(REPLIES)
    expected_steps = [step.id for step in get_framework("HEAT").steps]
    for record in records:
        framework = record["framework"]
        assert framework["id"] == "HEAT"
        assert [step["id"] for step in framework["steps"]] == expected_steps
        assert all(isinstance(step["met"], bool) for step in framework["steps"])
        assert 0 <= framework["score"] <= 100


def _many(count: int) -> list[dict[str, Any]]:
    """``count`` replies, each distinct, cycling through the replies above."""
    return [
        {"id": f"n{i}", "reply": f"{REPLIES[i % len(REPLIES)]['reply']} (ref {i})"}
        for i in range(count)
    ]


def test_jobs_spread_the_lines_over_processes_and_keep_their_order(
    run: Run, tmp_path: Path
) -> None:
    """``--jobs 2`` writes exactly what ``--jobs 1`` writes, line for line, in input order."""
    items = _many(150)
    path = write_jsonl(tmp_path / "replies.jsonl", items)

    one = run("score", "--jsonl", str(path), "--jobs", "1", timeout=180)
    two = run("score", "--jsonl", str(path), "--jobs", "2", timeout=180)
    default = run("score", "--jsonl", str(path), timeout=180)

    assert_clean_success(one)
    assert_clean_success(two)
    assert_clean_success(default)
    assert [r["id"] for r in json_lines(two.stdout)] == [item["id"] for item in items]
    assert two.stdout == one.stdout
    assert default.stdout == one.stdout


def test_with_jobs_a_bad_line_still_comes_after_every_line_before_it(
    run: Run, tmp_path: Path
) -> None:
    """However many processes score, the lines before a bad one are written, then the error."""
    path = tmp_path / "replies.jsonl"
    good = _many(120)
    lines = [json.dumps(item) for item in good[:100]] + ["not json"] + [json.dumps(good[100])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = run("score", "--jsonl", str(path), "--jobs", "2", timeout=180)

    assert_user_error(result, f"error: {path}:101:")
    assert [r["id"] for r in json_lines(result.stdout)] == [item["id"] for item in good[:100]]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_program_feeding_one_reply_at_a_time_gets_each_answer_at_once(
    roleplay_command: list[str], cli_env: dict[str, str], jobs: str
) -> None:
    """Batching never holds a line back waiting for more: each answer comes before the
    next reply is sent, as a program using ``score --jsonl -`` as a helper needs."""
    with subprocess.Popen(
        [*roleplay_command, "score", "--jsonl", "-", "--jobs", jobs],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env,
        text=True,
    ) as process:
        assert process.stdin is not None and process.stdout is not None
        answers = []
        for item in REPLIES[:3]:
            process.stdin.write(json.dumps(item) + "\n")
            process.stdin.flush()
            ready, _, _ = select.select([process.stdout], [], [], 60)
            assert ready, f"no answer to {item['id']} within 60 s"
            answers.append(json.loads(process.stdout.readline()))
        process.stdin.close()
        assert process.wait(timeout=60) == 0
    assert [a["id"] for a in answers] == ["r1", "r2", "r3"]
    assert "apologise" in answers[0]["moves"]


@pytest.mark.parametrize("jobs", ["0", "-1", "many"])
def test_jobs_below_one_is_bad_usage(run: Run, jobs: str) -> None:
    result = run("score", "--jsonl", "-", "--jobs", jobs, input="")

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "--jobs" in result.stderr


# --- bad and unusual input ------------------------------------------------------------------


def test_bad_json_line_reports_file_and_line_and_keeps_earlier_output(
    run: Run, tmp_path: Path
) -> None:
    """A broken line stops the run at that line; replies before it are already written."""
    path = tmp_path / "replies.jsonl"
    path.write_text(
        '{"id": "a", "reply": "Sorry about that."}\n'
        "\n"
        '{"id": "b", "reply": "Thanks for waiting."}\n'
        "this is not json\n"
        '{"id": "d", "reply": "Never reached."}\n',
        encoding="utf-8",
    )

    result = run("score", "--jsonl", str(path))

    assert_user_error(result, f"error: {path}:4:")
    assert [r["id"] for r in json_lines(result.stdout)] == ["a", "b"]


def test_line_without_reply_reports_file_and_line_and_keeps_earlier_output(
    run: Run, tmp_path: Path
) -> None:
    """An object with no ``reply`` is refused at its own line number."""
    path = tmp_path / "replies.jsonl"
    path.write_text(
        '{"id": "a", "reply": "Sorry about that."}\n'
        '{"id": "b", "text": "the reply is under the wrong key"}\n',
        encoding="utf-8",
    )

    result = run("score", "--jsonl", str(path))

    assert_user_error(result, f"error: {path}:2:", "reply")
    assert [r["id"] for r in json_lines(result.stdout)] == ["a"]


def test_bad_line_on_stdin_is_reported_with_its_line_number(run: Run) -> None:
    """Reading from ``-``, the error still names the line."""
    result = run("score", "--jsonl", "-", input='{"id": 1, "reply": "Thanks."}\n[1, 2]\n')

    assert_user_error(result, ":2:")
    assert [r["id"] for r in json_lines(result.stdout)] == [1]


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('{"id": ' + "9" * 5000 + ', "reply": "Thanks."}', "5,000 digits"),
        ('{"id": "b", "reply": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested more than"),
    ],
    ids=["5000-digit-number", "nested-100000-deep"],
)
def test_a_line_python_cannot_read_is_reported_at_its_line(
    run: Run, tmp_path: Path, line: str, says: str
) -> None:
    """A number too long or nesting too deep is one positioned error, not a traceback."""
    path = tmp_path / "replies.jsonl"
    path.write_text('{"id": "a", "reply": "Thanks."}\n' + line + "\n", encoding="utf-8")

    result = run("score", "--jsonl", str(path))

    assert_user_error(result, f"error: {path}:2: ", says, "column")
    assert [r["id"] for r in json_lines(result.stdout)] == ["a"]


def test_a_jsonl_file_with_a_byte_order_mark_is_read(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "replies.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"id": "a", "reply": "Thanks for waiting."}\n')

    result = run("score", "--jsonl", str(path))

    assert_clean_success(result)
    assert [r["moves"] for r in json_lines(result.stdout)] == [["thank"]]


def test_over_long_line_is_refused_naming_its_own_line(run: Run, tmp_path: Path) -> None:
    """A line too long to read is reported at its own number, not the line before it."""
    path = tmp_path / "replies.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"id": "a", "reply": "Thanks."}\n')
        handle.write(json.dumps({"id": "b", "reply": "x" * (9 * 1024 * 1024)}) + "\n")

    result = run("score", "--jsonl", str(path), timeout=120)

    assert_user_error(result, f"error: {path}:2:")
    assert [r["id"] for r in json_lines(result.stdout)] == ["a"]


def test_invalid_utf8_inside_a_reply_is_still_scored(run: Run, tmp_path: Path) -> None:
    """Stray bytes in an exported file do not stop the apology around them being found."""
    path = tmp_path / "replies.jsonl"
    path.write_bytes(
        b'{"id": "bytes", "reply": "I am so sorry \xff\xfe about the delay."}\n'
        b'{"id": "next", "reply": "Thank you."}\n'
    )

    result = run("score", "--jsonl", str(path))

    assert_clean_success(result)
    records = json_lines(result.stdout)
    assert [r["id"] for r in records] == ["bytes", "next"]
    assert "apologise" in records[0]["moves"]
    assert "thank" in records[1]["moves"]


def test_empty_and_whitespace_replies_make_no_moves_and_no_error(run: Run, tmp_path: Path) -> None:
    """A learner who says nothing is credited with nothing, and the run goes on."""
    items = [
        {"id": "empty", "reply": ""},
        {"id": "spaces", "reply": "   "},
        {"id": "mixed", "reply": " \n\t\r\n "},
        {"id": "after", "reply": "Thank you."},
    ]
    path = write_jsonl(tmp_path / "replies.jsonl", items)

    result = run("score", "--jsonl", str(path))

    assert_clean_success(result)
    records = json_lines(result.stdout)
    assert [r["id"] for r in records] == ["empty", "spaces", "mixed", "after"]
    for record in records[:3]:
        assert record["moves"] == []
        assert record["flags"] == []
        assert record["evidence"] == {}
    assert "thank" in records[3]["moves"]


ODD_REPLIES: dict[str, str] = {
    "control": "\x00\x01\x02\x07\x08\x1b[31m\x7f\x85\u200b\ufeff",
    "control-between-words": "sorry\x00\x00thank\x1b you\x07",
    "emoji": "😡😡😡 🙏 sorry 🎉🎉 thanks 👍🏽👨‍👩‍👧",
    "cyrillic": "Извините за задержку, спасибо за терпение.",
    "japanese": "申し訳ございません。ご連絡ありがとうございます。",
    "arabic": "نأسف للتأخير، شكراً لصبرك",
    "marks": "Ṡöŕŕÿ ₐbout thé dëlay — ﬁx it ①②③",
    "mixed": "So sorry 😞 for the délai\u0301 — 申し訳 — thank you\x0c!",
}
"""Replies no cue rule was written for: control characters, emoji, other scripts."""


def test_unusual_characters_in_a_replies_file_are_scored_without_a_traceback(
    run: Run, tmp_path: Path
) -> None:
    """Control characters, emoji and other scripts are scored (perhaps as nothing), never crash."""
    items = [{"id": name, "reply": reply} for name, reply in ODD_REPLIES.items()]
    path = write_jsonl(tmp_path / "replies.jsonl", items)

    result = run("score", "--jsonl", str(path))

    assert_clean_success(result)
    records = json_lines(result.stdout)
    assert [r["id"] for r in records] == list(ODD_REPLIES)
    for record in records:
        assert_record_is_well_formed(record, ODD_REPLIES[record["id"]])
    assert "apologise" in records[list(ODD_REPLIES).index("emoji")]["moves"]


@pytest.mark.parametrize("name", ["control-between-words", "emoji", "japanese"])
def test_unusual_characters_on_the_command_line_are_scored_without_a_traceback(
    run: Run, name: str
) -> None:
    """The same holds for a reply typed as TEXT (a NUL cannot be passed, so it is a space)."""
    reply = ODD_REPLIES[name].replace("\x00", " ")

    result = run("score", "--json", reply)

    assert_clean_success(result)
    assert_record_is_well_formed(json.loads(result.stdout), reply)


def test_reply_with_an_escaped_lone_surrogate_is_scored_without_traceback(
    run: Run, tmp_path: Path
) -> None:
    r"""JSON may escape half an emoji (``\ud83d``); that is valid JSON and must not crash."""
    path = tmp_path / "replies.jsonl"
    path.write_text(
        '{"id": "half", "reply": "So sorry \\ud83d about that."}\n'
        '{"id": "next", "reply": "Thank you."}\n',
        encoding="utf-8",
    )

    result = run("score", "--jsonl", str(path))

    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    records = json_lines(result.stdout)
    assert [r["id"] for r in records] == ["half", "next"]
    assert "apologise" in records[0]["moves"]


def test_one_megabyte_reply_is_scored(run: Run, tmp_path: Path) -> None:
    """A pasted essay of a reply is scored in reasonable time, not refused or crashed."""
    sentence = "I am so sorry about the delay, thank you for waiting. "
    reply = (sentence * (1_000_000 // len(sentence) + 1))[:1_000_000]
    path = write_jsonl(tmp_path / "big.jsonl", [{"id": "big", "reply": reply}])

    result = run("score", "--jsonl", str(path), timeout=180)

    assert_clean_success(result)
    (record,) = json_lines(result.stdout)
    assert record["id"] == "big"
    assert {"apologise", "thank"} <= set(record["moves"])
    assert_record_is_well_formed(record, reply)


def test_missing_replies_file_is_a_user_error(run: Run, tmp_path: Path) -> None:
    """A path that does not exist is one ``error:`` line naming it, exit 1."""
    missing = tmp_path / "no-such-file.jsonl"

    result = run("score", "--jsonl", str(missing))

    assert_user_error(result, str(missing))
    assert result.stdout == ""


def test_unknown_framework_lists_the_known_ones(run: Run) -> None:
    """``--framework nope`` is refused, and the user is told which ids exist."""
    result = run("score", "--framework", "nope", PARCEL)

    assert_user_error(result, "nope", *KNOWN_FRAMEWORKS)
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [("score",), ("score", PARCEL, "--jsonl", "-"), ("score", "--json")],
    ids=["neither", "both", "json-flag-only"],
)
def test_text_and_jsonl_together_or_neither_is_bad_usage(run: Run, args: tuple[str, ...]) -> None:
    """Exactly one of TEXT and ``--jsonl`` must be given; otherwise exit 2 with usage."""
    result = run(*args, input="")

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "Usage:" in result.stderr
    assert result.stdout == ""


def test_unknown_scenario_is_a_user_error(run: Run) -> None:
    """``--scenario`` naming no scenario is refused with one ``error:`` line."""
    result = run("score", "--scenario", "no-such-scenario", PARCEL)

    assert_user_error(result, "no-such-scenario")
    assert result.stdout == ""


# --- schemas --------------------------------------------------------------------------------


def test_rubric_schema_is_json_schema_with_steps(run: Run) -> None:
    """An editor can use ``roleplay schema rubric`` to check a rubric as the tutor types."""
    result = run("schema", "rubric")

    assert_clean_success(result)
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    assert "steps" in schema["properties"]
    assert "steps" in schema.get("required", [])
    assert "json-schema.org" in schema.get("$schema", "")


def test_lexicon_schema_is_json_describing_rule_files(run: Run) -> None:
    """``roleplay schema lexicon`` prints JSON describing a cue-rule file."""
    result = run("schema", "lexicon")

    assert_clean_success(result)
    schema = json.loads(result.stdout)
    assert "rules" in schema["properties"]


def test_a_very_long_reply_is_scored_on_its_first_part_and_says_so(run: Run) -> None:
    """A command-line argument can be ~128 KB: long enough to pass the 10,000-character limit."""
    reply = "sorry, " * 15_000

    readable = run("score", reply)
    as_json = run("score", reply, "--json")

    assert_clean_success(readable)
    assert "apologise" in readable.stdout
    assert f"Note: the reply is {len(reply):,} characters long; only the first " in readable.stdout
    assert_clean_success(as_json)
    assert json.loads(as_json.stdout)["truncated"]["length"] == len(reply)


def test_a_5_mb_reply_in_jsonl_is_scored_on_its_first_part_and_says_so(
    run: Run, tmp_path: Path
) -> None:
    reply = "sorry, " * (5 * 1024 * 1024 // 7)
    path = write_jsonl(tmp_path / "long.jsonl", [{"id": "long", "reply": reply}, REPLIES[1]])

    result = run("score", "--jsonl", str(path), timeout=120)

    assert_clean_success(result)
    first, second = json_lines(result.stdout)
    assert first["truncated"]["length"] == len(reply)
    assert first["truncated"]["scored"] <= 10_000
    assert "apologise" in first["moves"]
    assert "truncated" not in second
    assert f"note: {path}:1: the reply is {len(reply):,} characters long" in result.stderr
