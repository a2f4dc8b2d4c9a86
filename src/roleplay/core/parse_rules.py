"""The cue rules, as data: token and dependency patterns over the parsed reply.

They live in ``lexicon/``: ``classes.yaml`` holds the shared word classes (staff, remedy
verbs, feelings…), each defined once, ``language.yaml`` what reading a reply needs (see
:mod:`roleplay.core.lexicon`), and every other file holds one move's rules. A rule names
its move, and has token patterns (spaCy ``Matcher``: ``LOWER``, ``NORM``, ``LEMMA``,
``POS``, ``TAG``, ``DEP``, ``OP``, a per-token ``REGEX``), dependency patterns (spaCy
``DependencyMatcher``) or both, and its own examples that must and must not match, proved
by ``roleplay validate``.

Two shorthands keep patterns short: ``$name`` stands for a word class (``LEMMA:
"$remedy_verbs"``, or an item of an ``IN`` list), and ``ACTOR`` for who does what the token
says (``agent``, ``staff``, ``customer``, ``other``; see :mod:`roleplay.core.parse`). Every
problem (bad YAML, an unknown class, a pattern spaCy refuses) comes back positioned.

The matchers themselves need the pipeline's vocabulary, so they are built the first time a
reply is parsed, never when the rules are loaded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator, model_validator

from roleplay.core.jsontext import read_json
from roleplay.core.lexicon import LANGUAGE_FILE, RuleCommon, RuleSource, _Strict
from roleplay.core.moves import is_known
from roleplay.core.parse import ACTOR, REQUIRED_CLASSES, Roles, model_tag, roles_from
from roleplay.core.patterns import pattern_problem
from roleplay.core.problems import Problem
from roleplay.core.settings import cache_folder
from roleplay.core.source import SourceMap, load_yaml, validate_model
from roleplay.core.storage import save_for_later

if TYPE_CHECKING:
    from spacy.matcher import Matcher
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

CLASSES_FILE = "classes.yaml"

TokenSpec = dict[str, Any]


class EchoRule(_Strict):
    """What a rule needs of the customer's message: that the reply's words echo it.

    A match counts only when at least ``at_least`` different content words (nouns, verbs,
    adjectives; not the ``echo_ignored`` class) ``within`` its reach are the customer's own
    words, their stems or near spellings: "sorry about the classes being cancelled" restates
    "my classes keep getting cancelled". With no customer message the rule does not fire.
    """

    within: Literal["match", "subtree", "sentence"] = "subtree"
    """The matched tokens, the matched head's whole phrase, or its sentence."""
    at_least: int = Field(default=1, ge=1, le=5)


class ParseRule(RuleCommon):
    """One rule: patterns over the parse that, in the agent's sincere voice, credit a move.
    Its checks and examples are those every rule has
    (:class:`roleplay.core.lexicon.RuleCommon`)."""

    patterns: tuple[tuple[TokenSpec, ...], ...] = ()
    """Token patterns: each a list of token specifications, matched in a row."""
    dependency: tuple[tuple[TokenSpec, ...], ...] = ()
    """Dependency patterns: each a list of nodes; the first node is the anchor whose
    clause the voice checks read."""
    anchor: int | None = None
    """Which token of a token pattern is the head of the match (default: the span's root)."""
    sentence: Literal["any", "question", "statement"] = "any"
    echo: EchoRule | None = None
    """The customer's words the match must echo (see :class:`EchoRule`), if any."""
    needs_customer: bool = False
    """True when the rule judges a reply to a complaint, and so fires only when the
    customer's message is known ("the reply ignores the complaint")."""
    refers_to: str | None = None
    """A word class the match's pronoun or name must stand for: the match counts only when
    the reply, before it, or the customer's message names a word of the class ("I'll fetch
    her now" after "the supervisor will tell you", or after "I want the manager")."""

    @model_validator(mode="after")
    def _has_patterns(self) -> ParseRule:
        if not self.patterns and not self.dependency:
            raise ValueError("a parse rule needs 'patterns', 'dependency' or both")
        return self


class MoveFile(_Strict):
    """One YAML file of rules for one move or flag."""

    move: str
    description: str = Field(min_length=1)
    rules: tuple[ParseRule, ...] = Field(min_length=1)

    @field_validator("move")
    @classmethod
    def _known_move(cls, value: str) -> str:
        if not is_known(value):
            raise ValueError(f"'{value}' is not a move or flag of moves.md")
        return value


