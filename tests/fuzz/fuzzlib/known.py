"""Failure classes already known, each with where it was reported, so the suite stays green.

The fuzz tests treat a failure of a known class as an expected failure (the test is marked
xfail, not strict, naming the classes it met); any other failure fails the test. Once the
fixes for issue 8 are merged these classes stop occurring, the tests pass, and each entry
here can be deleted; an entry no fuzz test meets any more is dead weight.

``ISSUE_8`` holds the classes issue 8 names. ``FOUND_BY_FUZZING`` holds those this fuzzer
found beyond them (see ``/work/notes/fuzz-findings.md``): they are listed here only so that
the branch that adds the fuzzer is green, and should be fixed, not kept.
"""

from __future__ import annotations

import re
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


def _trace(pattern: str) -> Callable[[Failure, Case], bool]:
    expression = re.compile(pattern)
    return lambda f, _c: f.kind == "traceback" and bool(expression.search(f.signature))


ISSUE_8: tuple[Known, ...] = (
    Known(
        "YAML values with bad tags, bad dates or huge numbers escape the loader",
        "issue 8, High: some YAML values give tracebacks",
        _trace(r"yaml/constructor\.py:construct_yaml_|source\.py:_key_of"),
    ),
    Known(
        "one bad scenario file in a --scenarios folder stops the good ones being used",
        "issue 8, High: one bad file takes everything down",
        lambda f, c: c.surface == "scenarios" and f.kind == "good-file-lost",
    ),
    Known(
        "customer: {} on a node gives StopIteration",
        "issue 8, High: customer: {} on a node",
        _trace(r"^StopIteration"),
    ),
    Known(
        "a cue pattern with a huge repetition count or deep nesting crashes validate",
        "issue 8, High: a cue pattern with a huge repetition count or 500 nested groups",
        lambda f, c: (
            c.surface == "rules"
            and f.kind == "traceback"
            and bool(re.search(r"^(OverflowError|RecursionError|AssertionError)", f.signature))
        ),
    ),
    Known(
        "a path over 255 bytes, a folder named *.yaml or a long --host gives a traceback",
        "issue 8, High: a directory named *.yaml, a path over 255 bytes, a 300-character --host",
        _trace(
            r"^(?:OSError|IsADirectoryError|FileNotFoundError)"
            r" at (?!roleplay/core/scenario\.py:find_scenario).*pathlib"
            r"|^UnicodeError at roleplay/serve\.py"
        ),
    ),
    Known(
        "a huge number or deep nesting in a transcript or a JSONL line gives a traceback",
        "issue 8, Medium: a JSON number over 4,300 digits (or nesting 100,000 deep)",
        _trace(r"^(ValueError|RecursionError) .*(json/decoder|transcript\.py|_score_jsonl)"),
    ),
    Known(
        "an unsigned transcript edited and re-hashed is called verified",
        "issue 8, Medium: without a centre key anyone can edit and re-hash a transcript",
        lambda f, _c: f.kind == "undetected-edit" and "re-hashed without" in f.signature,
    ),
    Known(
        "a newline in a value splits a message over two lines",
        "issue 8, Low: messages with a newline in a value split over two lines",
        lambda f, _c: (
            f.kind == "unpositioned"
            and f.signature == "a message of two lines"
            and "Warning: " not in f.detail
        ),
    ),
)
"""The classes issue 8 names, as the fuzz tests meet them."""

FOUND_BY_FUZZING: tuple[Known, ...] = (
    Known(
        "a cue pattern that backtracks catastrophically hangs validate (and scoring)",
        "fuzz-findings.md: catastrophic backtracking",
        lambda f, c: c.surface == "rules" and f.kind == "hang",
    ),
    Known(
        "a misstatement pattern in the legislation catalogue that is too big or deep crashes",
        "fuzz-findings.md: legislation patterns (the cue-pattern bomb, in core/legislation.py)",
        _trace(r"^(OverflowError|RecursionError) at roleplay/core/legislation\.py"),
    ),
    Known(
        "run of a scenario whose goto names an undefined node crashes mid-conversation",
        "fuzz-findings.md: run does not lint",
        _trace(r"^KeyError at roleplay/core/scenario\.py:node"),
    ),
    Known(
        "run of an empty scenario file fails without saying why or where",
        "fuzz-findings.md: empty scenario file",
        lambda f, _c: f.kind == "unpositioned" and "cannot load scenario" in f.signature,
    ),
    Known(
        "debrief of a transcript naming an unknown framework or scenario does not name the file",
        "fuzz-findings.md: unknown framework or scenario in a transcript",
        lambda f, _c: (
            f.kind == "unpositioned"
            and bool(re.search("unknown (framework|scenario)", f.signature))
        ),
    ),
    Known(
        "a transcript whose scenario id is over 255 bytes crashes debrief and the whole report",
        "fuzz-findings.md: the scenario id in a transcript is used as a path",
        _trace(r"^OSError at roleplay/core/scenario\.py:find_scenario"),
    ),
    Known(
        "a lone surrogate in a transcript makes debrief crash while printing",
        "fuzz-findings.md: lone surrogate in a transcript",
        _trace(r"^UnicodeEncodeError"),
    ),
    Known(
        "Python's own warnings about a cue pattern reach the user",
        "fuzz-findings.md: regular-expression warnings",
        lambda f, _c: f.kind == "unpositioned" and "Warning: " in f.detail,
    ),
)
"""Classes beyond issue 8 that this fuzzer found: listed to keep the branch green, to be fixed."""

ALL: tuple[Known, ...] = ISSUE_8 + FOUND_BY_FUZZING


def known_class(failure: Failure, case: Case) -> Known | None:
    """The known class a failure belongs to, or None when it is new."""
    return next((k for k in ALL if k.matches(failure, case)), None)
