"""Analyses kept on disk, so re-marking a cohort or a debrief never parses a reply twice.

An analysis depends only on the reply, the customer's message it answers, the rules and the
scorer itself. :class:`AnalysisCache` keeps analyses in one file per rule-set version (which
names the rule files, the language model and spaCy) and per scorer (a hash of the scorer's
own source, so an edited scorer never reads analyses an older one made), under the user's
cache folder (``ROLEPLAY_CACHE_DIR`` overrides it).

The file is written atomically (:func:`roleplay.core.storage.write_atomic`); one that cannot
be read, is damaged or is of another version is ignored and replaced, and a folder that
cannot be written only costs the time the cache would have saved. Replies and customers'
messages are stored as hashes, never as text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

from roleplay.core.analyse import analyse_many, scored_part
from roleplay.core.analysis import Analysis, Evidence
from roleplay.core.jsontext import read_json
from roleplay.core.lexicon import Lexicon, load_lexicon
from roleplay.core.settings import cache_folder
from roleplay.core.storage import save_for_later

CACHE_FORMAT: Final = 1
"""Bump when the file's layout changes, so that old files are ignored."""

MAX_ENTRIES: Final = 100_000
"""The most analyses one file keeps (some tens of megabytes); the oldest go first."""

SCORER_MODULES: Final = (
    "analyse.py",
    "analysis.py",
    "lexicon.py",
    "moves.py",
    "normalise.py",
    "parse.py",
    "parse_rules.py",
)
"""The source files of ``roleplay.core`` whose code decides an analysis."""


def scorer_digest() -> str:
    """Hash the scorer's own source, so that a changed scorer never reuses old analyses."""
    digest = hashlib.sha256()
    folder = Path(__file__).parent
    for name in SCORER_MODULES:
        digest.update(name.encode())
        try:
            digest.update((folder / name).read_bytes())
        except OSError:
            digest.update(b"?")
    return digest.hexdigest()[:16]


def _key(reply: str, customer: str | None) -> str:
    text = json.dumps([reply, customer], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _plain(evidence: Evidence) -> list[Any]:
    """Evidence as stored: its quote is not, since it is the scored reply's own characters."""
    return [
        evidence.move,
        evidence.rule,
        evidence.start,
        evidence.end,
        evidence.note,
        evidence.detail,
    ]


def _evidence(data: Any, scored: str) -> Evidence | None:
    if not isinstance(data, list) or len(data) != 6:
        return None
    move, rule, start, end, note, detail = data
    if not (
        isinstance(move, str)
        and isinstance(rule, str)
        and isinstance(start, int)
        and isinstance(end, int)
        and 0 <= start <= end <= len(scored)
        and isinstance(note, str)
        and isinstance(detail, str)
    ):
        return None
    return Evidence(move, rule, start, end, scored[start:end], note, detail)


def _strings(data: Any) -> tuple[str, ...] | None:
    if isinstance(data, list) and all(isinstance(x, str) for x in data):
        return tuple(data)
    return None


_SHARED: dict[tuple[str, str], AnalysisCache] = {}


class AnalysisCache:
    """Analyses by (rule-set version, scorer, reply, customer's message), kept on disk.

    ``analyse`` and ``analyse_many`` answer from the file where they can and analyse the
    rest; :meth:`save` writes what is new. :attr:`computed` counts the analyses made here
    rather than read.
    """

    def __init__(self, lexicon: Lexicon | None = None, folder: Path | None = None) -> None:
        self.lexicon = lexicon or load_lexicon()
        name = hashlib.sha256(f"{self.lexicon.version}\n{scorer_digest()}".encode()).hexdigest()
        self.path = (folder or cache_folder()) / f"analyses-{CACHE_FORMAT}-{name[:16]}.json"
        self.computed = 0
        self._entries: dict[str, Any] = self._read()
        self._new = 0

    @classmethod
    def shared(cls) -> AnalysisCache:
        """One cache per file for the whole process, read once: for the many short uses
        of one command (every scenario's self-tests and play-throughs in ``validate``)."""
        lexicon = load_lexicon()
        folder = cache_folder()
        key = (lexicon.version, str(folder))
        found = _SHARED.get(key)
        if found is None:
            found = _SHARED[key] = cls(lexicon, folder)
        return found

    def _read(self) -> dict[str, Any]:
        try:
            text = self.path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return {}
        data, problem = read_json(text, str(self.path))
        if (
            problem is not None
            or not isinstance(data, dict)
            or data.get("format") != CACHE_FORMAT
            or data.get("ruleset") != self.lexicon.version
            or not isinstance(data.get("entries"), dict)
        ):
            return {}
        return dict(data["entries"])

    def _decode(self, reply: str, data: Any) -> Analysis | None:
        """The analysis stored as ``data``, or None when it is not shaped as stored."""
        if not isinstance(data, list) or len(data) != 5:
            return None
        moves, flags = _strings(data[0]), _strings(data[1])
        if moves is None or flags is None or not isinstance(data[2], list):
            return None
        if not isinstance(data[3], list) or not (data[4] is None or isinstance(data[4], int)):
            return None
        scored = scored_part(reply)
        evidence = [_evidence(e, scored) for e in data[2]]
        suppressed = [_evidence(e, scored) for e in data[3]]
        if any(e is None for e in evidence) or any(e is None for e in suppressed):
            return None
        return Analysis(
            scored,
            moves,
            flags,
            tuple(e for e in evidence if e is not None),
            self.lexicon.version,
            tuple(e for e in suppressed if e is not None),
            data[4],
        )

    def analyse(self, reply: str, customer: str | None = None) -> Analysis:
        """Return the analysis of one reply, from the cache where it is there."""
        return self.analyse_many([(reply, customer)])[0]

    def analyse_many(self, items: Iterable[tuple[str, str | None]]) -> list[Analysis]:
        """Return the analyses of many replies, in order, analysing only those not cached."""
        pairs = list(items)
        out: list[Analysis | None] = []
        missing: dict[str, list[int]] = {}
        for reply, customer in pairs:
            key = _key(reply, customer)
            stored = self._entries.get(key)
            found = self._decode(reply, stored) if stored is not None else None
            if found is None:
                missing.setdefault(key, []).append(len(out))
            out.append(found)
        if missing:
            made = analyse_many([pairs[at[0]] for at in missing.values()], self.lexicon)
            self.computed += len(made)
            for (key, at), analysis in zip(missing.items(), made, strict=True):
                for i in at:
                    out[i] = analysis
                self._entries[key] = [
                    list(analysis.moves),
                    list(analysis.flags),
                    [_plain(e) for e in analysis.evidence],
                    [_plain(e) for e in analysis.suppressed],
                    analysis.truncated_from,
                ]
                self._new += 1
        return [a for a in out if a is not None]

    def save(self) -> None:
        """Write the analyses made since loading, if any; a folder that cannot be written
        is skipped, since the cache only saves time."""
        if not self._new:
            return
        entries = self._entries
        if len(entries) > MAX_ENTRIES:
            entries = dict(list(entries.items())[-MAX_ENTRIES:])
        data = {"format": CACHE_FORMAT, "ruleset": self.lexicon.version, "entries": entries}
        if save_for_later(self.path, json.dumps(data).encode("ascii")):
            self._new = 0


__all__ = ["AnalysisCache", "cache_folder", "scorer_digest"]
