"""An attempt's transcript: saved after every turn, chained against quiet edits, resumable.

A learner's attempt must survive the terminal being closed at any moment, and an assessor
must be able to tell when a saved attempt was edited to raise its score. So:

- :class:`Attempt` wraps a :class:`~roleplay.core.dialogue.Session`. It creates its file
  as soon as it starts (with no turns), and :meth:`Attempt.step` writes the whole
  transcript to disk before it returns, that is before the customer's answer is shown.
  Every write is atomic (a temporary file in the same folder, flushed and synced, then
  renamed over the old one), so a crash leaves either the old transcript or the new one,
  never half of one.
- Every turn carries a ``hash``: SHA-256 over the previous turn's hash (for turn 1, over the
  canonical JSON of the header) followed by the canonical JSON of the turn itself. When the
  centre sets a key (``ROLEPLAY_CENTRE_KEY``, or a key file named by
  ``ROLEPLAY_CENTRE_KEY_FILE``) the hash is an HMAC-SHA256 with that key, so nobody without
  the key can re-hash an edited transcript. A final ``seal`` over the last hash, the number
  of turns, the outcome and the finish time shows turns cut from the end. :func:`verify`
  checks all of it and says which turn changed.
- :func:`load_transcript` reports a damaged file as :class:`InvalidFileError` with its
  position, never a traceback; :func:`resume` re-plays the saved replies through a fresh
  session, checks they lead where they led before, and carries on.

The file, one JSON object (``roleplay-transcript/1``)::

    {"format": "roleplay-transcript/1", "id": "20261123-142501-late-parcel-3fa2",
     "scenario": {"id", "title", "digest"}, "framework": "LATER", "learner": "Sam",
     "mode": "practice", "started": "…Z", "updated": "…Z", "finished": null,
     "ruleset": "…", "opening": "<the customer's first line>",
     "turns": [{<turn_to_dict(turn)>, "at": "…Z", "hash": "<hex>"}, …],
     "outcome": null, "ending_verdict": null (once finished: how its debrief judged the end),
     "warnings": [],
     "integrity": {"method": "sha256-chain", "key_id": null, "turns": 2, "seal": "<hex>"}}
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import os
import re
import secrets
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import platformdirs
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictInt,
    ValidationError,
)

from roleplay.core.analysis import Analysis
from roleplay.core.dialogue import ConversationOver, Session, Turn, turn_to_dict
from roleplay.core.ending import ending_of
from roleplay.core.errors import InputError, InvalidFileError, RoleplayError
from roleplay.core.files import MAX_TRANSCRIPT_BYTES, read_file
from roleplay.core.frameworks import get_framework
from roleplay.core.integrity import Integrity, Proof
from roleplay.core.jsontext import read_json
from roleplay.core.lexicon import load_lexicon
from roleplay.core.library import ScenarioLibrary
from roleplay.core.problems import Problem
from roleplay.core.scenario import LoadedScenario
from roleplay.core.source import SourceMap, load_yaml, unknown_id_error, validate_model
from roleplay.core.storage import LockedError, PathLock, clean_stale_temporaries, write_atomic

FORMAT: Final = "roleplay-transcript/1"
"""The ``format`` every transcript this module writes declares, and the only one it reads."""

SHA256_CHAIN: Final = "sha256-chain"
HMAC_CHAIN: Final = "hmac-sha256-chain"

KEY_ENV: Final = "ROLEPLAY_CENTRE_KEY"
"""The environment variable holding the centre's key itself, as text."""

KEY_FILE_ENV: Final = "ROLEPLAY_CENTRE_KEY_FILE"
"""The environment variable naming a file that holds the centre's key."""

DATA_ENV: Final = "ROLEPLAY_DATA_DIR"
"""The environment variable that moves roleplay's data folder (attempts live under it)."""

Mode = Literal["practice", "assessment"]
MODES: Final[tuple[str, ...]] = ("practice", "assessment")

HEADER_FIELDS: Final[tuple[str, ...]] = (
    "scenario",
    "framework",
    "learner",
    "mode",
    "started",
    "opening",
)
"""The header fields turn 1's hash covers: who attempted what, how, when, from which line."""

SEALED_FIELDS: Final[tuple[str, ...]] = ("id", "ruleset", "outcome", "finished", "warnings")
"""The header fields the closing seal covers, with the number of turns and the last hash."""


class SaveError(RoleplayError):
    """The transcript could not be written; the attempt is kept in memory, so retry ``save``."""


class ResumeError(RoleplayError):
    """A saved attempt cannot be continued: it has finished, was edited, or no longer replays."""


class KeySource(Enum):
    """Where an :class:`Attempt` takes the centre's key from when none is passed."""

    ENVIRONMENT = "environment"


FROM_ENVIRONMENT: Final = KeySource.ENVIRONMENT
"""Read the key from ``ROLEPLAY_CENTRE_KEY`` or ``ROLEPLAY_CENTRE_KEY_FILE`` (the default)."""

