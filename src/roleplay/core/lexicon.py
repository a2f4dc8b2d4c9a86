"""The cue rules, as data: loaded from YAML, validated, and compiled once.

Each move of ``moves.md`` has one YAML file in ``roleplay/lexicon/`` listing its rules. A
rule has an id, the move it credits, regular-expression patterns over normalised text
(lower case, contractions spelt out: "i am", "can not"), the checks that apply to it, and
its own examples that must and must not match. ``language.yaml`` holds what every rule
shares: the rule-set version, the replacement table for contractions and text-speak, the
macros (``{i}`` for "i|we", ``{adv}`` for optional intensifiers, …) and the cues of
negation, hypothesis and reported speech.

A tutor adds a cue by editing YAML; ``roleplay validate`` then proves the new rule against
its examples. The version written into every score is the declared version plus a hash of
the rule files, so an edited rule set never passes for the one it replaced.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from roleplay.core.errors import InvalidFileError
from roleplay.core.files import read_file
from roleplay.core.index import Entry, PrefixIndex, prefixes, read_starts, write_starts
from roleplay.core.moves import ALL_IDS, is_known
from roleplay.core.normalise import Normaliser
from roleplay.core.patterns import pattern_problem
from roleplay.core.problems import Problem
from roleplay.core.source import SourceMap, load_yaml, validate_model

if TYPE_CHECKING:
    from roleplay.core.parse_rules import ParseRuleSet

RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z_]+\.[a-z0-9_.-]+$")]
Scope = Literal["overlap", "clause", "sentence", "reply"]
_MACRO = re.compile(r"\{([a-z_]+)\}")
CACHE_FORMAT = 1
"""Bump when the way pattern starts are worked out changes, so old caches are ignored."""


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Examples(_Strict):
    """Replies a rule must credit (``match``) and replies where its move must be absent."""

    match: tuple[str, ...] = ()
    no_match: tuple[str, ...] = ()
    customer: str | None = None
    """The customer's message every example answers, for rules that read it."""


class RuleCommon(_Strict):
    """What every cue rule has, whatever it matches over: its id, the move it credits, how
    its matches are checked and its own examples.

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
    quote: Literal["match", "clause", "sentence"] = "clause"
    examples: Examples = Examples()

    @field_validator("move")
    @classmethod
    def _known_move(cls, value: str | None) -> str | None:
        if value is not None and not is_known(value):
            raise ValueError(f"'{value}' is not a move or flag of moves.md")
        return value

    @field_validator("suppresses", "unless_followed_by")
    @classmethod
    def _known_moves(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [v for v in value if not is_known(v)]
        if unknown:
            raise ValueError(f"not moves or flags of moves.md: {', '.join(unknown)}")
        return value


class Rule(RuleCommon):
    """One cue rule over the reply's text: regular expressions that, when they match in the
    agent's sincere voice, credit a move."""

    patterns: tuple[str, ...] = Field(min_length=1)
    question_only: bool = False
    statement_only: bool = False


class MoveFile(_Strict):
    """One YAML file of rules for one move or flag."""

    move: str
    description: str = Field(min_length=1)
    rules: tuple[Rule, ...] = Field(min_length=1)

    @field_validator("move")
    @classmethod
    def _known_move(cls, value: str) -> str:
        if not is_known(value):
            raise ValueError(f"'{value}' is not a move or flag of moves.md")
        return value


class WordList(_Strict):
    """A macro that stands for one of several words, optionally absent or repeated."""

    words: tuple[str, ...] = Field(min_length=1)
    optional: bool = False
    max: int = Field(default=1, ge=1, le=8)


class LanguageFile(_Strict):
    """What every rule shares: version, replacement table, macros and scope cues."""

    version: str = Field(min_length=1)
    replacements: dict[str, str]
    macros: dict[str, str | WordList]
    negation: tuple[str, ...] = Field(min_length=1)
    negation_window: int = Field(default=4, ge=1, le=12)
    hypothetical_before: tuple[str, ...] = Field(min_length=1)
    hypothetical_after: tuple[str, ...] = ()
    hypothetical_restart: tuple[str, ...] = ()
    counterfactual: tuple[str, ...] = ()
    reported: tuple[str, ...] = Field(min_length=1)
    clause_words: tuple[str, ...] = ()
    clause_words_before_subject: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()


