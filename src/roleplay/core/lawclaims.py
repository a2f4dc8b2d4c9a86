"""Claims about the law in one reply: which law is named, whether it fits, and what is wrong.

A learner who writes "Under the Consumer Rights Act, once the parcel is marked delivered the
risk passes to you" has named a law and stated the opposite of what it says. Naming is not
doing, so this module reads each sentence of a reply as a claim and checks it against the
legislation catalogue (``rubrics/legislation.yaml``):

* **naming**: the laws the sentence names (their cues); words that only point at a law
  ("consumer law") put the claim on it, to be checked, but name nothing;
* **fit**: a law fits when the scenario names it, or when it governs a matter both the claim
  and the scenario are about (the catalogue's ``matters`` and each law's ``governs``);
* **explained**: whether the sentence says what the law means ("the Equality Act says we
  should make that adjustment") or only uses it as a reason ("for data protection reasons");
* **misstatements**: families of wording that get a law wrong (wrong remedy, wrong time
  limit, wrong party, a right denied), each with its correction, and the wrong Act: a claim
  that names a law about matters that law does not govern is checked against THAT law
  ("under the Consumer Rights Act I can't discuss his account" is data protection).

Word order, passives and negation vary, so a family's patterns match anywhere in a sentence
in any order, and its ``affirmed`` pattern must hold in a clause the parse (spaCy, the
project's pinned pipeline) does not negate: "you don't need the original box" is not the
packaging misstatement. Quotes are the learner's whole sentence, with its own offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from roleplay.core.conduct import told_back
from roleplay.core.findings import Finding
from roleplay.core.legislation import Catalogue, Law, Misstatement
from roleplay.core.parse import CLAUSE_HEADS, pipeline
from roleplay.core.phrases import find_phrase, lower

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from roleplay.core.scenario import Scenario


_CONTRACTIONS = {
    "can't": "can not",
    "cannot": "can not",
    "won't": "will not",
    "don't": "do not",
    "doesn't": "does not",
    "didn't": "did not",
    "isn't": "is not",
    "aren't": "are not",
    "wasn't": "was not",
    "weren't": "were not",
    "haven't": "have not",
    "hasn't": "has not",
    "couldn't": "could not",
    "wouldn't": "would not",
    "shouldn't": "should not",
    "mustn't": "must not",
    "needn't": "need not",
    "i'm": "i am",
    "we're": "we are",
    "you're": "you are",
    "they're": "they are",
    "it's": "it is",
    "that's": "that is",
    "there's": "there is",
    "he's": "he is",
    "she's": "she is",
    "we'll": "we will",
    "i'll": "i will",
    "you'll": "you will",
    "they'll": "they will",
    "he'll": "he will",
    "she'll": "she will",
    "it'll": "it will",
    "you've": "you have",
    "we've": "we have",
    "i've": "i have",
    "they've": "they have",
    "i'd": "i would",
    "you'd": "you would",
    "we'd": "we would",
    "cant": "can not",
    "dont": "do not",
    "wont": "will not",
    "isnt": "is not",
    "im": "i am",
    "ive": "i have",
    "u": "you",
    "ur": "your",
    "pls": "please",
    "plz": "please",
    "cos": "because",
    "coz": "because",
}
_CONTRACTION = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in _CONTRACTIONS) + r")\b")

ATTRIBUTION = re.compile(
    r"\b(?:by law|the law|(?:consumer|data|privacy|equality) law|legal(?:ly)?|statutory|"
    r"entitled|entitlement|your rights?|the act|an act|regulations?|legislation|"
    r"law (?:says|means|requires|states))\b"
)
"""Words that put a claim on the law even when no law is named."""

_BARE_BEFORE = re.compile(
    r"(?:\bfor|\bbecause of|\bdue to|\bowing to|\bcos of|\bcoz of|\bcause of|\bon|\bit is|"
    r"\bthat is|\bthat would be)\s+(?:the\s+)?(?:grounds of\s+)?$"
)
_BARE_AFTER = re.compile(
    r"^\s*(?:\d{4}\s+)?(?:law\s+|rules?\s+|regulations?\s+|legislation\s+|act\s+)?"
    r"(?:reasons|grounds|purposes)\b"
)
_EXPLAINED_AFTER = re.compile(
    r"^[\s,]*(?:\d{4}[\s,]*)?(?:[\w()]+[\s,]+){0,3}?(?:says?|said|means?|requires?|required|"
    r"states?|gives?|entitles?|protects?|obliges?|makes? (?:sure|it|us|you|the)|sets? out|"
    r"is there to|are there to|allows?|lets?|guarantees?|expects?|is clear|puts? (?:a )?duty)\b"
)
_EXPLAINED_BEFORE = re.compile(
    r"(?:\bunder|\bin line with|\baccording to|\bas required by|\brequired by|\bby|\bin|"
    r"\bas per|\bper|\bthrough|\bfrom|\bby law|\blegally|\bin law)[\s,(]+"
    r"(?:(?:section|s)\s*\d+\w*(?:\(\d+\))?\s+of\s+)?(?:the\s+)?[(\s]*$"
)
_APPLIED_AFTER = re.compile(
    r"^[\s,]*(?:\d{4}[\s,]*)?(?:[\w()]+[\s,]+){0,2}?(?:covers?|applies|apply|is relevant|"
    r"comes? in|protects?)\b"
)
"""The law said to apply: an explanation only if a duty or right follows ("the Consumer
Rights Act covers this, so you're entitled to a refund")."""
_EXPLAINED_BY_DASH = re.compile(r"^(?:\s+\d{4})?\s*[–—:-]\s")
"""The law, then a dash or colon and what it says: "the Equality Act: we must adjust"."""
_DUTY = re.compile(
    r"\b(?:must|have to|has to|entitled|entitles|right to|rights|responsib\w*|obliged|"
    r"required|duty|should|can not|not allowed|allowed|within|until|protects?|liable|liability)\b"
)


LawClaim = Finding
"""A law named (``kind`` ``law``, with ``fits`` and ``explained``) or a law misstated
(``misstatement``, ``detail`` the correction), quoting its whole sentence."""


@dataclass(frozen=True, slots=True)
class _Spelt:
    """Lower-cased text with contractions spelt out, and a map back to the reply's offsets."""

    text: str
    origin: tuple[int, ...]

    def original(self, start: int, end: int) -> tuple[int, int]:
        if not self.origin:
            return 0, 0
        end = max(start + 1, end)
        return self.origin[start], self.origin[min(end, len(self.origin)) - 1] + 1


@lru_cache(maxsize=512)
def spell_out(reply: str) -> _Spelt:
    """Lower-case ``reply`` and spell out its contractions, remembering each character's
    offset in the reply, so that a match quotes the learner's own words."""
    text = lower(reply)
    out: list[str] = []
    origin: list[int] = []
    last = 0
    for m in _CONTRACTION.finditer(text):
        out.append(text[last : m.start()])
        origin.extend(range(last, m.start()))
        spelt = _CONTRACTIONS[m.group()]
        out.append(spelt)
        origin.extend([m.start()] * (len(spelt) - 1) + [m.end() - 1])
        last = m.end()
    out.append(text[last:])
    origin.extend(range(last, len(text)))
    return _Spelt("".join(out), tuple(origin))


@lru_cache(maxsize=1024)
def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@dataclass(frozen=True, slots=True)
class _Mention:
    law: Law
    start: int
    end: int
    vague: bool


_READ: dict[tuple[int, int, str], tuple[object, object, tuple[LawClaim, ...]]] = {}
"""Replies read already, by scenario and catalogue: a play-through meets the same replies
again and again, and reading one parses it. Each entry keeps its scenario and catalogue,
so an id reused by another object is never taken for theirs."""
_READ_AT_MOST = 4096


def law_claims(reply: str, scenario: Scenario | None, catalogue: Catalogue) -> list[LawClaim]:
    """Read every sentence of ``reply`` as a claim about the law (see the module's docs).

    Returns the laws named (one per law per sentence) and the misstatements (one per
    sentence, its corrections joined), in reply order.
    """
    key = (id(scenario), id(catalogue), reply)
    kept = _READ.get(key)
    if kept is not None and kept[0] is scenario and kept[1] is catalogue:
        return list(kept[2])
    claims = _read_claims(reply, scenario, catalogue)
    if len(_READ) >= _READ_AT_MOST:
        _READ.clear()
    _READ[key] = (scenario, catalogue, tuple(claims))
    return claims


def _read_claims(reply: str, scenario: Scenario | None, catalogue: Catalogue) -> list[LawClaim]:
    """What :func:`law_claims` reads, each time."""
    spelt = spell_out(reply)
    if not spelt.text.strip():
        return []
    doc = _Parse(spelt.text)
    scene = _scenario_matters(scenario, catalogue)
    out: list[LawClaim] = []
    for start, end in _sentences(spelt.text):
        sentence = spelt.text[start:end]
        out.extend(_sentence_claims(reply, spelt, doc, start, sentence, scenario, scene, catalogue))
    return out


class _Parse:
    """The reply's parse, made the first time a family needs to know what is negated: most
    replies state no law at all and are never parsed here."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._doc: Doc | None = None

    @property
    def doc(self) -> Doc:
        if self._doc is None:
            self._doc = pipeline()(self.text)
        return self._doc


_SENTENCE_END = re.compile(
    r"(?<!\bmr)(?<!\bmrs)(?<!\bms)(?<!\bdr)(?<!\bst)(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bno)"
    r"[.!?]+[\"')\]]*\s+|;\s*|\n\s*\n"
)
"""Where one claim ends: a full stop, question or exclamation mark followed by a space (not
after a title or "e.g."; "£4.95" has no space), a semicolon, a blank line. A dash does not:
"the Consumer Rights Act – goods must be as described" is one claim."""


def _sentences(text: str) -> list[tuple[int, int]]:
    """Claim spans of the spelt text. Punctuation decides, not the parser, which splits a
    lower-cased sentence at a bracket ("by law (the consumer rights act 2015) …")."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.start() + len(m.group().rstrip())
        if text[start:end].strip():
            spans.append((start, end))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _sentence_claims(
    reply: str,
    spelt: _Spelt,
    doc: _Parse,
    offset: int,
    sentence: str,
    scenario: Scenario | None,
    scene: frozenset[str],
    catalogue: Catalogue,
) -> list[LawClaim]:
    mentions = _mentions(sentence, catalogue)
    # A law's own name is not what the claim is about ("data" in "data protection"); the
    # name of a rule that is not law is ("delay repay" is about rail).
    named_laws = [(m.start, m.end) for m in mentions if m.law.kind == "law"]
    matters = matters_of(_blank(sentence, named_laws), catalogue)
    attributed = bool(mentions) or ATTRIBUTION.search(sentence) is not None
    lo, hi = spelt.original(offset, offset + len(sentence.rstrip()))
    while lo < hi and reply[lo].isspace():
        lo += 1
    quote = reply[lo:hi]
    out: list[LawClaim] = []

    # Each family found in the sentence is one error, unless its words overlap an error
    # already found (one wrong claim can fit two families: keep the first). A wrong Act is
    # added to the first error's correction: it is the same claim, checked against its Act.
    hits: list[tuple[Law, str, int, int]] = []
    points: set[tuple[str, str]] = set()
    # (the customer's account read back to them states nothing of the learner's)
    for law in () if told_back(sentence) else catalogue.laws:
        named = any(m.law.id == law.id for m in mentions)
        for family in law.misstatements:
            if family.point and (law.id, family.point) in points:
                continue
            span = _states(family, sentence, doc, offset, named, attributed, scenario, reply)
            if span is None or any(span[0] < h[3] and h[2] < span[1] for h in hits):
                continue
            hits.append((law, family.correction, *span))
            if family.point:
                points.add((law.id, family.point))
    hits.sort(key=lambda h: h[2])
    wrong_act: list[str] = []
    for mention in mentions:
        if mention.vague or mention.law.kind != "law" or _disowned(sentence, mention):
            continue
        if matters and not matters & set(mention.law.governs):
            if not hits:
                hits.append((mention.law, "", mention.start, mention.end))
            wrong_act.append(_wrong_act(mention.law, matters, catalogue))
    for i, (law, correction, start, end) in enumerate(hits):
        detail = [correction] if correction else []
        if i == 0:
            detail += [c for c in dict.fromkeys(wrong_act) if c not in detail]
        a, b, words = (lo, hi, quote)
        if len(hits) > 1:
            a, b, words = _clause(reply, spelt, sentence, offset, start, end)
        out.append(LawClaim("misstatement", law.id, law.name, a, b, words, " ".join(detail)))

    # A law only pointed at ("consumer law", "your statutory rights") is not named: what is
    # said of it is checked above, but it earns nothing.
    seen: set[str] = set()
    for mention in mentions:
        law = mention.law
        if law.kind != "law" or mention.vague or law.id in seen:
            continue
        seen.add(law.id)
        fits, why = _fit(law, matters, scenario, scene, catalogue)
        explained = _explained(sentence, mention)
        detail = why if explained else f"{why}; named, but what it means is not said"
        out.append(LawClaim("law", law.id, law.name, lo, hi, quote, detail, fits, explained))
    return out


def _mentions(sentence: str, catalogue: Catalogue) -> list[_Mention]:
    found: list[_Mention] = []
    for law in catalogue.laws:
        if law.cue_unless and _rx(law.cue_unless).search(sentence):
            continue
        span = _first_cue(law.cues, sentence)
        if span is not None:
            found.append(_Mention(law, span[0], span[1], False))
            continue
        span = _first_cue(law.vague_cues, sentence)
        if span is not None:
            found.append(_Mention(law, span[0], span[1], True))
    # A cue inside a longer one ("rights" in "consumer rights act") belongs to the longer.
    return [
        m
        for m in found
        if not any(
            o is not m and not o.vague and o.start <= m.start and m.end <= o.end and m.vague
            for o in found
        )
    ]


def _first_cue(cues: Iterable[str], sentence: str) -> tuple[int, int] | None:
    best: tuple[int, int] | None = None
    for cue in cues:
        span = find_cue(cue, sentence)
        if span is not None and (best is None or span[0] < best[0]):
            best = span
    return best


def find_cue(cue: str, text: str) -> tuple[int, int] | None:
    """Find ``cue`` in ``text`` (lower case) as whole words, tolerating a small misspelling
    in cues of eight letters or more with no digits, aligned to about the cue's length (a
    near miss of a law's name is often another law); returns its span or None."""
    return find_phrase(cue, text, fuzzy_from=8, letters_only=True, same_length=True)


def _blank(sentence: str, spans: Sequence[tuple[int, int]]) -> str:
    chars = list(sentence)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = " "
    return "".join(chars)


def matters_of(text: str, catalogue: Catalogue) -> frozenset[str]:
    """The catalogue's matters that ``text`` (lower case) is about, by their words."""
    return frozenset(m.id for m in catalogue.matters if any(_rx(w).search(text) for w in m.words))


def _scenario_matters(scenario: Scenario | None, catalogue: Catalogue) -> frozenset[str]:
    if scenario is None:
        return frozenset()
    text = lower(f"{scenario.title}. {scenario.sector}. {scenario.brief}")
    return matters_of(spell_out(text).text, catalogue)


_STATED_SUM = re.compile(r"£ ?(\d[\d,]*)(?:\.(\d\d))?")


def _all_sums_right(sentence: str, right: tuple[int, ...]) -> bool:
    """Whether every sum of money in ``sentence`` is one the law sets, or what one comes to
    for a party of up to nine people."""
    sums = [(int(m.group(1).replace(",", "")), m.group(2)) for m in _STATED_SUM.finditer(sentence)]
    allowed = {each * people for each in right for people in range(1, 10)}
    return bool(sums) and all(pence in (None, "00") and pounds in allowed for pounds, pence in sums)


def _states(
    family: Misstatement,
    sentence: str,
    doc: _Parse,
    offset: int,
    named: bool,
    attributed: bool,
    scenario: Scenario | None,
    reply: str,
) -> tuple[int, int] | None:
    """Where in ``sentence`` this family of misstatement is stated (the span from its first
    to its last matching words), or None."""
    if family.named and not named:
        return None
    if family.attributed and not attributed:
        return None
    found = [_rx(p).search(sentence) for p in family.required]
    if any(m is None for m in found):
        return None
    if any(_rx(p).search(sentence) for p in family.none):
        return None
    if family.right_sums and _all_sums_right(sentence, family.right_sums):
        return None
    if family.context and _rx(family.context).search(spell_out(reply).text) is None:
        return None
    if family.scenario:
        if scenario is None:
            return None
        where = spell_out(f"{scenario.sector}. {scenario.brief}").text
        if _rx(family.scenario).search(where) is None:
            return None
    if family.unless_scenario and scenario is not None:
        brief = spell_out(f"{scenario.brief}").text
        if _rx(family.unless_scenario).search(brief):
            return None
    if family.affirmed:
        affirmed = next(
            (
                m
                for m in _rx(family.affirmed).finditer(sentence)
                if not _negated(doc, offset + m.start(), offset + m.end())
            ),
            None,
        )
        if affirmed is None:
            return None
        found.append(affirmed)
    spans = [(m.start(), m.end()) for m in found if m is not None]
    return min(s for s, _e in spans), max(e for _s, e in spans)


def _clause(
    reply: str, spelt: _Spelt, sentence: str, offset: int, start: int, end: int
) -> tuple[int, int, str]:
    """The clause of ``sentence`` around ``start``–``end`` (between commas, semicolons or
    the sentence's ends), as offsets in the reply and its words, for a sentence that holds
    more than one error."""
    left = max(sentence.rfind(",", 0, start), sentence.rfind(";", 0, start)) + 1
    stops = [i for i in (sentence.find(",", end), sentence.find(";", end)) if i >= 0]
    right = min(stops) if stops else len(sentence.rstrip())
    lo, hi = spelt.original(offset + left, offset + right)
    while lo < hi and reply[lo].isspace():
        lo += 1
    return lo, hi, reply[lo:hi]


_CONTRAST_HOSTS = frozenset({"NOUN", "PROPN", "PRON", "NUM"})
"""A "not" hanging on a noun contrasts ("the maker, not us"); it negates no clause."""
_COMPLEMENTS = frozenset({"ccomp", "xcomp"})
"""Clauses that a negated verb carries with it: "that doesn't make it your responsibility"."""


def _negated(parse: _Parse, start: int, end: int) -> bool:
    """Whether the words at ``start``–``end`` sit in a clause that the parse negates.

    A negation reaches its own clause and the complements of its verb, never a coordinated
    clause: "I can't discuss it, but he can tell you" keeps the second clause affirmed.
    """
    span = parse.doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    for tok in span:
        if tok.lower_ in {"not", "never"} and tok.head.pos_ not in _CONTRAST_HOSTS:
            return True
    for tok in span:
        node = tok
        for _ in range(12):
            for child in node.children:
                if child.dep_ == "neg" and node.pos_ not in _CONTRAST_HOSTS:
                    return True
                if child.dep_ in {"nsubj", "nsubjpass"} and (
                    child.lower_ in {"nobody", "nothing"}
                    or any(c.dep_ == "det" and c.lower_ == "no" for c in child.children)
                ):
                    return True
            if node.head is node or (node.dep_ in CLAUSE_HEADS and node.dep_ not in _COMPLEMENTS):
                break
            if node.dep_ in _COMPLEMENTS and node.head.i > node.i:
                break  # a clause before its "head" is a comma splice, not its complement
            node = node.head
    return False


_DISOWN_AFTER = re.compile(
    r"^(?:\s+\d{4})?(?:\s+\w+){0,2}?\s+(?:does|do|did|would|will|is|are) not "
    r"(?:apply|cover|come into|say|mean|give|deal|govern|matter|relevant)"
)
_DISOWN_BEFORE = re.compile(
    r"\bnot\s+(?:a\s+|an\s+)?(?:matter\s+for|under|covered\s+by|about|part\s+of)\s+(?:the\s+)?$"
)


def _disowned(sentence: str, mention: _Mention) -> bool:
    """Whether the sentence says the law does NOT apply ("the Consumer Rights Act doesn't
    cover this"): that is no claim under it, so it cannot cite the wrong Act."""
    return bool(
        _DISOWN_AFTER.search(sentence[mention.end :])
        or _DISOWN_BEFORE.search(sentence[: mention.start])
    )


def _explained(sentence: str, mention: _Mention) -> bool:
    """Whether the sentence says what the law means, not only its name as a reason."""
    before = sentence[: mention.start]
    after = sentence[mention.end :]
    if _BARE_BEFORE.search(before) or _BARE_AFTER.search(after):
        return False
    if _EXPLAINED_AFTER.search(after):
        return True
    if (_EXPLAINED_BY_DASH.match(after) or _APPLIED_AFTER.search(after)) and _DUTY.search(after):
        return True
    rest = _blank(sentence, [(mention.start, mention.end)])
    return bool(_EXPLAINED_BEFORE.search(before) and _DUTY.search(rest))


def _fit(
    law: Law,
    matters: frozenset[str],
    scenario: Scenario | None,
    scene: frozenset[str],
    catalogue: Catalogue,
) -> tuple[bool, str]:
    """Whether ``law`` fits the situation, and why, in words a learner reads."""
    if scenario is not None and law.id in scenario.legislation:
        return True, "fits: the law that applies in this scenario"
    governed = set(law.governs) & matters
    if scenario is not None:
        governed &= scene
    if governed:
        return True, f"fits: it governs {_labels(governed, catalogue)}"
    wanted = ""
    if scenario is not None and scenario.legislation:
        names = [x.name for x in (catalogue.law(i) for i in scenario.legislation) if x]
        wanted = f"; the law that applies here is {' and '.join(names)}"
    covers = _labels(law.governs, catalogue) or "other matters"
    return False, f"does not fit: {law.name} covers {covers}{wanted}"


def _wrong_act(law: Law, matters: frozenset[str], catalogue: Catalogue) -> str:
    others = [o.name for o in catalogue.laws if o.id != law.id and set(o.governs) & matters]
    about = _labels(matters, catalogue)
    if others:
        return f"{law.name} does not cover {about}: that is a matter for {' or '.join(others)}."
    return f"{law.name} does not cover {about}."


def _labels(ids: Iterable[str], catalogue: Catalogue) -> str:
    labels = [m.label for m in (catalogue.matter(i) for i in sorted(ids)) if m is not None]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " or " + labels[-1]


_REFUSED_BY_LAW = re.compile(
    r"\b(?:only (?:has|have|had|need|needs) to|(?:can|could|will|would|do|does|did|are|is|was)"
    r" not (?:have to|need to|be (?:refunded|covered|changed|waived)|required|obliged|owe|"
    r"apply|cover|covered|allowed|entitled|liable|responsible|count)|not (?:required|obliged|"
    r"covered|allowed|entitled|liable|responsible|a right|something we owe)|no (?:right|"
    r"guarantee|obligation|entitlement|refund|point|need for a manager)|can (?:only|never)|"
    r"(?:is|are) (?:your|the customer's) responsibility|(?:on|down to) you\b|"
    r"nothing (?:to dispute|we can do|i can do)|technically|exempt|against the regulations|"
    r"the law is (?:the law|clear)|(?:that|it) is the law|classed as|count(?:s)? as|"
    r"(?:charges?|bill|fee|debt|amount|balance|cost|£\s?\d[\d,.]*) (?:is|are|stays?|stands?) "
    r"(?:still )?(?:correct|valid|due|legally due|payable|owed)\b|(?:is|would be|will be) "
    r"chargeable\b|(?:can|could) not (?:waive|change|cancel|remove|reduce|drop)\b|set by law|"
    r"passes to you|you (?:will|would) (?:need|have) to pay|you (?:have|need) to pay|"
    r"(?:is|was) not (?:our|my|the [\w']+) (?:fault|responsibility)|not ours\b)"
)
"""What a claim about the law says when it is given as the reason the customer gets nothing:
"the council only has to collect bins at the kerb", "roaming can never be refunded", "that's
the law"."""


_NAMED_RULES = re.compile(
    r"\bunder (?:the )?(?:[\w']+ ){0,3}(?:rules|act|code|regulations?)\b|"
    r"\b(?:ofcom|ofgem|fca|caa|orr|ico|government|eu|uk|rail|allergen|legal) rules\b|"
    r"\bthe (?:[a-z]+ ){1,4}act\b"
)
"""A rule or an Act the catalogue may not know, named as law ("under Ofcom rules", "the Food
Safety Act")."""

_WAY_GIVEN = re.compile(
    r"\b(?:unless|except|or with|power of attorney|mandate|authority|consent|permission)\b"
)
"""A way round the refusal given with it: the law told as it is, with the route it leaves."""


_IN_THEIR_FAVOUR = re.compile(
    r"\bnot (?:allowed|permitted) to (?:charge|bill|keep|penali[sz]e|take (?:a|the|any) "
    r"(?:fee|charge|deposit))|\bshould (?:never|not) have been\b|\byou are (?:entitled|owed)\b"
    r"|\byou (?:would|will|do|did) not (?:need|have) to\b|\b(?:that|it) is your right\b"
    r"|\b(?:due|payable|owed) to you\b"
    # "it's not our fault, but I'll refund you anyway": the law waved away, not the remedy
    r"|\bbut\b.*\b(?:i|we) (?:will|can|have|am|are)\b.*\b(?:refund|replac|credit|pay|compensat)"
)
"""The law given against the firm, for the customer ("we are not allowed to charge a
check-out fee", "that's your right, and you wouldn't need to wait for us")."""


def law_given_to_refuse(reply: str, catalogue: Catalogue) -> list[tuple[int, int]]:
    """The spans of ``reply``'s sentences that put the law forward as the reason the customer
    gets nothing ("Legally the council only has to collect bins left at the kerbside",
    "Under Ofcom rules roaming charges can never be refunded", "there's no point, it's the
    law"), whether or not the catalogue knows the law to be otherwise. A customer does not
    take such a claim on trust: they doubt it, and nothing it says meets what they need. The
    debrief does not mark it (only a misstatement the catalogue knows is marked)."""
    return list(_refused_spans(reply, catalogue))


@lru_cache(maxsize=1024)
def _refused_spans(reply: str, catalogue: Catalogue) -> tuple[tuple[int, int], ...]:
    """:func:`law_given_to_refuse`, read once per reply: the turn and every need's test ask."""
    spelt = spell_out(reply)
    spans: list[tuple[int, int]] = []
    for start, end in _sentences(spelt.text):
        sentence = spelt.text[start:end]
        if not _REFUSED_BY_LAW.search(sentence):
            continue
        if not (
            ATTRIBUTION.search(sentence)
            or _NAMED_RULES.search(sentence)
            or _mentions(sentence, catalogue)
        ):
            continue
        if _WAY_GIVEN.search(sentence) or _IN_THEIR_FAVOUR.search(sentence):
            continue  # "I can only discuss it with him, or with someone he's given a mandate"
        spans.append(spelt.original(start, end))
    return tuple(spans)
