"""Complaint-handling models (LATER, HEAT and the rest) as data over the shared moves.

Each model is a YAML file in ``rubrics/``: an ordered list of steps, each met by any of a
few of the move ids in :mod:`roleplay.core.moves`. Because the models are data, adding
one is an edit, not a release, and every model is scored by the same move detector.
:func:`coverage` says, over a whole conversation, which steps the learner showed, at which
turn, with which words, and whether they came in the model's order.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Final

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from roleplay.core import moves
from roleplay.core.analysis import Analysis, Evidence
from roleplay.core.errors import InvalidFileError, UnknownIdError
from roleplay.core.problems import Problem, has_errors
from roleplay.core.source import load_yaml, unknown_id_error, validate_model

_STEP_ID_PATTERN: Final = r"[a-z][a-z0-9_]*"
_FRAMEWORK_ID_PATTERN: Final = r"[A-Za-z][A-Za-z0-9_-]*"


def _check_move(value: str) -> str:
    if moves.is_flag(value):
        raise PydanticCustomError(
            "flag_not_move",
            "'{given}' is a red flag, not a move; a step can only be met by moves",
            {"given": value},
        )
    if value not in moves.MOVES:
        raise unknown_id_error("move", value, moves.MOVES)
    return value


def _check_step_id(value: str) -> str:
    if re.fullmatch(_STEP_ID_PATTERN, value) is None:
        raise _bad_id("step", value, "lower-case letters, digits and underscores")
    return value


def _check_framework_id(value: str) -> str:
    if re.fullmatch(_FRAMEWORK_ID_PATTERN, value) is None:
        raise _bad_id("framework", value, "letters, digits, hyphens and underscores")
    return value


def _bad_id(kind: str, value: str, allowed: str) -> PydanticCustomError:
    return PydanticCustomError(
        "bad_id",
        "'{given}' is not a valid {kind} id: use {allowed}, starting with a letter",
        {"given": value, "kind": kind, "allowed": allowed},
    )


Text = Annotated[str, Field(min_length=1)]
"""A piece of prose that must say something; surrounding white space is trimmed."""

MoveId = Annotated[
    str,
    AfterValidator(_check_move),
    Field(json_schema_extra={"enum": list(moves.MOVES)}),
]
"""One of the guide's positive moves (not a red flag)."""

StepId = Annotated[
    str,
    AfterValidator(_check_step_id),
    Field(json_schema_extra={"pattern": f"^{_STEP_ID_PATTERN}$"}),
]

FrameworkId = Annotated[
    str,
    AfterValidator(_check_framework_id),
    Field(json_schema_extra={"pattern": f"^{_FRAMEWORK_ID_PATTERN}$"}),
]


class Step(BaseModel):
    """One step of a complaint-handling model, met when a reply makes any of its moves."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: StepId = Field(description="Short id, lower case with underscores, e.g. take_ownership.")
    title: Text = Field(description="The step's name as the model gives it, e.g. Take ownership.")
    moves: tuple[MoveId, ...] = Field(
        min_length=1,
        description="Move ids from moves.md; the step is met by any one of them.",
    )
    description: Text = Field(
        description="What the step asks of the learner, and why these moves meet it."
    )
    example: Text = Field(description="Something a learner could say to meet the step.")


class Framework(BaseModel):
    """A complaint-handling model: its name, its source in the syllabus, and ordered steps."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        title="Complaint-handling model",
    )

    id: FrameworkId = Field(description="Short id used on the command line, e.g. LATER.")
    title: Text = Field(description="The model's full name.")
    source: Text = Field(description="The syllabus document the model comes from.")
    quote: Text = Field(description="The sentence of the source that names the model, verbatim.")
    description: Text = Field(description="What the model is for, in plain words for learners.")
    steps: tuple[Step, ...] = Field(min_length=1, description="The model's steps, in order.")

    @field_validator("steps")
    @classmethod
    def _step_ids_are_unique(cls, steps: tuple[Step, ...]) -> tuple[Step, ...]:
        first: dict[str, int] = {}
        for index, step in enumerate(steps):
            if step.id in first:
                raise PydanticCustomError(
                    "duplicate_step",
                    "step id '{given}' is already used by steps[{first}]",
                    {"given": step.id, "first": first[step.id], "at": (index, "id")},
                )
            first[step.id] = index
        return steps

    def step(self, step_id: str) -> Step:
        """Return the step called ``step_id``; raise ``UnknownIdError`` when there is none."""
        for candidate in self.steps:
            if candidate.id == step_id:
                return candidate
        raise UnknownIdError("step", step_id, [s.id for s in self.steps])


def load_framework_file(path: str | Path) -> tuple[Framework | None, list[Problem]]:
    """Load and validate one rubric file, returning the model or every problem found.

    The model is None whenever there is an error, so a half-valid file is never used;
    each problem carries the file's line and column for ``roleplay validate``.
    """
    data, smap, problems = load_yaml(path)
    if data is None and problems:
        return None, problems
    framework, schema_problems = validate_model(Framework, data, smap)
    problems = sorted(problems + schema_problems, key=lambda p: (p.line, p.col))
    if has_errors(problems):
        return None, problems
    return framework, problems


def rubrics_dir() -> Path:
    """Return the folder of bundled rubric files.

    An installed wheel carries them inside the package (``roleplay/rubrics``); a source
    checkout or an editable install finds them at the root of the repository.
    """
    packaged = resources.files("roleplay").joinpath("rubrics")
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "rubrics"