class RuleSource:
    """Where a compiled rule was written: its file, and the position of any part of it.

    A mixin for the compiled rules of every kind, which carry ``source`` and ``index``.
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


@dataclass(frozen=True, slots=True)
class CompiledRule(RuleSource):
    """A validated rule with its move resolved and its patterns compiled."""

    rule: Rule
    move: str
    patterns: tuple[str, ...]
    """The rule's patterns, macros expanded and bounded to whole words."""
    source: SourceMap
    index: int


@dataclass(frozen=True, slots=True, eq=False)
class Lexicon:
    """The whole compiled rule set: every rule, the shared scope cues and the normaliser."""

    version: str
    rules: tuple[CompiledRule, ...]
    index: PrefixIndex[CompiledRule]
    normaliser: Normaliser
    negation: re.Pattern[str]
    negation_window: int
    hypothetical_before: re.Pattern[str]
    hypothetical_after: re.Pattern[str] | None
    hypothetical_restart: re.Pattern[str] | None
    counterfactual: re.Pattern[str] | None
    reported: re.Pattern[str]
    parse: ParseRuleSet | None = None
    """The parse rules (``lexicon/parse/``), or None for a rule folder that has none."""

    def rule(self, rule_id: str) -> CompiledRule | None:
        """Return the compiled rule with this id, or None."""
        for compiled in self.rules:
            if compiled.rule.id == rule_id:
                return compiled
        return None


def bundled_lexicon_dir() -> Path:
    """Return the folder of the bundled rule files inside the installed package."""
    return Path(str(resources.files("roleplay") / "lexicon"))


def _expand(pattern: str, macros: dict[str, str | WordList]) -> str:
    """Replace ``{name}`` macros in a pattern by their regular expressions."""

    def word_alts(spec: WordList) -> str:
        return "(?:" + "|".join(spec.words) + ")"

    out = pattern
    for name, spec in macros.items():
        if isinstance(spec, WordList) and spec.optional:
            body = f"(?:{word_alts(spec)} ){{0,{spec.max}}}"
            out = out.replace("{" + name + "} ", body)
            out = out.replace("{" + name + "}", body)
        elif isinstance(spec, WordList):
            out = out.replace("{" + name + "}", word_alts(spec))
        else:
            out = out.replace("{" + name + "}", f"(?:{spec})")
    return out


def _bounded(pattern: str) -> str:
    """Make a pattern match whole normalised words only."""
    return f"(?<![^ ])(?:{pattern})(?:(?<= )|(?![^ ]))"


def _phrases(items: Sequence[str], macros: dict[str, str | WordList]) -> re.Pattern[str]:
    return re.compile("|".join(_bounded(_expand(p, macros)) for p in items))


def _vocabulary(patterns: Sequence[str]) -> set[str]:
    """Collect the literal words of expanded patterns: the words misspellings map to."""
    words: set[str] = set()
    for pattern in patterns:
        cleaned = re.sub(r"\\[A-Za-z]|\(\?[:=!<P]+|\[[^\]]*\]|\{\d+(,\d*)?\}", " ", pattern)
        words.update(w for w in re.findall(r"[a-z][a-z']+", cleaned) if len(w) >= 2)
    return words


def load_lexicon_files(
    folder: Path,
) -> tuple[LanguageFile | None, list[tuple[MoveFile, SourceMap]], list[Problem]]:
    """Load and validate ``language.yaml`` and every move file in ``folder``."""
    problems: list[Problem] = []
    language: LanguageFile | None = None
    move_files: list[tuple[MoveFile, SourceMap]] = []
    language_path = folder / "language.yaml"
    data, smap, found = load_yaml(language_path)
    problems.extend(found)
    if not found:
        model, found = validate_model(LanguageFile, data, smap)
        problems.extend(found)
        language = model if isinstance(model, LanguageFile) else None
        if language is not None:
            phrase_problems = _phrase_problems(language, smap)
            problems.extend(phrase_problems)
            language = None if phrase_problems else language
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "language.yaml":
            continue
        data, smap, found = load_yaml(path)
        problems.extend(found)
        if found:
            continue
        model, found = validate_model(MoveFile, data, smap)
        problems.extend(found)
        if isinstance(model, MoveFile):
            move_files.append((model, smap))
    return language, move_files, problems


