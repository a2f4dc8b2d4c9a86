"""The cue rules, as data: loaded from YAML, validated, and compiled once.

Every move and red flag of ``moves.md`` has one YAML file in ``roleplay/lexicon/`` listing
its rules: token patterns and dependency patterns over the parsed reply (see
:mod:`roleplay.core.parse_rules`), the checks that apply to them, and each rule's own
examples that must and must not match. ``classes.yaml`` holds the word classes the rules
share; ``language.yaml`` holds what reading a reply needs before any rule runs: the
rule-set version, the replacement table for contractions and text-speak, and the words
that start a clause.

A tutor adds a cue by editing YAML; ``roleplay validate`` then proves the new rule against
its examples. The version written into every score is the declared version, a hash of the
rule files and the language model the rules read, so an edited rule set (or another model)
never passes for the one it replaced.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from roleplay.core.errors import InvalidFileError
from roleplay.core.files import read_file
from roleplay.core.moves import is_known
from roleplay.core.normalise import Normaliser
from roleplay.core.problems import Problem
from roleplay.core.source import SourceMap, load_yaml, validate_model

if TYPE_CHECKING:
    from roleplay.core.parse_rules import CompiledParseRule, ParseRuleSet

RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z_]+\.[a-z0-9_.-]+$")]
Scope = Literal["overlap", "clause", "sentence", "reply"]
LANGUAGE_FILE = "language.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Examples(_Strict):
    """Replies a rule must credit (``match``) and replies where its move must be absent,
    each read as an answer to ``customer`` when the rule reads the customer's message."""

    match: tuple[str, ...] = ()
    no_match: tuple[str, ...] = ()
    customer: str | None = None
    """The customer's message every example answers, for rules that read it."""


