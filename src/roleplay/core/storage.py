"""Writing files so a crash loses nothing, cleaning up after crashes, and one writer at a time.

Three small jobs every saved file of roleplay needs (attempts, settings, the rule cache):

- :func:`write_atomic` replaces a file with new content so that a crash leaves the old file
  or the new one, never half of one. It writes a temporary file beside the target first,
  named ``.roleplay-<target>.<random>.tmp`` so that roleplay's own leftovers can be told apart
  from anyone else's files.
- :func:`clean_stale_temporaries` removes those leftovers when a save was interrupted (the
  process killed between writing and renaming). Only files of roleplay's own name pattern
  are touched, only once they are older than :data:`STALE_AFTER`, and on POSIX only when
  no process holds them: a writer keeps an advisory lock on its temporary file until the
  rename, so a file still being written is never deleted, however slow the writer.
- :class:`PathLock` is an operating-system advisory lock on a lock file (``flock`` on POSIX,
  ``msvcrt.locking`` on Windows). The operating system releases it when the process ends,
  however it ends, so a lock left by a killed process never blocks anyone.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import string
import tempfile
import time
from pathlib import Path
from typing import Final

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    fcntl = None
else:
    import fcntl

    msvcrt = None

TEMP_PREFIX: Final = ".roleplay-"
TEMP_SUFFIX: Final = ".tmp"

STALE_AFTER: Final = 15 * 60.0
"""Seconds after which a temporary file of an interrupted save may be removed. A save
writes and syncs one small file, which takes well under a second; the age only guards
platforms where a writer's lock cannot be seen (Windows)."""

_OURS: Final = re.compile(
    r"""
    \.roleplay-.+\.[a-z0-9_]{8}\.tmp   # what write_atomic writes
    | \..+\.json\.[a-z0-9_]{8}\.tmp    # what an attempt's save wrote before it
    """,
    re.VERBOSE,
)
"""The names of roleplay's own temporary files: ``tempfile`` adds eight random characters."""

_TAG_LETTERS: Final = string.ascii_lowercase + string.digits + "_"
"""The characters of a temporary file's random part, as ``tempfile`` picks them."""


class LockedError(OSError):
    """The lock is held by another process (or by another :class:`PathLock` in this one)."""


def _try_lock(fd: int) -> bool:
    """Take an exclusive advisory lock on an open file without waiting; False if it is held."""
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:  # pragma: no cover - Windows
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except (BlockingIOError, PermissionError):
        return False
    except OSError as exc:
        # Windows reports a held lock as EDEADLOCK / EACCES rather than BlockingIOError.
        if os.name == "nt":  # pragma: no cover - Windows
            return False
        raise exc
    return True


def _unlock(fd: int) -> None:
    with contextlib.suppress(OSError):
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
        else:  # pragma: no cover - Windows
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def save_for_later(path: Path, content: bytes) -> bool:
    """Write a file that only saves work later (a cache), creating its folder; return False,
    never raising, when it cannot be written, since losing it costs only time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        clean_stale_temporaries(path.parent)
        write_atomic(path, content)
    except OSError:
        return False
    return True


def write_atomic(path: Path, content: bytes, *, private: bool = True) -> None:
    """Replace ``path`` with ``content`` so that a crash leaves the old file or the new one.

    Writes a temporary file in the same folder (locked while it is written, so that
    :func:`clean_stale_temporaries` leaves it alone), flushes and syncs it, renames it over
    the target (atomic on one file system), then syncs the folder so the rename itself is on
    disk, where the operating system allows a folder to be synced.

    A ``private`` file (a transcript, a key, the settings) is readable by its owner alone.
    Otherwise (an export the user asked for) a new file gets the permissions the user's
    umask gives any new file, and a file replaced keeps the permissions it had.
    """
    keep = None if private else _mode_of(path)
    fd, temporary = _new_temporary(path, private=private)
    try:
        if keep is not None:
            os.chmod(temporary, keep)
        with os.fdopen(fd, "wb") as handle:
            if fcntl is not None:
                _try_lock(handle.fileno())
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
            if fcntl is not None:
                # Renamed while still locked, so a cleaner never sees it unlocked under its
                # temporary name; the lock ends with the file's closing.
                os.replace(temporary, path)
        if fcntl is None:  # pragma: no cover - Windows cannot rename an open file
            os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(path.parent)


def _mode_of(path: Path) -> int | None:
    """The permission bits of the file at ``path``, or None when there is none yet."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return None


