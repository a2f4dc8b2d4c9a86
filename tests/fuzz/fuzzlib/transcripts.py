"""Edits to a saved transcript, as a learner trying to raise a score (or a crash) makes them.

The edits change what an assessor relies on (a reply, a score, a hash, a turn deleted or
moved, the learner's name, the outcome), damage the file (huge numbers, deep nesting, a
BOM, a cut-off end), or re-hash the chain after an edit, as anyone without the centre's
key can. :func:`content` is what the chain claims to protect, so the oracle can tell a real
edit from a harmless one (indentation, key order, escapes).
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
from typing import Any

from fuzzlib.mutate import Limits, Raw, deep, dump_json, huge_number, mutate_bytes, odd_string

PROTECTED: tuple[str, ...] = (
    "format",
    "id",
    "scenario",
    "framework",
    "learner",
    "mode",
    "started",
    "finished",
    "ruleset",
    "opening",
    "turns",
    "outcome",
    "warnings",
)
"""The fields a transcript's hash chain and seal cover (``core/transcript.py``): an edit to
any of them, kept quiet, lets a transcript say what its learner never did."""


def content(data: Any) -> str | None:
    """The protected part of a transcript, as canonical text; None when it is not an object."""
    if not isinstance(data, dict):
        return None
    picked = {name: data.get(name) for name in PROTECTED}
    return json.dumps(picked, sort_keys=True, ensure_ascii=True, allow_nan=True)


def parse(raw: bytes) -> Any:
    """Read a transcript's bytes as JSON, as leniently as a reader could (BOM allowed)."""
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return None


def _canonical(value: object) -> bytes:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8", "surrogatepass")


def rehash(data: dict[str, Any]) -> None:
    """Recompute the unkeyed chain and seal in place, as the file format documents them.

    This is what anyone can do without the centre's key. It follows the scheme described in
    ``core/transcript.py``; if that scheme changes, the re-hash no longer matches and the
    edit is simply caught, so a stale copy here can hide nothing.
    """
    header = {name: data.get(name) for name in _HEADER}
    before = _canonical(header)
    turns = data.get("turns")
    turns = turns if isinstance(turns, list) else []
    for turn in turns:
        if isinstance(turn, dict):
            body = _canonical({k: v for k, v in turn.items() if k != "hash"})
            turn["hash"] = hashlib.sha256(before + body).hexdigest()
            before = turn["hash"].encode("ascii")
    closing = {name: data.get(name) for name in _SEALED}
    closing["turns"] = len(turns)
    last = turns[-1].get("hash") if turns and isinstance(turns[-1], dict) else None
    start = last.encode("ascii") if isinstance(last, str) else _canonical(header)
    data["integrity"] = {
        "method": "sha256-chain",
        "key_id": None,
        "turns": len(turns),
        "seal": hashlib.sha256(start + _canonical(closing)).hexdigest(),
    }


_HEADER = ("scenario", "framework", "learner", "mode", "started", "opening")
_SEALED = ("id", "ruleset", "outcome", "finished", "warnings")


def _turns(data: dict[str, Any]) -> list[Any]:
    turns = data.get("turns")
    return turns if isinstance(turns, list) else []


def _edit_reply(data: dict[str, Any], rng: random.Random, limits: Limits) -> str:
    turns = [t for t in _turns(data) if isinstance(t, dict)]
    if not turns:
        return "no turns"
    turn = rng.choice(turns)
    others = [t.get("reply") for t in turns if t is not turn]
    turn["reply"] = rng.choice(
        (
            str(turn.get("reply", "")) + " I am so sorry, I will refund you.",
            str(turn.get("reply", "")).replace(" ", "  ", 1),
            "",
            odd_string(rng, limits),
            rng.choice(others) if others else "x",
        )
    )
    return f"reply of turn {turn.get('number')}"


def _edit_score(data: dict[str, Any], rng: random.Random, limits: Limits) -> str:
    turns = [t for t in _turns(data) if isinstance(t, dict)]
    if not turns:
        return "no turns"
    turn = rng.choice(turns)
    field = rng.choice(("mood", "moves", "flags", "outcome", "next_node", "node", "evidence"))
    if field == "mood":
        turn["mood"] = rng.choice((5, -5, 0, 1, 10**9, -1, 1.0, None, "3"))
    elif field in ("moves", "flags"):
        found = turn.get(field)
        moves = list(found) if isinstance(found, list) else []
        turn[field] = [*moves, "apologise"] if rng.random() < 0.5 else moves[1:]
    elif field == "outcome":
        turn["outcome"] = rng.choice(("resolved", "escalated", None, "won"))
    elif field == "evidence":
        turn["evidence"] = []
    else:
        turn[field] = rng.choice(("opening", "resolved", "nowhere"))
    return f"{field} of turn {turn.get('number')}"


