"""What a reply did in one scenario: the policies and laws it named, the law it got wrong,
and what it did within or beyond the learner's role.

The move detector (:func:`roleplay.core.analyse.analyse`) knows nothing of a scenario; this
module reads the same reply against the scenario's policies (their cue words), the shared
legislation catalogue (:mod:`roleplay.core.lawclaims`) and the scenario's limits and
confidential data (:mod:`roleplay.core.conduct`: amounts offered or put for approval, acts
beyond authority, disclosure, advice outside the role, guarantees). Every finding quotes
the learner's words with their position, as the move evidence does.
"""

from __future__ import annotations

from dataclasses import dataclass

from roleplay.core.analysis import Analysis
from roleplay.core.conduct import conduct
from roleplay.core.findings import Finding
from roleplay.core.lawclaims import law_claims
from roleplay.core.legislation import Catalogue, bundled_catalogue
from roleplay.core.phrases import find_phrase
from roleplay.core.phrases import lower as _lower
from roleplay.core.scenario import Scenario


@dataclass(frozen=True, slots=True)
class ReplyFacts:
    """Everything :func:`reply_facts` found in one reply."""

    findings: tuple[Finding, ...] = ()

    def of(self, kind: str) -> tuple[Finding, ...]:
        """Return the findings of one kind, in reply order."""
        return tuple(f for f in self.findings if f.kind == kind)

    @property
    def cited(self) -> frozenset[str]:
        """Ids of every policy and law the reply named."""
        return frozenset(f.ref for f in self.findings if f.kind in ("policy", "law"))


def reply_facts(
    reply: str,
    analysis: Analysis,
    scenario: Scenario | None = None,
    catalogue: Catalogue | None = None,
) -> ReplyFacts:
    """Find the policies and laws ``reply`` names, the law it misstates and any promise it
    makes beyond the learner's authority (a remedy larger than a policy's limit, with no
    escalation in the same reply)."""
    catalogue = catalogue or bundled_catalogue()
    text = _lower(reply)
    findings: list[Finding] = []
    if scenario is not None:
        for policy in scenario.organisation.policies:
            for cue in policy.cues:
                span = find_phrase(cue, text)
                if span is not None:
                    findings.append(_found("policy", policy.id, policy.name, reply, span))
                    break
    findings.extend(law_findings(reply, text, scenario, catalogue))
    if scenario is not None:
        findings.extend(conduct(reply, analysis, scenario))
    findings.sort(key=lambda f: (f.start, f.kind))
    return ReplyFacts(tuple(findings))


def law_findings(
    reply: str, text: str, scenario: Scenario | None, catalogue: Catalogue
) -> list[Finding]:
    """The laws ``reply`` names (``law``: does it fit the scenario, is it explained) and the
    sentences that get a law wrong (``misstatement``, with the correction), read claim by
    claim in :mod:`roleplay.core.lawclaims`. ``text`` (the reply lower-cased) is not needed
    there: the claims are read from the reply itself."""
    del text
    return law_claims(reply, scenario, catalogue)


def _found(
    kind: str, ref: str, name: str, reply: str, span: tuple[int, int], detail: str = ""
) -> Finding:
    start, end = span
    return Finding(kind, ref, name, start, end, reply[start:end], detail)
