"""Problems found in a file a person wrote, as values rather than exceptions.

A tutor with five mistakes should see five lines, so loaders collect every problem they find
and return them together; only the command line turns them into output and an exit code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
        return f"{self.file}:{self.line}:{self.col}: {prefix}{self.message} [{self.code}]"


def has_errors(problems: list[Problem] | tuple[Problem, ...]) -> bool:
    """Return True when any of ``problems`` is an error rather than a warning."""
    return any(p.severity is Severity.ERROR for p in problems)