def _new_temporary(path: Path, *, private: bool) -> tuple[int, str]:
    """Create the temporary file beside ``path``: mode 0600 if ``private``, else as umask says."""
    if private:
        return tempfile.mkstemp(
            dir=path.parent, prefix=f"{TEMP_PREFIX}{path.name}.", suffix=TEMP_SUFFIX
        )
    tag = "".join(secrets.choice(_TAG_LETTERS) for _ in range(8))
    name = str(path.parent / f"{TEMP_PREFIX}{path.name}.{tag}{TEMP_SUFFIX}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    # 0666 as any program creates a file: the system takes the user's umask off it.
    return os.open(name, flags | getattr(os, "O_BINARY", 0), 0o666), name


def _sync_folder(folder: Path) -> None:
    """Sync a folder's entries to disk; Windows and some file systems do not allow it."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def clean_stale_temporaries(folder: Path, older_than: float = STALE_AFTER) -> list[Path]:
    """Remove the temporary files that interrupted saves left in ``folder``; return them.

    Only roleplay's own temporary files (by name), only those last written more than
    ``older_than`` seconds ago, and only those no process holds locked (POSIX): a file
    another process is still writing is never removed. Files that cannot be examined or
    removed are left as they are; nothing here raises.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if not entry.name.endswith(TEMP_SUFFIX) or not _OURS.fullmatch(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            if now - entry.stat(follow_symlinks=False).st_mtime < older_than:
                continue
            if _remove_unless_held(Path(entry.path)):
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _remove_unless_held(path: Path) -> bool:
    """Remove ``path`` unless a writer holds its lock; True when it was removed."""
    if fcntl is None:  # pragma: no cover - Windows: an open file cannot be removed anyway
        try:
            os.unlink(path)
        except OSError:
            return False
        return True
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    try:
        if not _try_lock(fd):
            return False
        # Still the same file under that name? (It may have been renamed into place.)
        if not _same_file(fd, path):
            return False
        os.unlink(path)
        return True
    finally:
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        named = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino)


class PathLock:
    """An exclusive advisory lock held through a lock file, for as long as this object says.

    :meth:`acquire` never waits: it raises :class:`LockedError` when another process (or
    another ``PathLock`` of this process) holds the lock. :meth:`release` gives it up and
    removes the lock file. The operating system drops the lock when the process ends, so a
    killed process leaves at most an unlocked file, which the next :meth:`acquire` reuses.
    What the holder writes into the lock file (its process id) is only for messages.
    """

    def __init__(self, path: Path) -> None:
        """Prepare a lock on ``path`` (created when acquired); nothing is locked yet."""
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock now or raise :class:`LockedError`; other ``OSError``s pass through."""
        if self._fd is not None:
            return
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            if not _try_lock(fd):
                os.close(fd)
                raise LockedError(f"{self.path} is locked by another process")
            # A releasing holder may have removed the file between our open and our lock:
            # then we hold a lock on a file nobody else can see, and must try again.
            if _same_file(fd, self.path):
                break
            _unlock(fd)
            os.close(fd)
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd = fd

    def holder(self) -> int | None:
        """The process id the current holder wrote into the lock file, if it can be read."""
        try:
            text = self.path.read_text(encoding="ascii", errors="replace").strip()
        except OSError:
            return None
        return int(text) if text.isdigit() and len(text) < 12 else None

    def release(self) -> None:
        """Give up the lock and remove the lock file; does nothing when not held."""
        fd = self._fd
        if fd is None:
            return
        self._fd = None
        if fcntl is not None:
            # Removed while still locked, so no one can lock this file and lose it to us.
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            _unlock(fd)
            os.close(fd)
        else:  # pragma: no cover - Windows: an open file cannot be removed
            _unlock(fd)
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(self.path)


__all__ = [
    "STALE_AFTER",
    "LockedError",
    "PathLock",
    "clean_stale_temporaries",
    "write_atomic",
]
