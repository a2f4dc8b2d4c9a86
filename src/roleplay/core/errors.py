"""The exceptions roleplay raises, all under one root so callers can catch them together.

::

    RoleplayError
    ├── InvalidFileError      a file a person wrote has problems (carries them all)
    ├── UnknownIdError        a framework, scenario or rule id that does not exist
    ├── InputError            a reply, replies file or argument that cannot be used
    ├── ConversationOver      a reply after the conversation ended   (core.dialogue)
    ├── SaveError             an attempt could not be written to disk (core.transcript)
    └── ResumeError           an attempt cannot be resumed            (core.transcript)

The command line catches ``RoleplayError`` at the edge, prints one ``error: …`` line per
problem and exits 1; nothing below it prints.
"""

from __future__ import annotations

from collections.abc import Sequence

from roleplay.core.problems import Problem


class RoleplayError(Exception):
    """The root of every error roleplay raises on purpose."""


class InvalidFileError(RoleplayError):
    """A YAML file failed to load or validate; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownIdError(RoleplayError):
    """An id was asked for that is not known; ``known`` lists the ids that are."""

    def __init__(self, kind: str, given: str, known: Sequence[str]) -> None:
        self.kind = kind
        self.given = given
        self.known: tuple[str, ...] = tuple(known)
        super().__init__(f"unknown {kind} '{given}'; known: {', '.join(self.known)}")


class InputError(RoleplayError):
    """Input that cannot be used as given, such as a malformed line of a replies file."""