_PHRASE_FIELDS: Final = (
    "negation",
    "hypothetical_before",
    "hypothetical_after",
    "hypothetical_restart",
    "counterfactual",
    "reported",
)
"""The fields of ``language.yaml`` whose items are patterns, compiled with the lexicon."""


def _phrase_problems(language: LanguageFile, smap: SourceMap) -> list[Problem]:
    """Report every pattern of the language file's cue lists that cannot be compiled."""
    problems: list[Problem] = []
    for name in _PHRASE_FIELDS:
        items: tuple[str, ...] = getattr(language, name)
        for i, item in enumerate(items):
            text = _expand(item, language.macros)
            problem = pattern_problem(text) or pattern_problem(_bounded(text))
            if problem is not None:
                line, col = smap.locate((name, i))
                message = f"{name}: pattern cannot be used: {problem}"
                problems.append(Problem(smap.file, line, col, "bad-pattern", message))
    return problems


def compile_lexicon(
    folder: Path | None = None, *, use_cache: bool = True
) -> tuple[Lexicon | None, list[Problem]]:
    """Load, validate and compile the rule files in ``folder`` (default: the bundled ones).

    Returns the lexicon and every problem found; the lexicon is None when any file fails.
    Working out where each pattern can start is the slow part of compiling, so the result
    is kept in the user's cache folder under the rule files' hash and reused while the files
    are unchanged (``use_cache=False`` checks every pattern afresh, as ``validate`` does).
    """
    folder = folder or bundled_lexicon_dir()
    language, move_files, problems = load_lexicon_files(folder)
    if language is None:
        return None, problems
    digest = _digest(folder)
    # Files that failed to load are already reported; check the rest so that every problem
    # is listed at once, and never trust a cache for a rule set that has problems.
    cached = _read_cache(digest) if use_cache and not problems else None
    macros = language.macros
    compiled: list[CompiledRule] = []
    seen: dict[str, str] = {}
    all_patterns: list[str] = []
    for move_file, smap in move_files:
        for index, rule in enumerate(move_file.rules):
            line, col = smap.locate(("rules", index, "id"))
            if rule.id in seen:
                problems.append(
                    Problem(
                        smap.file,
                        line,
                        col,
                        "duplicate-rule",
                        f"rule id '{rule.id}' is already used in {seen[rule.id]}",
                    )
                )
                continue
            seen[rule.id] = f"{smap.file}:{line}"
            expanded: list[str] = []
            for p_index, pattern in enumerate(rule.patterns):
                text = _expand(pattern, macros)
                problem = _pattern_problem(text) if cached is None else None
                if problem is not None:
                    code, message = problem
                    p_line, p_col = smap.locate(("rules", index, "patterns", p_index))
                    problems.append(
                        Problem(smap.file, p_line, p_col, code, f"rule '{rule.id}': {message}")
                    )
                    continue
                expanded.append(text)
            if not expanded:
                continue
            all_patterns.extend(expanded)
            compiled.append(
                CompiledRule(
                    rule,
                    rule.move or move_file.move,
                    tuple(_bounded(t) for t in expanded),
                    smap,
                    index,
                )
            )
    # Imported here: the parse rules build on this module's rule models.
    from roleplay.core.parse import model_tag
    from roleplay.core.parse_rules import compile_parse_rules

    parse_rules, found = compile_parse_rules(folder, seen)
    problems.extend(found)
    if problems:
        return None, problems
    if cached is not None and cached.keys() != {p for rule in compiled for p in rule.patterns}:
        cached = None  # not the starts of these patterns, whatever its digest says
    starts = cached if cached is not None else _starts(compiled)
    if cached is None and use_cache:
        _write_cache(digest, starts)
    normaliser = Normaliser(
        replacements=language.replacements,
        vocabulary=_vocabulary(all_patterns)
        | _vocabulary(language.negation)
        | (parse_rules.words() if parse_rules is not None else set()),
        clause_words=language.clause_words,
        clause_words_before_subject=language.clause_words_before_subject,
        subjects=language.subjects,
    )
    lexicon = Lexicon(
        version=_version(language.version, digest, parse_rules, model_tag()),
        rules=tuple(compiled),
        index=PrefixIndex(
            Entry(p, rule, starts.get(p)) for rule in compiled for p in rule.patterns
        ),
        normaliser=normaliser,
        negation=_phrases(language.negation, macros),
        negation_window=language.negation_window,
        hypothetical_before=_phrases(language.hypothetical_before, macros),
        hypothetical_after=(
            _phrases(language.hypothetical_after, macros) if language.hypothetical_after else None
        ),
        hypothetical_restart=(
            _phrases(language.hypothetical_restart, macros)
            if language.hypothetical_restart
            else None
        ),
        counterfactual=(
            _phrases(language.counterfactual, macros) if language.counterfactual else None
        ),
        reported=_phrases(language.reported, macros),
        parse=parse_rules,
    )
    return lexicon, []


