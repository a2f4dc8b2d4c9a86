"""One thing a reply did in its scenario, with the learner's words: a policy or law named, a
law misstated, or something done within or beyond the learner's role.

:mod:`roleplay.core.facts` collects them; :mod:`roleplay.core.lawclaims` and
:mod:`roleplay.core.conduct` find them. One shape for all, so the debrief and every view read
them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Finding:
    """A policy or law named, a law misstated, or something the reply did in the learner's
    role, with its words.

    ``kind`` is ``policy``, ``law``, ``misstatement``, or one of :mod:`roleplay.core.conduct`'s:
    ``offer``, ``needs_approval``, ``beyond_authority``, ``disclosure``,
    ``advice_outside_role``, ``unkeepable_promise``, ``withheld``; ``ref`` the id of the policy
    or law (or the advice's domain); ``detail`` the correction (misstatements) or the limit
    broken. A law named also says whether it ``fits`` the situation and whether the reply
    ``explained`` what it means (None for every other kind).
    """

    kind: str
    ref: str
    name: str
    start: int
    end: int
    quote: str
    detail: str = ""
    fits: bool | None = None
    explained: bool | None = None

    def to_dict(self) -> dict[str, object]:
        """Return the finding as JSON-ready data."""
        out: dict[str, object] = {
            "kind": self.kind,
            "ref": self.ref,
            "name": self.name,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
        }
        if self.detail:
            out["detail"] = self.detail
        if self.fits is not None:
            out["fits"] = self.fits
        if self.explained is not None:
            out["explained"] = self.explained
        return out
