"""Turning a YAML node tree into plain Python values, with every failure marked at its node.

PyYAML's safe constructor reports a wrong structure (a list tagged ``!!map``) as a marked
error, but a scalar it cannot convert escapes as a bare ``ValueError`` or ``KeyError``:
``date: 2024-13-45``, ``!!int abc``, ``!!bool maybe``, an integer longer than Python will
convert. :class:`ValueConstructor` catches each such failure at the node being built and
raises it again as a :class:`yaml.constructor.ConstructorError` at that node's line and
column, in plain words, so every caller deals with one kind of error. It stays a safe
constructor: any tag it does not know (``!!python/object``, ``!custom``) is refused.

This module needs only PyYAML, so the picker's quick first read can use it too.
"""

from __future__ import annotations

import re
from typing import Any, Final

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import Node, ScalarNode
from yaml.resolver import Resolver

COMPOSER: Final = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it (it is much faster), else PyYAML's."""

MAX_INT_DIGITS: Final = 4300
"""The longest whole number read, in digits: Python's own limit for converting text to int."""

_INT_BOUND: Final = 10**MAX_INT_DIGITS
_STANDARD: Final = "tag:yaml.org,2002:"
_SHOWN: Final = 40

_WHAT: Final[dict[str, str]] = {
    f"{_STANDARD}int": "a whole number",
    f"{_STANDARD}float": "a number",
    f"{_STANDARD}bool": "true or false",
    f"{_STANDARD}timestamp": "a valid date",
    f"{_STANDARD}binary": "base64-encoded binary data",
    f"{_STANDARD}null": "empty (null)",
}
"""What a scalar with each standard tag must be, in words a tutor reads."""

_DATE_PART: Final = re.compile(r"(?:year|month|day|hour|minute|second) [a-z .0-9]+$")
"""``datetime``'s own reasons that read well to a tutor: "month must be in 1..12"."""

_CONVERSION_FAILURES: Final = (
    ValueError,
    KeyError,
    IndexError,
    AttributeError,
    TypeError,
    OverflowError,
)
"""What PyYAML's scalar constructors raise on text they cannot convert (not marked errors)."""


def short_tag(tag: str) -> str:
    """Write a tag as it is written in a file: ``!!int`` rather than its full URI."""
    return "!!" + tag[len(_STANDARD) :] if tag.startswith(_STANDARD) else tag


def _shown(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _implicit(node: ScalarNode) -> bool:
    """Whether the value would be read as this type unquoted, without any tag written."""
    # PyYAML marks a plain scalar's style None, libyaml's composer "".
    plain = not node.style
    return plain and Resolver().resolve(ScalarNode, node.value, (True, False)) == node.tag


class ValueConstructor(SafeConstructor):
    """PyYAML's safe constructor, whose every failure is a marked error at the node at fault."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        """Build the value of ``node``; a scalar that cannot be converted is a marked error."""
        try:
            return super().construct_object(node, deep=deep)
        except _CONVERSION_FAILURES as exc:
            raise ConstructorError(None, None, _failure(node, exc), node.start_mark) from None

    def construct_yaml_int(self, node: ScalarNode) -> int:
        """Read a whole number, refusing one too long to convert or to write out again."""
        text = str(node.value)
        digits = sum(ch.isalnum() for ch in text)
        if digits > MAX_INT_DIGITS:
            raise ConstructorError(
                None,
                None,
                f"a whole number of {digits} digits is too long (the most is {MAX_INT_DIGITS})",
                node.start_mark,
            )
        value: int = super().construct_yaml_int(node)
        if abs(value) >= _INT_BOUND:
            raise ConstructorError(
                None,
                None,
                f"'{_shown(text)}' is too large a number (more than {MAX_INT_DIGITS} digits)",
                node.start_mark,
            )
        return value

    def construct_undefined(self, node: Node) -> Any:
        """Refuse a tag this loader does not know, naming it as the file writes it."""
        raise ConstructorError(
            None,
            None,
            f"unknown tag '{_shown(short_tag(str(node.tag)))}'; "
            "only plain YAML values can be read (remove the tag)",
            node.start_mark,
        )


ValueConstructor.add_constructor(f"{_STANDARD}int", ValueConstructor.construct_yaml_int)
ValueConstructor.add_constructor(None, ValueConstructor.construct_undefined)


def _failure(node: Node, exc: Exception) -> str:
    """Say in plain words why a scalar could not be converted."""
    tag = str(node.tag)
    what = _WHAT.get(tag, f"a value tagged {short_tag(tag)}")
    if not isinstance(node, ScalarNode):
        return f"this cannot be read as {what}"
    message = f"'{_shown(str(node.value))}' is not {what}"
    if tag == f"{_STANDARD}timestamp" and _DATE_PART.match(str(exc)):
        message += f" ({exc})"
    if _implicit(node):
        message += "; put it in quotes if it is meant as text"
    elif tag in _WHAT:
        message += f" (it is tagged {short_tag(tag)})"
    return message


__all__ = ["COMPOSER", "MAX_INT_DIGITS", "ValueConstructor", "short_tag"]
