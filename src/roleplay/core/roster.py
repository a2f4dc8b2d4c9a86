"""The class list of ``roleplay serve``: who may sign in, and with which code.

A centre serves the app to a class. The tutor adds each learner with
``roleplay roster add NAME``, which makes a twelve-digit code (digits read aloud and typed on
any keyboard without confusion) and shows it once; only a salted scrypt hash of the code is
kept. Each learner also gets a folder name of their own, made from a slug of their name and
random hex, never from the name as typed, so their attempts and settings are kept apart from
everyone else's (see :func:`learner_home`).

The roster is a small JSON file, written atomically and readable only by its owner::

    {"format": "roleplay-roster/1",
     "learners": [{"name": "Asha Patel", "folder": "asha-patel-3f9a1c0d",
                   "added": "…", "code_set": "…",
                   "code": {"kdf": "scrypt", "n": 16384, "r": 8, "p": 1,
                            "salt": "<hex>", "hash": "<hex>"}}]}

Values are immutable: adding, removing or re-coding a learner returns a new roster, which
:func:`save_roster` writes. :func:`change_roster` reads, changes and writes it under a lock,
so two ``roster`` commands run at the same moment both take effect. Names are matched
without regard to case or repeated spaces.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Final, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints, model_validator

from roleplay.core.errors import InvalidFileError, RoleplayError
from roleplay.core.problems import Problem
from roleplay.core.source import SourceMap, load_yaml, validate_model
from roleplay.core.storage import LockedError, PathLock
from roleplay.core.transcript import data_dir, write_atomic

FORMAT: Final = "roleplay-roster/1"

CODE_DIGITS: Final = 12
"""A code is twelve digits (10¹² of them), shown in groups of four: ``4821 0937 5562``."""

MAX_NAME: Final = 80
"""The longest name a learner may be given, in characters."""

SCRYPT_N: Final = 2**14
SCRYPT_R: Final = 8
SCRYPT_P: Final = 1
_MAX_SCRYPT_MEMORY: Final = 64 * 1024 * 1024
"""No roster, however edited, may make one check use more memory than this."""

_FOLDER: Final = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_HEX: Final = r"^[0-9a-f]+$"
_DUMMY_SALT: Final = bytes(16)

LOCK_WAIT: Final = 30.0
"""Seconds a roster change waits for another to finish before giving up."""

_LOCK_POLL: Final = 0.05

T = TypeVar("T")


class RosterError(RoleplayError):
    """A roster change that cannot be made: a name taken, unknown, or not usable."""


Hex = Annotated[str, StringConstraints(pattern=_HEX, min_length=32, max_length=128)]


class CodeHash(BaseModel):
    """How a learner's code is kept: a salted scrypt hash and the cost it was made with."""

    model_config = ConfigDict(frozen=True)

    kdf: Literal["scrypt"] = "scrypt"
    n: StrictInt = Field(default=SCRYPT_N, ge=2**10, le=2**17)
    r: StrictInt = Field(default=SCRYPT_R, ge=1, le=16)
    p: StrictInt = Field(default=SCRYPT_P, ge=1, le=4)
    salt: Hex
    hash: Hex

    @model_validator(mode="after")
    def _bounded_cost(self) -> Self:
        if self.n & (self.n - 1):
            raise ValueError("n must be a power of two")
        if 128 * self.n * self.r > _MAX_SCRYPT_MEMORY // 2:
            raise ValueError("the scrypt cost (n × r) is too high")
        return self

    @classmethod
    def of(cls, code: str) -> CodeHash:
        """Hash a new code with a fresh random salt."""
        salt = secrets.token_bytes(16)
        return cls(salt=salt.hex(), hash=_scrypt(normalise_code(code), salt).hex())

    def matches(self, code: str) -> bool:
        """Whether ``code`` (as typed: spaces and dashes allowed) is this code, in constant time."""
        digits = normalise_code(code)
        found = _scrypt(digits, bytes.fromhex(self.salt), self.n, self.r, self.p)
        return hmac.compare_digest(found, bytes.fromhex(self.hash)) and len(digits) == CODE_DIGITS


class Learner(BaseModel):
    """One learner on the roster: their name, their own folder, and their code's hash."""

    model_config = ConfigDict(frozen=True)

    name: Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME)]
    folder: Annotated[str, StringConstraints(pattern=_FOLDER, max_length=64)]
    """The name of this learner's folder: a slug and random hex, safe on every file system."""
    added: str
    code_set: str
    code: CodeHash

    @property
    def key(self) -> str:
        """The name as it is matched: case and repeated spaces ignored."""
        return name_key(self.name)


