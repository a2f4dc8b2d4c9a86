"""The shared catalogue of laws: what scenarios name and what a reply may cite or misstate.

``rubrics/legislation.yaml`` lists each law with the words that count as naming it, the
matters it governs, and the families of wording that get it wrong, each with its correction,
so that a debrief can say not only that a learner named the Consumer Rights Act but whether
it fits the situation and whether what they said about it was right. Rules that are not law
(Ofgem's back-billing rule, Delay Repay, the ombudsman routes) are listed too, as ``kind:
rule``: what a reply says of them is checked, but naming them is never credit for law.
:mod:`roleplay.core.lawclaims` reads a reply against it.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from roleplay.core.errors import InvalidFileError
from roleplay.core.frameworks import rubrics_dir
from roleplay.core.patterns import pattern_problem
from roleplay.core.problems import Problem
from roleplay.core.source import load_yaml, validate_model


class Misstatement(BaseModel):
    """A family of wordings that misstate a law, and what the law actually says.

    Every pattern is a regular expression over one sentence of the reply in lower case, with
    contractions spelt out ("can't" is "can not"). A sentence states the family when every
    pattern of ``all`` (or the single ``says``) matches it, in any order, and none of ``none``
    does. ``affirmed`` must match in a clause that is not negated (the parse decides, so "you
    don't need the box" is not "you need the box"). ``attributed`` asks that the sentence put
    the claim on the law (it names a law, or says "entitled", "by law", "legally"…);
    ``named`` that it names this law itself. ``unless_scenario`` excuses the wording where
    the scenario's brief matches it (an ombudsman "now" is right once 8 weeks have passed).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    family: str = ""
    """What kind of error it is: wrong remedy, wrong time limit, wrong party, right denied…"""
    point: str = ""
    """The rule of law it gets wrong (``risk``: s 29); families on one point found in one
    sentence are one error, not two."""
    says: str | None = None
    """One pattern, the same as ``all`` with one member (the catalogue's older form)."""
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    affirmed: str | None = None
    attributed: bool = False
    named: bool = False
    unless_scenario: str | None = None
    context: str | None = None
    """A pattern that must match somewhere in the whole reply (what "them" refers to)."""
    scenario: str | None = None
    """A pattern the scenario's brief must match for the family to apply (a caller with no
    authority; a railway); without a scenario the family does not apply."""
    right_sums: tuple[int, ...] = ()
    """The sums the law sets (UK261's £220, £350 and £520): a sentence whose every sum is one
    of them, or what one comes to for a party of up to nine ("£1,400 for the four of
    you"), states them rightly, so the family does not apply."""
    correction: str = Field(min_length=1)

    @model_validator(mode="after")
    def _has_words(self) -> Misstatement:
        if not self.says and not self.all and not self.affirmed:
            raise ValueError("a misstatement needs `says`, `all` or `affirmed`")
        return self

    @property
    def required(self) -> tuple[str, ...]:
        """Every pattern that must match the sentence (``says`` and ``all``)."""
        return ((self.says,) if self.says else ()) + self.all

    def patterns(self) -> tuple[str, ...]:
        """Every pattern of the family, for checking that each one can be used."""
        return tuple(pattern for _where, pattern in self.located_patterns())

    def located_patterns(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Every pattern with where it is in the family (``("all", 2)``, ``("says",)``), so
        that a pattern that cannot be used is reported on its own line."""
        out: list[tuple[tuple[str | int, ...], str]] = []
        if self.says:
            out.append((("says",), self.says))
        out.extend((("all", k), p) for k, p in enumerate(self.all))
        out.extend((("none", k), p) for k, p in enumerate(self.none))
        for name in ("affirmed", "unless_scenario", "context", "scenario"):
            value = getattr(self, name)
            if value:
                out.append(((name,), value))
        return out


class Matter(BaseModel):
    """A matter a claim may be about (personal data, goods, rail delays…), known by its words.

    A law fits a claim when it governs the claim's matter; a claim that names a law which
    governs none of the matters it is about cites the wrong Act.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    """How a learner reads it: "personal data and who may see it"."""
    words: tuple[str, ...] = Field(min_length=1)
    """Regular expressions over a sentence in lower case."""


class Law(BaseModel):
    """One law of the catalogue, or a rule that is not law (``kind: rule``).

    A rule (an Ofgem licence condition, a train operator's Delay Repay scheme, the ombudsman
    routes) is never credited as legislation, but claims about it are still checked.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    kind: Literal["law", "rule"] = "law"
    summary: str = Field(min_length=1)
    governs: tuple[str, ...] = ()
    """Ids of the matters this law decides."""
    cues: tuple[str, ...] = Field(min_length=1)
    cue_unless: str | None = None
    """A pattern that, matching the sentence, means the cues stand for something else ("CRA"
    beside "credit reference agency")."""
    vague_cues: tuple[str, ...] = ()
    """Words that point at this law without naming it ("consumer law"): what is said is
    checked against it, but the law is not named."""
    misstatements: tuple[Misstatement, ...] = ()


class Catalogue(BaseModel):
    """The whole catalogue file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    matters: tuple[Matter, ...] = ()
    laws: tuple[Law, ...] = Field(min_length=1)

    def matter(self, matter_id: str) -> Matter | None:
        """Return the matter with this id, or None."""
        return next((m for m in self.matters if m.id == matter_id), None)

    def law(self, law_id: str) -> Law | None:
        """Return the law with this id, or None."""
        return next((law for law in self.laws if law.id == law_id), None)


def load_catalogue(path: Path) -> tuple[Catalogue | None, list[Problem]]:
    """Load and validate a legislation catalogue file; every misstatement must compile."""
    data, smap, problems = load_yaml(path)
    if data is None:
        return None, problems
    catalogue, found = validate_model(Catalogue, data, smap)
    problems.extend(found)
    if catalogue is None:
        return None, problems
    for i, law in enumerate(catalogue.laws):
        for j, wrong in enumerate(law.misstatements):
            for where, pattern in wrong.located_patterns():
                problem = pattern_problem(pattern)
                if problem is not None:
                    line, col = smap.locate(("laws", i, "misstatements", j, *where))
                    message = f"pattern cannot be used: {problem}"
                    problems.append(Problem(smap.file, line, col, "bad-pattern", message))
        if law.cue_unless and (problem := pattern_problem(law.cue_unless)) is not None:
            line, col = smap.locate(("laws", i, "cue_unless"))
            message = f"pattern cannot be used: {problem}"
            problems.append(Problem(smap.file, line, col, "bad-pattern", message))
        for matter_id in law.governs:
            if catalogue.matter(matter_id) is None:
                line, col = smap.locate(("laws", i, "governs"))
                message = f"unknown matter {matter_id!r}"
                problems.append(Problem(smap.file, line, col, "unknown-matter", message))
    for i, matter in enumerate(catalogue.matters):
        for pattern in matter.words:
            problem = pattern_problem(pattern)
            if problem is not None:
                line, col = smap.locate(("matters", i, "words"))
                message = f"pattern cannot be used: {problem}"
                problems.append(Problem(smap.file, line, col, "bad-pattern", message))
    return (None if problems else catalogue), problems


@functools.cache
def bundled_catalogue() -> Catalogue:
    """Return the bundled catalogue, loaded once; raises InvalidFileError if it is broken."""
    catalogue, problems = load_catalogue(rubrics_dir() / "legislation.yaml")
    if catalogue is None:
        raise InvalidFileError(problems)
    return catalogue