def load_framework_dir(folder: Path) -> tuple[dict[str, Framework], list[Problem]]:
    """Load every ``*.yaml`` rubric in ``folder``, keyed by upper-case id, with all problems.

    Two files that give the same id (ignoring case) are a problem in the second one.
    """
    found: dict[str, Framework] = {}
    where: dict[str, Path] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yaml")):
        if _holds_other_rubric_data(path):
            continue
        framework, file_problems = load_framework_file(path)
        problems.extend(file_problems)
        if framework is None:
            continue
        key = framework.id.upper()
        if key in found:
            message = f"framework id '{framework.id}' is already used by {where[key].name}"
            problems.append(Problem(str(path), 1, 1, "duplicate-id", message))
            continue
        found[key] = framework
        where[key] = path
    return found, problems


OTHER_RUBRIC_KEYS: Final = frozenset(
    {"laws", "reactions", "marking_points", "kinds", "play_replies"}
)
"""Top-level keys of the other files kept in ``rubrics/``: the legislation catalogue, the
default reactions, the marking points, the customer's needs and the replies for
play-throughs. A file with one of them is not a model."""


def _holds_other_rubric_data(path: Path) -> bool:
    data, _smap, _problems = load_yaml(path)
    return isinstance(data, dict) and "steps" not in data and bool(OTHER_RUBRIC_KEYS & set(data))


@functools.cache
def bundled_frameworks() -> dict[str, Framework]:
    """Return the models shipped with roleplay, keyed by upper-case id, loaded once.

    Raises ``InvalidFileError`` listing every problem if a bundled file is broken: that is
    a fault in the release, not something a user can fix, so it must not pass quietly.
    """
    found, problems = load_framework_dir(rubrics_dir())
    if has_errors(problems):
        raise InvalidFileError(problems)
    return found


def get_framework(framework_id: str) -> Framework:
    """Return the bundled model with ``framework_id``, ignoring case.

    Raises ``UnknownIdError`` naming the known ids when there is no such model.
    """
    bundled = bundled_frameworks()
    found = bundled.get(framework_id.strip().upper())
    if found is None:
        raise UnknownIdError("framework", framework_id, sorted(bundled))
    return found


def framework_schema() -> dict[str, Any]:
    """Return the JSON Schema of a rubric file, from the same model that validates one.

    Editors use it to autocomplete and check rubric files as a tutor types.
    """
    schema = Framework.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


@dataclass(frozen=True, slots=True)
class StepCoverage:
    """Whether one step was met in a conversation, first at which turn, and in what words."""

    id: str
    title: str
    met: bool
    first_turn: int | None
    evidence: Evidence | None

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-ready data, quoting the evidence (or null when not met)."""
        return {
            "id": self.id,
            "title": self.title,
            "met": self.met,
            "first_turn": self.first_turn,
            "evidence": self.evidence.quote if self.evidence is not None else None,
        }


@dataclass(frozen=True, slots=True)
class Coverage:
    """How a whole conversation measures against one model: each step, order and score."""

    framework_id: str
    steps: tuple[StepCoverage, ...]
    in_order: bool
    score: int

    @property
    def met(self) -> tuple[StepCoverage, ...]:
        """The steps that were met, in the model's order."""
        return tuple(s for s in self.steps if s.met)

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-ready data, the shape of ``framework`` in ``roleplay`` reports."""
        return {
            "id": self.framework_id,
            "steps": [s.to_dict() for s in self.steps],
            "in_order": self.in_order,
            "score": self.score,
        }


def coverage(framework: Framework, analyses: Sequence[Analysis]) -> Coverage:
    """Measure a conversation against ``framework``; ``analyses[i]`` is the reply at turn i+1.

    A step is met at the first turn whose reply makes any of its moves, and its evidence is
    the earliest of those moves' evidence in that reply. The steps are in order when the
    turns at which they were first met never go backwards in the model's order (within one
    reply, by where the evidence starts). The score is the share of steps met, out of 100,
    rounded half up.
    """
    steps = tuple(_cover_step(step, analyses) for step in framework.steps)
    met = sum(1 for s in steps if s.met)
    total = len(steps)
    score = (200 * met + total) // (2 * total) if total else 0
    return Coverage(framework.id, steps, _in_order(steps), score)


def _cover_step(step: Step, analyses: Sequence[Analysis]) -> StepCoverage:
    for turn, analysis in enumerate(analyses, start=1):
        made = [move for move in step.moves if move in analysis.moves]
        if not made:
            continue
        found = [e for e in (analysis.first_evidence(m) for m in made) if e is not None]
        evidence = min(found, key=lambda e: (e.start, e.end)) if found else None
        return StepCoverage(step.id, step.title, True, turn, evidence)
    return StepCoverage(step.id, step.title, False, None, None)


def _in_order(steps: Sequence[StepCoverage]) -> bool:
    """Whether the learner opened with the model's opening steps, turn by turn.

    The opening half of a model (listen, acknowledge, hear, empathise…) must start no later
    than its closing half (resolve, learn, follow up…): putting things right before hearing
    the customer out is what examiners mark as out of order. Once the learner has opened by
    hearing the customer, an opening step that comes again or later ("I can see what's
    happened, let me look" then "I'm so sorry" a turn after) is no fault: examiners read the
    order across the conversation, not step by step. Inside one reply any order is fine.
    """
    half = len(steps) // 2
    opening = [s.first_turn for s in steps[:half] if s.met and s.first_turn is not None]
    closing = [s.first_turn for s in steps[half:] if s.met and s.first_turn is not None]
    return not opening or not closing or min(opening) <= min(closing)


__all__ = [
    "Coverage",
    "Framework",
    "Step",
    "StepCoverage",
    "bundled_frameworks",
    "coverage",
    "framework_schema",
    "get_framework",
    "load_framework_dir",
    "load_framework_file",
    "rubrics_dir",
]