KeyArg = bytes | str | None | KeySource
"""A centre key as bytes or text, None for no key, or :data:`FROM_ENVIRONMENT`."""


# --------------------------------------------------------------------------- keys and hashes


def centre_key() -> bytes | None:
    """Return the centre's key from the environment, or None when the centre has set none.

    ``ROLEPLAY_CENTRE_KEY`` (the key as text) wins over ``ROLEPLAY_CENTRE_KEY_FILE`` (a file
    holding it; a trailing newline is ignored). An empty variable counts as unset. A key file
    that cannot be read, or is empty, is an :class:`InputError`: signing silently without the
    key the centre asked for would make every transcript fail its check later.
    """
    text = os.environ.get(KEY_ENV)
    if text:
        return text.encode("utf-8", "surrogatepass")
    named = os.environ.get(KEY_FILE_ENV)
    if not named:
        return None
    try:
        key = Path(named).read_bytes().rstrip(b"\r\n")
    except OSError as exc:
        raise InputError(
            f"cannot read the centre key file {named} ({KEY_FILE_ENV}): {exc.strerror or exc}"
        ) from None
    if not key:
        raise InputError(f"the centre key file {named} ({KEY_FILE_ENV}) is empty")
    return key


def key_fingerprint(key: bytes | str) -> str:
    """Return a short fingerprint of a key: enough to tell keys apart, nothing to recover one."""
    raw = _key_bytes(key)
    return hashlib.sha256(b"roleplay centre key\x00" + raw).hexdigest()[:16]


def _key_bytes(key: bytes | str) -> bytes:
    return key if isinstance(key, bytes) else key.encode("utf-8", "surrogatepass")


def _resolve_key(key: KeyArg) -> bytes | None:
    if key is KeySource.ENVIRONMENT:
        return centre_key()
    if key is None:
        return None
    raw = _key_bytes(key)
    if not raw:
        raise InputError("the centre key is empty")
    return raw


def canonical_json(value: object) -> bytes:
    """Return the bytes every hash is taken over: sorted keys, no spaces, UTF-8, not escaped.

    Lone surrogates (which JSON escapes can carry) are passed through rather than refused,
    so that checking a hand-edited file reports a changed turn instead of failing.
    """
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8", "surrogatepass")


def _digest(key: bytes | None, before: bytes, body: bytes) -> str:
    if key is None:
        return hashlib.sha256(before + body).hexdigest()
    return hmac.new(key, before + body, hashlib.sha256).hexdigest()


def _header_bytes(data: Mapping[str, Any]) -> bytes:
    return canonical_json({name: data.get(name) for name in HEADER_FIELDS})


def turn_hash(before: bytes, turn: Mapping[str, Any], key: bytes | None = None) -> str:
    """Return a turn's hash: over ``before`` (the previous hash, or the header) and the turn.

    ``before`` is the previous turn's hash as ASCII hex, or for turn 1 the canonical JSON of
    the header fields; the turn is taken without its own ``hash``.
    """
    body = canonical_json({k: v for k, v in turn.items() if k != "hash"})
    return _digest(key, before, body)


def _seal(data: Mapping[str, Any], turns: Sequence[Mapping[str, Any]], key: bytes | None) -> str:
    """Return the closing seal: over the last hash, the number of turns and the sealed fields."""
    last = turns[-1].get("hash") if turns else None
    before = last.encode("ascii", "replace") if isinstance(last, str) else _header_bytes(data)
    closing = {name: data.get(name) for name in SEALED_FIELDS}
    if "ending_verdict" in data:
        # (transcripts saved before the ending was kept have none, and verify as they did)
        closing["ending_verdict"] = data["ending_verdict"]
    closing["turns"] = len(turns)
    return _digest(key, before, canonical_json(closing))


# --------------------------------------------------------------------------- verification


