"""Problems found in a file a person wrote, as values rather than exceptions.

A tutor with five mistakes should see five lines, so loaders collect every problem they find
and return them together; only the command line turns them into output and an exit code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

_BREAKS: Final = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
"""Characters that would break a line or drive the terminal: all controls but the tab."""

_NAMED: Final = {"\n": "\\n", "\r": "\\r"}


def one_line(text: str) -> str:
    """Write ``text`` on one line: a newline shows as ``\\n``, other controls as ``\\xNN``.

    A file name or a value quoted in a message can hold a newline; printed as it is, one
    problem would read as two lines, and an editor would take the second for a problem.
    """
    return _BREAKS.sub(lambda m: _NAMED.get(m.group(), repr(m.group())[1:-1]), text)


class Severity(StrEnum):
    """How serious a problem is: errors fail ``validate``; warnings are reported only."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in one file, at a 1-based line and column (0 when unknown)."""

    file: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        """Format as ``file:line:col: message``, the shape editors and linters understand."""
        prefix = "" if self.severity is Severity.ERROR else "warning: "
        text = f"{self.file}:{self.line}:{self.col}: {prefix}{self.message} [{self.code}]"
        return one_line(text)


def has_errors(problems: list[Problem] | tuple[Problem, ...]) -> bool:
    """Return True when any of ``problems`` is an error rather than a warning."""
    return any(p.severity is Severity.ERROR for p in problems)
