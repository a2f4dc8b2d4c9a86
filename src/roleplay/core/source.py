"""Reading YAML a person wrote: plain data, plus where in the file each part came from.

Tutors write scenarios and rubrics by hand, so a mistake must be reported the way their
editor understands it: ``file:line:col: message``, 1-based, like yamllint. ``load_yaml``
therefore keeps PyYAML's node tree (built with the safe loader only) long enough to record
the line and column of every key and value, keyed by the same paths that pydantic puts in
an error's ``loc``; ``validate_model`` then maps each validation error through that
:class:`SourceMap` to a position and a short message in plain British English.

Nothing here raises for bad input: unreadable files, bad encodings, syntax errors, values
that cannot be converted (``date: 2024-13-45``, ``!!int abc``), duplicate keys and alias
bombs all come back as :class:`~roleplay.core.problems.Problem` values, so the caller can
report every one of them at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError
from rapidfuzz import process, utils
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from roleplay.core.files import read_file
from roleplay.core.problems import Problem
from roleplay.core.yamlcache import remember, remembered
from roleplay.core.yamlvalues import COMPOSER, ValueConstructor

Key = str | int
"""One step of a path into loaded data: a mapping key or a list index."""

KeyPath = tuple[Key, ...]
"""A path into loaded data, shaped like pydantic's error ``loc``: ``("steps", 2, "moves")``."""

Position = tuple[int, int]
"""A 1-based ``(line, column)`` in a file."""

M = TypeVar("M", bound=BaseModel)

ALIAS_EXPANSION_LIMIT: Final = 100_000
"""The most values aliases may add to a document (beyond those written) before it is refused.

Aliases let a few lines of YAML stand for billions of values (the "billion laughs"); the
data itself stays small because PyYAML shares it, but validating it would never finish.
Values written out in full cost only the reading, so they do not count.
"""

_MERGE_TAG: Final = "tag:yaml.org,2002:merge"

_EXPECTED: Final[dict[str, str]] = {
    "string_type": "text",
    "string_unicode": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",
    "set_type": "a list",
    "frozen_set_type": "a list",
    "dict_type": "a mapping of names to values",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
    "dataclass_type": "a mapping of fields",
}
"""What a type error's input should have been, in words a tutor uses."""


@dataclass(frozen=True)
class SourceMap:
    """Where each part of a loaded YAML document sits in its file.

    ``keys`` maps a path to the position of the node that names it: the key itself for a
    mapping entry, the item for a list entry, the start of the document for ``()``.
    ``values`` maps the same paths to the position of the value. Positions are 1-based
    ``(line, column)``, as editors and linters count them.
    """

    file: str
    keys: Mapping[KeyPath, Position] = field(default_factory=lambda: MappingProxyType({}))
    values: Mapping[KeyPath, Position] = field(default_factory=lambda: MappingProxyType({}))

    def locate(self, path: Sequence[object]) -> Position:
        """Return the position of ``path``, or of its deepest ancestor that the file has.

        A pydantic error about a missing field names a path that is not in the file, so
        this points at the mapping that should have held it; a file with nothing in it
        gives ``(1, 1)``.
        """
        return _deepest(self.keys, tuple(path))

    def locate_value(self, path: Sequence[object]) -> Position:
        """Return the position of the value at ``path``, or of its deepest known ancestor."""
        return _deepest(self.values, tuple(path))


def _deepest(positions: Mapping[KeyPath, Position], path: tuple[object, ...]) -> Position:
    for end in range(len(path), -1, -1):
        found = positions.get(path[:end])  # type: ignore[call-overload]
        if found is not None:
            return found
    return (1, 1)


