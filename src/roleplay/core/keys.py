"""Making a centre key, keeping it in a file only its owner can read, and noticing when not.

A centre key turns every transcript's hash chain into a signature (see
:mod:`roleplay.core.transcript`): nobody without the key can edit a transcript and make it
check out again. So the key must be random, long, and kept where other users of a shared
machine cannot read it. ``roleplay centre-key`` calls :func:`create_key_file`; every command
that uses the key asks :func:`key_file_warning` whether the file named by
``ROLEPLAY_CENTRE_KEY_FILE`` is readable by others.
"""

from __future__ import annotations

import os
import secrets
import shlex
import stat
from pathlib import Path
from typing import Final

from roleplay.core.errors import InputError
from roleplay.core.settings import config_dir
from roleplay.core.storage import write_atomic

KEY_FILE_ENV: Final = "ROLEPLAY_CENTRE_KEY_FILE"
"""The environment variable naming the file that holds the centre's key."""

KEY_BYTES: Final = 32
"""Random bytes in a new key (256 bits), written as URL-safe Base64 text."""


def default_key_file() -> Path:
    """Where ``roleplay centre-key`` keeps a new key: ``centre.key`` in the settings folder."""
    return config_dir() / "centre.key"


def new_key() -> str:
    """Return a new random centre key, as text that is safe in a file or a variable."""
    return secrets.token_urlsafe(KEY_BYTES)


def create_key_file(path: Path, key: str, *, force: bool = False) -> None:
    """Write ``key`` to ``path``, readable and writable by its owner only (mode 0600).

    An existing file is kept unless ``force``: replacing a centre's key would leave every
    transcript signed with the old one impossible to check. Raises :class:`InputError` for
    an existing file or one that cannot be written.
    """
    content = (key + "\n").encode("ascii")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if force:
            write_atomic(path, content)  # its temporary file is created with mode 0600
        else:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, content)
                os.fsync(fd)
            finally:
                os.close(fd)
        os.chmod(path, 0o600)
    except FileExistsError:
        raise InputError(
            f"{path} already exists; a new key would leave every transcript signed with the "
            "old one impossible to check here. Use --force to replace it anyway"
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot write the key: {exc.strerror or exc}") from None


def readable_by_others(path: Path) -> str | None:
    """Say who else can read ``path`` ("its group", "every user"), or None when no one can.

    Always None where the file system has no POSIX permissions (Windows) or the file cannot
    be examined; reading it is then :func:`~roleplay.core.transcript.centre_key`'s concern.
    """
    if os.name != "posix":
        return None
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if mode & stat.S_IROTH:
        return "every user of this computer"
    if mode & stat.S_IRGRP:
        return "its group"
    return None


def key_file_warning() -> str | None:
    """Warn when the key file named by ``ROLEPLAY_CENTRE_KEY_FILE`` is readable by others."""
    named = os.environ.get(KEY_FILE_ENV)
    if not named:
        return None
    who = readable_by_others(Path(named))
    if who is None:
        return None
    return (
        f"the centre key file {named} ({KEY_FILE_ENV}) can be read by {who}: anyone who "
        f"can read it can sign an edited transcript. Run: chmod 600 {shlex.quote(named)}"
    )


__all__ = [
    "KEY_FILE_ENV",
    "create_key_file",
    "default_key_file",
    "key_file_warning",
    "new_key",
    "readable_by_others",
]
