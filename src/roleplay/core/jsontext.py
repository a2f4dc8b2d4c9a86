"""Reading JSON that a person or a crash may have mangled, with every problem positioned.

``json.loads`` fails in three ways a file can provoke: a syntax error (with a position), a
number longer than Python will convert (a ``ValueError`` with no position), and nesting
deep enough to exhaust the interpreter's stack (a ``RecursionError``). :func:`read_json`
turns all three into one :class:`~roleplay.core.problems.Problem` at the line and column of
the cause, and refuses nesting deeper than :data:`MAX_DEPTH` before parsing, so nothing
that later copies, validates or re-encodes the data can run out of stack either. Every
JSON roleplay reads (transcripts, ``score --jsonl`` lines, settings, the rule cache) goes
through it.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Final

from roleplay.core.problems import Problem

MAX_DEPTH: Final = 64
"""The deepest nesting of arrays and objects read; roleplay's own files nest five deep."""

_STRING: Final = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_BRACKETS: Final = re.compile(_STRING + r"|[\[{]|[\]}]", re.DOTALL)
_LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_LONG_NUMBER: Final = r"(?<![\d.eE+-])-?\d{{{digits},}}"


def read_json(
    text: str, file: str, *, first_line: int = 1, what: str = "the file"
) -> tuple[object, Problem | None]:
    """Parse ``text`` as JSON; return ``(data, None)``, or ``(None, problem)`` when it is not.

    ``file`` names the file in the problem; ``first_line`` is the line of the file that
    ``text`` begins on (for one line of a JSONL file); ``what`` names the text in messages
    ("the transcript", "the line"). Never raises for any string.
    """
    deep = _too_deep(text)
    if deep is not None:
        line, col = _position(text, deep)
        message = f"not valid JSON here: nested more than {MAX_DEPTH} levels deep"
        return None, Problem(file, first_line + line - 1, col, "too-deep", message)
    try:
        return _without_surrogates(json.loads(text)), None
    except json.JSONDecodeError as exc:
        return None, _syntax_problem(text, file, first_line, what, exc)
    except ValueError:
        return None, _long_number_problem(text, file, first_line)


def _without_surrogates(value: object) -> object:
    """``value`` with every lone surrogate (a ``\\ud800`` escape alone) written as U+FFFD.

    JSON may escape half of a surrogate pair, but no text can hold one, so nothing after
    reading (validation, hashing, printing) could handle it; roleplay never writes one.
    """
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


def _too_deep(text: str) -> int | None:
    """Return the offset of the bracket that opens level ``MAX_DEPTH + 1``, if any does."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth = 0
    for token in _BRACKETS.finditer(text):
        char = token.group()
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return token.start()
        elif char in "]}":
            depth -= 1
    return None


def _syntax_problem(
    text: str, file: str, first_line: int, what: str, exc: json.JSONDecodeError
) -> Problem:
    """Describe a syntax error; one at the very end means the text was cut off."""
    line = first_line + exc.lineno - 1
    stripped = text.rstrip()
    cut_off = (
        exc.pos >= len(stripped)
        or exc.msg.startswith("Unterminated string")
        or not stripped.endswith(("}", "]"))
    )
    if cut_off and stripped.startswith(("{", "[")):
        message = f"{what} ends too early, as if cut off while saving ({exc.msg})"
        return Problem(file, line, exc.colno, "truncated", message)
    return Problem(file, line, exc.colno, "not-json", f"not valid JSON: {exc.msg}")


def _long_number_problem(text: str, file: str, first_line: int) -> Problem:
    """Point at the first number too long for Python to read (outside any string)."""
    limit = sys.get_int_max_str_digits()
    pattern = re.compile(_STRING + "|" + _LONG_NUMBER.format(digits=limit + 1), re.DOTALL)
    for token in pattern.finditer(text):
        if token.group().startswith('"'):
            continue
        line, col = _position(text, token.start())
        digits = len(token.group().lstrip("-"))
        message = (
            f"not valid JSON here: a number of {digits:,} digits, "
            f"longer than the {limit:,} that can be read"
        )
        return Problem(file, first_line + line - 1, col, "number-too-long", message)
    message = "not valid JSON: a number is too long to read"
    return Problem(file, first_line, 1, "number-too-long", message)


def _position(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


__all__ = ["MAX_DEPTH", "read_json"]
