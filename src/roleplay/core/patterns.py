"""Checking a regular expression a person wrote before anything compiles or indexes it.

Cue rules and the legislation catalogue hold regular expressions written by hand. Python's
``re`` raises more than ``re.error`` on some of them: a repetition count above its limit
(``a{9999999999}``) is an ``OverflowError``, and a few hundred nested groups exhaust the
recursion of its parser (and of the prefix index, which reads the same parse tree). And a
pattern that compiles may still never finish matching: a repeated group that itself holds a
repetition (``([a-z]+ ?)+x``) backtracks through every way of splitting the text between
the two, which doubles with each word. So :func:`pattern_problem` refuses those first, in
words, and only then compiles.
"""

from __future__ import annotations

import re
import warnings
from re import _constants as _sre_c  # type: ignore[attr-defined]
from re import _parser as _sre_p  # type: ignore[attr-defined]
from typing import Any, Final

MAX_GROUP_DEPTH: Final = 30
"""The deepest nesting of groups a pattern may have: the bundled rules need five or six."""


def group_depth(pattern: str) -> int:
    """Return how deeply the groups of ``pattern`` nest, without parsing it.

    Escaped brackets (``\\(``) and brackets inside a character class (``[()]``) do not count.
    """
    depth = deepest = 0
    i = 0
    in_class = False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
        elif char == "[":
            in_class = True
            # A "]" straight after "[" or "[^" is a literal, not the end of the class.
            if pattern.startswith("^]", i + 1):
                i += 2
            elif pattern.startswith("]", i + 1):
                i += 1
        elif char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth = max(0, depth - 1)
        i += 1
    return deepest


_REPEATS: Final = (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT, _sre_c.POSSESSIVE_REPEAT)

NESTED_REPEAT: Final = (
    "a repeated group that itself repeats can take forever to match, since the text can be "
    "split between the two repetitions in too many ways; repeat the group or what is inside "
    "it, not both, or give the group a count such as {0,5}"
)


def _parts(op: Any, av: Any) -> list[Any]:
    """The sub-patterns one parsed item holds (a group's body, each branch, …)."""
    if op in _REPEATS:
        return [av[2]]
    if op is _sre_c.SUBPATTERN:
        return [av[3]]
    if op is _sre_c.BRANCH:
        return list(av[1])
    if op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
        return [av[1]]
    if op is _sre_c.ATOMIC_GROUP:
        return [av]
    if op is _sre_c.GROUPREF_EXISTS:
        return [part for part in av[1:] if part is not None]
    return []


def _is_unbounded(op: Any, av: Any) -> bool:
    """Whether a parsed item is a repetition with no upper count (``+``, ``*``, ``{n,}``)."""
    return op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT) and av[1] == _sre_c.MAXREPEAT


def _repeats_without_end(items: Any) -> bool:
    return any(
        _is_unbounded(op, av) or any(_repeats_without_end(part) for part in _parts(op, av))
        for op, av in items
    )


def has_nested_repeat(items: Any) -> bool:
    """Whether a parsed pattern repeats, with no upper count, something that itself does.

    A possessive repetition (``*+``) gives nothing back, so it is neither kind.
    """
    for op, av in items:
        if _is_unbounded(op, av) and _repeats_without_end(av[2]):
            return True
        if any(has_nested_repeat(part) for part in _parts(op, av)):
            return True
    return False


def pattern_problem(pattern: str) -> str | None:
    """Say why ``pattern`` cannot be used as a regular expression, or None when it can."""
    depth = group_depth(pattern)
    if depth > MAX_GROUP_DEPTH:
        return f"groups are nested {depth} deep; the most is {MAX_GROUP_DEPTH}"
    try:
        with warnings.catch_warnings():
            # Python warns of a pattern whose meaning a later version will change (a "["
            # inside a set, say); a rule must mean one thing, so the warning is a problem.
            warnings.simplefilter("error", FutureWarning)
            re.compile(pattern)
            parsed = _sre_p.parse(pattern, 0)
    except FutureWarning as warning:
        return f"ambiguous regular expression: {warning}; escape the character with a backslash"
    except re.error as exc:
        return f"not a valid regular expression: {exc}"
    except OverflowError:
        return "not a valid regular expression: a repetition count is too large"
    except RecursionError:
        return "the pattern is too complex to compile"
    if has_nested_repeat(parsed):
        return NESTED_REPEAT
    return None


__all__ = [
    "MAX_GROUP_DEPTH",
    "NESTED_REPEAT",
    "group_depth",
    "has_nested_repeat",
    "pattern_problem",
]
