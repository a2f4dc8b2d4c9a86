"""Checking a regular expression a person wrote before anything compiles or indexes it.

Cue rules and the legislation catalogue hold regular expressions written by hand. Python's
``re`` raises more than ``re.error`` on some of them: a repetition count above its limit
(``a{9999999999}``) is an ``OverflowError``, and a few hundred nested groups exhaust the
recursion of its parser (and of the prefix index, which reads the same parse tree). So
:func:`pattern_problem` refuses those first, in words, and only then compiles.
"""

from __future__ import annotations

import re
import warnings
from typing import Final

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
    except FutureWarning as warning:
        return f"ambiguous regular expression: {warning}; escape the character with a backslash"
    except re.error as exc:
        return f"not a valid regular expression: {exc}"
    except OverflowError:
        return "not a valid regular expression: a repetition count is too large"
    except RecursionError:
        return "the pattern is too complex to compile"
    return None


__all__ = ["MAX_GROUP_DEPTH", "group_depth", "pattern_problem"]