def verify(transcript: Mapping[str, Any] | Transcript, key: bytes | str | None = None) -> Integrity:
    """Check a transcript's hash chain and seal, and say what that proves (see :class:`Proof`).

    ``key`` is this machine's centre key, if it has one. A chain keyed with it is SIGNED; a
    plain chain is UNSIGNED (consistent, but anyone could have recomputed it), or NOT_SIGNED
    where a key is set, since a centre that signs expects every transcript signed; a keyed
    chain this machine has no key for, or another key, is UNCHECKABLE; and a chain or seal
    that does not match is EDITED, naming which turn changed ("turn 3: reply or score changed
    after it was saved") and which turns are missing. A plain chain that names a centre key
    is EDITED too: roleplay never writes one, so it was re-hashed without the key. Never
    raises for odd data; every oddity is a problem in the result.
    """
    data: Mapping[str, Any] = (
        transcript.to_dict() if isinstance(transcript, Transcript) else transcript
    )
    if not isinstance(data, Mapping):
        return Integrity(Proof.EDITED, "unknown", ("the transcript is not a JSON object",))
    integrity = data.get("integrity")
    info: Mapping[str, Any] = integrity if isinstance(integrity, Mapping) else {}
    method = info.get("method")
    method_name = method if isinstance(method, str) else "unknown"
    problems: list[str] = []
    if data.get("format") != FORMAT:
        problems.append(f"the format is {data.get('format')!r}, not '{FORMAT}'")

    given = _key_bytes(key) if key is not None else None
    named_key = info.get("key_id")
    if method == HMAC_CHAIN:
        if given is None:
            problems.append(
                f"signed with centre key {named_key}, and this machine has no centre key "
                "to check it with"
            )
            return Integrity(Proof.UNCHECKABLE, method_name, tuple(problems))
        if named_key != key_fingerprint(given):
            problems.append(
                f"signed with centre key {named_key}, not with this machine's key "
                f"{key_fingerprint(given)}"
            )
            return Integrity(Proof.UNCHECKABLE, method_name, tuple(problems))
        chain_key: bytes | None = given
    elif method == SHA256_CHAIN:
        chain_key = None
    elif not info:
        problems.append("the transcript has no integrity record, so it cannot be checked")
        return Integrity(Proof.EDITED, method_name, tuple(problems))
    else:
        problems.append(f"unknown integrity method {method!r}")
        return Integrity(Proof.EDITED, method_name, tuple(problems))

    problems.extend(_check_chain(data, chain_key, info))
    if method == SHA256_CHAIN and named_key is not None:
        problems.append(
            f"it names centre key {named_key} but its hashes are not keyed, so it was "
            "re-hashed without the key after it was saved"
        )
    if problems:
        return Integrity(Proof.EDITED, method_name, tuple(problems))
    if method == HMAC_CHAIN:
        return Integrity(Proof.SIGNED, method_name)
    if given is not None:
        reason = (
            f"this machine signs with centre key {key_fingerprint(given)}, and this "
            "transcript has no signature, so anyone could have edited it and recomputed "
            "its hashes"
        )
        return Integrity(Proof.NOT_SIGNED, method_name, (reason,))
    return Integrity(Proof.UNSIGNED, method_name)


