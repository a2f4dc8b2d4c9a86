"""The shared catalogue of laws: what scenarios name and what a reply may cite or misstate.

``rubrics/legislation.yaml`` lists each law with the words that count as naming it and the
statements that get it wrong, each with its correction, so that a debrief can say not only
that a learner named the Consumer Rights Act but whether what they said about it was right.
"""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from roleplay.core.errors import InvalidFileError
from roleplay.core.frameworks import rubrics_dir
from roleplay.core.patterns import pattern_problem
from roleplay.core.problems import Problem
from roleplay.core.source import load_yaml, validate_model


class Misstatement(BaseModel):
    """A pattern of words that misstates a law, and what the law actually says."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    says: str = Field(min_length=1)
    """A regular expression over the reply in lower case, contractions spelt out."""
    correction: str = Field(min_length=1)


class Law(BaseModel):
    """One law of the catalogue."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    cues: tuple[str, ...] = Field(min_length=1)
    misstatements: tuple[Misstatement, ...] = ()


class Catalogue(BaseModel):
    """The whole catalogue file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    laws: tuple[Law, ...] = Field(min_length=1)

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
            problem = pattern_problem(wrong.says)
            if problem is not None:
                line, col = smap.locate(("laws", i, "misstatements", j, "says"))
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
