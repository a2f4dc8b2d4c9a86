"""Reading the files people hand roleplay: regular files only, and never more than a limit.

Every scenario, rubric, cue-rule file, replies file and transcript is read through
:func:`read_file`, so none of them can hang the program or fill its memory. A named pipe
with no writer would block an ordinary ``open`` for ever, and ``/dev/zero`` (or a link to
it) never ends; so the file is opened without waiting, checked with ``fstat`` to be a
regular file, and read up to a limit that no hand-written file comes near.

The path checks here (:func:`path_kind`) never raise either: a name longer than the system
allows (``ENAMETOOLONG``) or a loop of links is an answer, not an exception.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Final, Literal

from roleplay.core.problems import Problem

MAX_FILE_BYTES: Final = 5 * 1024 * 1024
"""The largest scenario, rubric, cue-rule or replies file read: far above any written by hand."""

MAX_TRANSCRIPT_BYTES: Final = 20 * 1024 * 1024
"""The largest transcript read: a long attempt is a few hundred kilobytes."""

_OPEN_FLAGS: Final = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a named pipe opens at once instead of waiting for a writer
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)

PathKind = Literal["file", "folder", "missing", "other", "unreadable"]

YAML_SUFFIXES: Final = (".yaml", ".yml")
"""The endings of a YAML file's name, in any case (``mine.yml``, ``NOTES.YAML``)."""


def size_text(limit: int) -> str:
    """Write a byte count as a person reads it: ``5 MB``, ``512 KB``."""
    if limit >= 1024 * 1024 and limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MB"
    if limit >= 1024 and limit % 1024 == 0:
        return f"{limit // 1024} KB"
    return f"{limit} bytes"


def os_reason(exc: OSError) -> str:
    """The system's reason for a failed file operation, in lower case as a message continues."""
    reason = exc.strerror or type(exc).__name__
    return reason[:1].lower() + reason[1:]


def _not_regular(mode: int) -> str | None:
    """Say what a file that is not a regular file is instead; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe, not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file"
    return "is not a regular file"


def read_file(
    path: str | Path, *, limit: int = MAX_FILE_BYTES, name: str | None = None
) -> bytes | Problem:
    """Return the bytes of the regular file at ``path``, or a Problem saying why not.

    ``name`` is the file as messages call it (default: ``path``). A folder, a named pipe, a
    device, a socket, a file that cannot be opened and a file larger than ``limit`` bytes
    are all problems at line 0, column 0 (the file as a whole), with code ``io``.
    """
    shown = str(path) if name is None else name
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        return Problem(shown, 0, 0, "io", f"cannot read file: {os_reason(exc)}")
    except ValueError:  # a NUL character in the name
        return Problem(shown, 0, 0, "io", "cannot read file: its name holds a NUL character")
    try:
        info = os.fstat(fd)
        other = _not_regular(info.st_mode)
        if other is not None:
            return Problem(shown, 0, 0, "io", f"cannot read file: it {other}")
        if info.st_size > limit:
            return _too_large(shown, limit)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1024 * 1024, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except BlockingIOError:
        return Problem(shown, 0, 0, "io", "cannot read file: it is not ready to be read")
    except OSError as exc:
        return Problem(shown, 0, 0, "io", f"cannot read file: {os_reason(exc)}")
    finally:
        os.close(fd)
    if total > limit:
        return _too_large(shown, limit)
    return b"".join(chunks)


def _too_large(name: str, limit: int) -> Problem:
    message = f"the file is larger than {size_text(limit)}, the most roleplay reads from one file"
    return Problem(name, 0, 0, "too-large", message)


def _stat(path: str | Path) -> os.stat_result | str:
    """``os.stat`` of ``path``, or the reason it failed as a message continues."""
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    except OSError as exc:
        return os_reason(exc)
    except ValueError:  # a NUL character in the name
        return "its name holds a NUL character"


def path_kind(path: str | Path) -> PathKind:
    """Say what is at ``path`` (following links) without ever raising.

    ``unreadable`` covers a name too long for the system, a loop of links and a folder on
    the way that cannot be searched; ``other`` a pipe, device or socket.
    """
    found = _stat(path)
    if isinstance(found, str):
        return "missing" if found == "missing" else "unreadable"
    if stat.S_ISREG(found.st_mode):
        return "file"
    if stat.S_ISDIR(found.st_mode):
        return "folder"
    return "other"


def is_folder(path: str | Path) -> bool:
    """Whether ``path`` is a folder; False (never an exception) when it cannot be looked at."""
    return path_kind(path) == "folder"


def is_file(path: str | Path) -> bool:
    """Whether ``path`` is a regular file; False (never an exception) when it cannot be seen."""
    return path_kind(path) == "file"


def path_problem(path: str | Path) -> str | None:
    """Say why nothing can be found at ``path``, or None when something is there."""
    found = _stat(path)
    if found == "missing":
        return "no such file or folder"
    return f"cannot open: {found}" if isinstance(found, str) else None


def folder_problem(path: str | Path) -> str | None:
    """Say why ``path`` cannot be used as a folder of files, or None when it can."""
    found = _stat(path)
    if found == "missing":
        return "no such folder"
    if isinstance(found, str):
        return f"cannot open the folder: {found}"
    return None if stat.S_ISDIR(found.st_mode) else "not a folder"


def export_target(path: Path) -> Path | str:
    """Where an export asked for at ``path`` is written, or why it cannot be, as a message.

    A link is followed, so the file it names is written and the link stays. A folder, named
    pipe, device or socket is refused: the export would be written by replacing it, and
    replacing ``/dev/null`` or someone's pipe is never what was meant.
    """
    target = Path(os.path.realpath(path))
    found = _stat(target)
    if found == "missing":
        return target
    if isinstance(found, str):
        return found
    problem = _not_regular(found.st_mode)
    return target if problem is None else f"it {problem}"


def is_yaml_name(path: str | Path) -> bool:
    """Whether ``path``'s name ends as a YAML file's does (``.yaml`` or ``.yml``, any case)."""
    return Path(path).suffix.lower() in YAML_SUFFIXES


def yaml_files(folder: Path) -> list[Path]:
    """The entries of ``folder`` named as YAML files, by name; none when it is not a folder.

    Folders so named are included, so that reading them reports them rather than passing
    over them. Every command that reads a folder of scenarios or rules takes the same names.
    """
    if not is_folder(folder):
        return []
    return sorted(path for path in folder.glob("*") if is_yaml_name(path))


__all__ = [
    "MAX_FILE_BYTES",
    "MAX_TRANSCRIPT_BYTES",
    "YAML_SUFFIXES",
    "PathKind",
    "export_target",
    "folder_problem",
    "is_file",
    "is_folder",
    "is_yaml_name",
    "os_reason",
    "path_kind",
    "path_problem",
    "read_file",
    "size_text",
    "yaml_files",
]