def load_yaml(
    file: str | Path, text: str | bytes | None = None
) -> tuple[object, SourceMap, list[Problem]]:
    """Load one YAML document into plain Python data, with a source map and any problems.

    ``file`` names the file in messages; when ``text`` is None the file is read from that
    path (see :func:`roleplay.core.files.read_file`), and bytes, read or given, are decoded
    as UTF-8. Only the safe loader is used, so no tag can run code. An empty file loads as
    None without a problem. On a problem that leaves no usable data (unreadable file, bad
    encoding, syntax error, alias bomb, a value that cannot be converted) the data is None;
    duplicate keys are reported but the document still loads, the later value winning as
    in PyYAML. A large document read before without a problem is taken from the cache
    (:mod:`roleplay.core.yamlcache`), keyed by its text, exactly as it was first read.
    """
    name = str(file)
    empty = SourceMap(name)
    if text is None:
        raw = read_file(file, name=name)
        if isinstance(raw, Problem):
            return None, empty, [raw]
        text = raw
    if isinstance(text, bytes):
        decoded = decode_text(text, name)
        if isinstance(decoded, Problem):
            return None, empty, [decoded]
        text = decoded

    if (kept := remembered(text)) is not None:
        data, keys, values = kept
        return data, SourceMap(name, MappingProxyType(keys), MappingProxyType(values)), []

    try:
        root = yaml.compose(text, Loader=COMPOSER)
    except yaml.MarkedYAMLError as exc:
        return None, empty, [_marked_problem(name, exc, "yaml-syntax", "YAML syntax error")]
    except yaml.YAMLError as exc:
        return None, empty, [_reader_problem(name, text, exc)]
    except RecursionError:
        message = "the document is nested too deeply to read"
        return None, empty, [Problem(name, 1, 1, "yaml-syntax", message)]
    if root is None:
        return None, empty, []

    alias_problem = _check_aliases(name, root)
    if alias_problem is not None:
        return None, empty, [alias_problem]

    keys, values, problems = _map_nodes(name, root)
    smap = SourceMap(name, MappingProxyType(keys), MappingProxyType(values))
    try:
        data = ValueConstructor().construct_document(root)
    except yaml.MarkedYAMLError as exc:
        problems.append(_marked_problem(name, exc, "yaml-value", "cannot read this value"))
        return None, smap, problems
    except RecursionError:
        problems.append(Problem(name, 1, 1, "yaml-syntax", "the document is nested too deeply"))
        return None, smap, problems
    if not problems:
        remember(text, data, keys, values)
    return data, smap, problems


def decode_text(raw: bytes, name: str) -> str | Problem:
    """Decode a file's bytes as UTF-8 (a byte-order mark allowed), or say where it is not."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        col = len(raw[line_start : exc.start].decode("utf-8-sig", errors="replace")) + 1
        message = f"not valid UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        return Problem(name, line, col, "encoding", message)


def _position(node: Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _marked_problem(name: str, exc: yaml.MarkedYAMLError, code: str, lead: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    detail = exc.problem or exc.context or "unreadable YAML"
    if exc.context and exc.problem and exc.problem.startswith("but "):
        # PyYAML splits sentences such as "expected a single document …, but found another".
        return Problem(name, line, col, code, f"{lead}: {exc.context}, {exc.problem}")
    message = f"{lead}: {detail}"
    if exc.context and exc.problem and exc.context_mark is not None:
        where = f"line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1}"
        message += f" ({exc.context} at {where})"
    return Problem(name, line, col, code, message)


def _reader_problem(name: str, text: str, exc: yaml.YAMLError) -> Problem:
    position = getattr(exc, "position", None)
    if isinstance(position, int) and 0 <= position <= len(text):
        line = text.count("\n", 0, position) + 1
        col = position - (text.rfind("\n", 0, position) + 1) + 1
    else:
        line, col = 1, 1
    reason = getattr(exc, "reason", None)
    character = getattr(exc, "character", None)
    if reason and isinstance(character, str):
        detail = f"character #x{ord(character):04x} is not allowed in YAML ({reason})"
    else:
        detail = str(exc).splitlines()[0] if str(exc) else "unreadable YAML"
    return Problem(name, line, col, "yaml-syntax", f"YAML syntax error: {detail}")


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _check_aliases(name: str, root: Node) -> Problem | None:
    """Refuse alias loops, and documents that aliases expand by more than the limit.

    Each node written once counts once however large the document; only the repeats an
    alias makes count towards :data:`ALIAS_EXPANSION_LIMIT`.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] - len(sizes) > ALIAS_EXPANSION_LIMIT:
                # Every node finished so far is one written node; the rest came from aliases.
                return _alias_bomb(name)
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            # Only the ancestors of the current node are open, so this is a loop.
            line, col = _position(node)
            message = "an alias refers to the mapping or list that contains it (a loop)"
            return Problem(name, line, col, "yaml-alias", message)
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)
    return None