def _check_chain(data: Mapping[str, Any], key: bytes | None, info: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    raw_turns = data.get("turns")
    if not isinstance(raw_turns, list):
        return ["the transcript has no list of turns"]
    turns = [t for t in raw_turns if isinstance(t, Mapping)]
    if len(turns) != len(raw_turns):
        return ["some turns are not JSON objects"]

    before = _header_bytes(data)
    previous_number = 0
    for position, turn in enumerate(turns, start=1):
        number = turn.get("number")
        label: int = (
            number if isinstance(number, int) and not isinstance(number, bool) else position
        )
        gap = False
        if label != previous_number + 1:
            if label > previous_number + 1:
                missing = _span(previous_number + 1, label - 1)
                where = (
                    f"turn {previous_number} is followed by turn {label}"
                    if previous_number
                    else f"the transcript starts at turn {label}"
                )
                problems.append(f"{missing} missing: {where}")
                gap = True
            else:
                problems.append(f"turn {label}: out of order (found where turn {position} belongs)")
        stored = turn.get("hash")
        if not isinstance(stored, str):
            problems.append(f"turn {label}: has no hash")
            before = b""
        else:
            expected = turn_hash(before, turn, key)
            if not _same(expected, stored):
                if gap:
                    after = f"turn {previous_number}" if previous_number else "the opening"
                    problems.append(
                        f"turn {label}: does not follow on from {after}, "
                        "so a turn between them was removed"
                    )
                elif label == 1:
                    problems.append(
                        "turn 1: reply or score changed after it was saved (or the learner, "
                        "scenario, framework, mode, start time or opening line were)"
                    )
                else:
                    problems.append(f"turn {label}: reply or score changed after it was saved")
            before = stored.encode("ascii", "replace")
        previous_number = label

    saved_count = info.get("turns")
    last = previous_number
    if isinstance(saved_count, int) and saved_count > len(turns):
        after = f"turn {last}" if turns else "the opening line"
        problems.append(
            f"turns missing after {after}: {saved_count} were saved, "
            f"{len(turns)} {'remains' if len(turns) == 1 else 'remain'}"
        )
        return problems
    if isinstance(saved_count, int) and saved_count < len(turns):
        problems.append(f"turns added after turn {saved_count}: only {saved_count} were saved")
        return problems
    if not isinstance(saved_count, int):
        problems.append("the integrity record does not say how many turns were saved")

    last_outcome = turns[-1].get("outcome") if turns else None
    if data.get("outcome") != last_outcome:
        problems.append(
            f"the outcome {data.get('outcome')!r} is not the one the last turn reached "
            f"({last_outcome!r})"
        )
    seal = info.get("seal")
    if not isinstance(seal, str) or not _same(_seal(data, turns, key), seal):
        problems.append(
            "the end of the transcript (its outcome, finish time, warnings or number of "
            "turns) changed after it was saved"
        )
    return problems


def _same(expected: str, stored: str) -> bool:
    """Compare hashes in constant time; a stored hash edited into any text is simply unequal."""
    return hmac.compare_digest(expected.encode("ascii"), stored.encode("utf-8", "surrogatepass"))


def _span(first: int, last: int) -> str:
    return f"turn {first} is" if first == last else f"turns {first} to {last} are"


# --------------------------------------------------------------------------- the saved form


def _iso_time(value: str) -> str:
    datetime.fromisoformat(value)
    return value


IsoTime = Annotated[str, AfterValidator(_iso_time)]
"""A timestamp kept exactly as saved (hashes cover the text), checked to be ISO 8601."""


class _Saved(BaseModel):
    model_config = ConfigDict(frozen=True, extra="allow")


class ScenarioRef(_Saved):
    """Which scenario an attempt was of, and the hash of that scenario file's content."""

    id: str
    title: str
    digest: str


class SavedTurn(_Saved):
    """One turn as saved: :func:`~roleplay.core.dialogue.turn_to_dict` plus time and hash."""

    number: StrictInt = Field(ge=1)
    node: str
    customer: str
    reply: str
    moves: tuple[str, ...]
    flags: tuple[str, ...]
    mood: StrictInt
    mood_before: StrictInt | None = None
    next_node: str
    response: str
    outcome: str | None
    reaction: str | None = None
    branch: StrictInt | None = None
    triggers: tuple[str, ...] = ()
    because: tuple[str, ...] = ()
    evidence: tuple[dict[str, Any], ...] = ()
    findings: tuple[dict[str, Any], ...] = ()
    at: IsoTime
    hash: str


class SavedIntegrity(_Saved):
    """How the transcript's chain was made: the method, the key's fingerprint, the seal."""

    method: Literal["sha256-chain", "hmac-sha256-chain"]
    key_id: str | None
    turns: StrictInt = Field(ge=0)
    seal: str


def _known_framework(value: str) -> str:
    """A transcript must name a model roleplay has, or it cannot be re-scored."""
    from roleplay.core.frameworks import bundled_frameworks

    known = sorted(bundled_frameworks())
    if value.strip().upper() not in known:
        raise unknown_id_error("framework", value, known)
    return value


class Transcript(_Saved):
    """A saved attempt, as :func:`load_transcript` reads it: typed, immutable, checkable.

    The fields are those of the file. :meth:`to_dict` gives back the data exactly as it
    was read, which is what :func:`verify` checks.
    """

    format: Literal["roleplay-transcript/1"]
    id: str
    scenario: ScenarioRef
    framework: Annotated[str, AfterValidator(_known_framework)]
    learner: str
    mode: Mode
    started: IsoTime
    updated: IsoTime
    finished: IsoTime | None
    ruleset: str
    opening: str
    turns: tuple[SavedTurn, ...]
    outcome: str | None
    ending_verdict: str | None = None
    """How the attempt ended as its debrief judged it when saved (an :class:`Ending` value:
    "handed_over_too_soon" where ``outcome``, the end node reached, is "escalated_correctly");
    absent from transcripts saved before it was kept."""
    warnings: tuple[str, ...] = ()
    integrity: SavedIntegrity

    _raw: dict[str, Any] | None = PrivateAttr(default=None)

    def to_dict(self) -> dict[str, Any]:
        """Return the transcript as JSON-ready data, exactly as it was read or written."""
        if self._raw is not None:
            return copy.deepcopy(self._raw)
        return self.model_dump(mode="json")

    @property
    def replies(self) -> tuple[str, ...]:
        """The learner's replies, in order: all that is needed to re-play the attempt."""
        return tuple(turn.reply for turn in self.turns)

    @property
    def is_finished(self) -> bool:
        """True once the attempt reached an outcome or was ended by the learner."""
        return self.finished is not None or self.outcome is not None

    def summary(self) -> AttemptSummary:
        """Return what a picker shows to offer this attempt for resuming."""
        return AttemptSummary(
            id=self.id,
            scenario_id=self.scenario.id,
            scenario_title=self.scenario.title,
            learner=self.learner,
            framework=self.framework,
            mode=self.mode,
            started=self.started,
            updated=self.updated,
            turns=len(self.turns),
            last_line=self.turns[-1].response if self.turns else self.opening,
        )


@dataclass(frozen=True, slots=True)
class AttemptSummary:
    """One saved attempt in brief, for the app to list: whose, of what, how far it got."""

    id: str
    scenario_id: str
    scenario_title: str
    learner: str
    framework: str
    mode: str
    started: str
    updated: str
    turns: int
    last_line: str
    """What the customer said last, so the learner remembers where they were."""


def load_transcript(path: str | Path) -> Transcript:
    """Read and check the shape of a saved transcript.

    A file that cannot be read, is not UTF-8, is not JSON, was cut off, is not a roleplay
    transcript or has missing or mistyped fields raises :class:`InvalidFileError` listing
    every problem with its line and column where they are known; it never raises anything
    else for a bad file. The hash chain is not checked here: see :func:`verify`.
    """
    path = Path(path)
    name = str(path)
    raw = read_file(path, limit=MAX_TRANSCRIPT_BYTES, name=name)
    if isinstance(raw, Problem):
        raise InvalidFileError([raw])
    try:
        # A byte-order mark (some Windows editors write one) is not part of the JSON.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        body = bytes(exc.object)  # after the byte-order mark, where the offsets count from
        line = body.count(b"\n", 0, exc.start) + 1
        col = exc.start - (body.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"not a transcript: not valid UTF-8 text (byte 0x{body[exc.start]:02x})"
        raise InvalidFileError([Problem(name, line, col, "encoding", message)]) from None
    if not text.strip():
        raise InvalidFileError([Problem(name, 1, 1, "empty", "the transcript file is empty")])
    data, problem = read_json(text, name, what="the transcript")
    if problem is not None:
        raise InvalidFileError([problem])
    if not isinstance(data, dict):
        message = "not a roleplay transcript: expected a JSON object"
        raise InvalidFileError([Problem(name, 1, 1, "not-a-transcript", message)])
    if data.get("format") != FORMAT:
        found = data.get("format")
        message = (
            f"not a roleplay transcript: its format is {found!r}, expected '{FORMAT}'"
            if found is not None
            else f"not a roleplay transcript: it has no 'format' field (expected '{FORMAT}')"
        )
        raise InvalidFileError([Problem(name, 1, 1, "wrong-format", message)])
    try:
        transcript = Transcript.model_validate(data)
    except ValidationError:
        raise InvalidFileError(_shape_problems(name, text, data)) from None
    transcript._raw = data
    return transcript


_TURN_PATH: Final = re.compile(r"^turns\[(\d+)\]\.?")


def _turn_label(match: re.Match[str]) -> str:
    """Name a turn as a person counts it: ``turns[2].reply`` becomes ``turn 3, reply``."""
    number = int(match.group(1)) + 1
    return f"turn {number}, " if match.group(0).endswith(".") else f"turn {number}"


def _shape_problems(name: str, text: str, data: object) -> list[Problem]:
    """Report every missing or mistyped field, at its line and column where they can be found.

    JSON is YAML as far as positions go, so the YAML source map finds them; where it
    cannot read the text, the problems are still reported, at the top of the file.
    """
    found, smap, _ = load_yaml(name, text)
    if found is None:
        smap = SourceMap(name)
    _, problems = validate_model(Transcript, data, smap)
    problems = [replace(p, message=_TURN_PATH.sub(_turn_label, p.message)) for p in problems]
    if not problems:
        problems = [Problem(name, 1, 1, "schema", "the transcript's fields are not as expected")]
    return problems


def field_position(path: str | Path, key_path: Sequence[str | int]) -> tuple[int, int]:
    """Where the value at ``key_path`` stands in the transcript file at ``path``.

    For a message about a field whose value is well formed but cannot be used (a scenario
    that is not installed here): ``(line, column)``, or ``(1, 1)`` when it cannot be found.
    """
    raw = read_file(path, limit=MAX_TRANSCRIPT_BYTES)
    if isinstance(raw, Problem):
        return (1, 1)
    _, smap, _ = load_yaml(str(path), raw.decode("utf-8-sig", errors="replace"))
    return smap.locate_value(key_path)


# --------------------------------------------------------------------------- attempts


def data_dir() -> Path:
    """Return roleplay's data folder: ``ROLEPLAY_DATA_DIR``, else the platform's own."""
    return Path(os.environ.get(DATA_ENV) or platformdirs.user_data_dir("roleplay"))


def attempts_dir() -> Path:
    """Return the folder attempts are saved in by default: ``attempts`` in the data folder."""
    return data_dir() / "attempts"


def now_iso() -> str:
    """Return the time now in UTC as ISO 8601, to the millisecond: ``2026-11-23T14:25:01.123Z``."""
    return _iso(datetime.now(UTC))


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _clean_text(text: str) -> str:
    """Replace lone surrogates (undecodable terminal bytes) so the reply can be saved as UTF-8."""
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


class Attempt:
    """A learner's attempt at a scenario, saved to disk after every turn.

    Begin one with :meth:`start`, or carry one on with :func:`resume`. :attr:`prompt` is
    what the customer says now; :meth:`step` takes the learner's reply, saves, and returns
    the turn. The transcript file is at :attr:`path` from the moment the attempt starts.

    An attempt holds a lock on its file (an operating-system lock on a lock file beside it)
    from start or resume until :meth:`close`, so the same attempt cannot be carried on in
    two windows at once, each saving over the other's turns. The lock is released when the
    object is closed, garbage-collected or its process ends, however it ends. Use it as a
    context manager, or call :meth:`close` when the conversation is left.
    """

    def __init__(
        self,
        loaded: LoadedScenario,
        session: Session,
        data: dict[str, Any],
        path: Path,
        key: bytes | None,
        lock: PathLock,
    ) -> None:
        """Wrap state that is already consistent; use :meth:`start` or :func:`resume` instead."""
        self.loaded = loaded
        self.session = session
        self._data = data
        self.path = path
        self._key = key
        self._lock = lock
        self._release = weakref.finalize(self, lock.release)

    def __enter__(self) -> Attempt:
        """Hold the attempt (and its lock) for the ``with`` block."""
        return self

    def __exit__(self, *_exc: object) -> None:
        """Release the attempt's lock at the end of the ``with`` block."""
        self.close()

    def close(self) -> None:
        """Release the attempt's lock, so it can be resumed elsewhere; it saves no more."""
        self._release()

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called: the attempt no longer holds its file."""
        return not self._lock.held

    @classmethod
    def start(
        cls,
        loaded: LoadedScenario,
        learner: str,
        *,
        framework: str | None = None,
        mode: str = "practice",
        folder: str | Path | None = None,
        key: KeyArg = FROM_ENVIRONMENT,
    ) -> Attempt:
        """Begin an attempt and save it (with no turns yet) before returning.

        ``framework`` defaults to the scenario's own; ``folder`` to :func:`attempts_dir`;
        ``key`` to the centre's key from the environment. Raises :class:`InputError` for a
        blank learner name or an unknown mode, :class:`UnknownIdError` for an unknown
        framework, and :class:`SaveError` when the folder cannot be written.
        """
        learner = _clean_text(learner).strip()
        if not learner:
            raise InputError("a learner's name is needed to save the attempt under")
        if mode not in MODES:
            raise InputError(f"unknown mode '{mode}'; use practice or assessment")
        scenario = loaded.scenario
        framework_id = framework or scenario.framework
        get_framework(framework_id)
        secret = _resolve_key(key)
        session = Session(scenario)
        started_at = datetime.now(UTC)
        started = _iso(started_at)
        target = Path(folder) if folder is not None else attempts_dir()
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SaveError(
                f"cannot create the folder for attempts {target}: {exc.strerror or exc}"
            ) from None
        clean_stale_temporaries(target)
        stamp = started_at.strftime("%Y%m%d-%H%M%S")
        while True:
            attempt_id = f"{stamp}-{scenario.id}-{secrets.token_hex(2)}"
            path = target / f"{attempt_id}.json"
            if path.exists():
                continue
            lock = _lock_for(path)
            try:
                lock.acquire()
            except LockedError:
                continue
            except OSError as exc:
                raise SaveError(
                    f"cannot lock the attempt's file {path}: {exc.strerror or exc}"
                ) from None
            if not path.exists():
                break
            lock.release()
        data: dict[str, Any] = {
            "format": FORMAT,
            "id": attempt_id,
            "scenario": {"id": scenario.id, "title": scenario.title, "digest": loaded.digest},
            "framework": framework_id,
            "learner": learner,
            "mode": mode,
            "started": started,
            "updated": started,
            "finished": None,
            "ruleset": load_lexicon().version,
            "opening": session.prompt,
            "turns": [],
            "outcome": None,
            "ending_verdict": None,
            "warnings": [],
            "integrity": {
                "method": HMAC_CHAIN if secret is not None else SHA256_CHAIN,
                "key_id": key_fingerprint(secret) if secret is not None else None,
                "turns": 0,
                "seal": "",
            },
        }
        attempt = cls(loaded, session, data, path, secret, lock)
        try:
            attempt.save()
        except BaseException:
            attempt.close()
            raise
        return attempt

    @property
    def id(self) -> str:
        """The attempt's id: start time (UTC), scenario id and a random suffix."""
        return str(self._data["id"])

    @property
    def learner(self) -> str:
        """Who is making the attempt."""
        return str(self._data["learner"])

    @property
    def framework(self) -> str:
        """The id of the complaint-handling model the attempt is measured against."""
        return str(self._data["framework"])

    @property
    def mode(self) -> str:
        """``practice`` (hints allowed) or ``assessment`` (none)."""
        return str(self._data["mode"])

    @property
    def prompt(self) -> str:
        """What the customer says now, awaiting the learner's reply."""
        return self.session.prompt

    @property
    def turns(self) -> tuple[Turn, ...]:
        """The turns so far (re-played ones included, after a resume)."""
        return tuple(self.session.turns)

    @property
    def outcome(self) -> str | None:
        """How the conversation ended, or None while it goes on."""
        return self.session.outcome

    @property
    def finished(self) -> bool:
        """True once the conversation reached an outcome or :meth:`finish` was called."""
        return self._data["finished"] is not None

    @property
    def warnings(self) -> tuple[str, ...]:
        """What a resume noticed but let pass, such as a scenario file changed since the start."""
        return tuple(self._data["warnings"])

    def data(self) -> dict[str, Any]:
        """Return the transcript as JSON-ready data, as it is on disk after the last save."""
        return copy.deepcopy(self._data)

    def transcript(self) -> Transcript:
        """Return the transcript as a :class:`Transcript`, for a debrief or a renderer."""
        saved = Transcript.model_validate(self._data)
        saved._raw = self.data()
        return saved

    def step(self, reply: str, analysis: Analysis | None = None) -> Turn:
        """Take the learner's reply, save the whole transcript, then return the turn.

        The save happens before this returns, so before the customer's answer can be shown:
        closing the terminal afterwards loses nothing. Raises
        :class:`~roleplay.core.dialogue.ConversationOver` when the attempt has finished, and
        :class:`SaveError` when the file cannot be written (the turn is kept in memory, so
        :meth:`save` may be tried again).
        """
        if self.finished:
            raise ConversationOver("this attempt has finished; start a new one")
        if self.closed:
            raise SaveError(f"attempt {self.id} was closed; resume it to carry on")
        turn = self.session.step(_clean_text(reply), analysis)
        record = turn_to_dict(turn)
        record["at"] = now_iso()
        turns: list[dict[str, Any]] = self._data["turns"]
        before = turns[-1]["hash"].encode("ascii") if turns else _header_bytes(self._data)
        record["hash"] = turn_hash(before, record, self._key)
        turns.append(record)
        self._data["outcome"] = turn.outcome
        if turn.outcome is not None:
            self._data["finished"] = record["at"]
            self._data["ending_verdict"] = ending_of(self.session).value
        self.save()
        return turn

    def finish(self) -> None:
        """End the attempt now, with or without an outcome, and save; it cannot be resumed."""
        if self._data["finished"] is None:
            self._data["finished"] = now_iso()
            self._data["ending_verdict"] = ending_of(self.session).value
            self.save()

    def save(self) -> None:
        """Write the whole transcript to :attr:`path` atomically, with a fresh seal.

        Raises :class:`SaveError` when the file cannot be written, or when the attempt was
        closed (another window may have carried it on since).
        """
        if self.closed:
            raise SaveError(
                f"attempt {self.id} was closed, so it is not saved again here; resume it to "
                "carry on"
            )
        self._data["updated"] = now_iso()
        turns = self._data["turns"]
        integrity = self._data["integrity"]
        integrity["turns"] = len(turns)
        integrity["seal"] = _seal(self._data, turns, self._key)
        text = json.dumps(self._data, ensure_ascii=False, indent=2) + "\n"
        try:
            write_atomic(self.path, text.encode("utf-8"))
        except OSError as exc:
            raise SaveError(
                f"could not save the attempt to {self.path}: {exc.strerror or exc}"
            ) from None

    def _warn(self, message: str) -> None:
        self._data["warnings"].append(message)


# --------------------------------------------------------------------------- resuming


def resume(
    path: str | Path,
    *,
    scenario: LoadedScenario | None = None,
    library: ScenarioLibrary | None = None,
    key: KeyArg = FROM_ENVIRONMENT,
) -> Attempt:
    """Carry on an unfinished attempt from its file.

    The scenario is found in ``library`` (default: the bundled scenarios) by the id saved
    in the transcript, unless ``scenario`` is given. The saved replies
    are re-played through a fresh session and must lead to the same nodes, moods and
    outcomes as before. If the scenario file or the cue rules have changed since the
    attempt began but still re-play the same, the attempt goes on and the change is
    recorded in its ``warnings``.

    The returned attempt holds the attempt's lock until it is closed (see :class:`Attempt`).

    Raises :class:`InvalidFileError` for a damaged file, :class:`ResumeError` for an
    attempt that is open in another window, has finished, fails its integrity check, needs
    a key that is not set, or no longer re-plays the same, :class:`UnknownIdError` when the
    scenario cannot be found, and :class:`InvalidFileError` when its file no longer loads.
    """
    path = Path(path)
    lock = _lock_for(path)
    try:
        lock.acquire()
    except LockedError:
        holder = lock.holder()
        where = f" (process {holder})" if holder is not None else ""
        raise ResumeError(
            f"attempt {path.stem} is open in another window{where}: carry it on there, or "
            "close that window first"
        ) from None
    except OSError as exc:
        raise ResumeError(
            f"cannot lock attempt {path.stem} to carry it on: {exc.strerror or exc}"
        ) from None
    try:
        return _resume_locked(path, lock, scenario, library, key)
    except BaseException:
        lock.release()
        raise


def _lock_for(path: Path) -> PathLock:
    """The lock of the attempt saved at ``path``: a hidden lock file beside it."""
    return PathLock(path.with_name(f".{path.name}.lock"))


def _resume_locked(
    path: Path,
    lock: PathLock,
    scenario: LoadedScenario | None,
    library: ScenarioLibrary | None,
    key: KeyArg,
) -> Attempt:
    """Resume with the attempt's lock held: read it only now, when no one else can write it."""
    saved = load_transcript(path)
    data = saved.to_dict()
    if saved.is_finished:
        ended = f" with the outcome '{saved.outcome}'" if saved.outcome else ""
        raise ResumeError(f"attempt {saved.id} has finished{ended}; start a new attempt instead")

    secret = _resolve_key(key)
    signed = saved.integrity.method == HMAC_CHAIN
    if signed and secret is None:
        raise ResumeError(
            f"attempt {saved.id} was signed with a centre key; set {KEY_ENV} or "
            f"{KEY_FILE_ENV} to carry it on"
        )
    chain_key = secret if signed else None
    check = verify(data, chain_key)
    if not check.ok:
        raise ResumeError(f"attempt {saved.id} cannot be carried on: {check.text}")

    loaded = scenario or (library or ScenarioLibrary()).find(saved.scenario.id)
    if loaded.scenario.id != saved.scenario.id:
        raise ResumeError(
            f"attempt {saved.id} is of scenario '{saved.scenario.id}', not '{loaded.scenario.id}'"
        )
    warnings: list[str] = []
    if loaded.digest != saved.scenario.digest:
        warnings.append(
            f"the scenario file {loaded.path.name} has changed since this attempt began "
            f"(content {saved.scenario.digest[:12]}, now {loaded.digest[:12]})"
        )
    ruleset = load_lexicon().version
    if ruleset != saved.ruleset:
        warnings.append(
            f"the cue rules have changed since this attempt began ({saved.ruleset}, now {ruleset})"
        )

    session = _replay(loaded, saved)
    data.setdefault("warnings", [])
    attempt = Attempt(loaded, session, data, path, chain_key, lock)
    for message in warnings:
        attempt._warn(message)
    if warnings:
        attempt.save()
    return attempt


def _replay(loaded: LoadedScenario, saved: Transcript) -> Session:
    """Re-play the saved replies and check each turn goes where it went before."""
    session = Session(loaded.scenario)
    if session.prompt != saved.opening:
        raise ResumeError(
            f"attempt {saved.id} no longer re-plays the same: the customer's opening line "
            "has changed"
        )
    for was in saved.turns:
        if session.finished:
            raise ResumeError(
                f"attempt {saved.id} no longer re-plays the same: the conversation now ends "
                f"before turn {was.number}"
            )
        now = session.step(was.reply)
        then = (was.node, was.mood, was.next_node, was.outcome)
        again = (now.node, now.mood_after, now.next_node, now.outcome)
        if then != again:
            raise ResumeError(
                f"attempt {saved.id} no longer re-plays the same: turn {was.number} went to "
                f"'{now.next_node}' at mood {now.mood_after} (outcome {now.outcome}), where it "
                f"went to '{was.next_node}' at mood {was.mood} (outcome {was.outcome}); "
                "the scenario or the cue rules have changed, so start a new attempt"
            )
    return session


def unfinished_attempts(folder: str | Path | None = None) -> list[tuple[Path, AttemptSummary]]:
    """List the attempts in ``folder`` (default :func:`attempts_dir`) that can be carried on.

    Most recently saved first. Finished attempts are left out, and so are files that do
    not load as transcripts (:func:`load_transcript` on one says what is wrong with it).
    """
    target = Path(folder) if folder is not None else attempts_dir()
    if not target.is_dir():
        return []
    clean_stale_temporaries(target)
    found: list[tuple[Path, AttemptSummary]] = []
    for path in target.glob("*.json"):
        try:
            saved = load_transcript(path)
        except InvalidFileError:
            continue
        if not saved.is_finished:
            found.append((path, saved.summary()))
    found.sort(key=lambda item: item[1].updated, reverse=True)
    return found


__all__ = [
    "FORMAT",
    "FROM_ENVIRONMENT",
    "HMAC_CHAIN",
    "SHA256_CHAIN",
    "Attempt",
    "AttemptSummary",
    "Integrity",
    "KeySource",
    "Proof",
    "ResumeError",
    "SaveError",
    "SavedTurn",
    "ScenarioRef",
    "Transcript",
    "attempts_dir",
    "canonical_json",
    "centre_key",
    "data_dir",
    "key_fingerprint",
    "load_transcript",
    "now_iso",
    "resume",
    "turn_hash",
    "unfinished_attempts",
    "verify",
    "write_atomic",
]
