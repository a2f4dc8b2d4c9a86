"""The scorer against the labelling guide, one labelled reply and one id at a time.

The cases live in ``cases/guide.yaml`` (every example of ``docs/moves.md``) and
``cases/hard.yaml`` (new replies in learners' and agents' own words). Each case says which
ids the reply must make (``expect``) and which it must not (``reject``); the corpus states
the guide, so a failure here is the scorer disagreeing with the guide, not the other way
round.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from roleplay.core.moves import FLAGS, MOVES

if TYPE_CHECKING:
    from roleplay.core.analysis import Analysis

CASES_DIR = Path(__file__).parent / "cases"
CASE_FILES: tuple[str, ...] = ("guide.yaml", "hard.yaml")
KNOWN_IDS: frozenset[str] = frozenset(MOVES + FLAGS)
ALLOWED_KEYS: frozenset[str] = frozenset(
    {"reply", "customer", "expect", "reject", "why", "known_gap"}
)
MIN_EXPECT = 8
MIN_REJECT = 5


@dataclass(frozen=True, slots=True)
class Case:
    """One labelled reply: where it came from, what it must and must not make."""

    source: str
    index: int
    reply: str
    customer: str | None
    expect: tuple[str, ...]
    reject: tuple[str, ...]
    why: str
    known_gap: dict[str, str]
    """Ids the scorer is known not to get right yet, each with the reason; tested as strict
    expected failures, so the day the scorer gets one right the test says so."""

    @property
    def where(self) -> str:
        """Return ``file#n`` (1-based) so a failing case can be found in its YAML file."""
        return f"{self.source}#{self.index + 1}"