def _alias_bomb(name: str) -> Problem:
    message = (
        f"aliases expand this document by more than {ALIAS_EXPANSION_LIMIT} values; "
        "write the repeated parts out instead"
    )
    return Problem(name, 1, 1, "yaml-alias", message)


def _key_of(node: Node, constructor: ValueConstructor) -> Key:
    """Return the path step a mapping key node stands for, as pydantic would name it."""
    if not isinstance(node, ScalarNode) or node.tag == _MERGE_TAG:
        if isinstance(node, ScalarNode):
            return str(node.value)
        line, col = _position(node)
        return f"<{node.id} at {line}:{col}>"
    try:
        value = constructor.construct_object(node)
    except yaml.YAMLError:
        return node.value
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    return node.value


def _map_nodes(
    name: str, root: Node
) -> tuple[dict[KeyPath, Position], dict[KeyPath, Position], list[Problem]]:
    """Record every key's and value's position, and report duplicate keys."""
    keys: dict[KeyPath, Position] = {(): _position(root)}
    values: dict[KeyPath, Position] = {(): _position(root)}
    problems: list[Problem] = []
    constructor = ValueConstructor()
    seen: set[int] = set()
    stack: list[tuple[KeyPath, Node]] = [((), root)]
    while stack:
        path, node = stack.pop()
        if id(node) in seen:
            # An alias: its contents are mapped under the path where the anchor stands.
            continue
        seen.add(id(node))
        children: list[tuple[KeyPath, Node, Node]] = []
        if isinstance(node, MappingNode):
            first: dict[Key, Node] = {}
            entries: dict[Key, tuple[Node, Node]] = {}
            for key_node, value_node in node.value:
                key = _key_of(key_node, constructor)
                if key in first:
                    line, col = _position(key_node)
                    earlier = first[key].start_mark.line + 1
                    message = f"duplicate key '{key}' (first defined on line {earlier})"
                    problems.append(Problem(name, line, col, "duplicate-key", message))
                else:
                    first[key] = key_node
                # PyYAML keeps the last of duplicate keys, so the map points there too.
                entries.pop(key, None)
                entries[key] = (key_node, value_node)
            children = [((*path, k), kn, vn) for k, (kn, vn) in entries.items()]
        elif isinstance(node, SequenceNode):
            children = [((*path, i), item, item) for i, item in enumerate(node.value)]
        for child_path, key_node, value_node in children:
            keys[child_path] = _position(key_node)
            values[child_path] = _position(value_node)
        # Reversed, so that nodes are visited in document order and an anchor is mapped
        # where it is written rather than where an alias repeats it.
        stack.extend((child_path, value_node) for child_path, _, value_node in reversed(children))
    return keys, values, problems


def did_you_mean(given: str, known: Iterable[str], cutoff: float = 70) -> str | None:
    """Return the entry of ``known`` nearest to ``given``, or None when none is close."""
    match = process.extractOne(
        given, list(known), processor=utils.default_process, score_cutoff=cutoff
    )
    return match[0] if match is not None else None


def unknown_id_error(kind: str, given: str, known: Sequence[str]) -> PydanticCustomError:
    """Build the validation error for an id that is not one of ``known``, with a suggestion.

    Validators raise it so that ``validate_model`` reports, for example,
    ``'apologize' is not a known move; did you mean 'apologise'?``.
    """
    suggestion = did_you_mean(given, known)
    template = "'{given}' is not a known {kind}"
    if suggestion is not None:
        template += "; did you mean '{suggestion}'?"
    context = {"given": given, "kind": kind, "suggestion": suggestion}
    return PydanticCustomError("unknown_id", template, context)