def _edit_hash(data: dict[str, Any], rng: random.Random, limits: Limits) -> str:
    turns = [t for t in _turns(data) if isinstance(t, dict)]
    if turns and rng.random() < 0.6:
        turn = rng.choice(turns)
        value = str(turn.get("hash", ""))
        at = rng.randrange(max(1, len(value)))
        turn["hash"] = rng.choice(
            (
                value[:at] + ("0" if value[at : at + 1] != "0" else "1") + value[at + 1 :],
                value.upper(),
                value + " ",
                "",
                None,
                12,
                "\ud800" + value[1:],
            )
        )
        return f"hash of turn {turn.get('number')}"
    integrity = data.get("integrity")
    if not isinstance(integrity, dict):
        return "no integrity"
    key = rng.choice(("seal", "turns", "method", "key_id"))
    integrity[key] = rng.choice(
        ("0" * 64, "hmac-sha256-chain", "sha256-chain", "md5", 0, 99, -1, None, "", 2**70)
    )
    return f"integrity {key}"


def _edit_turns(data: dict[str, Any], rng: random.Random, limits: Limits) -> str:
    turns = _turns(data)
    if not turns:
        return "no turns"
    how = rng.choice(("delete", "delete-last", "swap", "duplicate", "reverse", "renumber"))
    if how == "delete":
        del turns[rng.randrange(len(turns))]
    elif how == "delete-last":
        turns.pop()
    elif how == "swap" and len(turns) > 1:
        i, j = rng.sample(range(len(turns)), 2)
        turns[i], turns[j] = turns[j], turns[i]
    elif how == "duplicate":
        turns.insert(rng.randrange(len(turns)), copy.deepcopy(rng.choice(turns)))
    elif how == "reverse":
        turns.reverse()
    else:
        for turn in turns:
            if isinstance(turn, dict) and isinstance(turn.get("number"), int):
                turn["number"] += 1
    return f"turns {how}"


def _edit_header(data: dict[str, Any], rng: random.Random, limits: Limits) -> str:
    field = rng.choice(
        (
            "learner",
            "started",
            "finished",
            "opening",
            "framework",
            "mode",
            "scenario",
            "outcome",
            "warnings",
            "id",
            "ruleset",
            "format",
            "updated",
        )
    )
    value: Any
    if field == "scenario":
        scenario = data.get("scenario")
        if isinstance(scenario, dict):
            key = rng.choice(("id", "title", "digest"))
            scenario[key] = rng.choice(("cancelled-train", "nope", "../x", "", "x" * 300))
            return f"scenario {key}"
        value = None
    elif field in ("started", "finished", "updated"):
        value = rng.choice(
            ("2020-01-01T00:00:00Z", "2024-13-45T00:00:00Z", "yesterday", "", None, 0)
        )
    elif field == "warnings":
        value = [*(data.get("warnings") or []), "added"]
    else:
        value = rng.choice(("Someone Else", "HEAT", "assessment", "resolved", "", None, 1, []))
    data[field] = value
    return f"header {field}"


def _damage(data: dict[str, Any], rng: random.Random, limits: Limits) -> str:
    """Put a value no saved transcript holds somewhere: huge, deep, NaN, a lone surrogate."""
    places: list[tuple[Any, Any]] = [(data, k) for k in data]
    for turn in _turns(data):
        if isinstance(turn, dict):
            places.extend((turn, k) for k in turn)
    if not places:
        return "nothing"
    container, key = rng.choice(places)
    container[key] = rng.choice(
        (
            huge_number(rng, limits),
            deep(rng, limits),
            Raw("NaN"),
            Raw("Infinity"),
            Raw("-Infinity"),
            Raw("1e999"),
            Raw('"\\ud800"'),
            Raw('"\\u0000"'),
            {},
            [],
            True,
            odd_string(rng, limits),
        )
    )
    return f"damaged {key!r}"


def _extra(data: dict[str, Any], rng: random.Random, limits: Limits) -> str:
    data[rng.choice(("score", "extra", "steps", "integrity_text"))] = rng.choice(
        (100, "verified", [], {"a": 1})
    )
    return "extra or unprotected field"


def _holds_raw(tree: Any) -> bool:
    """Whether a tree holds :class:`Raw` text, which has no value to hash until it is written."""
    if isinstance(tree, Raw):
        return True
    if isinstance(tree, dict):
        return any(_holds_raw(v) for v in tree.values())
    if isinstance(tree, list):
        return any(_holds_raw(v) for v in tree)
    return False


_EDITS = (
    _edit_reply,
    _edit_reply,
    _edit_score,
    _edit_score,
    _edit_hash,
    _edit_turns,
    _edit_turns,
    _edit_header,
    _damage,
    _extra,
)


def mutate_transcript(raw: bytes, rng: random.Random, limits: Limits) -> tuple[bytes, str]:
    """An edited or damaged copy of a saved transcript, and what was done to it."""
    if rng.random() < 0.15:
        data, how = mutate_bytes(raw, rng, limits)
        return data, f"bytes: {how}"
    tree = json.loads(raw)
    done = [rng.choice(_EDITS)(tree, rng, limits) for _ in range(1 + int(rng.random() * 2))]
    if rng.random() < 0.25 and not _holds_raw(tree):
        rehash(tree)
        done.append("re-hashed without a key")
    out = dump_json(tree, rng).encode("utf-8", "surrogatepass")
    if rng.random() < 0.1:
        out, how = mutate_bytes(out, rng, limits)
        done.append(f"bytes: {how}")
    return out, "; ".join(done)
