"""The scorer against families of real wording that today's rules were not written for.

The cases live in ``cases/families.yaml``: replies grouped by the families of issue 9
(commitments in any tense, someone else acting, explanations with no "because", hand-offs
with no escalation verb, ...), mostly real sentences from the unlabelled pool, each labelled
by the guide (``docs/moves.md``) with the ids it must make (``expect``) and must not
(``reject``). The file is the target a new engine is built against, so many cases fail
today: each of those says ``status: known_gap`` with a reason and runs as a strict expected
failure. The suite stays green without hiding them, and a case the scorer starts getting
right fails until its mark is removed, so the file always says what the scorer gets wrong.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from roleplay.core.moves import ALL_IDS

if TYPE_CHECKING:
    from roleplay.core.analysis import Analysis

CASES = Path(__file__).parent / "cases" / "families.yaml"
DATA = Path(
    os.environ.get("ROLEPLAY_DATA") or Path(__file__).resolve().parents[3] / "shared" / "data"
)
POOL = "unlabelled-agent-replies.jsonl"
UNSEEN = ("agent-replies.jsonl", "agent-replies-2.jsonl", "learner-replies.jsonl")
"""Files no case may come from: the tuned-on file, the validation file, the learner file."""

FAMILIES: dict[str, str] = {
    "commitment-tense": "commitments in any tense or aspect",
    "joined-commitment": "the second verb of a joined commitment",
    "someone-else-acts": "someone else acting for the agent",
    "explain-without-because": "explanations with no 'because'",
    "evaluation-noun-subject": "evaluations with a noun-phrase subject",
    "handoff-without-escalation-verb": "hand-offs with no escalation verb",
    "prevention-purpose-clause": "prevention as a purpose clause",
    "deflect-refuse-minimise": "deflection, refusal and minimising in free wording",
    "suppressed-but-counts": "wording set aside that must still count",
    "over-broad-cue": "cues too broad: wording that must not count",
    "fix-step": "steps and 'you can …' fixes that would fix the problem, and look-alikes",
    "policy-free-wording": "policies, charges and laws named in free wording",
    "ownership-free-wording": "taking personal responsibility in free wording",
    "restates-customer": "restating, asking about or ignoring what the customer raised",
    "empathy-free-wording": "a feeling or an impact on the customer named in free wording",
    "blame-free-wording": "fault put on the customer or a third party in free wording",
    "investigate-free-wording": (
        "looking into the problem in free wording, and look-alikes that do not"
    ),
}
"""The families of issue 9, each with what it holds."""

ALLOWED_KEYS = frozenset(
    {"family", "reply", "customer", "expect", "reject", "why", "source", "status", "reason"}
)
MIN_CASES, MAX_CASES = 8, 50
_SOURCE = re.compile(r"^(?:written|pool [A-Za-z0-9_-]+)$")


@dataclass(frozen=True, slots=True)
class FamilyCase:
    """One reply of a family, with the ids it must and must not make."""

    index: int
    family: str
    reply: str
    customer: str | None
    expect: tuple[str, ...]
    reject: tuple[str, ...]
    why: str
    source: str
    known_gap: str | None
    """Why today's scorer gets the case wrong, or None when it gets it right."""

    @property
    def where(self) -> str:
        """Return ``families.yaml#n`` (1-based), to find the case in its file."""
        return f"{CASES.name}#{self.index + 1}"


def _raw() -> list[Any]:
    data = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise TypeError(f"{CASES.name}: expected a list of cases at the top level")
    return data


@functools.cache
def load_cases() -> tuple[FamilyCase, ...]:
    """Return every case of ``families.yaml``, in file order."""
    return tuple(
        FamilyCase(
            index=index,
            family=str(raw.get("family", "")),
            reply=str(raw.get("reply", "")),
            customer=raw.get("customer"),
            expect=tuple(raw.get("expect") or ()),
            reject=tuple(raw.get("reject") or ()),
            why=str(raw.get("why", "")),
            source=str(raw.get("source", "")),
            known_gap=str(raw["reason"]) if raw.get("status") == "known_gap" else None,
        )
        for index, raw in enumerate(_raw())
    )


def _short(text: str, width: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width].rstrip() + "..."


def _params() -> list[Any]:
    params = []
    for case in load_cases():
        marks = [pytest.mark.xfail(reason=case.known_gap, strict=True)] if case.known_gap else []
        label = f"{case.family}#{case.index + 1}: {_short(case.reply)}"
        params.append(pytest.param(case, id=label, marks=marks))
    return params


@functools.cache
def _analyse(reply: str, customer: str | None) -> Analysis:
    from roleplay.core.analyse import analyse

    return analyse(reply, customer)


# --- the file itself ---------------------------------------------------------------------


