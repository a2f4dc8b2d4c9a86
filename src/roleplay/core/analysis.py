"""The values the scorer returns: what a reply did, and the words that show it.

These are plain frozen dataclasses so that the dialogue engine, the debrief and every
renderer can pass them around and compare them without caring how they were computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from roleplay.core.moves import ALL_IDS, FLAGS, MOVES


@dataclass(frozen=True, slots=True)
class Evidence:
    """One judgement: ``move`` was found at ``reply[start:end]`` (``quote``) by rule ``rule``."""

    move: str
    rule: str
    start: int
    end: int
    quote: str
    note: str = ""
    """Empty for evidence that counts; for a set-aside match, why it did not count."""
    detail: str = ""
    """The lemmas, parts of speech and relations the rule matched (shown by ``--explain``);
    empty in analyses saved before the rules read the parse."""

    def to_dict(self) -> dict[str, Any]:
        """Return the evidence as JSON-ready data."""
        out: dict[str, Any] = {
            "move": self.move,
            "rule": self.rule,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
        }
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True, slots=True)
class Analysis:
    """Every move and red flag one reply makes, each with its evidence.

    ``moves`` and ``flags`` are in the guide's order; ``evidence`` holds at least one entry
    for each of them (the first, by position, is the one quoted in summaries). ``ruleset``
    is the version of the cue rules that produced it, so a score can be reproduced later.
    """

    reply: str
    moves: tuple[str, ...]
    flags: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    ruleset: str
    suppressed: tuple[Evidence, ...] = field(default=())
    """Cue matches that did not count (negated, quoted, hypothetical, overridden), kept so
    that a debrief or ``--explain`` can say why a word that looks like a move was not one."""
    truncated_from: int | None = None
    """The length of the whole reply when it was longer than the scorer takes, so that only
    its first part (``reply``) was scored; None when the whole reply was scored."""

    @property
    def truncated(self) -> bool:
        """True when only the first part of a very long reply was scored."""
        return self.truncated_from is not None

    def truncation_note(self) -> str:
        """Say how much of a long reply was scored, or "" when all of it was."""
        if self.truncated_from is None:
            return ""
        return (
            f"the reply is {self.truncated_from:,} characters long; only the first "
            f"{len(self.reply):,} were scored"
        )

    @property
    def ids(self) -> tuple[str, ...]:
        """Moves then flags: every id this reply was judged to make."""
        return self.moves + self.flags

    def has(self, move_id: str) -> bool:
        """Return True when the reply makes the move or raises the flag ``move_id``."""
        return move_id in self.moves or move_id in self.flags

    def evidence_for(self, move_id: str) -> tuple[Evidence, ...]:
        """Return every piece of evidence for ``move_id``, in reply order."""
        return tuple(e for e in self.evidence if e.move == move_id)

    def first_evidence(self, move_id: str) -> Evidence | None:
        """Return the earliest evidence for ``move_id``, or None when it was not made."""
        for e in self.evidence:
            if e.move == move_id:
                return e
        return None

    def quotes(self) -> dict[str, str]:
        """Return ``{id: quoted words}`` with the first evidence of each id, in guide order."""
        out: dict[str, str] = {}
        for move_id in self.ids:
            first = self.first_evidence(move_id)
            if first is not None:
                out[move_id] = first.quote
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return the analysis as JSON-ready data (the shape ``roleplay score`` writes).

        A reply too long to score whole also gets ``truncated``: how many characters were
        scored, of how many.
        """
        out: dict[str, Any] = {
            "moves": list(self.moves),
            "flags": list(self.flags),
            "evidence": self.quotes(),
            "matches": [e.to_dict() for e in self.evidence],
            "ruleset": self.ruleset,
        }
        if self.truncated_from is not None:
            out["truncated"] = {"scored": len(self.reply), "length": self.truncated_from}
        return out


__all__ = ["ALL_IDS", "FLAGS", "MOVES", "Analysis", "Evidence"]
