"""Large YAML files read once: their data and source map kept on disk by their content.

Every command and the app read the cue rules (some 600 KB of YAML) and the scenarios at
start; building the node tree, checking aliases and recording the line and column of every
key costs about a second each time, while the files seldom change. :func:`remembered` and
:func:`remember` keep what :func:`roleplay.core.source.load_yaml` made of a document in the
user's cache folder (``ROLEPLAY_CACHE_DIR`` overrides it), in a JSON file named by a hash of
the document's text and of this format, so that a changed file, or a changed reader, is
simply read afresh.

Only documents that loaded without a problem and whose data JSON carries exactly (strings,
numbers, booleans, null, lists and mappings with text keys) are kept; a cached file that
cannot be read, is damaged or does not have the expected shape is ignored, and a folder
that cannot be written only costs the time the cache would have saved. The oldest files go
first once there are more than :data:`MAX_FILES`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Final

from roleplay.core.settings import cache_folder
from roleplay.core.storage import save_for_later

CACHE_FORMAT: Final = 1
"""Bump when the file's layout or what :func:`load_yaml` records changes."""

SMALLEST: Final = 16_000
"""Characters below which a document is read faster than its cache file is found."""

MAX_FILES: Final = 300
"""The most documents kept; a tutor saving a large scenario many times adds one each."""

Position = tuple[int, int]
Mapped = dict[tuple[str | int, ...], Position]


def _folder() -> Path:
    return cache_folder() / "yaml"


def _path_for(text: str) -> Path:
    digest = hashlib.sha256(f"{CACHE_FORMAT}\0{text}".encode("utf-8", "surrogatepass"))
    return _folder() / f"{digest.hexdigest()[:40]}.json"


def remembered(text: str) -> tuple[object, Mapped, Mapped] | None:
    """The data and key and value positions stored for a document with exactly ``text``,
    or None when there are none (or ``text`` is too small to be worth it)."""
    if len(text) < SMALLEST:
        return None
    try:
        stored = json.loads(_path_for(text).read_bytes())
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(stored, dict) or stored.get("format") != CACHE_FORMAT:
        return None
    try:
        keys = _positions(stored["keys"])
        values = _positions(stored["values"])
    except (KeyError, TypeError, ValueError):
        return None
    return stored.get("data"), keys, values


def remember(text: str, data: object, keys: Mapped, values: Mapped) -> None:
    """Keep what ``text`` loaded as, when it is large enough and JSON carries it exactly."""
    if len(text) < SMALLEST:
        return
    try:
        if json.loads(json.dumps(data)) != data:
            return  # (a mapping with number keys, say: JSON would hand back text keys)
        body = json.dumps(
            {
                "format": CACHE_FORMAT,
                "data": data,
                "keys": [[list(path), *at] for path, at in keys.items()],
                "values": [[list(path), *at] for path, at in values.items()],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
    except (TypeError, ValueError, RecursionError):
        return  # (dates, sets, or nesting JSON will not write)
    target = _path_for(text)
    if save_for_later(target, body.encode("utf-8", "surrogatepass")):
        _prune(target.parent)


def _positions(rows: object) -> Mapped:
    if not isinstance(rows, list):
        raise TypeError("positions are not a list")
    found: Mapped = {}
    for path, line, col in rows:
        if not isinstance(path, list) or not isinstance(line, int) or not isinstance(col, int):
            raise TypeError("a position is not a path, a line and a column")
        found[tuple(path)] = (line, col)
    return found


def _prune(folder: Path) -> None:
    try:
        kept = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[MAX_FILES:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