class ClassesFile(_Strict):
    """The shared word classes every parse rule may name as ``$class``."""

    description: str = Field(min_length=1)
    classes: dict[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class CompiledParseRule(RuleSource):
    """A validated parse rule: its move resolved and its classes expanded."""

    rule: ParseRule
    move: str
    patterns: tuple[tuple[TokenSpec, ...], ...]
    dependency: tuple[tuple[TokenSpec, ...], ...]
    source: SourceMap
    index: int


@dataclass(slots=True, eq=False)
class ParseRuleSet:
    """Every parse rule, the word classes and, once built, the matchers over them."""

    rules: tuple[CompiledParseRule, ...]
    classes: dict[str, tuple[str, ...]]
    roles: Roles
    _matchers: tuple[TokenPatterns, DependencyPatterns] | None = field(default=None)

    def words(self) -> set[str]:
        """Every literal word the rules use: the words misspellings may be corrected to."""
        out = {w for words in self.classes.values() for w in words if " " not in w}
        for rule in self.rules:
            for pattern in (*rule.patterns, *rule.dependency):
                for spec in pattern:
                    _collect_words(spec, out)
        return {w.lower() for w in out if w.isalpha() and len(w) >= 2}

    def matchers(self, vocab: Vocab) -> tuple[TokenPatterns, DependencyPatterns]:
        """Return the token and dependency matchers, built on first use with ``vocab``."""
        if self._matchers is None:
            tokens = TokenPatterns(
                vocab, [(str(i), rule.patterns) for i, rule in enumerate(self.rules)]
            )
            deps = DependencyPatterns(
                vocab, [(str(i), rule.dependency) for i, rule in enumerate(self.rules)]
            )
            self._matchers = (tokens, deps)
        return self._matchers


_NODE_ATTRS = {
    "LEMMA": "lemma_",
    "LOWER": "lower_",
    "NORM": "norm_",
    "ORTH": "text",
    "TEXT": "text",
    "POS": "pos_",
    "TAG": "tag_",
    "DEP": "dep_",
    ACTOR: "ent_id_",
}
"""Pattern attributes whose value is a string, and the token attribute the matcher compares."""

Condition = tuple[str, frozenset[str]]
"""A token attribute and the values it may take for a pattern's token to match."""


@dataclass(frozen=True, slots=True)
class _Step:
    """A token every match of a token pattern holds, and how far it may be from the last."""

    conditions: tuple[Condition, ...]
    after: tuple[int, int | None]
    """The least and most tokens from the previous step's token to this one (None: any)."""


def _conditions(attrs: TokenSpec) -> tuple[Condition, ...]:
    """What a pattern's token asks of a token's string attributes (a value, or ``IN``)."""
    out: list[Condition] = []
    for key, attr in _NODE_ATTRS.items():
        value = attrs.get(key)
        if isinstance(value, str):
            out.append((attr, frozenset((value,))))
        elif isinstance(value, dict) and set(value) == {"IN"}:
            words = value["IN"]
            if isinstance(words, list) and all(isinstance(w, str) for w in words):
                out.append((attr, frozenset(words)))
    return tuple(out)


def _width(op: str) -> tuple[int, int | None]:
    """How many tokens a pattern token with operator ``op`` takes: least and most."""
    if op in ("", "!"):
        return (1, 1) if op == "" else (0, 0)
    if op in ("?", "*", "+"):
        return {"?": (0, 1), "*": (0, None), "+": (1, None)}[op]
    low, comma, high = op.strip("{}").partition(",")
    least = int(low) if low else 0
    if not comma:
        return least, least
    return least, (int(high) if high else None)


def _add(a: tuple[int, int | None], b: tuple[int, int | None]) -> tuple[int, int | None]:
    return a[0] + b[0], (None if a[1] is None or b[1] is None else a[1] + b[1])


@dataclass(frozen=True, slots=True)
class _Sequence:
    """What every match of a token pattern holds: its steps, and how many tokens at most it
    has before the first step's token and after the last one's (None: any number)."""

    steps: tuple[_Step, ...]
    before: int | None
    after: int | None
    rarest_first: tuple[Condition, ...] = ()
    """Every step's conditions, the likeliest to be missing first (see :func:`_rarity`)."""


def _rarity(condition: Condition) -> tuple[int, int, int]:
    """Sort key putting the condition a reply is least likely to meet first: words before
    parts of speech and relations, then those naming fewest stop words ("be", "you", "to"
    are in nearly every reply), then fewest words."""
    from spacy.lang.en.stop_words import STOP_WORDS

    attr, values = condition
    return (attr not in _WORDS, sum(v.lower() in STOP_WORDS for v in values), len(values))


def _sequence(pattern: tuple[TokenSpec, ...]) -> _Sequence:
    """The tokens every match of a token pattern must hold, in order, with their distances.

    A token that must be there and asks for a value is a step; every other token only
    widens the distance to the next step. The matcher still decides: the steps only tell
    when it cannot match, and where it can.
    """
    steps: list[_Step] = []
    before: int | None = 0
    after: tuple[int, int | None] = (0, 0)
    for node in pattern:
        least, most = _width(str(node.get("OP", "")))
        conditions = _conditions(node)
        if least >= 1 and conditions:
            if steps:
                steps.append(_Step(conditions, _add(after, (1, 1))))
            else:
                steps.append(_Step(conditions, (0, 0)))
                before = after[1]
            after = (least - 1, None if most is None else most - 1)
        else:
            after = _add(after, (least, most))
    rarest = tuple(sorted({c for step in steps for c in step.conditions}, key=_rarity))
    return _Sequence(tuple(steps), before, after[1], rarest)


_NOWHERE: frozenset[int] = frozenset()


_TABLED = tuple(dict.fromkeys(_NODE_ATTRS.values()))
"""The token attributes a :class:`DocIndex` tables, each once."""


class DocIndex:
    """Where each value of each token attribute occurs in one document.

    The token and dependency patterns of one document share it, so a word class is looked
    up once however many patterns name it. Every attribute is read in one pass over the
    document: each token read costs spaCy a new Python object.
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self._tables: dict[str, dict[str, list[int]]] = {attr: {} for attr in _TABLED}
        tables = [(attr, self._tables[attr]) for attr in _TABLED]
        for tok in doc:
            for attr, table in tables:
                table.setdefault(getattr(tok, attr), []).append(tok.i)
        self._found: dict[Condition, frozenset[int]] = {}
        self._sentences: list[int] | None = None

    def where(self, condition: Condition) -> frozenset[int]:
        """The positions of the tokens that meet ``condition``."""
        found = self._found.get(condition)
        if found is None:
            attr, values = condition
            table = self._tables[attr]
            hits = values.intersection(table)
            found = frozenset(i for v in hits for i in table[v]) if hits else _NOWHERE
            self._found[condition] = found
        return found

    def values(self, attr: str) -> dict[str, list[int]]:
        """Every value of the token attribute ``attr`` in the document, with its positions."""
        return self._tables[attr]

    def meets(self, conditions: tuple[Condition, ...]) -> frozenset[int]:
        """The positions of the tokens that meet every one of ``conditions``."""
        found = self.where(conditions[0])
        for condition in conditions[1:]:
            if not found:
                break
            found = found & self.where(condition)
        return found

    def sentence(self, i: int) -> int:
        """The index of the sentence that holds token ``i``."""
        if self._sentences is None:
            self._sentences = [0] * len(self.doc)
            for n, sent in enumerate(self.doc.sents):
                for j in range(sent.start, sent.end):
                    self._sentences[j] = n
        return self._sentences[i]


def _sequence_stretch(index: DocIndex, sequence: _Sequence) -> tuple[int, int] | None:
    """Where in the document the pattern can match (start and end token), or None when no
    stretch of it holds the steps at their distances."""
    for condition in sequence.rarest_first:
        if not index.where(condition):
            return None
    first: frozenset[int] | set[int] = _NOWHERE
    last: frozenset[int] | set[int] | None = None
    for step in sequence.steps:
        here = index.meets(step.conditions)
        if last is not None and here:
            least, most = step.after
            if most is None:
                here = {q for q in here if q >= min(last) + least}
            else:
                here = here.intersection(q for p in last for q in range(p + least, p + most + 1))
        if not here:
            return None
        if last is None:
            first = here
        last = here
    if last is None:
        return None
    start = 0 if sequence.before is None else max(0, min(first) - sequence.before)
    end = len(index.doc)
    if sequence.after is not None:
        end = min(end, max(last) + 1 + sequence.after)
    return start, end


def _nodes(pattern: tuple[TokenSpec, ...]) -> tuple[tuple[Condition, ...], ...]:
    """What each node of a dependency pattern asks of its token, for nodes that ask."""
    nodes = (_conditions(node.get("RIGHT_ATTRS", {})) for node in pattern)
    return tuple(n for n in nodes if n)


def _tree_possible(index: DocIndex, nodes: tuple[tuple[Condition, ...], ...]) -> bool:
    """False when no one sentence holds a token for every node (a tree is one sentence)."""
    shared: set[int] | None = None
    for conditions in nodes:
        here = {index.sentence(i) for i in index.meets(conditions)}
        shared = here if shared is None else shared & here
        if not shared:
            return False
    return True


_WORDS = ("lemma_", "lower_", "norm_", "text")
"""Token attributes that hold a word: a pattern is looked up by one of its words."""


class _Lookup:
    """Which patterns a document could match, found from its words: each pattern is filed
    under the words of one of its conditions, so only patterns with such a word in the
    document are checked further; a pattern that names no word is always checked.

    The condition chosen is the one with the fewest stop words ("be", "you", "to" are in
    nearly every reply), then the fewest words (:func:`_rarity`).
    """

    def __init__(self) -> None:
        self._filed: dict[str, dict[str, list[int]]] = {}
        self._always: list[int] = []

    def file(self, number: int, conditions: Iterable[Condition]) -> None:
        """File pattern ``number`` under the words of the rarest of ``conditions``."""
        words = [c for c in conditions if c[0] in _WORDS]
        if not words:
            self._always.append(number)
            return
        attr, values = min(words, key=_rarity)
        by_value = self._filed.setdefault(attr, {})
        for value in values:
            by_value.setdefault(value, []).append(number)

    def candidates(self, index: DocIndex) -> list[int]:
        """The patterns that ``index``'s document may match, in the order they were filed."""
        found = set(self._always)
        for attr, by_value in self._filed.items():
            for value in index.values(attr):
                numbers = by_value.get(value)
                if numbers is not None:
                    found.update(numbers)
        return sorted(found)


class TokenPatterns:
    """Every token pattern, run on a document only when the document could hold a match:
    patterns that ask for nothing share one spaCy ``Matcher``, each of the others has its
    own.

    One matcher for all patterns tries every pattern at every token, which cost four times
    as much as parsing once the rules named hundreds of words; most patterns cannot match a
    given reply, and a look at where their words stand (:class:`DocIndex`) says so at a
    fraction of the cost. The matches are the ones one matcher finds, in document order
    (where they start), then rule by rule.
    """

    def __init__(
        self, vocab: Vocab, keyed: list[tuple[str, tuple[tuple[TokenSpec, ...], ...]]]
    ) -> None:
        from spacy.matcher import Matcher

        self._always = Matcher(vocab)
        self._patterns: list[tuple[Matcher, _Sequence]] = []
        self._lookup = _Lookup()
        for key, patterns in keyed:
            for pattern in patterns:
                sequence = _sequence(pattern)
                if not sequence.steps:
                    self._always.add(key, [list(pattern)])
                    continue
                matcher = Matcher(vocab)
                matcher.add(key, [list(pattern)])
                conditions = (c for step in sequence.steps for c in step.conditions)
                self._lookup.file(len(self._patterns), conditions)
                self._patterns.append((matcher, sequence))

    def __call__(self, doc: Doc, index: DocIndex | None = None) -> list[tuple[int, int, int]]:
        """Return ``(match id, start, end)`` for every match in ``doc``; ``index`` is the
        document's :class:`DocIndex` when another matcher has built it."""
        index = DocIndex(doc) if index is None else index
        found: list[tuple[int, int, int]] = list(self._always(doc)) if len(self._always) else []
        for number in self._lookup.candidates(index):
            matcher, sequence = self._patterns[number]
            stretch = _sequence_stretch(index, sequence)
            if stretch is None:
                continue
            start, end = stretch
            if start == 0 and end == len(doc):
                found.extend(matcher(doc))
            else:
                # The matcher reads every token it is given: give it only the stretch.
                found.extend((key, s + start, e + start) for key, s, e in matcher(doc[start:end]))
        strings = doc.vocab.strings
        found.sort(key=lambda m: (m[1], int(strings[m[0]]), m[2]))
        return found


class DependencyPatterns:
    """Every dependency pattern, each in a ``DependencyMatcher`` of its own, run on a
    document only when one of its sentences holds a token for every node that asks for one.

    spaCy's one matcher for all patterns tests every node of every pattern on every token,
    which cost more than parsing itself; most patterns name a word class no reply uses.
    The matches are the ones that matcher finds, in the same order: rule by rule, pattern
    by pattern, sentence by sentence.
    """

    def __init__(
        self, vocab: Vocab, keyed: list[tuple[str, tuple[tuple[TokenSpec, ...], ...]]]
    ) -> None:
        from spacy.matcher import DependencyMatcher

        self._patterns: list[tuple[DependencyMatcher, tuple[tuple[Condition, ...], ...]]] = []
        self._lookup = _Lookup()
        for key, patterns in keyed:
            for pattern in patterns:
                matcher = DependencyMatcher(vocab)
                matcher.add(key, [list(pattern)])
                nodes = _nodes(pattern)
                self._lookup.file(len(self._patterns), (c for node in nodes for c in node))
                self._patterns.append((matcher, nodes))

    def __len__(self) -> int:
        return len(self._patterns)

    def __call__(self, doc: Doc, index: DocIndex | None = None) -> list[tuple[int, list[int]]]:
        """Return ``(match id, token indexes)`` for every match in ``doc``; ``index`` as
        for :class:`TokenPatterns`."""
        index = DocIndex(doc) if index is None else index
        found: list[tuple[int, list[int]]] = []
        for number in self._lookup.candidates(index):
            matcher, nodes = self._patterns[number]
            if _tree_possible(index, nodes):
                found.extend(matcher(doc))
        return found


def _collect_words(spec: Any, out: set[str]) -> None:
    if isinstance(spec, str):
        out.update(spec.split())
    elif isinstance(spec, dict):
        for key, value in spec.items():
            if key not in ("REGEX", "POS", "TAG", "DEP", "OP", "RIGHT_ID", "LEFT_ID", "REL_OP"):
                _collect_words(value, out)
    elif isinstance(spec, list | tuple):
        for item in spec:
            _collect_words(item, out)


class _Unknown(Exception):
    """A ``$class`` that no file defines; carries the path inside the rule to report it at."""

    def __init__(self, name: str, path: tuple[object, ...]) -> None:
        super().__init__(name)
        self.name = name
        self.path = path


_WORD_KEYS = frozenset({"LOWER", "LEMMA", "NORM", "TEXT", "ORTH"})
"""Attributes whose value is a word, never true or false."""


class _BadRegex(Exception):
    """A per-token ``REGEX`` Python cannot compile, or one that could take forever."""

    def __init__(self, path: tuple[object, ...], problem: str) -> None:
        super().__init__(problem)
        self.path = path
        self.problem = problem


class _YesNo(Exception):
    """A word that YAML read as true or false (on, off, yes, no unquoted)."""

    def __init__(self, path: tuple[object, ...]) -> None:
        super().__init__("yes/no")
        self.path = path


def _expand(value: Any, classes: dict[str, tuple[str, ...]], path: tuple[object, ...]) -> Any:
    """Replace ``$class`` by its words and ``ACTOR`` by the token attribute it reads."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            here = (*path, key)
            if key == "ACTOR":
                out[ACTOR] = _expand(item, classes, here)
            elif key in ("IN", "NOT_IN") and isinstance(item, list | tuple):
                words: list[str] = []
                for j, word in enumerate(item):
                    if isinstance(word, bool):
                        raise _YesNo((*here, j))
                    if isinstance(word, str) and word.startswith("$"):
                        words.extend(_class(word, classes, (*here, j)))
                    else:
                        words.append(word)
                out[key] = words
            elif isinstance(item, bool) and key in _WORD_KEYS:
                raise _YesNo(here)
            elif key == "REGEX" and isinstance(item, str):
                problem = pattern_problem(item)
                if problem is not None:
                    raise _BadRegex(here, problem)
                out[key] = item
            elif isinstance(item, str) and item.startswith("$") and key not in ("REGEX",):
                out[key] = {"IN": list(_class(item, classes, here))}
            else:
                out[key] = _expand(item, classes, here)
        return out
    if isinstance(value, list | tuple):
        return [_expand(v, classes, (*path, j)) for j, v in enumerate(value)]
    return value


def _class(word: str, classes: dict[str, tuple[str, ...]], path: tuple[object, ...]) -> list[str]:
    name = word[1:]
    if name not in classes:
        raise _Unknown(name, path)
    words = list(classes[name])
    # LEMMA and LOWER compare exact strings: give both cases of "I" and capitalised starts.
    return words + [w.capitalize() for w in words if w.capitalize() != w]


def _pattern_error(kind: str, pattern: list[TokenSpec]) -> str | None:
    """Return why spaCy refuses a pattern, or None; checked on a blank vocabulary."""
    from spacy.errors import MatchPatternError
    from spacy.matcher import DependencyMatcher, Matcher
    from spacy.vocab import Vocab

    if kind != "patterns":
        for node in pattern:
            attrs = node.get("RIGHT_ATTRS") if isinstance(node, dict) else None
            if not isinstance(node, dict) or (attrs is not None and not isinstance(attrs, dict)):
                return "each node of a dependency pattern must be a mapping, its RIGHT_ATTRS too"
    try:
        if kind == "patterns":
            Matcher(Vocab(), validate=True).add("x", [pattern])
        else:
            DependencyMatcher(Vocab(), validate=True).add("x", [pattern])
    except (MatchPatternError, ValueError, KeyError, TypeError) as exc:
        return " ".join(str(exc).split())
    return None


MAX_OPTIONAL_TOKENS = 12
"""The most tokens a token pattern may leave optional ("?" counts one, "{0,8}" eight).

spaCy's matcher follows every way of filling the optional tokens at once, so its work grows
with the number of combinations: with sixteen a reply took ten milliseconds, with
twenty-one a third of a second. A gap of any length is one ``*``, which costs no more than
one token."""


def _optional_problem(pattern: list[TokenSpec]) -> str | None:
    """Say why a token pattern has too many optional tokens to match quickly, or None."""
    optional = 0
    for node in pattern:
        least, most = _width(str(node.get("OP", "")))
        if most is not None:
            optional += most - least
    if optional <= MAX_OPTIONAL_TOKENS:
        return None
    return (
        f"{optional} of its tokens are optional (each '?' is one, '{{0,8}}' eight), more than "
        f"{MAX_OPTIONAL_TOKENS}: matching tries every way of filling them and can take seconds "
        "on one reply; use OP '*' for a gap of any length"
    )


class _AcceptedPatterns:
    """Patterns spaCy has already accepted, remembered in the cache folder, so that loading
    the same rules again does not ask spaCy to check each of their patterns again (its
    check is most of the time it takes to load the rules).

    A pattern is known by a hash of its kind and its expanded form, and the file is named
    by the spaCy version that accepted it: only a pattern spaCy accepted exactly as it is
    ever skips the check. A file that cannot be read or written costs only time.
    """

    MAX_KEPT = 20_000

    def __init__(self) -> None:
        tag = "".join(c if c.isalnum() or c in "._-" else "_" for c in model_tag())
        self.path = cache_folder() / f"patterns-accepted-{tag}.json"
        self._known: set[str] = set()
        self._used: set[str] = set()
        try:
            data, problem = read_json(self.path.read_text(encoding="utf-8"), str(self.path))
        except (OSError, UnicodeDecodeError):
            data, problem = None, None
        if problem is None and isinstance(data, list):
            self._known = {k for k in data if isinstance(k, str)}

    def error(self, kind: str, pattern: list[TokenSpec]) -> str | None:
        """Return why spaCy refuses the pattern, or None, asking spaCy only when unknown."""
        text = json.dumps([kind, pattern], sort_keys=True, ensure_ascii=True, default=str)
        key = hashlib.blake2b(text.encode("ascii"), digest_size=12).hexdigest()
        if key in self._known:
            self._used.add(key)
            return None
        problem = _pattern_error(kind, pattern)
        if problem is None:
            self._used.add(key)
        return problem

    def save(self) -> None:
        """Remember the patterns this load used, if any were new."""
        if self._used <= self._known:
            return
        keep = sorted(self._used | set(sorted(self._known)[: self.MAX_KEPT - len(self._used)]))
        save_for_later(self.path, json.dumps(keep).encode("ascii"))


def compile_parse_rules(folder: Path) -> tuple[ParseRuleSet | None, list[Problem]]:
    """Load, validate and expand the word classes and every move's rules in a rule folder.

    Returns None with every problem when any file fails: an unknown class, a pattern spaCy
    refuses, a rule id used twice, each at its line and column.
    """
    accepted = _AcceptedPatterns()
    problems: list[Problem] = []
    classes_path = folder / CLASSES_FILE
    data, smap, found = load_yaml(classes_path)
    problems.extend(found)
    classes: dict[str, tuple[str, ...]] = {}
    if not found:
        model, found = validate_model(ClassesFile, data, smap)
        problems.extend(found)
        if isinstance(model, ClassesFile):
            classes = {k: tuple(str(w).lower() for w in v) for k, v in model.classes.items()}
            for name in REQUIRED_CLASSES:
                if name not in classes:
                    line, col = smap.locate(("classes",))
                    message = f"the class '{name}' is missing: the engine reads it"
                    problems.append(Problem(smap.file, line, col, "missing-class", message))
    compiled: list[CompiledParseRule] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name in (CLASSES_FILE, LANGUAGE_FILE):
            continue
        data, fsmap, found = load_yaml(path)
        problems.extend(found)
        if found:
            continue
        model, found = validate_model(MoveFile, data, fsmap)
        problems.extend(found)
        if not isinstance(model, MoveFile):
            continue
        for index, rule in enumerate(model.rules):
            line, col = fsmap.locate(("rules", index, "id"))
            if rule.id in seen:
                message = f"rule id '{rule.id}' is already used in {seen[rule.id]}"
                problems.append(Problem(fsmap.file, line, col, "duplicate-rule", message))
                continue
            seen[rule.id] = f"{fsmap.file}:{line}"
            expanded: dict[str, list[list[TokenSpec]]] = {"patterns": [], "dependency": []}
            ok = True
            if rule.refers_to is not None and rule.refers_to not in classes:
                r_line, r_col = fsmap.locate(("rules", index, "refers_to"))
                message = f"rule '{rule.id}': unknown word class '{rule.refers_to}'"
                problems.append(Problem(fsmap.file, r_line, r_col, "unknown-class", message))
                ok = False
            for kind in ("patterns", "dependency"):
                for p_index, pattern in enumerate(getattr(rule, kind)):
                    where = ("rules", index, kind, p_index)
                    try:
                        spec = _expand(list(pattern), classes, where)
                    except _YesNo as exc:
                        p_line, p_col = fsmap.locate(exc.path)
                        message = (
                            f"rule '{rule.id}': YAML reads an unquoted on, off, yes or no as "
                            "true or false; put the word in quotes"
                        )
                        problems.append(Problem(fsmap.file, p_line, p_col, "yes-no-word", message))
                        ok = False
                        continue
                    except _BadRegex as exc:
                        p_line, p_col = fsmap.locate(exc.path)
                        message = f"rule '{rule.id}': pattern cannot be used: {exc.problem}"
                        problems.append(Problem(fsmap.file, p_line, p_col, "bad-pattern", message))
                        ok = False
                        continue
                    except _Unknown as exc:
                        p_line, p_col = fsmap.locate(exc.path)
                        message = f"rule '{rule.id}': unknown word class '${exc.name}'"
                        problems.append(
                            Problem(fsmap.file, p_line, p_col, "unknown-class", message)
                        )
                        ok = False
                        continue
                    error = accepted.error(kind, spec)
                    if error is None and kind == "patterns":
                        error = _optional_problem(spec)
                    if error is not None:
                        p_line, p_col = fsmap.locate(where)
                        message = f"rule '{rule.id}': pattern cannot be used: {error}"
                        problems.append(Problem(fsmap.file, p_line, p_col, "bad-pattern", message))
                        ok = False
                        continue
                    expanded[kind].append(spec)
            if ok:
                compiled.append(
                    CompiledParseRule(
                        rule,
                        rule.move or model.move,
                        tuple(tuple(p) for p in expanded["patterns"]),
                        tuple(tuple(p) for p in expanded["dependency"]),
                        fsmap,
                        index,
                    )
                )
    accepted.save()
    if problems:
        return None, problems
    return (
        ParseRuleSet(tuple(compiled), classes, roles_from(classes)),
        [],
    )
