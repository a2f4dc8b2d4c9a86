"""What checking a transcript's hash chain proved, in words that claim no more than that.

A chain of plain SHA-256 hashes shows a transcript is *consistent*: nothing was changed
without the hashes being recomputed. It does not show the transcript is *genuine*, because
anyone can recompute them. Only a chain keyed with the centre's secret (an HMAC) shows that,
and only to a machine that has the key. So a check ends in one of these verdicts
(:class:`Proof`), each worded by :attr:`Integrity.text` so that every screen, file and
report says the same thing:

==================  ============================================================  ======
verdict             when                                                          counts
==================  ============================================================  ======
SIGNED              keyed chain, checked with this machine's key                  yes
UNSIGNED            plain chain, consistent, and no key is set here                yes
NOT_SIGNED          plain chain, but this machine has a key: the centre signs      no
UNCHECKABLE         keyed chain, and this machine has no key or another key        no
EDITED              hashes or seal do not match, or a keyed transcript re-hashed   no
DAMAGED             the file does not even load (a report row)                     no
==================  ============================================================  ======

"Counts" is whether a cohort report's means, best scores and shares may use the attempt.
An unsigned transcript counts where the centre has chosen not to sign (no key set), and is
always called unsigned, never verified.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class Proof(StrEnum):
    """The verdict of an integrity check: what it proved about a transcript."""

    SIGNED = "signed"
    UNSIGNED = "unsigned"
    NOT_SIGNED = "not-signed"
    UNCHECKABLE = "cannot-be-checked"
    EDITED = "edited"
    DAMAGED = "damaged"

    @property
    def counts(self) -> bool:
        """True when a score behind this verdict may be used in a cohort's figures."""
        return self in (Proof.SIGNED, Proof.UNSIGNED)

    @property
    def label(self) -> str:
        """The verdict in two or three words, for a table cell: "edited", "not signed"."""
        return _LABELS[self]


_LABELS: Final = {
    Proof.SIGNED: "signed",
    Proof.UNSIGNED: "unsigned",
    Proof.NOT_SIGNED: "not signed",
    Proof.UNCHECKABLE: "cannot be checked",
    Proof.EDITED: "edited",
    Proof.DAMAGED: "damaged",
}

SIGNED_TEXT: Final = "signed with this centre's key (verified)"
UNSIGNED_TEXT: Final = "unsigned: consistent, but anyone could have recomputed it"

_OPENINGS: Final = (
    (SIGNED_TEXT, Proof.SIGNED),
    ("unsigned:", Proof.UNSIGNED),
    ("NOT SIGNED:", Proof.NOT_SIGNED),
    ("CANNOT BE CHECKED:", Proof.UNCHECKABLE),
    ("EDITED:", Proof.EDITED),
    ("damaged:", Proof.DAMAGED),
)
"""How each verdict's text begins; :func:`proof_of` reads a verdict back from its text."""


@dataclass(frozen=True, slots=True)
class Integrity:
    """Whether a transcript is as it was saved, what that proves, and what was changed where."""

    proof: Proof
    method: str
    """The chain the transcript declares: ``sha256-chain``, ``hmac-sha256-chain`` or unknown."""
    problems: tuple[str, ...] = ()
    """What is wrong, one sentence each (empty for SIGNED and UNSIGNED)."""

    @property
    def ok(self) -> bool:
        """True when the transcript is consistent and proves what it claims (SIGNED, UNSIGNED)."""
        return self.proof.counts

    @property
    def text(self) -> str:
        """The verdict in one line, as every debrief, report and screen shows it."""
        if self.proof is Proof.SIGNED:
            return SIGNED_TEXT
        if self.proof is Proof.UNSIGNED:
            return UNSIGNED_TEXT
        opening = next(text for text, proof in _OPENINGS if proof is self.proof)
        return f"{opening} {'; '.join(self.problems)}"


def proof_of(text: str) -> Proof | None:
    """Read the verdict back from the words of :attr:`Integrity.text` (or a report's
    ``damaged:`` row); None for words that are no verdict, which nothing should trust."""
    for opening, proof in _OPENINGS:
        if text.startswith(opening):
            return proof
    return None


__all__ = ["SIGNED_TEXT", "UNSIGNED_TEXT", "Integrity", "Proof", "proof_of"]