def format_path(path: Sequence[object]) -> str:
    """Write a key path the way a reader of the file thinks of it: ``steps[2].moves``."""
    out = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def validate_model(model: type[M], data: object, smap: SourceMap) -> tuple[M | None, list[Problem]]:
    """Validate ``data`` as ``model``, turning each validation error into a located Problem.

    Every error is reported, not only the first, each at the position ``smap`` gives for
    its path (or the deepest part of that path present in the file), with code ``schema``.
    A validator may point deeper than the field it checks by putting a path suffix under
    ``"at"`` in its error's context (a duplicate step id points at the second step's id).
    """
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    field_names = _field_names(model)
    problems = []
    for error in errors:
        if _counted_after_failures(error):
            continue
        loc = tuple(error["loc"])
        at = (error.get("ctx") or {}).get("at")
        if isinstance(at, tuple):
            loc += at
        line, col = smap.locate(loc)
        message = _describe(error, loc, data, field_names)
        problems.append(Problem(smap.file, line, col, "schema", message))
    problems.sort(key=lambda p: (p.line, p.col))
    return None, problems


def _counted_after_failures(error: ErrorDetails) -> bool:
    """Return True for a "too short" error that only repeats its items' own errors.

    Pydantic counts a list's length after validating its items, so a list of two bad
    items is also reported as empty; the tutor wrote enough items, so that is noise.
    """
    if error["type"] != "too_short":
        return False
    given = error.get("input")
    least = (error.get("ctx") or {}).get("min_length", 0)
    return isinstance(given, list | tuple) and len(given) >= least


def _field_names(model: type[BaseModel]) -> set[str]:
    """Every field name of ``model`` and of the models nested in it, for suggestions."""
    names: set[str] = set()
    pending: list[type[BaseModel]] = [model]
    done: set[type[BaseModel]] = set()
    while pending:
        current = pending.pop()
        if current in done:
            continue
        done.add(current)
        for name, info in current.model_fields.items():
            names.add(info.alias or name)
            pending.extend(_models_in(info.annotation))
    return names


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in getattr(annotation, "__args__", ()):
        found.extend(_models_in(arg))
    return found


def _describe(error: ErrorDetails, loc: KeyPath, data: object, field_names: set[str]) -> str:
    """Say in a short sentence what is wrong, naming the place by its field path."""
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    value = error.get("input")
    path = format_path(loc)

    if kind == "missing":
        return _at(format_path(loc[:-1]), f"missing required field '{loc[-1]}'")
    if kind == "extra_forbidden":
        name = str(loc[-1])
        hint = did_you_mean(name, field_names - {name})
        text = f"unknown field '{name}'" + (f"; did you mean '{hint}'?" if hint else "")
        return _at(format_path(loc[:-1]), text)
    if kind in ("model_type", "dict_type") and not loc and data is None:
        return "the file is empty; expected a mapping of fields"
    if kind in _EXPECTED:
        return _at(path, f"expected {_EXPECTED[kind]}, got {_describe_input(value)}")
    if kind == "string_too_short":
        least = ctx.get("min_length", 1)
        text = "must not be empty" if least == 1 else f"must be at least {least} characters"
        return _at(path, text)
    if kind == "string_too_long":
        return _at(path, f"must be at most {ctx.get('max_length')} characters")
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return _at(path, f"needs at least {least} item{'s' if least != 1 else ''}")
    if kind == "too_long":
        most = ctx.get("max_length")
        return _at(path, f"can have at most {most} item{'s' if most != 1 else ''}")
    if kind in ("literal_error", "enum"):
        text = f"must be {ctx.get('expected')}, not {_describe_input(value)}"
        return _at(path, text)
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return _at(path, str(ctx["error"]))
    return _at(path, error["msg"])


def _at(path: str, text: str) -> str:
    return f"{path}: {text}" if path else text


def _describe_input(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"'{shown}'"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


__all__ = [
    "ALIAS_EXPANSION_LIMIT",
    "Key",
    "KeyPath",
    "Position",
    "SourceMap",
    "decode_text",
    "did_you_mean",
    "format_path",
    "load_yaml",
    "unknown_id_error",
    "validate_model",
]


def load_model_file(path: Path, model: type[M]) -> M:
    """Load a bundled data file into ``model``; raise InvalidFileError with every problem.

    For files shipped with roleplay, whose problems are a fault in the release rather than
    something the user can fix, so they must not pass quietly.
    """
    from roleplay.core.errors import InvalidFileError

    data, smap, problems = load_yaml(path)
    found, more = validate_model(model, data, smap) if data is not None else (None, [])
    problems.extend(more)
    if found is None or problems:
        raise InvalidFileError(problems)
    return found