class RuleCommon(_Strict):
    """What every cue rule has: its id, the move it credits, how its matches are checked
    and its own examples.

    ``counts: false`` makes a pure blocker: it credits nothing and only cancels the moves in
    ``suppresses`` where it matches (a ritual "sorry, could you repeat that?").
    """

    id: RuleId
    summary: str = Field(min_length=1)
    move: str | None = None
    counts: bool = True
    negatable: bool = True
    voice_checks: bool = True
    suppresses: tuple[str, ...] = ()
    suppress_within: Scope = "overlap"
    unless_followed_by: tuple[str, ...] = ()
    unless_with: tuple[str, ...] = ()
    """Moves that cancel the match when the reply makes them anywhere (a reply that engages
    the complaint does not ignore it)."""
    quote: Literal["match", "clause", "sentence"] = "clause"
    examples: Examples = Examples()

    @field_validator("move")
    @classmethod
    def _known_move(cls, value: str | None) -> str | None:
        if value is not None and not is_known(value):
            raise ValueError(f"'{value}' is not a move or flag of moves.md")
        return value

    @field_validator("suppresses", "unless_followed_by", "unless_with")
    @classmethod
    def _known_moves(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [v for v in value if not is_known(v)]
        if unknown:
            raise ValueError(f"not moves or flags of moves.md: {', '.join(unknown)}")
        return value


class DigitWord(_Strict):
    """A digit written for a word in text-speak ("2" for "to"), and the words after which
    it is one."""

    word: str = Field(min_length=1)
    before: tuple[str, ...] = Field(min_length=1)
    """The normalised words that may follow it when it stands for ``word``."""


class LanguageFile(_Strict):
    """What reading a reply needs before any rule runs: the rule-set version, the
    replacement table, the words that open a clause, and the words misspellings are
    corrected to."""

    version: str = Field(min_length=1)
    replacements: dict[str, str]
    clause_words: tuple[str, ...] = ()
    clause_words_before_subject: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    vocabulary: tuple[str, ...] = ()
    """Words a misspelling may be corrected to, beside the words the rules name."""
    digit_words: dict[str, DigitWord] = Field(default_factory=dict)
    """Digits written for words in text-speak, read as words only before the words that
    show it ("2 u" is "to you", "2 days" stays two days)."""


class RuleSource:
    """Where a compiled rule was written: its file, and the position of any part of it.

    A mixin for compiled rules, which carry ``source`` and ``index``.
    """

    __slots__ = ()
    source: SourceMap
    index: int

    @property
    def file(self) -> str:
        """The file the rule was written in."""
        return self.source.file

    def position(self, *path: str | int) -> tuple[int, int]:
        """Return the line and column of a part of this rule (default: its id)."""
        return self.source.locate(("rules", self.index, *(path or ("id",))))


@dataclass(frozen=True, slots=True, eq=False)
class Lexicon:
    """The whole compiled rule set: the rules with their word classes, and the normaliser
    that prepares a reply for them."""

    version: str
    normaliser: Normaliser
    parse: ParseRuleSet

    @property
    def rules(self) -> tuple[CompiledParseRule, ...]:
        """Every compiled rule, file by file."""
        return self.parse.rules

    def rule(self, rule_id: str) -> CompiledParseRule | None:
        """Return the compiled rule with this id, or None."""
        for compiled in self.parse.rules:
            if compiled.rule.id == rule_id:
                return compiled
        return None


def bundled_lexicon_dir() -> Path:
    """Return the folder of the bundled rule files inside the installed package."""
    return Path(str(resources.files("roleplay") / "lexicon"))


def load_language(folder: Path) -> tuple[LanguageFile | None, list[Problem]]:
    """Load and validate a rule folder's ``language.yaml``."""
    data, smap, problems = load_yaml(folder / LANGUAGE_FILE)
    if problems:
        return None, problems
    model, problems = validate_model(LanguageFile, data, smap)
    return (model if isinstance(model, LanguageFile) else None), problems


def compile_lexicon(folder: Path | None = None) -> tuple[Lexicon | None, list[Problem]]:
    """Load, validate and compile the rule files in ``folder`` (default: the bundled ones).

    Returns the lexicon and every problem found; the lexicon is None when any file fails.
    The matchers themselves are built when the first reply is parsed.
    """
    # Imported here: the parse rules build on this module's rule models.
    from roleplay.core.parse import model_tag
    from roleplay.core.parse_rules import compile_parse_rules

    folder = folder or bundled_lexicon_dir()
    language, problems = load_language(folder)
    parse_rules, found = compile_parse_rules(folder)
    problems.extend(found)
    if language is None or parse_rules is None or problems:
        return None, problems
    normaliser = Normaliser(
        replacements=language.replacements,
        vocabulary=parse_rules.words() | {w.lower() for w in language.vocabulary},
        clause_words=language.clause_words,
        clause_words_before_subject=language.clause_words_before_subject,
        subjects=language.subjects,
        digit_words={d: (w.word, frozenset(w.before)) for d, w in language.digit_words.items()},
    )
    version = f"{language.version}+{_digest(folder)}+{model_tag()}"
    return Lexicon(version=version, normaliser=normaliser, parse=parse_rules), []


def _digest(folder: Path) -> str:
    """Hash every rule file's bytes, so any edit changes the rule-set version."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.yaml")):
        digest.update(path.name.encode())
        raw = read_file(path)
        # A file that cannot be read is reported by the loading, and no lexicon is built.
        digest.update(raw if isinstance(raw, bytes) else b"")
    return digest.hexdigest()[:10]


@lru_cache(maxsize=4)
def load_lexicon(folder: str | None = None) -> Lexicon:
    """Return the compiled lexicon from ``folder`` (default: bundled), compiled once.

    Raises :class:`InvalidFileError` listing every problem when the rule files are broken.
    """
    from roleplay.core.parse import SPACY_LOCK

    # Compiling checks every pattern with spaCy: never while another thread imports it.
    with SPACY_LOCK:
        lexicon, problems = compile_lexicon(Path(folder) if folder else None)
    if lexicon is None:
        raise InvalidFileError(problems)
    return lexicon


__all__ = [
    "Examples",
    "LanguageFile",
    "Lexicon",
    "RuleCommon",
    "RuleSource",
    "bundled_lexicon_dir",
    "compile_lexicon",
    "load_language",
    "load_lexicon",
]


@lru_cache(maxsize=4096)
def plain_words(text: str) -> str:
    """``text`` as the bundled cue rules read it, in lower case with text-speak and
    contractions spelled out ("il sort ur bin 2day" → "i will sort your bin today"), so a
    tutor's phrase ("sort your bin") is found however the learner wrote it."""
    from roleplay.core.normalise import normalise

    return normalise(load_lexicon().normaliser, text).text
