"""One fuzz input (a :class:`Case`) and what running each of its commands gave (:class:`Outcome`).

A case is plain data, so it can be sent to a worker process, written to a folder for
reproduction and shown in a failure message. Paths in it are relative to the case's own
folder; ``{case}`` in an argument stands for that folder wherever it was created.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

CASE = "{case}"
"""Stands for the case's folder in arguments, expectations and symlink targets."""

EntryKind = Literal["file", "dir", "fifo", "symlink"]
CallKind = Literal["cli", "analyse", "self-test"]
Fate = Literal["finished", "hang", "memory", "crash", "skipped"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One thing to create in a case's folder before its commands run."""

    path: str
    kind: EntryKind = "file"
    content: bytes = b""
    target: str = ""
    """Where a symlink points (``{case}`` expands)."""


@dataclass(frozen=True, slots=True)
class Call:
    """One command of a case and what it must do besides the rules every command keeps.

    Every command must exit with a code in ``codes``, print no traceback, write every
    message on one line and finish in ``timeout`` seconds. When ``about`` is set and the
    command exits 1, a message must name that file (or a file under that folder) with a
    line and column inside the file; when ``expect_out`` is set, standard output must hold
    it (a good scenario is still listed beside a bad one).
    """

    argv: tuple[str, ...] = ()
    stdin: bytes = b""
    env: tuple[tuple[str, str], ...] = ()
    """Environment variables for this command only, over the worker's own."""
    kind: CallKind = "cli"
    text: str = ""
    """The reply (``analyse``), or the self-test action (``self-test``)."""
    customer: str | None = None
    codes: frozenset[int] = frozenset({0, 1, 2})
    about: str | None = None
    expect_out: str | None = None
    role: str = ""
    """What the command is for, where the oracle needs to know (``control``, ``edited``…)."""
    timeout: float = 20.0

    def expand(self, root: Path) -> tuple[str, ...]:
        """The arguments with ``{case}`` replaced by the case's folder."""
        return tuple(arg.replace(CASE, str(root)) for arg in self.argv)

    def environment(self) -> Mapping[str, str]:
        """This command's own environment variables, as a mapping."""
        return dict(self.env)

    def describe(self) -> str:
        """The command as a person would type it (arguments quoted where needed)."""
        if self.kind == "analyse":
            return f"analyse({_short(self.text)!r}, customer={_short(self.customer)!r})"
        if self.kind == "self-test":
            return f"self-test {self.text}"
        env = " ".join(f"{k}=…" for k, _ in self.env)
        words = " ".join(shlex.quote(_short(a)) for a in self.argv)
        stdin = f" < ({len(self.stdin)} bytes)" if self.stdin else ""
        return f"{env + ' ' if env else ''}roleplay {words}{stdin}"


@dataclass(frozen=True, slots=True, repr=False)
class Case:
    """One fuzz input: the files it needs and the commands that must survive it."""

    surface: str
    label: str
    """What was done to the input (the mutations applied), for whoever reads a failure."""
    entries: tuple[Entry, ...] = ()
    calls: tuple[Call, ...] = ()

    def __repr__(self) -> str:
        calls = "; ".join(c.describe() for c in self.calls)
        return f"Case({self.surface}: {self.label} | {calls})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Show the short form in hypothesis's reports, not every byte of every file."""
        printer.text(repr(self))

    def entry(self, path: str) -> Entry | None:
        """The entry at ``path`` (relative to the case folder), if the case has one."""
        return next((e for e in self.entries if e.path == path), None)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one command did: exit code, output, any exception that escaped, and its fate."""

    code: int | None
    stdout: str = ""
    stderr: str = ""
    error: str | None = None
    """The formatted traceback of an exception that escaped the command, if one did."""
    seconds: float = 0.0
    fate: Fate = "finished"


@dataclass(frozen=True, slots=True)
class Run:
    """A case as it was run: the folder it was created in and one outcome per command."""

    root: Path
    outcomes: tuple[Outcome, ...] = field(default_factory=tuple)


def _short(text: str | None, limit: int = 80) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return f"{text[:limit]}…(+{len(text) - limit} chars)"