def _as_ids(value: Any) -> tuple[str, ...]:
    """Return a YAML id list as a tuple of strings (an absent list is empty)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise TypeError(f"expected a list of ids, got {value!r}")
    return tuple(str(item) for item in value)


def _load_raw(name: str) -> list[dict[str, Any]]:
    """Return the cases of one YAML file as the plain mappings ``yaml.safe_load`` gives."""
    data = yaml.safe_load((CASES_DIR / name).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise TypeError(f"{name}: expected a list of cases at the top level")
    return data


@functools.cache
def load_cases() -> tuple[Case, ...]:
    """Return every case of every case file, in file order."""
    cases: list[Case] = []
    for name in CASE_FILES:
        for index, raw in enumerate(_load_raw(name)):
            cases.append(
                Case(
                    source=name,
                    index=index,
                    reply=str(raw.get("reply", "")),
                    customer=raw.get("customer"),
                    expect=_as_ids(raw.get("expect")),
                    reject=_as_ids(raw.get("reject")),
                    why=str(raw.get("why", "")),
                    known_gap={str(k): str(v) for k, v in (raw.get("known_gap") or {}).items()},
                )
            )
    return tuple(cases)


def _short(text: str, width: int = 40) -> str:
    """Return ``text`` on one line, cut to about ``width`` characters with a trailing "...".

    Plain dots rather than an ellipsis character, because pytest escapes non-ASCII in ids.
    """
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width].rstrip() + "..."


def _pairs() -> list[Any]:
    """Return one pytest param per (case, id, expected?) with a readable id."""
    params: list[Any] = []
    for case in load_cases():
        for wanted, ids in ((True, case.expect), (False, case.reject)):
            for move_id in ids:
                label = f"{move_id}-{'expected' if wanted else 'rejected'}: {_short(case.reply)}"
                gap = case.known_gap.get(move_id)
                marks = [pytest.mark.xfail(reason=gap, strict=True)] if gap else []
                params.append(pytest.param(case, move_id, wanted, id=label, marks=marks))
    return params


def _case_params() -> list[Any]:
    """Return one pytest param per case, identified by its file and reply."""
    return [pytest.param(case, id=f"{case.where}: {_short(case.reply)}") for case in load_cases()]


@functools.cache
def _analyse(reply: str, customer: str | None) -> Analysis:
    """Score one reply, once: the scorer is imported here so that collection never needs it."""
    from roleplay.core.analyse import analyse

    return analyse(reply, customer)


def _explain(case: Case, analysis: Analysis) -> str:
    """Return a failure message: the reply, what was found and the evidence for it."""
    evidence = "\n".join(
        f"    {e.move} <- {e.rule}: {e.quote!r} [{e.start}:{e.end}]" for e in analysis.evidence
    )
    suppressed = "\n".join(
        f"    {e.move} <- {e.rule}: {e.quote!r} [{e.start}:{e.end}]" for e in analysis.suppressed
    )
    return (
        f"\n  case: {case.where} ({case.why})"
        f"\n  reply: {case.reply!r}"
        f"\n  customer: {case.customer!r}"
        f"\n  found: {', '.join(analysis.ids) or '(nothing)'}"
        f"\n  evidence:\n{evidence or '    (none)'}"
        f"\n  suppressed:\n{suppressed or '    (none)'}"
    )


# --- the corpus itself -------------------------------------------------------------------


def test_case_files_are_well_formed() -> None:
    """Every case has a reply, a reason, known keys, and at least one id to check."""
    problems: list[str] = []
    for name in CASE_FILES:
        for index, raw in enumerate(_load_raw(name)):
            where = f"{name}#{index + 1}"
            if not isinstance(raw, dict):
                problems.append(f"{where}: not a mapping")
                continue
            unknown = set(raw) - ALLOWED_KEYS
            if unknown:
                problems.append(f"{where}: unknown keys {sorted(unknown)}")
            if not isinstance(raw.get("reply"), str) or not raw["reply"].strip():
                problems.append(f"{where}: reply must be a non-empty string")
            customer = raw.get("customer")
            if customer is not None and not isinstance(customer, str):
                problems.append(f"{where}: customer must be a string")
            if not isinstance(raw.get("why"), str) or not raw["why"].strip():
                problems.append(f"{where}: why must be a non-empty string")
            for key in ("expect", "reject"):
                value = raw.get(key)
                if value is not None and not isinstance(value, list):
                    problems.append(f"{where}: {key} must be a list")
            if not raw.get("expect") and not raw.get("reject"):
                problems.append(f"{where}: neither expect nor reject lists an id")
    assert not problems, "\n".join(problems)


def test_case_ids_are_the_guides_ids() -> None:
    """Every id in the case files is one of the 16 moves and flags of moves.md."""
    problems: list[str] = []
    for case in load_cases():
        for move_id in case.expect + case.reject:
            if move_id not in KNOWN_IDS:
                problems.append(f"{case.where}: unknown id {move_id!r} in {case.reply!r}")
    assert not problems, "\n".join(problems)


def test_no_case_expects_and_rejects_the_same_id() -> None:
    """A case never both expects and rejects an id, nor lists one twice."""
    problems: list[str] = []
    for case in load_cases():
        both = set(case.expect) & set(case.reject)
        if both:
            problems.append(f"{case.where}: {sorted(both)} both expected and rejected")
        for key, ids in (("expect", case.expect), ("reject", case.reject)):
            repeated = [move_id for move_id, n in Counter(ids).items() if n > 1]
            if repeated:
                problems.append(f"{case.where}: {key} repeats {repeated}")
    assert not problems, "\n".join(problems)


def test_no_reply_is_labelled_twice() -> None:
    """Each (reply, customer) pair appears once across the files, so labels cannot clash."""
    seen: dict[tuple[str, str | None], str] = {}
    problems: list[str] = []
    for case in load_cases():
        key = (case.reply, case.customer)
        if key in seen:
            problems.append(f"{case.where}: same reply as {seen[key]}: {case.reply!r}")
        seen.setdefault(key, case.where)
    assert not problems, "\n".join(problems)


def test_every_id_is_covered_both_ways() -> None:
    """Each of the 16 ids has enough cases that expect it and enough that reject it."""
    expected = Counter(move_id for case in load_cases() for move_id in case.expect)
    rejected = Counter(move_id for case in load_cases() for move_id in case.reject)
    thin = [
        f"{move_id}: {expected[move_id]} expect, {rejected[move_id]} reject"
        for move_id in MOVES + FLAGS
        if expected[move_id] < MIN_EXPECT or rejected[move_id] < MIN_REJECT
    ]
    assert not thin, (
        f"each id needs at least {MIN_EXPECT} expect and {MIN_REJECT} reject cases:\n"
        + "\n".join(thin)
    )


# --- the scorer against the corpus -------------------------------------------------------


@pytest.mark.parametrize(("case", "move_id", "wanted"), _pairs())
def test_reply_is_labelled_as_the_guide_says(case: Case, move_id: str, wanted: bool) -> None:
    """The scorer finds each expected id and none of the rejected ones."""
    analysis = _analyse(case.reply, case.customer)
    if wanted:
        assert analysis.has(move_id), f"{move_id} not found{_explain(case, analysis)}"
    else:
        assert not analysis.has(move_id), f"{move_id} wrongly found{_explain(case, analysis)}"


@pytest.mark.parametrize("case", _case_params())
def test_evidence_quotes_the_reply(case: Case) -> None:
    """Every id found (expected ones included) has evidence that quotes ``reply[start:end]``."""
    analysis = _analyse(case.reply, case.customer)
    problems: list[str] = []
    for move_id in analysis.ids:
        if not analysis.evidence_for(move_id):
            problems.append(f"{move_id} found without evidence")
    for e in analysis.evidence:
        if not e.quote:
            problems.append(f"{e.move}: empty quote")
        if not 0 <= e.start < e.end <= len(case.reply):
            problems.append(f"{e.move}: span [{e.start}:{e.end}] outside the reply")
        if case.reply[e.start : e.end] != e.quote:
            problems.append(
                f"{e.move}: quote {e.quote!r} != reply[{e.start}:{e.end}] "
                f"{case.reply[e.start : e.end]!r}"
            )
    assert not problems, "\n".join(sorted(set(problems))) + _explain(case, analysis)
