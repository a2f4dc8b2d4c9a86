"""The move and red-flag ids of the labelling guide (``docs/moves.md``).

Every other part of roleplay (cue rules, complaint-handling models, scenarios, the debrief)
refers to moves by these ids, so they are defined once, here, in the guide's order.
"""

from __future__ import annotations

from typing import Final

MOVES: Final[tuple[str, ...]] = (
    "acknowledge",
    "listen",
    "empathise",
    "apologise",
    "thank",
    "explain",
    "ownership",
    "resolve",
    "investigate",
    "learn",
    "follow_up",
    "escalate",
    "policy_reference",
)
"""Positive moves, in the order the guide lists them."""

FLAGS: Final[tuple[str, ...]] = ("blame", "dismiss", "non_apology")
"""Red flags, in the order the guide lists them."""

ALL_IDS: Final[tuple[str, ...]] = MOVES + FLAGS
"""Every id the scorer can report: the 13 moves, then the 3 red flags."""

_ORDER: Final[dict[str, int]] = {move_id: i for i, move_id in enumerate(ALL_IDS)}

DESCRIPTIONS: Final[dict[str, str]] = {
    "acknowledge": "recognises the customer's specific problem as real",
    "listen": "paraphrases, asks about the problem or invites the customer to say more",
    "empathise": "shows understanding of how the customer feels or how the problem affects them",
    "apologise": "apologises sincerely for the problem, the failure or the inconvenience",
    "thank": "thanks the customer",
    "explain": "explains why it happened, how the process works, or what happens next",
    "ownership": "takes personal responsibility for getting it sorted",
    "resolve": "offers or confirms a concrete remedy",
    "investigate": "commits to looking into or checking the problem",
    "learn": "commits to feeding back, learning or preventing a recurrence",
    "follow_up": "commits to contacting the customer later or checking back",
    "escalate": "hands the case up or out to someone with more authority",
    "policy_reference": "names a specific policy, procedure, promise, terms or law",
    "blame": "deflects responsibility onto the customer, a colleague or a third party",
    "dismiss": "dismisses, minimises or is rude",
    "non_apology": "apologises for the customer's feelings or conditionally",
}
"""One line per id, in the guide's words, for help text and debriefs."""


def is_flag(move_id: str) -> bool:
    """Return True when ``move_id`` is a red flag rather than a positive move."""
    return move_id in FLAGS


def is_known(move_id: str) -> bool:
    """Return True when ``move_id`` is one of the guide's moves or flags."""
    return move_id in _ORDER


def guide_order(move_ids: object) -> tuple[str, ...]:
    """Return the given ids, without repeats, sorted in the guide's order."""
    return tuple(sorted(set(move_ids), key=_ORDER.__getitem__))  # type: ignore[call-overload]
