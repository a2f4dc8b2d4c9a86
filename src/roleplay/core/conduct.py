"""What a reply did within, or beyond, the learner's role in one scenario.

The move detector says that a reply offered a remedy or escalated; this module reads the same
reply against the scenario's authority limits and confidential data, and against the limits
every customer-service role shares:

* ``offer``: an amount the learner gives (inside a remedy, not refused, not asked for);
* ``needs_approval``: an amount or an act beyond the learner's limit that the same reply
  puts to the person who can approve it (escalation for approval is escalation);
* ``beyond_authority``: an amount above a limit, or an act only someone else may do,
  promised with no one asked to approve it;
* ``disclosure``: personal data told to someone not entitled to it;
* ``advice_outside_role``: medical, financial or legal advice from a customer-service role;
* ``unkeepable_promise``: a guarantee of what the learner does not control;
* ``withheld``: a refusal of what a policy entitles the customer to, or of a remedy the
  learner may give within their limit ("the mobile data isn't something we can refund"
  when costs up to £50 are theirs to refund).

Every finding quotes the learner's sentence with its position, as the move evidence does.
Sentences are cut only where one ends: never inside "£4.99", "10.30" or "Mr.".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from roleplay.core.analysis import Analysis
from roleplay.core.findings import Finding
from roleplay.core.scenario import AuthorityLimit, Scenario

_SENTENCE_END = re.compile(
    r"[.!?…]+[\"'”’)]*(?=\s+[\"'“‘(]?[A-Z0-9£])|[.!…]+(?=\s+[a-z][^.!?…\n]*\?)"
    r"|[.!?…]+[\"'”’)]*\s*$|\n+"
)
"""A sentence's end: its stop before a capital, or before a question written without one
(text-speak: "pls dont drive it. is it at urs?" tells, then asks), the end of the reply, or
a line break."""
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "no",
        "approx",
        "etc",
        "e.g",
        "i.e",
        "vs",
        "ref",
        "tel",
        "a.m",
        "p.m",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
    ]
)
_AMOUNT = re.compile(
    r"£\s?(\d{1,6}(?:,\d{3})*(?:\.\d{1,2})?)|\b(\d{1,6}(?:\.\d{1,2})?)\s?(?:pounds|quid)\b"
)


def _amount_of(match: re.Match[str]) -> float:
    """The sum an ``_AMOUNT`` match names, in pounds."""
    return float((match.group(1) or match.group(2)).replace(",", ""))


def sums(text: str) -> list[float]:
    """The sums of money ``text`` names, in pounds ("£1,400", "350 pounds"), in order."""
    return [_amount_of(m) for m in _AMOUNT.finditer(text)]


MONEY_WORDS: dict[str, tuple[str, ...]] = {
    "refund": (
        "refund",
        "money back",
        "reimburs",
        "pay you back",
        "pay back",
        "cover the cost",
        "back to your card",
        "back on your card",
        "back into your account",
    ),
    "compensation": ("compensat",),
    "credit": ("credit",),
    "replacement": ("replace", "new one", "send another", "send you another"),
    "discount": ("discount", "% off", "reduction", "knock"),
    "waive_fee": (
        "waive ",
        "waived",
        "waiving",
        "take the fee off",
        "taken off",
        "take off",
        "remove the fee",
        "removed the",
        "cancel the fee",
        "write off",
        "writing off",
        "written off",
        "wipe",
        "wiping",
        "clearing the",
        "clear the",
    ),
    "goodwill": (
        "goodwill",
        "gesture",
        "voucher",
        "as a thank you",
        "for your trouble",
        "for the inconvenience",
        "to say sorry",
    ),
}
"""What giving each kind of remedy sounds like (word starts, lower case)."""

REFUSAL_WORDS = (
    r"can ?not",
    r"can't",
    r"cant",
    r"unable to",
    r"not able to",
    r"won't be able",
    r"isn't something i",
    r"not something i",
    r"don't have the authority",
    r"not allowed",
    r"not permitted",
    r"not in a position",
)
"""Words that refuse, in lower case: the one list the conduct findings and the debrief
build their refusals from."""

_REFUSAL = re.compile(r"\b(?:" + "|".join((*REFUSAL_WORDS, r"no way")) + r")\b")
_HYPOTHETICAL = re.compile(r"^\s*(?:if|whether|once|when|as soon as)\b|\b(?:if|whether|unless)\b")
_ADVISORY = re.compile(
    r"\b(?:you should|you could|you ought|you'd be better|you would be better|i'd|i would|"
    r"if i were you|my advice|best to|why not|try|you might want|you need to|have you tried|"
    r"make sure you|don't worry|no need to worry|nothing to worry)\b"
)
_IMPERATIVE_START = re.compile(
    r"^\s*(?:just |please |maybe |perhaps )?(?:take|stop|start|keep|put|pay|use|borrow|"
    r"drink|rest|lie|sit|go|get|see|ask|cut|skip|miss|double|halve|switch|move)\b"
)
ADVICE_DOMAINS: dict[str, tuple[str, ...]] = {
    "medical": (
        "tablet",
        "pill",
        "medication",
        "medicine",
        "paracetamol",
        "ibuprofen",
        "aspirin",
        "dose",
        "lie down",
        "a rest",
        "drink water",
        "drink plenty",
        "blood pressure",
        "headache",
        "dizz",
        "symptom",
    ),
    "financial": (
        "credit card",
        "loan",
        "borrow",
        "overdraft",
        "minimum payment",
        "pay the minimum",
        "consolidat",
        "pension",
        "payday",
        "remortgage",
        "balance transfer",
        "savings",
        "pay it off",
        "pay off",
    ),
    "legal": ("sue ", "small claims", "take them to court", "take us to court", "legal action"),
}
"""The kinds of advice a customer-service role never gives, and what giving them sounds like."""
_DEBT_REASSURANCE: dict[str, tuple[str, ...]] = {
    "financial": (
        "don't need to pay",
        "do not need to pay",
        "don't have to pay",
        "do not have to pay",
        "no need to pay",
        "can ignore the",
        "can just ignore",
        "ignore the reminder",
        "ignore the letter",
        "ignore those letters",
        "ignore these letters",
        "won't affect your credit",
        "won't hurt your credit",
    ),
    "legal": (
        "can't take your house",
        "cannot take your house",
        "won't take your house",
        "can't repossess",
        "won't repossess",
        "can't take you to court",
        "won't take you to court",
        "can't send bailiffs",
        "won't send bailiffs",
    ),
}
"""Telling a customer what a debt means for them (no need to pay, no risk to the house): a
judgement only a debt adviser or a lawyer may give, however kindly meant."""
_DEBT = re.compile(
    r"\b(?:reminders?|arrears|debts?|collections?|credit cards?|card|mortgage|house|home|"
    r"missed payments?|final demand|bailiffs?|court|letters?)\b"
)
"""What makes a reassurance about paying one about a debt, not about a remedy ("you don't
need to pay for the return postage")."""
_REASSURANCE = (
    "you'll be fine",
    "you'll be alright",
    "you'll be all right",
    "you'll be okay",
    "you'll be ok",
    "nothing serious",
    "not serious",
    "not urgent",
    "can wait",
    "probably just",
    "nothing to worry",
    "no need to worry",
    "sounds like a",
    "quite normal",
    "perfectly normal",
    "it'll settle",
    "it will settle",
    "should settle",
    "will settle down",
    "should pass",
    "it'll pass",
    "it will pass",
    "really common",
    "very common",
    "quite common",
    "are common",
    "is common",
    "happens a lot",
    "just a side effect",
)
"""Reassurance about symptoms: a judgement only a clinician may make."""

_GUARANTEE = re.compile(
    r"\b(?:i promise|i guarantee|we guarantee|guaranteed|i can assure you|i assure you|"
    r"100 ?%|a hundred per ?cent|definitely|without fail|i swear)\b"
)
_ALWAYS = re.compile(r"\b(?:you|it|they|she|he)(?:'ll| will) always\b|\bevery single time\b")
_NEVER_AGAIN = re.compile(
    r"\b(?:will never|won't ever|will not ever|never) (?:happen|occur|be a problem)"
    r"(?: to you)? again\b|\bwon't happen again\b|\bwill not happen again\b"
)
_FUTURE = re.compile(r"\b(?:will|won't|'ll|going to|never)\b")
_OWN_FUTURE = re.compile(r"\b(?:i|we)(?:'ll| will| am going to|'m going to)\s*$")
_OWN_ACT = re.compile(
    r"\b(?:i've|i have|i'll|i will|i'm|i am|we've|we have|we'll|we will|i can|we can)\b"
)
"""The learner's own act ("I've put through a refund of £64"), even when not read as a remedy."""
_A_CHARGE = re.compile(
    r"\s*(?:[a-z-]+\s+){0,2}?(?:cap|limit|ceiling|threshold|rise|increase|fee|charge|fine"
    r"|penalty|excess|deposit|minimum|maximum|tariff|allowance|bill|contract)\b",
    re.IGNORECASE,
)
"""A sum naming a charge or a limit ("the £45 cap", "a £75 exit fee", "the £100 policy
excess"): not money given unless a verb of giving governs it."""
_MORE_OF_IT = re.compile(r"\s*(?:plus|and also|as well as|on top of (?:that|this))\b", re.I)
"""A clause that adds to the offer before it ("…, plus £500 each in compensation")."""
_GIVING = re.compile(
    r"\b(?:refund\w*|give|given|giving|credit\w*|put|paid|pay|take|taken|knock\w*|add\w*|"
    r"send|sent|waiv\w*|cover\w*|reimburs\w*|wip\w*|clear\w*|writ\w* off|back|guarantee\w*|"
    r"(?:throw|chuck|bung)\w* in)\b"
)
"""Verbs of giving a remedy: "I can see £64" gives nothing."""
_ASKS = re.compile(
    r"\b(?:approv\w*|sign\w* (?:it |that )?off|authoris\w*|agree to|ok it|okay it|"
    r"sanction)\b"
)
"""Words of asking someone with authority to agree."""
SELF_DOES = re.compile(
    r"^\W*(?:and |so |also |now |right,? |ok,? |okay,? )?"
    r"(?:i've|i have|i'll|i will|i'm going to|i'm|i am|i can"
    r"|what (?:i|we)(?:'ll| will|'m going to| am going to|'re going to| are going to| can|'ve"
    r"| have) (?:do|done)(?: now| for you| here| today)? is)\b"
)
"""A sentence in which the learner does something themselves, read from its start ("I've
put a £30 credit on", "so I'll waive the fee", "what I'll do is pause the letters"): the one
test the conduct findings and the marking points share."""


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a reply: its span and its text lower-cased (same offsets)."""

    start: int
    end: int
    text: str


def sentences(reply: str) -> list[Sentence]:
    """Split ``reply`` into sentences without cutting a number, a time or an abbreviation."""
    lower = reply.lower().replace("’", "'")
    out: list[Sentence] = []
    start = 0
    for m in _SENTENCE_END.finditer(reply):
        if m.group().startswith(".") and _abbreviation(lower[start : m.start()], lower[m.end() :]):
            continue
        end = m.end()
        _add(out, reply, lower, start, end)
        start = end
    _add(out, reply, lower, start, len(reply))
    return out


def _abbreviation(before: str, after: str) -> bool:
    """Whether the full stop after ``before`` ends an abbreviation, not a sentence: "Mr.",
    "e.g.", "No. 4" — but not "no." or "21st."."""
    word = re.search(r"(?<![a-z0-9])([a-z.]+)$", before)
    if word is None:
        return False
    found = word.group(1).rstrip(".")
    if found == "no":
        return bool(re.match(r"\s*\d", after))
    return found in _ABBREVIATIONS


def _add(out: list[Sentence], reply: str, lower: str, start: int, end: int) -> None:
    while start < end and reply[start].isspace():
        start += 1
    while end > start and reply[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, lower[start:end]))


def sentence_at(reply: str, start: int, end: int) -> tuple[int, int]:
    """The span of the sentence (or sentences) around ``start``–``end``, for quoting."""
    found = [s for s in sentences(reply) if s.start < max(end, start + 1) and s.end > start]
    if not found:
        return start, end
    return found[0].start, found[-1].end


Conduct = Finding
"""What this module finds: a :class:`~roleplay.core.findings.Finding` of one of its kinds."""


def conduct(reply: str, analysis: Analysis, scenario: Scenario) -> list[Conduct]:
    """Find what ``reply`` did within or beyond the learner's role (see the module docs)."""
    found: list[Conduct] = []
    split = sentences(reply)
    found.extend(_money(reply, split, analysis, scenario))
    found.extend(_acts(reply, split, analysis, scenario))
    found.extend(_lavish(reply, split, analysis, scenario))
    found.extend(_disclosures(reply, split, scenario))
    found.extend(_advice(reply, split))
    found.extend(_guarantees(reply, split))
    found.extend(_withheld(reply, split, analysis, scenario))
    seen: set[tuple[str, str, int]] = set()
    unique: list[Conduct] = []
    for item in found:
        key = (item.kind, item.ref, item.start)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _spans(analysis: Analysis, move: str) -> list[tuple[int, int]]:
    return [(e.start, e.end) for e in analysis.evidence_for(move)]


def _inside(at: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(s <= at < e for s, e in spans)


def _overlaps(sentence: Sentence, spans: Iterable[tuple[int, int]]) -> bool:
    return any(s < sentence.end and e > sentence.start for s, e in spans)


def _limits(scenario: Scenario) -> list[tuple[str, str, AuthorityLimit]]:
    return [
        (policy.id, policy.name, limit)
        for policy in scenario.organisation.policies
        for limit in policy.limits
    ]


def _quote(kind: str, ref: str, name: str, reply: str, s: Sentence, detail: str) -> Conduct:
    return Conduct(kind, ref, name, s.start, s.end, reply[s.start : s.end], detail)


def _money(
    reply: str, split: Sequence[Sentence], analysis: Analysis, scenario: Scenario
) -> list[Conduct]:
    """Amounts offered (inside a remedy, not refused) and whether they are within the limit."""
    out: list[Conduct] = []
    remedies = _spans(analysis, "resolve")
    escalations = _spans(analysis, "escalate")
    money_limits = [(p, n, lim) for p, n, lim in _limits(scenario) if lim.action in MONEY_WORDS]
    for sentence in split:
        for m in _AMOUNT.finditer(sentence.text):
            at = sentence.start + m.start()
            amount = _amount_of(m)
            before = sentence.text[: m.start()]
            clause = _clause(before)
            after = _CLAUSE_BREAK.split(sentence.text[m.end() :])[0]
            theirs = bool(_THEIRS.search(clause))
            # "the £45 cap was never set up": a charge or limit named, not money given,
            # unless a verb of giving governs it ("I'll waive the £75 exit fee")
            named = bool(_A_CHARGE.match(sentence.text, m.end())) and not _GIVING.search(clause)
            own = (
                not theirs
                and not named
                and (
                    _inside(at, remedies)
                    or bool(_OWN_ACT.search(clause) and _GIVING.search(clause + after))
                    # "We'll refund your whole trip, plus £500 each": more of the same offer
                    or bool(_MORE_OF_IT.match(clause) and _overlaps(sentence, remedies))
                )
            )
            offered = own and not _REFUSAL.search(clause) and not _REFUSAL.search(after)
            approval = (
                theirs
                or _inside(at, escalations)
                or (
                    (_overlaps(sentence, escalations) or bool(_ASKS.search(sentence.text)))
                    and not _inside(at, remedies)
                )
            )
            action = _action_near(sentence.text, m.start(), money_limits)
            if action is None and approval and len(money_limits) == 1:
                # "more than I can give, so my supervisor needs to sign that off": an amount
                # put up for approval is the scenario's one money limit, however it is worded.
                action = money_limits[0]
            elif action is None and approval:
                # "…£25 goodwill, which is my limit, and I've asked my team leader to approve
                # a further £50": the money the sentence speaks of, however far back
                action = _action_near(sentence.text, m.start(), money_limits, len(sentence.text))
            top = _most_allowed(money_limits)
            if action is None and approval and top is not None and amount > (top[2].up_to or 0):
                # "…and I've asked my team leader to approve the remaining £84.60": no word
                # of giving, but more than any money the learner may give under any heading,
                # so whatever it is called it is put up for approval.
                action = top
            if (
                action is None
                and offered
                and top is not None
                and (_GIVES_YOU.search(clause) or _A_GIFT.search(f"{clause} {m.group(0)}{after}"))
                and amount > (top[2].up_to or 0)
            ):
                # "I'm going to give you £1,000 each": unnamed, but more than any money the
                # learner may give on their own, whatever it is called
                cap = _pounds(top[2].up_to or 0)
                detail = (
                    f"{_pounds(amount)} is more than you may give on your own under any "
                    f"heading (at most {cap}): it needs {_yours(top[2].needs)}"
                )
                out.append(_quote("beyond_authority", top[0], top[1], reply, sentence, detail))
                continue
            if action is None:
                if offered:
                    out.append(_quote("offer", "", "", reply, sentence, _pounds(amount)))
                continue
            policy_id, policy_name, limit = action
            what = limit.action.replace("_", " ")
            over = limit.up_to is None or amount > limit.up_to
            if over and (approval or (offered and _approval_asked(reply, analysis))):
                detail = f"{what} of {_pounds(amount)} put to {_yours(limit.needs)} for approval"
                out.append(
                    _quote("needs_approval", policy_id, policy_name, reply, sentence, detail)
                )
            elif offered and over:
                cap = "none" if limit.up_to is None else _pounds(limit.up_to)
                who = _yours(limit.needs)
                detail = f"{what} of {_pounds(amount)} is above your limit ({cap}): it needs {who}"
                out.append(
                    _quote("beyond_authority", policy_id, policy_name, reply, sentence, detail)
                )
            elif offered:
                out.append(
                    _quote(
                        "offer",
                        policy_id,
                        policy_name,
                        reply,
                        sentence,
                        f"{what} {_pounds(amount)}",
                    )
                )
    return out


_A_GIFT = re.compile(
    r"£[\d,.]+k?\s+(?:in\s+)?(?:compensation|cash|goodwill|vouchers?|credit|gift)\b"
    r"|£[\d,.]+k?\s+(?:\w+\s+){0,2}?(?:on top|as a (?:gesture|goodwill|thank)"
    r"|for (?:the |your |all the )?(?:distress|upset|hassle|inconvenience|stress|trouble))\b"
    r"|\b(?:throw(?:ing)?|chuck(?:ing)?|bung(?:ing)?) in\s+£",
    re.IGNORECASE,
)
"""An amount given as a gift, not paid back ("£5,000 compensation on top for the distress",
"throw in £100 cash"): more than any heading allows is more than the learner may give."""

_GIVES_YOU = re.compile(
    r"\b(?:i|we)(?:'ll| will|'m going to| am going to| are going to|'re going to| can| could"
    r"|'m| am| are|'ve| have)?\s+(?:just |also |now )?(?:give|giving|given|pay|paying|paid"
    r"|send|sending|transfer|transferring|credit|crediting|compensate)\s+(?:you|u)\b"
    r"|\b(?:i|we)\b(?:\s+\w+){0,2}?\s+(?:personally\s+)?guarantee\b",
    re.IGNORECASE,
)
"""The learner giving the customer money in their own person ("I'm going to give you")."""


def _most_allowed(
    limits: Sequence[tuple[str, str, AuthorityLimit]],
) -> tuple[str, str, AuthorityLimit] | None:
    """The most generous money limit (one without ``up_to`` allows nothing), or None."""
    if not limits:
        return None
    return max(limits, key=lambda entry: entry[2].up_to or 0)


def _pounds(amount: float) -> str:
    """An amount as the reply most likely wrote it: "£50", "£84.60", never "£84.6" (the
    customer's lines look the sum up in the reply by these words)."""
    return f"£{amount:.0f}" if amount == int(amount) else f"£{amount:.2f}"


def _yours(needs: str) -> str:
    """Who must approve, as the debrief says it to the learner: "my team leader" (the
    scenario's words, as the learner would say them) becomes "your team leader"."""
    return "your " + needs[3:] if needs.lower().startswith("my ") else needs


def _approval_asked(reply: str, analysis: Analysis) -> bool:
    """Whether some escalation in the reply asks for approval ("my team leader needs to sign
    it off"), not merely passes the customer on."""
    lower = reply.lower()
    return any(_ASKS.search(lower[e.start : e.end]) for e in analysis.evidence_for("escalate"))


def _clause(before: str) -> str:
    """The clause an amount sits in, up to the amount (after the last 'but' or comma)."""
    return _CLAUSE_BREAK.split(before)[-1]


def _action_near(
    text: str, at: int, limits: Sequence[tuple[str, str, AuthorityLimit]], reach: int = 80
) -> tuple[str, str, AuthorityLimit] | None:
    """The limit whose words of giving are nearest the amount at ``at``: in its own clause
    when they are there ("the £58.40 goes back to your card, and I'm adding a £50
    e-voucher" is a refund of £58.40, not a voucher), else within ``reach`` characters."""
    starts = [0, *(m.end() for m in _AND_CLAUSE.finditer(text) if m.end() <= at)]
    ends = [m.start() for m in _AND_CLAUSE.finditer(text) if m.start() > at] + [len(text)]
    lo, hi = max(starts), min(ends)
    best: tuple[int, tuple[str, str, AuthorityLimit]] | None = None
    for entry in limits:
        for word in MONEY_WORDS[entry[2].action]:
            for hit in re.finditer(rf"\b{re.escape(word)}", text):
                distance = abs(hit.start() - at)
                if not lo <= hit.start() < hi:
                    distance += 1000  # another clause's word: only when its own has none
                if distance % 1000 < reach and (best is None or distance < best[0]):
                    best = (distance, entry)
    return None if best is None else best[1]


_AND_CLAUSE = re.compile(r",\s*(?:and|but|so|plus)\b|;|\s[-–—]\s")
"""Where a sentence's clauses meet, for finding an amount's own words of giving."""


def _acts(
    reply: str, split: Sequence[Sentence], analysis: Analysis, scenario: Scenario
) -> list[Conduct]:
    """Acts only someone else may do (the scenario's limits with no amount), done or promised."""
    out: list[Conduct] = []
    # A remedy a colleague carries out ("he'll sort the announcements") is not the learner's act.
    doing = [
        (e.start, e.end)
        for e in analysis.evidence_for("resolve")
        if e.rule != "resolve.colleague-does-remedy"
    ]
    doing += _spans(analysis, "follow_up") + _spans(analysis, "ownership")
    escalations = _spans(analysis, "escalate")
    for policy_id, policy_name, limit in _limits(scenario):
        if limit.up_to is not None:
            continue
        words = limit.words or MONEY_WORDS.get(limit.action, ())
        whose = [
            w
            for w in re.findall(r"[a-z]+", re.sub(r"\(.*?\)", "", limit.needs.lower()))
            if len(w) > 3 and w not in _GENERIC_WHO
        ]
        for sentence in split:
            hits = [sentence.text.find(w.lower()) for w in words]
            hits = [h for h in hits if h >= 0]
            if not hits:
                continue
            clause = _clause(sentence.text[: min(hits)])
            if _REFUSAL.search(clause) or _HYPOTHETICAL.search(clause):
                continue
            what = limit.action.replace("_", " ")
            if (
                _THEIRS.search(clause)
                or _ONES_WHO.search(clause)
                or _ASKS_OTHER_TO.search(clause)
                or _overlaps(sentence, escalations)
                or (analysis.has("escalate") and not _overlaps(sentence, doing))
                or (
                    any(re.search(rf"\b{re.escape(w)}\b", sentence.text) for w in whose)
                    and not SELF_DOES.search(sentence.text)
                )
            ):
                detail = f"{what}: for {_yours(limit.needs)}, and put to them"
                out.append(
                    _quote("needs_approval", policy_id, policy_name, reply, sentence, detail)
                )
            elif _overlaps(sentence, doing) or SELF_DOES.search(sentence.text):
                detail = f"{what} is not yours to do: it needs {_yours(limit.needs)}"
                out.append(
                    _quote("beyond_authority", policy_id, policy_name, reply, sentence, detail)
                )
            break
    return out


_FREEISH = (
    r"(?<!interest[- ])(?<!interest )\bfree\b|\bon us\b|\bon the house\b"
    r"|\bat no (?:extra )?(?:cost|charge)\b"
    r"|\bno charge\b|\bwaiv\w*|\bwip(?:e|es|ed|ing)\b|\bfreez\w*|\bfrozen\b|\bwon'?t pay\b"
    r"|\bfix(?:ed|ing)? (?:your|the) (?:unit )?(?:price|rate|tariff)s?\b"
)
_NUMBER = r"(?:\d+|one|two|three|four|five|six|twelve|eighteen|\w+ (?:more|extra))"
_LAVISH: tuple[tuple[str, re.Pattern[str], re.Pattern[str] | None], ...] = (
    (
        "clearing the whole bill",
        re.compile(
            r"\b(?:wip(?:e|es|ed|ing)|clear(?:s|ed|ing)?|writ(?:e|es|ing|ten)(?: off)?"
            r"|cancel(?:s|led|ling)?|scrap(?:s|ped|ping)?|knock(?:s|ed|ing)?)\s+(?:off\s+)?"
            r"(?:(?:the|your|his|her|all|of|that|this)\s+){0,2}(?:whole\s+|entire\s+|full\s+|outstanding\s+)?"
            r"(?:bill|balance|debt|arrears|lot|interest|it all|everything)\b"
            r"|\b(?:the\s+)?(?:whole\s+|entire\s+|full\s+)?(?:bill|balance|debt|lot|£[\d,.]+)"
            r"(?:'s|\s+is|\s+has been|\s+will be)?\s+(?:all\s+)?(?:gone|cleared|wiped|written off"
            r"|cancelled|scrapped)\b|\bit'?s all gone\b|\b£0 owed\b"
            r"|\b(?:whole|entire|full)\s+(?:bill|meal|trip|order)(?:'s|\s+is)?"
            r"\s+(?:on us|on the house)\b"
        ),
        None,
    ),
    (
        "something free for months or years",
        re.compile(
            rf"\bfor (?:the )?(?:next |rest of the |whole |coming )?{_NUMBER} (?:months|years)\b"
            r"|\bfor (?:a|one|the|the whole|the rest of the|a full|a whole) (?:year|winter)\b"
            r"|\bfor life\b|\bforever\b|\bfor ever\b|\bfree years?\b"
            r"|\b(?:a|one|full|whole) years?(?:'s| of)\b"
            rf"|\b{_NUMBER} (?:months?|years?)(?:'|'s)? (?:of )?free\b|\bnext year\b"
            r"|\b(?:till|until) (?:april|next year|the end of the year)\b"
            r"|\bnext (?:\w+ )?(?:trips|services)\b"
        ),
        re.compile(_FREEISH),
    ),
    (
        "a promise with no limit on what it costs",
        re.compile(
            r"\bwhatever (?:it|the) costs?\b|\bno matter (?:what|how much) it costs\b"
            r"|\bhowever much it costs\b"
            r"|\bfor as long as (?:it takes|the work takes|you (?:need|like|want|wish))\b"
            r"|\b(?:name|tell me) (?:your|a) (?:price|figure|number)\b"
            r"|\bany (?:\w+ ){0,2}(?:hotel|flight|day|room|car)s? you (?:like|want|choose)\b"
            r"|\bof your choice\b|\banywhere (?:we fly|you like|you want|in (?:europe|the world))\b"
            r"|\bno receipts? (?:needed|required)\b"
        ),
        None,
    ),
    (
        "money back on years of payments",
        re.compile(
            r"\b(?:refund|repay|pay back|give (?:you )?back|return)\w*\s+(?:you\s+)?"
            r"(?:every|all (?:of )?(?:your|the)|all)\s+(?:\w+\s+)?"
            r"(?:premiums?|payments?|bills?|fees?|rises?|subscriptions?|instalments?)\b"
            r"(?=.*?\b(?:ever|years?|since|back to|day one|from the start)\b)"
        ),
        None,
    ),
    (
        "a free upgrade or travel",
        re.compile(
            r"\b(?:upgrad\w*|(?:move|bump|put)\s+(?:you|u)\s+up)\b.*?"
            r"(?:\bfree\b|\bno (?:extra )?(?:cost|charge)\b|\bon us\b|\bfor life\b)"
            r"|\bfree (?:\w+ )?upgrade\b"
            r"|\bfree (?:return |first[- ]class )?(?:flights?|tickets?|travel)\b"
            r"|\bloyalty points\b|\blounge (?:access|pass(?:es)?)\b|\bfree first[- ]class\b"
            r"|\bfirst[- ]class\b.*?\b(?:for )?free\b"
        ),
        None,
    ),
)
"""Gifts no front-line role may give on its own, whatever the scenario's limits: the whole
bill cleared, something free for months or years, a promise with no ceiling on its cost, a
free upgrade or travel. Each is (what it is, its words, words the sentence must also have)."""
_THEIRS = re.compile(
    r"\b(?:they|he|she|someone|manager|team|leader|supervisor)"
    r"(?:'ll| will| can| could| may| might|'d| would)\s+"
    r"(?:[\w£']+\s+){0,3}$"
)
"""A clause in which someone else does it ("my team leader can waive the £180")."""


_ONES_WHO = re.compile(
    r"\b(?:they|he|she)(?:'re| are|'s| is) the (?:ones?|people|person|team) (?:who|that)\b"
)
"""Someone else named as the one who does it ("they're the ones who can look at a payment")."""
_ASKS_OTHER_TO = re.compile(
    r"\b(?:ask|asking|asked|get|getting|got)\s+(?!(?:you|u|me|myself|us)\b)"
    r"(?:[\w']+\s+){1,3}?to\s+(?:[\w£']+\s+){0,3}$"
)
"""A clause in which the learner asks someone else to do it ("I'll ask Sam to take the
whole bill off", "I'll get the manager to waive it"): put to them, not done."""
_NEEDS_SOMEONE = re.compile(
    r"\bneeds? (?:my|the|a|our|your) (?:\w+ )?(?:manager|leader|supervisor|team|approval)\b"
    r"|\bput (?:that|it|this) to\b"
)
"""A sentence that says someone else must agree ("waiving it would need my team leader")."""
_GAP_WORDS = 6


def _near(one: re.Pattern[str], other: re.Pattern[str], text: str) -> bool:
    """Whether a match of ``one`` and of ``other`` lie within a few words of each other:
    "six months of broadband completely free", not "guaranteed for 12 months, so we'll
    check it over and redo the brakes for free"."""
    for a in one.finditer(text):
        for b in other.finditer(text):
            lo, hi = (a, b) if a.start() <= b.start() else (b, a)
            if len(text[lo.end() : hi.start()].split()) <= _GAP_WORDS:
                return True
    return False


def _lavish(
    reply: str, split: Sequence[Sentence], analysis: Analysis, scenario: Scenario
) -> list[Conduct]:
    """Gifts beyond every front-line limit (see ``_LAVISH``), given by the learner with no
    one asked to approve them, in a scenario where the learner's money is limited."""
    money = [(p, n, lim) for p, n, lim in _limits(scenario) if lim.action in MONEY_WORDS]
    top = _most_allowed(money)
    if top is None:
        return []
    wiping = next((m for m in money if m[2].action == "waive_fee"), top)
    escalations = _spans(analysis, "escalate")
    out: list[Conduct] = []
    for sentence in split:
        if _overlaps(sentence, escalations) or _ASKS.search(sentence.text):
            continue
        if _NEEDS_SOMEONE.search(sentence.text):
            continue
        for what, words, also in _LAVISH:
            hit = words.search(sentence.text)
            if hit is None or (also is not None and not _near(words, also, sentence.text)):
                continue
            clause = _clause(sentence.text[: hit.start()])
            if _REFUSAL.search(clause) or _THEIRS.search(clause) or _COSTS.search(clause):
                continue
            if re.match(r"\s*(?:if|whether|unless)\b", clause):
                continue
            policy_id, policy_name, limit = wiping if what.startswith("clearing") else top
            detail = f"{what} is more than you may give on your own: it needs {_yours(limit.needs)}"
            out.append(_quote("beyond_authority", policy_id, policy_name, reply, sentence, detail))
            break
    return out


_COSTS = re.compile(r"\b(?:costs?|costing|charges?|charged|fees?|payable|owed?|owing)\b")
"""A clause that says what something costs ("leaving now costs £286 for the 10 months
left"): a charge for a time, not a gift for it."""


_GENERIC_WHO = frozenset(
    {"team", "your", "their", "with", "only", "that", "yours", "take", "customer", "back"}
)
"""Words of a limit's ``needs`` that name nobody in particular ("the specialist support
team" is found by "specialist" or "support", not by "team")."""


_ANY_OF = re.compile(r"\b(?:waive|remove|refund|cancel|clear|wipe|take off)\w*\s+(?:any|all)\s*$")
"""A kind of thing, not a fact of the account: "I'll waive any late fees" says nothing of whether
there are any."""


_ASKED = re.compile(r"\b(?:what|how much|whether|if|why|when)\b(?:\W+\w+){0,3}\W*$")
"""A fact inside an embedded question ("they can tell you what he owes") says nothing."""


_CLAUSE_BREAK = re.compile(r"\bbut\b|,\s*so\b|(?<!\d)[,;:](?!\d)|[–—]|\s-\s")


def _clauses(text: str) -> list[str]:
    """The clauses of a sentence, split at "but", "so", commas and semicolons."""
    return [c for c in _CLAUSE_BREAK.split(text) if c.strip()]


def _disclosures(reply: str, split: Sequence[Sentence], scenario: Scenario) -> list[Conduct]:
    """Sentences that tell the caller someone else's personal data."""
    out: list[Conduct] = []
    for secret in scenario.organisation.confidential:
        people = [re.compile(rf"\b{re.escape(p.lower())}\b") for p in secret.person]
        facts = [re.compile(rf"(?<![\w£]){re.escape(w.lower())}") for w in secret.words]
        for sentence in split:
            if people and not any(p.search(sentence.text) for p in people):
                continue
            if sentence.text.rstrip().endswith("?"):
                continue
            told = False
            for clause in _clauses(sentence.text):
                hit = next((m for f in facts if (m := f.search(clause))), None)
                if hit is None:
                    continue
                before = clause[: hit.start()]
                if _REFUSAL.search(clause) or _HYPOTHETICAL.search(before):
                    continue
                if _ASKED.search(before) or _ANY_OF.search(before):
                    continue
                told = True
                break
            if told:
                detail = f"told about {secret.about}, which only {secret.entitled} may hear"
                out.append(_quote("disclosure", "", secret.about, reply, sentence, detail))
                break
    surname = scenario.customer.name.split()[-1].lower()
    for sentence in split:
        if any(d.start == sentence.start for d in out) or sentence.text.rstrip().endswith("?"):
            continue
        person = next(
            (
                m
                for m in _OTHER_CUSTOMER.finditer(sentence.text)
                if (m.group("surname") or m.group("named")) != surname
                and not _STAFF_AFTER.match(sentence.text[m.end() :])
            ),
            None,
        )
        if (
            person is None
            or _REFUSAL.search(sentence.text)
            or not _THEIR_DATA.search(sentence.text[person.end() :])
        ):
            continue
        detail = "told about another customer's account, which only they may hear"
        out.append(_quote("disclosure", "", "another customer", reply, sentence, detail))
    return out


_STAFF_AFTER = re.compile(
    r",?\s*(?:is\s+|who's\s+|who is\s+)?(?:our|the|my|from|on|in)\b"
    r"|,?\s*(?:the\s+)?(?:manager|supervisor|leader|doctor|nurse|clerk|adviser|advisor)\b"
)
"""A name followed by a role ("Mrs Green, our practice manager"): a colleague, not a customer."""


_OTHER_CUSTOMER = re.compile(
    r"\b(?:your neighbou?r|another customer|other customers?|someone else|a lady|a gentleman)\b"
    r"(?:,? (?:mr|mrs|ms|miss|dr)\.? (?P<surname>[a-z'-]+))?"
    r"|\b(?:mr|mrs|ms|miss|dr)\.? (?P<named>[a-z'-]+)\b"
)
"""Another customer named, or pointed at ("your neighbour Mrs Evans at number 14")."""

_THEIR_DATA = re.compile(
    r"\b(?:his|her|their)\s+(?:\w+\s+)?(?:bill|account|balance|arrears|debt|payments?|readings?)\b"
    r"|\b(?:hers|his|theirs) (?:was|is|were)\b[^.]*?(?:£\s?\d|\d)"
)
"""Their data, told: an amount, a bill, an account, a balance."""


_REFERRAL = re.compile(
    r"\b(?:doctor|gp|nurse|clinician|pharmacist|111|999|a&e|paramedic|specialist|"
    r"citizens advice|stepchange|moneyhelper|debt advice|adviser|solicitor)\b"
)
"""Sending the customer to someone qualified is signposting, not advice."""


_ADMIN = re.compile(
    r"\b(?:chase\w*|order\w*|request\w*|prescription\w*|repeat|forms?|post|send|sent|"
    r"book\w*|appointment\w*|clerk|app|pharmacy|happy to|like to)\b"
)
"""The desk's own work on medicines, money or forms: chasing a prescription is not advice."""
_SYMPTOM = re.compile(
    r"\b(?:headache\w*|dizz\w*|pain\w*|ache\w*|sick|symptom\w*|blood pressure|chest|"
    r"breath\w*|tablet\w*|pill\w*|medic\w*|hip|fall|fell|hurt\w*)\b"
)


def _advice(reply: str, split: Sequence[Sentence]) -> list[Conduct]:
    """Medical, financial or legal advice given from a customer-service role, judged clause
    by clause: an instruction or a reassurance and the domain in the same clause, with no
    referral to someone qualified and no refusal in it."""
    out: list[Conduct] = []
    for sentence in split:
        text = sentence.text
        if text.rstrip().endswith("?"):
            continue
        found: str | None = None
        for clause in _clauses(text):
            debt = next(
                (d for d, words in _DEBT_REASSURANCE.items() if any(w in clause for w in words)),
                None,
            )
            # "they can't take your house" says no only to the customer's fear: it is advice
            if debt is not None and _DEBT.search(text) and not _REFERRAL.search(clause):
                found = debt
                break
            if _REFUSAL.search(clause) or _REFERRAL.search(clause) or _ADMIN.search(clause):
                continue
            advising = _ADVISORY.search(clause) or _IMPERATIVE_START.search(clause)
            reassuring = (
                any(w in clause for w in _REASSURANCE)
                and _SYMPTOM.search(text)
                and not _REFERRAL.search(text)
            )
            if not (advising or reassuring):
                continue
            for domain, words in ADVICE_DOMAINS.items():
                if any(w in clause for w in words):
                    found = domain
                    break
            if found is None and reassuring:
                found = "medical"
            if found is not None:
                break
        if found is not None:
            detail = f"{found} advice is outside a customer-service role"
            out.append(_quote("advice_outside_role", found, found, reply, sentence, detail))
    return out


_TOLD_BACK = re.compile(
    r"^\W*(?:(?:so|ok|okay|right),?\s+)?(?:let me (?:just )?(?:make sure|check|confirm)"
    r" (?:that )?i(?:'ve| have)?(?: got)? (?:it|this|that|everything|all (?:of )?that) right"
    r"|just to (?:check|confirm|recap|be sure)|to recap|to sum up|to summari[sz]e"
    r"|if i(?:'ve| have) (?:understood|got (?:it|this|that) right)"
    r"|if i understand (?:you |that |this )?(?:correctly|rightly)"
    r"|you(?:'re| are) (?:saying|telling me)|what i(?:'m| am) hearing is"
    r"|from what you(?:'ve| have) (?:said|told me))\b",
    re.IGNORECASE,
)


def told_back(sentence: str) -> bool:
    """Whether ``sentence`` reads the customer's own account back to them ("Let me make
    sure I have it right: … your claim declined for 'extraordinary circumstances'", "Just
    to recap, no vouchers were given"): what it says is theirs, checked, not the learner's
    claim about the law nor a refusal."""
    return _TOLD_BACK.match(sentence) is not None


def _withheld(
    reply: str, split: Sequence[Sentence], analysis: Analysis, scenario: Scenario
) -> list[Conduct]:
    """Refusals of what the customer is owed: an entitlement a policy names, or a remedy the
    learner may give up to a limit, said no to with no amount above the limit in question
    and no one asked to decide it ("I'm afraid the data isn't something we can refund")."""
    out: list[Conduct] = []
    escalations = _spans(analysis, "escalate")
    owed: list[tuple[str, str, str, float | None]] = []
    for policy in scenario.organisation.policies:
        owed.extend((policy.id, policy.name, w.lower(), None) for w in policy.entitles)
        for limit in policy.limits:
            if limit.up_to is not None and limit.up_to > 0:
                words = limit.words or MONEY_WORDS.get(limit.action, ())
                owed.extend((policy.id, policy.name, w, limit.up_to) for w in words)
    if not owed:
        return out
    top = max((lim.up_to or 0.0 for _p, _n, lim in _limits(scenario)), default=0.0)
    # a remedy given in the same sentence: what it refuses is not what the customer is owed
    remedies = [
        (e.start, e.end)
        for e in analysis.evidence_for("resolve")
        if not _DENIES.search(e.quote.lower())
    ]
    for sentence in split:
        text = sentence.text
        if (
            text.rstrip().endswith("?")
            or told_back(text)
            or _overlaps(sentence, escalations)
            or _overlaps(sentence, remedies)
            or _OWN_LIMIT.search(text)
        ):
            continue
        amounts = sums(text)
        for policy_id, policy_name, word, cap in owed:
            hit = re.search(rf"\b{re.escape(word.strip().lower())}", text)
            if hit is None:
                continue
            clause = _clause(text[: hit.start()])
            # the no must govern the thing: a few words before it, not the rule it goes by
            near = " ".join(clause.split()[-5:])
            if (
                not _DENIES.search(near)
                or _THERE_IS_NO.search(near)
                or _PAST_LACK.search(near)
                or _HYPOTHETICAL.search(clause)
                or _BY_RULE.search(near)
                or _NOT_YET.search(text[hit.end() :])
                or re.search(r"\b(?:until|till)\b", near)
                or _WILL_DO.search(text[hit.end() :])
            ):
                continue
            if any(a > (cap if cap is not None else top) for a in amounts):
                # an amount above the limit refused is the limit kept, not a right withheld
                continue
            what = word.strip() if cap is None else f"{word.strip()} (up to {_pounds(cap)})"
            detail = f"the customer is owed {what} under the {policy_name}, but it was refused"
            out.append(_quote("withheld", policy_id, policy_name, reply, sentence, detail))
            break
    return out


_BY_RULE = re.compile(
    r"\b(?:under|by|as per|according to|because of|thanks to)\s+(?:the|our|your)?\s*$"
)
"""The entitlement named as the rule that decides ("can't be charged under the back-billing
rule"), not as the thing refused."""

_WILL_DO = re.compile(r"\b(?:but|so|and)\b.*\b(?:i'll|i will|i'm going to|we'll|we will)\b")
"""The same sentence goes on to give it ("…at the moment, and I'll set it up now")."""

_THERE_IS_NO = re.compile(r"\bthere(?:'s| is| are)\s+no\b")
"""A fact ("there's no mandate on his account yet"), not a refusal."""

_PAST_LACK = re.compile(
    r"\b(?:with|and|had|got|gave|given|were|was|left)\b(?:\s+\w+){0,3}\s+no\s*$"
)
"""What the customer went without, told back to them ("five hours with two kids and no
vouchers is awful"), not a refusal."""

_NOT_YET = re.compile(r"^\S*\s+(?:\w+\s+){0,3}(?:until|till|before)\b")
"""A step put off, not refused ("I can't send you the forms until tomorrow")."""


_OWN_LIMIT = re.compile(r"\b(?:myself|on my own|by myself|my limit|i can only|above what i)\b")
"""A refusal of what is beyond the learner's own authority ("I can't do that myself"): the
limit said, not the customer's right denied."""


_DENIES = re.compile(
    r"\b(?:" + "|".join(REFUSAL_WORDS) + r"|won't|will not|don't|do not|doesn't|does not|"
    r"isn't|is not|aren't|are not|no|"
    r"(?<!\bi )(?<!\bwe )can only|only (?:valid|available|payable))\b"
    r"(?!\s+(?:need|have|longer|worries|problem)\b)(?!.*\b(?:need|have) to\b)"
)
"""A clause that says no to what follows ("we don't pay out for", "no refunds while",
"isn't something we can", "you can only claim compensation once…"), not one that spares
the customer a step ("you don't need to claim", "no need to ring")."""


def _guarantees(reply: str, split: Sequence[Sentence]) -> list[Conduct]:
    """Guarantees of what the learner does not control: "it will never happen again"."""
    out: list[Conduct] = []
    for sentence in split:
        text = sentence.text
        never = _NEVER_AGAIN.search(text) or _ALWAYS.search(text)
        guarantee = _GUARANTEE.search(text)
        if never is None and guarantee is None:
            continue
        if guarantee is not None and never is None:
            after = text[guarantee.end() :]
            before = text[: guarantee.start()]
            # "you'll definitely have it by tomorrow": the future can come just before it
            future = _FUTURE.search(after) or _FUTURE.search(before[-12:])
            # "I promise I'll call you at 3", "I'll definitely ring you": the learner's own
            # commitment, not this.
            own = SELF_DOES.search(after.lstrip(" ,")) or _OWN_FUTURE.search(before)
            if not future or own:
                continue
        if _REFUSAL.search(text) or _HYPOTHETICAL.search(text):
            continue
        detail = "a guarantee of something you do not control"
        out.append(_quote("unkeepable_promise", "", "", reply, sentence, detail))
    return out