def _version(declared: str, digest: str, parse_rules: ParseRuleSet | None, model: str) -> str:
    """The rule-set version: declared version, hash of the rule files and, when parse rules
    are used, the hash of theirs and the language model and spaCy versions they read."""
    if parse_rules is None:
        return f"{declared}+{digest}"
    return f"{declared}+{digest}.{parse_rules.digest}+{model}"


def _pattern_problem(text: str) -> tuple[str, str] | None:
    """Return (code, message) when an expanded pattern cannot be used, else None."""
    unknown = _MACRO.findall(text)
    if unknown:
        return "unknown-macro", f"unknown macro {{{unknown[0]}}}"
    if "(?P<" in text:
        return "bad-pattern", "patterns may not use named groups (?P<…>)"
    problem = pattern_problem(text) or pattern_problem(_bounded(text))
    if problem is not None:
        return "bad-pattern", f"pattern cannot be used: {problem}"
    if re.compile(_bounded(text)).fullmatch(""):
        return "empty-pattern", "pattern matches empty text, so it fires on every reply"
    return None


def _starts(compiled: Sequence[CompiledRule]) -> dict[str, frozenset[str] | None]:
    """Work out where every pattern of every rule can start (see :mod:`roleplay.core.index`)."""
    return {p: prefixes(p) for rule in compiled for p in rule.patterns}


def _cache_file(digest: str) -> Path:
    base = os.environ.get("ROLEPLAY_CACHE_DIR") or platformdirs.user_cache_dir("roleplay")
    return Path(base) / f"lexicon-{CACHE_FORMAT}-{digest}.json"


def _read_cache(digest: str) -> dict[str, frozenset[str] | None] | None:
    """Return the pattern starts saved for this rule set, or None (see :func:`read_starts`)."""
    return read_starts(_cache_file(digest), digest)


def _write_cache(digest: str, starts: dict[str, frozenset[str] | None]) -> None:
    """Save the pattern starts; a cache that cannot be written is simply skipped."""
    write_starts(_cache_file(digest), digest, starts)


def _digest(folder: Path) -> str:
    """Hash every rule file's bytes, so any edit changes the rule-set version."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.yaml")):
        digest.update(path.name.encode())
        raw = read_file(path)
        # A file that cannot be read is reported by the loading, and no lexicon is built.
        digest.update(raw if isinstance(raw, bytes) else b"")
    return digest.hexdigest()[:10]


_LOADING = threading.Lock()


def load_lexicon(folder: str | None = None) -> Lexicon:
    """Return the compiled lexicon from ``folder`` (default: bundled), compiled once.

    Raises :class:`InvalidFileError` listing every problem when the rule files are broken.
    Threads asking at once (the app warming up while a reply is scored) share one compile.
    """
    with _LOADING:
        return _load_lexicon(folder)


@lru_cache(maxsize=4)
def _load_lexicon(folder: str | None) -> Lexicon:
    lexicon, problems = compile_lexicon(Path(folder) if folder else None)
    if lexicon is None:
        raise InvalidFileError(problems)
    return lexicon


__all__ = [
    "ALL_IDS",
    "CompiledRule",
    "Examples",
    "LanguageFile",
    "Lexicon",
    "MoveFile",
    "Rule",
    "compile_lexicon",
    "load_lexicon",
]