def test_family_cases_are_well_formed() -> None:
    """Every case names a known family, a reply, a reason, a source and guide ids only."""
    problems: list[str] = []
    for index, raw in enumerate(_raw()):
        where = f"{CASES.name}#{index + 1}"
        if not isinstance(raw, dict):
            problems.append(f"{where}: not a mapping")
            continue
        if unknown := set(raw) - ALLOWED_KEYS:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
        if raw.get("family") not in FAMILIES:
            problems.append(f"{where}: family {raw.get('family')!r} is not one of issue 9's")
        for key in ("reply", "why"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                problems.append(f"{where}: {key} must be a non-empty string")
        if raw.get("customer") is not None and not isinstance(raw["customer"], str):
            problems.append(f"{where}: customer must be a string")
        if not _SOURCE.match(str(raw.get("source", ""))):
            problems.append(f"{where}: source must be 'written' or 'pool <id>'")
        ids: list[str] = []
        for key in ("expect", "reject"):
            value = raw.get(key) or []
            if not isinstance(value, list):
                problems.append(f"{where}: {key} must be a list")
                continue
            ids.extend(value)
            if unknown_ids := [v for v in value if v not in ALL_IDS]:
                problems.append(f"{where}: {key} has ids not in moves.md: {unknown_ids}")
        if not ids:
            problems.append(f"{where}: neither expect nor reject lists an id")
        if repeated := [i for i, n in Counter(ids).items() if n > 1]:
            problems.append(f"{where}: {repeated} listed twice (or expected and rejected)")
        status, reason = raw.get("status"), raw.get("reason")
        if status not in (None, "known_gap"):
            problems.append(f"{where}: status must be known_gap when given")
        if (status == "known_gap") != (isinstance(reason, str) and bool(reason.strip())):
            problems.append(f"{where}: a known_gap needs a reason, and only a known_gap has one")
    assert not problems, "\n".join(problems)


def test_each_family_has_enough_cases_and_no_reply_twice() -> None:
    """Every family of issue 9 has 8 to 15 cases, and no reply appears twice."""
    sizes = Counter(case.family for case in load_cases())
    wrong = [
        f"{family}: {sizes[family]} cases"
        for family in FAMILIES
        if not MIN_CASES <= sizes[family] <= MAX_CASES
    ]
    assert not wrong, f"each family needs {MIN_CASES} to {MAX_CASES} cases:\n" + "\n".join(wrong)
    replies = Counter(" ".join(case.reply.split()) for case in load_cases())
    assert [r for r, n in replies.items() if n > 1] == []


def _records(name: str) -> list[dict[str, Any]]:
    path = DATA / name
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower().replace("’", "'")))


@pytest.mark.skipif(not (DATA / POOL).is_file(), reason=f"the shared data ({DATA}) is absent")
def test_real_cases_come_from_the_pool_and_no_labelled_file() -> None:
    """A ``pool <id>`` case is that pool reply, trimmed; no case is a reply of a labelled file."""
    pool = {r["id"]: r["reply"] for r in _records(POOL)}
    unseen = {
        " ".join(r["reply"].split()): name
        for name in UNSEEN
        if (DATA / name).is_file()
        for r in _records(name)
    }
    problems: list[str] = []
    for case in load_cases():
        if case.source.startswith("pool "):
            reply_id = case.source.removeprefix("pool ")
            if reply_id not in pool:
                problems.append(f"{case.where}: {reply_id} is not in the pool")
            elif extra := _words(case.reply) - _words(pool[reply_id]):
                problems.append(f"{case.where}: words not in {reply_id}: {sorted(extra)}")
        flat = " ".join(case.reply.split())
        for reply, name in unseen.items():
            if flat in reply:
                problems.append(f"{case.where}: taken from {name}")
    assert not problems, "\n".join(problems)


# --- the scorer against the families ----------------------------------------------------


@pytest.mark.parametrize("case", _params())
def test_family_case_is_labelled_as_the_guide_says(case: FamilyCase) -> None:
    """The scorer finds every expected id of the case and none of the rejected ones."""
    analysis = _analyse(case.reply, case.customer)
    missed = [m for m in case.expect if not analysis.has(m)]
    wrong = [m for m in case.reject if analysis.has(m)]
    evidence = "\n".join(f"    {e.move} <- {e.rule}: {e.quote!r}" for e in analysis.evidence)
    assert not missed and not wrong, (
        f"\n  case: {case.where} ({case.family}: {case.why})"
        f"\n  reply: {case.reply!r}"
        f"\n  not found: {', '.join(missed) or '-'}; wrongly found: {', '.join(wrong) or '-'}"
        f"\n  evidence:\n{evidence or '    (none)'}"
    )