class Roster(BaseModel):
    """The learners who may sign in to ``roleplay serve``, in the order they were added."""

    model_config = ConfigDict(frozen=True)

    format: Literal["roleplay-roster/1"] = FORMAT
    learners: tuple[Learner, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> Self:
        for attribute in ("key", "folder"):
            seen: set[str] = set()
            for learner in self.learners:
                value = getattr(learner, attribute)
                if value in seen:
                    what = "name" if attribute == "key" else "folder"
                    raise ValueError(f"two learners have the {what} {value!r}")
                seen.add(value)
        return self

    def find(self, name: str) -> Learner | None:
        """The learner of this name (any case, any spacing), or None."""
        key = name_key(name)
        return next((learner for learner in self.learners if learner.key == key), None)

    def check(self, name: str, code: str) -> Learner | None:
        """The learner whose name and code these are, or None.

        An unknown name costs as much time as a wrong code, so the time taken does not tell
        anyone which names are on the roster.
        """
        learner = self.find(name)
        if learner is None:
            _scrypt(normalise_code(code), _DUMMY_SALT)
            return None
        return learner if learner.code.matches(code) else None

    def add(self, name: str, now: datetime | None = None) -> tuple[Roster, str]:
        """A roster with ``name`` added, and their new code (the only time it is seen)."""
        shown = clean_name(name)
        existing = self.find(shown)
        if existing is not None:
            raise RosterError(
                f"{existing.name} is already on the roster; "
                "'roleplay roster reset-code' gives them a new code"
            )
        code = new_code()
        stamp = _iso(now)
        taken = {learner.folder for learner in self.learners}
        folder = _new_folder(shown, taken)
        learner = Learner(
            name=shown, folder=folder, added=stamp, code_set=stamp, code=CodeHash.of(code)
        )
        return self.model_copy(update={"learners": (*self.learners, learner)}), code

    def remove(self, name: str) -> tuple[Roster, Learner]:
        """A roster without ``name``, and the learner removed (their folder is kept)."""
        gone = self._known(name)
        kept = tuple(learner for learner in self.learners if learner is not gone)
        return self.model_copy(update={"learners": kept}), gone

    def reset_code(self, name: str, now: datetime | None = None) -> tuple[Roster, str]:
        """A roster where ``name`` has a new code (the old one stops working), and the code."""
        old = self._known(name)
        code = new_code()
        new = old.model_copy(update={"code": CodeHash.of(code), "code_set": _iso(now)})
        learners = tuple(new if learner is old else learner for learner in self.learners)
        return self.model_copy(update={"learners": learners}), code

    def _known(self, name: str) -> Learner:
        learner = self.find(name)
        if learner is None:
            raise RosterError(f"no learner called {clean_name_for_message(name)} on the roster")
        return learner


def _scrypt(
    digits: str, salt: bytes, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P
) -> bytes:
    return hashlib.scrypt(
        digits.encode("ascii"), salt=salt, n=n, r=r, p=p, maxmem=_MAX_SCRYPT_MEMORY, dklen=32
    )


def new_code() -> str:
    """A new random code of twelve digits, in three groups of four: ``4821 0937 5562``."""
    digits = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    return " ".join(digits[i : i + 4] for i in range(0, CODE_DIGITS, 4))


def normalise_code(code: str) -> str:
    """The digits of a code as typed, without the spaces or dashes people add between groups.

    Anything but ASCII digits, spaces and dashes makes the code wrong (an empty string).
    """
    text = code.strip()
    if len(text) > 4 * CODE_DIGITS or not re.fullmatch(r"[0-9 \-]*", text):
        return ""
    return re.sub(r"[ \-]", "", text)


def clean_name(name: str) -> str:
    """A name as the roster keeps it: NFC, single spaces, trimmed; refused if not usable."""
    shown = " ".join(unicodedata.normalize("NFC", name).split())
    if not shown:
        raise RosterError("a learner needs a name")
    if len(shown) > MAX_NAME:
        raise RosterError(f"a learner's name may be at most {MAX_NAME} characters")
    if not shown.isprintable():
        raise RosterError("a learner's name may not hold control characters")
    return shown


def clean_name_for_message(name: str) -> str:
    """A name someone typed, safe to show on one line: quoted, escaped, and shortened."""
    short = name if len(name) <= MAX_NAME else name[:MAX_NAME] + "…"
    return repr(short) if not short.isprintable() else f"'{short}'"


def name_key(name: str) -> str:
    """The form names are compared in: NFC, case folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def _new_folder(name: str, taken: set[str]) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:24].strip("-")
    while True:
        folder = f"{slug or 'learner'}-{secrets.token_hex(4)}"
        if folder not in taken:
            return folder


def _iso(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")


# --------------------------------------------------------------------------- the file


def default_roster_path() -> Path:
    """Where ``roleplay roster`` and ``roleplay serve`` keep the roster by default.

    ``serve/roster.json`` in roleplay's data folder (``ROLEPLAY_DATA_DIR`` moves it).
    """
    return data_dir() / "serve" / "roster.json"


def learner_home(roster_path: Path, learner: Learner) -> Path:
    """The folder ``roleplay serve`` keeps one learner's attempts and settings in.

    ``learners/<folder>`` beside the roster file, so each class's learners stay with its
    roster. The folder name comes from the roster, which only ever holds safe names.
    """
    return roster_path.parent / "learners" / learner.folder


def load_roster(path: Path) -> Roster:
    """Read a roster; a file that does not exist yet is an empty roster.

    A file that cannot be read, is not JSON, or is not a roster raises
    :class:`InvalidFileError` with the problem at its line and column.
    """
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Roster()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        problem = Problem(name, 0, 0, "io", f"cannot read the roster: {reason}")
        raise InvalidFileError([problem]) from None
    try:
        text = raw.decode("utf-8-sig")
        data: Any = json.loads(text)
    except UnicodeDecodeError:
        message = "not a roster: not UTF-8 text"
        raise InvalidFileError([Problem(name, 1, 1, "encoding", message)]) from None
    except json.JSONDecodeError as exc:
        problem = Problem(name, exc.lineno, exc.colno, "not-json", f"not valid JSON: {exc.msg}")
        raise InvalidFileError([problem]) from None
    except (RecursionError, ValueError):
        message = "not a roster: the JSON is nested too deeply or holds a number too long"
        raise InvalidFileError([Problem(name, 1, 1, "not-json", message)]) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        message = f'not a roleplay roster (expected a JSON object with "format": "{FORMAT}")'
        raise InvalidFileError([Problem(name, 1, 1, "wrong-format", message)])
    roster, problems = validate_model(Roster, data, _source_map(name, text))
    if roster is None:
        raise InvalidFileError(problems)
    return roster


def _source_map(name: str, text: str) -> SourceMap:
    """Positions of the roster's keys (JSON is YAML as far as positions go)."""
    _, smap, _ = load_yaml(name, text)
    return smap


def save_roster(roster: Roster, path: Path) -> None:
    """Write the roster atomically (a crash leaves the old one or the new one).

    Raises :class:`RosterError` when its folder cannot be made or written.
    """
    content = json.dumps(roster.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(path, content.encode("utf-8"))
    except OSError as exc:
        raise RosterError(f"{path}: cannot write the roster: {exc.strerror or exc}") from None


def roster_lock_path(path: Path) -> Path:
    """The lock file held while the roster at ``path`` is being changed (beside it)."""
    return path.with_name(f".{path.name}.lock")


def change_roster(
    path: Path,
    change: Callable[[Roster], tuple[Roster, T]],
    *,
    wait: float = LOCK_WAIT,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[Roster, T]:
    """Read the roster, apply ``change`` and write the result, with no other change between.

    ``change`` gets the roster as the file holds it now and returns the changed roster and
    anything the caller wants back (a new code, the learner removed). An advisory lock
    (:class:`~roleplay.core.storage.PathLock`) beside the roster is held throughout, so a
    second command at the same moment waits for the first and then changes what the first
    wrote; neither change is lost. A killed command leaves no lock behind.

    Raises :class:`RosterError` when the lock is still held after ``wait`` seconds or the
    folder cannot be written, :class:`InvalidFileError` for a roster that cannot be read,
    and whatever ``change`` raises (the file is then left as it was).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise RosterError(f"{path}: cannot write the roster: {exc.strerror or exc}") from None
    lock = PathLock(roster_lock_path(path))
    deadline = time.monotonic() + wait
    while True:
        try:
            lock.acquire()
            break
        except LockedError:
            if time.monotonic() >= deadline:
                holder = lock.holder()
                by = f" (process {holder})" if holder is not None else ""
                raise RosterError(
                    f"{path}: another roster command{by} is still changing the roster; "
                    "try again when it has finished"
                ) from None
            sleep(_LOCK_POLL)
        except OSError as exc:
            raise RosterError(f"{path}: cannot write the roster: {exc.strerror or exc}") from None
    try:
        changed, result = change(load_roster(path))
        save_roster(changed, path)
        return changed, result
    finally:
        lock.release()
