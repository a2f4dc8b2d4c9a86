"""The fuzzer's own checks: it must notice every failure it claims to count.

A fuzzer that cannot see a hang or a traceback passes everything, so each kind of failure is
provoked on purpose here and must be counted as that kind.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from fuzzlib.case import CASE, Call, Case, Entry, Outcome, Run
from fuzzlib.harness import Worker, run_processes
from fuzzlib.mutate import SUITE_LIMITS
from fuzzlib.oracle import claims_intact, judge
from fuzzlib.surfaces import SURFACES, bases
from fuzzlib.transcripts import rehash

ROOT = Path("/tmp/case")


def kinds(case: Case, *outcomes: Outcome) -> set[str]:
    return {f.kind for f in judge(case, Run(ROOT, outcomes))}


def test_a_command_that_never_returns_is_a_hang_and_the_next_case_still_runs(
    worker: Worker,
) -> None:
    stuck = Case("self", "sleeps", calls=(Call(kind="self-test", text="sleep", timeout=2),))
    fine = Case("self", "returns", calls=(Call(kind="self-test", text="ok"),))

    assert kinds(stuck, *worker.run(stuck).outcomes) == {"hang"}
    assert kinds(fine, *worker.run(fine).outcomes) == set()


def test_running_out_of_memory_and_dying_are_failures(worker: Worker) -> None:
    hog = Case("self", "allocates", calls=(Call(kind="self-test", text="allocate"),))
    dies = Case("self", "dies", calls=(Call(kind="self-test", text="die"),))

    assert kinds(hog, *worker.run(hog).outcomes) == {"memory"}
    assert kinds(dies, *worker.run(dies).outcomes) == {"crash"}


def test_an_escaped_exception_is_a_traceback(worker: Worker) -> None:
    case = Case("self", "raises", calls=(Call(kind="self-test", text="raise"),))

    assert kinds(case, *worker.run(case).outcomes) == {"traceback"}


def test_a_printed_traceback_counts_even_with_exit_code_1() -> None:
    case = Case("self", "prints", calls=(Call(("validate",)),))
    printed = 'Traceback (most recent call last):\n  File "x.py", line 1\nKeyError: 1\n'

    assert kinds(case, Outcome(1, stderr=printed)) == {"traceback"}


def test_messages_must_be_one_line_of_a_known_shape() -> None:
    case = Case("self", "messages", calls=(Call(("validate",)),))

    assert kinds(case, Outcome(1, stderr="error: a problem\n")) == set()
    assert kinds(case, Outcome(1, stderr="x.yaml:3:1: bad\nwarning: w\nnote: n\n")) == set()
    assert (
        kinds(
            case, Outcome(2, stderr="Usage: roleplay x\nTry 'roleplay -h' for help.\n\nError: no\n")
        )
        == set()
    )
    assert kinds(case, Outcome(1, stderr="error: a value with\na newline in it\n")) == {
        "unpositioned"
    }


def test_a_bad_file_must_be_named_with_a_line_and_column_inside_it() -> None:
    file = f"{CASE}/bad.yaml"
    case = Case(
        "self",
        "file",
        (Entry("bad.yaml", content=b"a: 1\nb: 2\n"),),
        (Call(("validate", file), about=file),),
    )

    assert kinds(case, Outcome(1, stderr=f"{ROOT}/bad.yaml:2:4: wrong\n")) == set()
    assert kinds(case, Outcome(1, stderr="error: cannot load it\n")) == {"unpositioned"}
    assert kinds(case, Outcome(1, stderr=f"{ROOT}/bad.yaml:40:1: wrong\n")) == {"unpositioned"}
    assert kinds(case, Outcome(0)) == set()


def test_an_exit_code_outside_the_contract_and_a_lost_good_file_are_failures() -> None:
    case = Case(
        "self",
        "codes",
        calls=(Call(("list",), expect_out="fuzz-control"), Call(("run",), codes=frozenset({0}))),
    )

    assert kinds(case, Outcome(3, stdout="fuzz-control"), Outcome(0)) == {"exit-code"}
    assert kinds(case, Outcome(0, stdout=""), Outcome(1, stderr="error: x\n")) == {"good-file-lost"}


def test_a_transcript_edit_called_verified_is_undetected_but_a_harmless_one_is_not() -> None:
    original = bases()["late-parcel"]
    data = json.loads(original)
    data["turns"][0]["reply"] = "I am so sorry, I will refund you."
    rehash(data)
    edited = json.dumps(data).encode()
    calls = (
        Call(("debrief",), role="control"),
        Call(("debrief",), role="edited", codes=frozenset({0, 1})),
    )

    def case(content: bytes) -> Case:
        entries = (
            Entry("cohort/original.json", content=original),
            Entry("cohort/attempt.json", content=content),
        )
        return Case("transcripts", "edit", entries, calls)

    verified = Outcome(0, stdout=json.dumps({"integrity": "verified", "score": 1}))
    edited_flagged = Outcome(0, stdout=json.dumps({"integrity": "EDITED: turn 1: …", "score": 1}))
    reformatted = json.dumps(json.loads(original), indent=4).encode()

    assert kinds(case(edited), verified, verified) == {"undetected-edit"}
    assert kinds(case(edited), verified, edited_flagged) == set()
    assert kinds(case(reformatted), verified, verified) == set()
    assert claims_intact("signed with a centre key and verified")
    assert not claims_intact("unsigned: consistent, but anyone could have recomputed it")


def test_every_surface_draws_the_same_case_from_the_same_seed() -> None:
    for surface, generate in SURFACES.items():
        first = generate(random.Random(f"same:{surface}"), SUITE_LIMITS)
        again = generate(random.Random(f"same:{surface}"), SUITE_LIMITS)
        assert first == again, surface


def test_real_processes_are_judged_like_in_process_runs() -> None:
    case = Case(
        "self",
        "real",
        (Entry("a.yaml", content=b"id: [\n"),),
        (Call(("validate", f"{CASE}/a.yaml"), about=f"{CASE}/a.yaml"), Call(("serve",))),
    )
    run = run_processes(case)

    assert run.outcomes[0].code == 1
    assert run.outcomes[1].fate == "skipped"
    assert judge(case, run) == []
