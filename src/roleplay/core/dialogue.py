"""The conversation engine: a learner's reply in, the customer's reaction out.

:class:`Session` steps a scenario one reply at a time. For each reply it

1. analyses the reply (moves, red flags, evidence) and reads it against the scenario
   (policies and laws named, law misstated, promises beyond authority);
2. takes the first branch of the current node whose condition the reply meets;
3. applies the first default reaction that the reply earns (dismissing, blaming, no apology
   when one was asked for, passing the customer on too early, answering a question with a
   question, not engaging at all), so the customer reacts to what the reply really did even
   where the tutor foresaw nothing;
4. moves the mood, follows the branch, fires the next node's triggers, and ends the
   conversation at an outcome, or when the customer's patience runs out.

Every :class:`Turn` records the cause of each change (the branch, the reaction, the words
that earned them), so a debrief can say why the customer did what they did. The engine is
deterministic: the same replies always give the same conversation.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Final

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from roleplay.core.analyse import analyse, content_words, named_earlier
from roleplay.core.analysis import Analysis, Evidence
from roleplay.core.answers import (
    SECOND_QUESTION,
    SENTENCE_END,
    answer_details,
    answer_to,
    answers_to,
    earlier_answers,
    last_question,
    particulars_answer,
    question_order,
)
from roleplay.core.conditions import Reply, condition_says, holds, keyword_in
from roleplay.core.conduct import sums
from roleplay.core.errors import RoleplayError
from roleplay.core.facts import ReplyFacts, reply_facts
from roleplay.core.frameworks import rubrics_dir
from roleplay.core.lawclaims import law_given_to_refuse
from roleplay.core.legislation import bundled_catalogue
from roleplay.core.needs import (
    ANSWER_ECHO_SIMILARITY,
    NOT_A_THING,
    OFFERING_MOVES,
    WORDS_ONLY,
    NeedMet,
    NeedsState,
    accepts_offer,
    addressed_kinds,
    asks_anything_else,
    asks_for_met,
    before_handing,
    by_temper,
    catalogue,
    choose,
    handed_over_line,
    hands_over_now,
    line_asks,
    line_sentences,
    makes_choice,
    named_offer,
    named_yes,
    needs_of,
    offer_questions,
    offers_kindness,
    opens_by_reacting,
    opens_relieved,
    press,
    press_lines,
    quotes_sorry,
    reads_back_what_they_want,
    refund_as_one,
    said_before,
    says_again,
    says_when,
    still_wanting,
    thank,
    without_asks_for,
    without_echo,
    without_opener,
    without_promised,
    without_relief,
    without_said,
    without_sorry_asked,
    without_sour_opener,
    without_taken,
    without_told_again,
    without_when_asked,
)
from roleplay.core.needs import (
    met_by as needs_met_by,
)
from roleplay.core.offers import offered_things, sum_phrases
from roleplay.core.phrases import has_phrase
from roleplay.core.scenario import (
    GOOD_OUTCOMES,
    Ask,
    Band,
    Branch,
    Channel,
    Condition,
    Need,
    NeedKind,
    Node,
    OutcomeKind,
    Scenario,
    Text,
    band_keys,
    band_line,
    band_of,
    clamp_mood,
    has_a_line,
)
from roleplay.core.source import load_model_file

LOST_LINE = "I've had enough of this. I'm taking my complaint elsewhere."
"""What the customer says on leaving, when the scenario has no node of its own for it."""

LOST_NODE = "customer_lost"

BAD_ENDS = frozenset({OutcomeKind.CUSTOMER_LOST, OutcomeKind.OMBUDSMAN, OutcomeKind.UNSAFE})
"""Ends where the customer walks away: no thank-you goes in front of them."""
RED_FLAGS: Final = frozenset({"dismiss", "blame"})
"""Flags that keep a reply on the tutor's fallback even when it met what was asked."""
TELLS_NEXT: Final = frozenset({"follow_up", "resolve", "escalate"})
"""Moves that set out what happens next, so "what happens now?" would ask for it again."""
RECENT_LINES: Final = 6
"""How many of the customer's last lines a reply may take up words from and so engage."""

_FINDS_FAULT: Final = frozenset({"dismissed", "blamed", "missing_apology", "ignored"})
"""Reactions that find fault with the reply: no thank-you of the tutor's line follows them."""

_ONCE_IS_ENOUGH: Final[Mapping[NeedKind, str]] = {
    NeedKind.APOLOGY: "apologise",
    NeedKind.EXPLANATION: "explain",
}
"""Needs met once for good, and the move that met them: a tutor's test that asks for the
move again with something new is met by the new thing alone once the need was met."""

GOES_ON_HELPING: Final = frozenset(
    {
        "resolve",
        "follow_up",
        "explain",
        "escalate",
        "ownership",
        "investigate",
        "learn",
        "acknowledge",
        "empathise",
        "apologise",
    }
)
"""Moves that carry on helping: a reply with one of them, after the customer's need here was
met earlier, is not a refusal of it ("I don't know what else to tell you" has none)."""

MAX_SKIPS = 3
"""Nodes a reply that gave everything at once may carry the conversation past in one turn."""


class ConversationOver(RoleplayError):
    """A reply was given after the conversation had reached its outcome."""


class DefaultReaction(BaseModel):
    """One default reaction as ``rubrics/reactions.yaml`` writes it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mood: int = Field(ge=-10, le=10)
    because: str = Field(min_length=1)
    say: Annotated[Text | dict[str, Text], AfterValidator(has_a_line)]
    spoken: Annotated[Text | dict[str, Text], AfterValidator(has_a_line)] | None = None
    """Lines for a customer who is speaking (phone, face to face) where ``say`` fits only
    writing ("are you even reading what I'm writing?")."""

    softened: Annotated[Text | dict[str, Text], AfterValidator(has_a_line)] | None = None
    """Lines for a reply that said "sorry" without apologising ("Sorry, but…"), where
    "you haven't said sorry" would be untrue."""

    curt: Annotated[Text | dict[str, Text], AfterValidator(has_a_line)] | None = None
    """Lines for a reply whose only slight is its tone ("as I said, …") while it answers the
    customer: they bristle at the tone, not at a refusal nobody made."""
    curt_mood: int | None = Field(default=None, ge=-10, le=10)
    """How far such a reply moves the mood instead of ``mood``."""
    first: Annotated[Text | dict[str, Text], AfterValidator(has_a_line)] | None = None
    """Lines for the answer to the learner's first reply, where "still" ("you still
    haven't said sorry") would presume a chance already missed."""
    at_customer: Annotated[Text | dict[str, Text], AfterValidator(has_a_line)] | None = None
    """Lines for blame laid on the customer themselves ("you can't have sent them
    properly"), where "I don't care whose fault it is" would let it pass."""
    disowned: Annotated[Text | dict[str, Text], AfterValidator(has_a_line)] | None = None
    """Lines for a decision put on someone else ("that's the manager's call, not mine"),
    where "I don't care whose fault it is" answers a fault nobody laid."""
    again: Annotated[Text | dict[str, Text], AfterValidator(has_a_line)] | None = None
    """Lines for when every line of ``say`` has been said in this attempt and the reply
    earns the reaction once more (a third lavish promise is doubted afresh)."""

    def lines_for(
        self,
        channel: Channel,
        said_sorry: bool = False,
        curt: bool = False,
        first: bool = False,
        at_customer: bool = False,
        disowned: bool = False,
    ) -> str | dict[str, str]:
        """The lines that fit how the customer is in touch, and what the reply said."""
        if at_customer and self.at_customer is not None:
            return self.at_customer
        if disowned and self.disowned is not None:
            return self.disowned
        if curt and self.curt is not None:
            return self.curt
        if said_sorry and self.softened is not None:
            return self.softened
        if first and self.first is not None:
            return self.first
        if self.spoken is not None and channel in SPOKEN:
            return self.spoken
        return self.say


_SAID_SORRY = re.compile(
    r"(?<!\bnot )(?<!n't )(?<!n't really )(?<!not really )(?<!nt )(?<!never )(?<!going to )"
    r"\b(sorry|soz|apologi[sz]e|apologies)\b",
    re.IGNORECASE,
)
"""A "sorry" said, not refused ("I can't really apologise for the courier")."""
_THANKS = re.compile(r"\W*(thanks|thank you)(?!\w)", re.IGNORECASE)
_YES_OR_NO = re.compile(r"\W*(yes|yeah|no|not really)(?!\w)", re.IGNORECASE)
_THANKS_FOR = re.compile(r"\W*(?:well,? )?(?:thanks|thank you) for(?!\w)", re.IGNORECASE)
"""A line that opens by thanking for one thing ("Thanks for sorting the food money.")."""
_TAKEN_THEN = re.compile(r"^(?:\w+\W+){0,3}?\w+, then\.\s+(?=\S)", re.I)
"""A line's short opening that takes in what was given ("An engineer, then.")."""

_BARE_THANKS = re.compile(
    r"^\W*(?:thank you|thanks)(?: (?:very|so) much)?(?:, (?:love|dear|pet))?[.!]+\s+(?=\S)", re.I
)
"""A line's plain opening thanks ("Thank you. I did fill in a form…"), before more is said."""

_THANKS_IN_FIRST = re.compile(r"^[^.!?]*\b(?:thank you|thanks)\b", re.I)
"""A line whose first sentence thanks in its own words ("That's a relief, thank you.")."""

_THANKS_LATER = re.compile(r"[.!?]\s+(?:\w+,?\s+)?(?:thanks|thank you)(?!\w)", re.IGNORECASE)
"""A line that thanks in a later sentence of its own ("… Thank you, that's a weight off.")."""


def _not_told_again(line: str, before: Sequence[str]) -> str:
    """``line`` without its sentences whose words were nearly all said already in
    ``before`` ("He had a stroke three weeks ago. He can't even hold a phone." after "He had
    a stroke three weeks ago and he's still in hospital. He can't even hold a phone.");
    short sentences ("Thank you.") are kept."""
    said = {_stem(w) for text in before for w in _WORD.findall(text.lower())}

    def told(text: str) -> bool:
        words = [_stem(w) for w in _WORD.findall(text.lower())]
        if len(words) >= 4 and sum(w in said for w in words) >= 0.9 * len(words):
            return True
        # "But every reading's in my book by the meter, with the date." after "They're all
        # in my book by the meter, with the dates.": the same things, a word or two apart
        content = [w for w in words if w not in _function_words()]
        told_content = sum(w in said for w in content)
        if len(content) >= 4 and told_content >= 0.85 * len(content):
            return True
        # "I kept them free and waited in the whole time." after "I kept both mornings free
        # and waited in.": three things of four said again, in a sentence of some length
        if len(words) >= 5 and len(content) >= 3 and told_content >= 0.75 * len(content):
            return True
        # "I didn't keep receipts for those." after "I didn't keep receipts for the taxis":
        # every thing it is about said, and nearly every word
        told_words = sum(w in said for w in words)
        return (
            len(words) >= 5
            and bool(content)
            and told_content == len(content)
            and told_words >= 0.8 * len(words)
        )

    kept = []
    for sentence in SENTENCE_END.split(line):
        if not _WORD.findall(sentence.lower()) or told(sentence):
            continue
        # "He seems OK for now, and I've got his pen on the table." after "I've got his two
        # pens here on the table.": the clause told already goes, the new one stays
        clauses = _AND_CLAUSE.split(sentence)
        fresh = [c for c in clauses if not told(c)]
        if len(clauses) > 1 and fresh and len(fresh) < len(clauses):
            joined = ", and ".join(c.rstrip(".!?") for c in fresh)
            end = sentence.rstrip()[-1] if sentence.rstrip()[-1:] in ".!?" else "."
            sentence = joined[:1].upper() + joined[1:] + end
        kept.append(sentence)
        said.update(_stem(w) for w in _WORD.findall(sentence.lower()))
    return " ".join(kept)


_WORD = re.compile(r"[a-z0-9£']+")
_AND_CLAUSE = re.compile(r",\s+and\s+")


@functools.cache
def _function_words() -> frozenset[str]:
    """Words that say nothing of what a sentence is about (spaCy's English stop words), left
    out when telling whether it says again what was said. Read when first needed: importing
    spaCy brings in its command-line libraries, which the core does not load."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _stem(word: str) -> str:
    """A word without its plural "s" or its "'s", so "pens" and "pen", "reading's" and
    "reading" are the same thing said."""
    if word.endswith("'s"):
        word = word[:-2]
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _in_their_favour(statement: str) -> bool:
    """Whether a wrong statement of the law hands the customer something ("you're entitled
    to a full refund", "you only have to pay your normal £32")."""
    from roleplay.core.lexicon import plain_words

    plain = plain_words(statement).lower()
    return any(has_phrase(words, plain) for words in catalogue().favours)


_PLAIN_OPENER = re.compile(r"^\W*(?:ok|okay|right|well|all right|alright)\b[,.!]?\s+", re.I)
"""An opening word that only takes in what was said ("Ok, so…", "Right."), not a reaction."""


_ASKS = re.compile(r"\?|\b(?:want|need|like|have) to know\b|\btell me\b|\bexplain\b", re.I)
"""A customer's line that asks something, directly or not ("I want to know why")."""


_CONCEDED = re.compile(r",\s*but\s+(?:fine|all right|alright|ok|okay|there we go)\s*\.$", re.I)
"""A reaction's closing concession ("…, but fine."), which a customer walking out does not make."""

_BARE_NO = re.compile(r"^\s*(?:no|yes)\.\s+(?=\S)", re.I)
"""A line's opening "No." or "Yes.", which after a question of the learner's reads as its answer."""


def _after_yes(thanks: str) -> str:
    """Thanks said after "Yes, please.": without its "Well," or "Right." ("Yes, all right.
    Thank you for sorting the roaming charges.")."""
    return _without_plain_opener(without_opener(thanks))


def _without_plain_opener(line: str) -> str:
    """The line without its plain opening word, capitalised again ("Ok, so the £3…" → "So
    the £3…")."""
    rest = _PLAIN_OPENER.sub("", line, count=1)
    return rest[:1].upper() + rest[1:] if rest else line


def _part_paid(
    facts: ReplyFacts, ids: frozenset[str], reply: str, promised: Sequence[str] = ()
) -> str:
    """The sum a reply pays now when it passes the rest on ("I'll put £50 credit on now and
    pass the rest to my team leader"), or "": thanked for as that sum, not as all of it."""
    rest = "escalate" in ids and _THE_REST.search(reply) is not None
    refused = _MORE_REFUSED.search(reply)
    if not rest and not facts.of("needs_approval") and refused is None:
        return ""
    # each sum where it was said: "the £45 cap" named before "a credit of £134.60" is not
    # the £45 given
    placed = [
        (at, found.group(0))
        for offer in facts.of("offer")
        if (found := _SUM.search(offer.detail))
        and not _A_LIMIT.search(offer.quote)
        and (at := _sum_at(reply, found.group(0), offer.start)) >= 0
    ]
    # a sum offered in the words the rules read as a remedy ("for the rest i can do £1000
    # interim now"), after those the policy check found, in the order said
    placed += [
        (at, found.group(0))
        for quote in promised
        if (found := _SUM.search(quote))
        and not _A_LIMIT.search(quote)
        and not _MORE_REFUSED.search(quote)
        and (at := _sum_at(reply, found.group(0), max(0, reply.find(quote)))) >= 0
    ]
    given = [amount for at, amount in sorted(placed) if _paid_now(amount, reply, at)]
    if given:
        # "I can pay the £240 … for the rest I can do £1000 interim now": both, in order
        return " and the ".join(list(dict.fromkeys(given))[:2])
    if refused is not None:
        # "cant do 2.5k, but il pay the 240 back": the sum given is the one after the refusal
        given = _BARE_SUM.search(reply, refused.end())
        if given is not None:
            return "£" + given.group(1)
    return ""


_SUM = re.compile(r"£\d[\d,]*(?:\.\d\d)?")
_CAPPED_AT = re.compile(r"(?i)\b(?:over|above|more than|beyond|past|under|below)\s+(?:the\s+)?$")
"""Words before a sum that make it a line drawn, not money given ("everything over £45")."""
_REFERRED = re.compile(
    r"(?i)\b(?:put(?:ting)?|pass(?:ing)?|refer(?:ring)?|send(?:ing)?|ask(?:ing)?|request(?:ing)?"
    r"|tak(?:e|ing))\b[^.;]{0,30}\b(?:to|with|for)\s+(?:her|him|them|my|the|our|a)\b"
    r"|\bask(?:ing)?\s+(?:her|him|them|my \w+|the \w+|our \w+)\s+(?:about|for|if|whether)\b"
    r"|\b(?:request|approval|sign-?off)\b|(?<!able )\bto (?:approve|authori[sz]e|sign off|ok)\b"
    r"|\b(?:has|have|needs?|must) (?:2|to) (?:ok|approve|agree|sign)"
    r"|\b(?:team leader|manager|supervisor|tl|boss)\s+(?:can|could|may|will|would|has|needs|must)\b"
)
"""Words beside a sum that put it to someone else ("I'll put the £100 to her today")."""


def _sum_at(reply: str, amount: str, near: int) -> int:
    """Where ``amount`` is said at or after ``near`` (the start of the words it was found
    in), else its first mention; -1 when the reply does not say it as written."""
    at = reply.find(amount, near)
    return at if at >= 0 else reply.find(amount)


def _paid_now(amount: str, reply: str, at: int) -> bool:
    """Whether ``amount``, said at ``at``, is given by the reply itself: not a line drawn
    ("everything over £45") nor a sum put to someone else to decide ("I'll put your £100
    request to her", "I'll ask her about the £100")."""
    bounds = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(reply)]
    start = max((e for s, e in bounds if e <= at), default=0)
    end = min((s for s, e in bounds if s >= at + len(amount)), default=len(reply))
    if _CAPPED_AT.search(reply[start:at]):
        return False
    return not _REFERRED.search(reply[start:end])


_CLAUSE_BREAK = re.compile(r"[.;!?,]|\s(?:and|n|but|so|then|while)\s", re.IGNORECASE)
_A_LIMIT = re.compile(r"(?i)\b(?:up to|limit|maximum|no more than|at most)\b")
"""A sum named as the learner's limit ("I can only credit up to £50 myself"), not given."""
_BARE_SUM = re.compile(
    r"(?<![\w.])£?(\d{2,}(?:,\d{3})*(?:\.\d\d)?)"
    r"(?![\w.%]|\s*(?:am|pm|hours?|days?|weeks?|working))"
)
"""A sum written with or without its pound sign ("pay the 240 back"), not a time or a count
of days."""
_THE_REST = re.compile(
    r"(?i)\b(?:the rest|the remainder|the balance|the difference|anything (?:more|over|above))\b"
)
"""What is left to pay, passed on to someone else ("…and pass the rest to my team leader")."""
_MORE_REFUSED = re.compile(
    r"(?i)\b(?:can(?:no|'|’)?t|cannot|cant|unable to|not able to|won't|wont)\s+(?:\w+\s+){0,3}"
    r"(?:£?\d[\d,.]*k?\b|the (?:whole|full|entire)\b|all (?:of )?(?:it|that)\b)"
)
"""A larger sum refused beside the one given ("cant do 2.5k sry, but il pay the 240 back")."""


def _without_thanks(line: str) -> tuple[str, list[str]]:
    """The line without the thank-yous it opens with ("Thank you for where we can live.
    Thank you for the money so far. But…" → "But…"), and what those thanked for that the
    customer's own thanks may take in ("the money so far"): one thank-you, not two
    stitched together."""
    sentences = SENTENCE_END.split(line.strip())
    also: list[str] = []
    while len(sentences) > 1 and _THANKS_OPENS.match(sentences[0]):
        thanked = _THANKED.match(sentences[0])
        if thanked and len(thanked.group("what").split()) <= 6:
            also.append(thanked.group("what"))
        sentences = sentences[1:]
    return " ".join(sentences), also


_THANKS_OPENS = re.compile(r"\W*(?:(?:well|right|ok|okay),? )?(?:thanks|thank you)(?!\w)", re.I)
"""A sentence that thanks, perhaps after a plain opener ("Well, thank you for…")."""

_THANKED = re.compile(r"\W*(?:well,? )?(?:thanks|thank you) for (?P<what>[^.!?]+)[.!]$", re.I)


def _thanks_also(thanks: str, also: list[str]) -> str:
    """``thanks`` ("Thank you for the apology.") taking in what a line of the tutor's
    thanked for too ("…, and for the money so far.")."""
    said = {w for w in _WORD.findall(thanks.lower()) if w not in NOT_A_THING}
    # "…for telling me where things are" already says "for finally telling me something",
    # and "…for sorting out the money" says "for the money so far"
    fresh = [
        what
        for what in also
        if what.lower() not in thanks.lower() and not said & set(_WORD.findall(what.lower()))
    ]
    if not fresh or not thanks.endswith("."):
        return thanks
    return thanks[:-1] + "".join(f", and for {what}" for what in fresh) + "."


def _opens_with_yes_or_no(line: str) -> bool:
    """Whether a line already answers a yes-or-no question in its first word."""
    return _YES_OR_NO.match(line) is not None


SPOKEN: frozenset[Channel] = frozenset({Channel.PHONE, Channel.FACE_TO_FACE})
"""Channels where the customer speaks rather than writes."""


class ReactionFile(BaseModel):
    """The whole default-reactions file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reactions: dict[str, DefaultReaction]


CUSTOMER_BLAME: Final = frozenset(
    {
        "blame.customer",
        "blame.customer-counterfactual",
        "blame.customer-suspected",
        "blame.your-fault",
        "blame.customer-did-not-tell",
        "blame.customer-was-meant-to",
    }
)
"""The blame rules that lay the fault on the customer themselves, not on someone else."""


def blames_customer(found: Analysis) -> bool:
    """Whether a reply lays the fault on the customer themselves (:data:`CUSTOMER_BLAME`)."""
    return any(e.rule in CUSTOMER_BLAME for e in found.evidence_for("blame"))


_PASSED_ON = re.compile(
    r"\b(?:pass(?:ed|ing)? (?:me |us |this |it )?(?:on|around|round|to)|passed about"
    r"|hand(?:ed|ing)? (?:me |us )?(?:on|over|off)|transferr?(?:ed|ing)?|put through)\b",
    re.IGNORECASE,
)
"""A customer's line that already answers being handed over."""


_TAKES_IT_UP = re.compile(
    r"\b(?:(?:i'll|i will|i can|can i|shall i|should i|let me|i'm going to|i am going to|"
    r"i'm|i am|ill|il|(?:would|do) you mind if i|is it (?:ok|okay|all right|alright) if i) "
    r"(?:go and |just )?(?:ask|asking|asked|check with|checking with|speak to|"
    r"speaking to|spoke to|talk to|run it by|ran it by|put (?:it|this|that) to|"
    r"putting (?:it|this|that) to|pass(?:ed|ing)? (?:it|this|that)(?: on)? to|get|fetch))\b",
    re.IGNORECASE,
)
"""A reply that takes a decision to whoever makes it ("can I ask Dave?", "I'll put it to
her"): the decision named as someone else's is on its way to them, not disowned."""


_TAKEN_ON: Final = frozenset({"escalate", "follow_up", "ownership", "resolve", "investigate"})
"""Moves that carry a decision named as someone else's on towards an answer."""


def reply_did(found: Analysis) -> frozenset[str]:
    """What a reply did that a scenario's line may answer (``LineVariant.after``)."""
    did: set[str] = set()
    if "dismiss" in found.ids:
        did.add("dismissed")
    if found.evidence_for("blame"):
        did.add("blamed-customer" if blames_customer(found) else "blamed-someone-else")
    return frozenset(did)


_DECISION = re.compile(
    r"(?:'s|s'|\bmy|\bour|\btheir|\bhis|\bher|\byour)\s+(?:own\s+)?call\b(?!-)"
    r"|\b(?:decision|decides?|deciding|say-so|authori[sz]\w*|approv\w*|sign(?:s|ed)? "
    r"(?:it |that |this )?off|permission|(?:mine|ours|me|us) to (?:give|decide|say|offer|agree)"
    r"|up to)\b",
    re.IGNORECASE,
)
"""Words that make a blame about who decides, not about whose fault it is."""


def disowns_decision(found: Analysis) -> bool:
    """Whether a reply's blame puts a decision on someone else ("a refund isn't mine to
    give, it's Dave's call") rather than a fault: the customer asks who can decide, since
    nobody said whose fault anything was."""
    blamed = found.evidence_for("blame")
    return (
        bool(blamed)
        and not blames_customer(found)
        and all(_DECISION.search(e.quote) for e in blamed)
    )


REACTION_ORDER: tuple[str, ...] = (
    "dismissed",
    "blamed",
    "too_good",
    "premature_escalation",
    "missing_apology",
    "question_for_question",
    "ignored",
)
"""The default reactions, most serious first; at most one applies to a reply."""

CURT_BECAUSE = 'the reply answered, but talked down to the customer ("as I said")'
"""Why a curt reply (see :func:`is_curt`) moved the mood."""

TONE_ONLY_RULES: frozenset[str] = frozenset({"dismiss.already-said"})
"""Dismissal rules that judge only the tone ("as I said", "per my last email"): a reply
found dismissive by these alone, which still answers the customer, is curt, not a brush-off."""

SUBSTANCE: frozenset[str] = frozenset(
    {"resolve", "explain", "escalate", "follow_up", "ownership", "investigate", "policy_reference"}
)
"""Moves that give the customer something: an answer, a remedy, a hand-over, a next step."""


def is_curt(found: Analysis) -> bool:
    """Whether a reply's only dismissal is its tone ("as I said, …") while it gives the
    customer an answer or a remedy: the customer bristles at the tone but takes the answer,
    so the reply is routed as the answer it gives and the examiner still sees ``dismiss``."""
    dismissals = [e for e in found.evidence if e.move == "dismiss" and not e.note]
    return (
        bool(dismissals)
        and all(e.rule in TONE_ONLY_RULES for e in dismissals)
        and bool(set(found.ids) & SUBSTANCE)
    )


@functools.cache
def default_reactions() -> Mapping[str, DefaultReaction]:
    """Return the bundled default reactions, loaded once."""
    return load_model_file(rubrics_dir() / "reactions.yaml", ReactionFile).reactions


@dataclass(frozen=True, slots=True)
class Turn:
    """One exchange: what the customer said, the learner's reply, and what it caused."""

    number: int
    node: str
    customer: str
    mood_before: int
    reply: str
    analysis: Analysis
    facts: ReplyFacts
    branch: int | None
    reaction: str | None
    mood_after: int
    next_node: str
    response: str
    """What the customer says next (empty when the conversation has ended without words)."""
    triggers: tuple[str, ...] = ()
    """Triggers that fired on reaching ``next_node``."""
    outcome: str | None = None
    because: tuple[str, ...] = ()
    """Why the mood and the path changed, in words a debrief can show."""
    cause: tuple[Evidence, ...] = ()
    """The learner's words that earned the branch or the reaction."""
    needs_met: tuple[NeedMet, ...] = ()
    """The customer's needs this reply met, with the words that met them."""
    needs_open: tuple[str, ...] = ()
    """The customer's needs still open after this reply, most pressing first."""
    passed: tuple[tuple[str, int], ...] = ()
    """Nodes the reply carried the conversation past, having already given what they ask
    for, each with the index of the branch it left by."""

    @property
    def mood_change(self) -> int:
        """How far this reply moved the customer's mood."""
        return self.mood_after - self.mood_before


@dataclass(slots=True)
class Session:
    """A conversation in progress over one scenario.

    Create it with the scenario; read :attr:`prompt` for what the customer says; call
    :meth:`step` with each reply. :attr:`turns` holds the conversation so far and
    :attr:`outcome` is set when it ends.
    """

    scenario: Scenario
    node_id: str = ""
    mood: int = 0
    turns: list[Turn] = field(default_factory=list)
    outcome: str | None = None
    fired: dict[str, int] = field(default_factory=dict)
    """Trigger id → the number of the turn after which it fired (0: at the start)."""
    strikes: int = 0
    stalls: int = 0
    """Replies in a row that left the customer where they were, with nothing new given and
    their mood no better: past their patience, each wears it thinner."""
    held: set[str] = field(default_factory=set)
    """Nodes where the customer already stayed once after a reply that engaged but gave
    nothing new (an offer again, a question): the next such reply there ends as the tutor
    wrote."""
    prompt: str = ""
    needs: NeedsState = field(init=False)
    """The customer's needs: which were met, when and by which words, and which are open."""
    offer_met: tuple[NeedMet, ...] = ()
    """Needs met this turn by an offer the customer said yes to (see
    :meth:`NeedsState.take_offer`)."""
    facts_memo: dict[tuple[str, int], ReplyFacts] | None = None
    """Where sessions of the same scenario share what was found in a reply (keyed by the
    reply and its analysis, which the caller keeps alive): play-throughs of one scenario
    offer the same replies again and again."""

    def __post_init__(self) -> None:
        self.needs = NeedsState.start(needs_of(self.scenario), self.scenario.start_node)
        if not self.node_id:
            self.node_id = self.scenario.start_node
            self.mood = self.scenario.customer.mood
            start = self.scenario.node(self.node_id)
            self.prompt = choose(start.customer, self.mood, self.needs) or start.line(self.mood)
            self.needs.said.append(self.prompt)
            for trigger in start.triggers:
                self.fired.setdefault(trigger, 0)

    @property
    def finished(self) -> bool:
        """True once the conversation has reached an outcome."""
        return self.outcome is not None

    @property
    def node(self) -> Node:
        """The node the customer is speaking from now."""
        return self._node(self.node_id)

    def _node(self, node_id: str) -> Node:
        if node_id == LOST_NODE and not any(n.id == LOST_NODE for n in self.scenario.nodes):
            return Node(id=LOST_NODE, customer=LOST_LINE, outcome=OutcomeKind.CUSTOMER_LOST)
        return self.scenario.node(node_id)

    def step(self, reply: str, analysis: Analysis | None = None) -> Turn:
        """Take one reply and return the turn it made; the customer's answer is ``prompt``.

        Raises :class:`ConversationOver` if the conversation has already ended.
        """
        if self.finished:
            raise ConversationOver("the conversation has ended; start a new attempt")
        node = self.node
        number = len(self.turns) + 1
        found = analysis or analyse(reply, self.prompt)
        if any(
            turn.analysis.has("escalate") or _names_authority(turn.reply) for turn in self.turns
        ):
            # "them" is the team an earlier reply handed up to; "her" the duty manager an
            # earlier reply named ("I'm getting Sam, our duty manager", then "I'll put the
            # whole bill to her")
            found = named_earlier(found)
        scored = found.reply  # all of the reply, or the first part of a very long one
        facts = self._facts_of(scored, found)
        self.needs.sorry_now = _SAID_SORRY.search(scored) is not None
        self.needs.sorry_said = self.needs.sorry_said or self.needs.sorry_now
        mood_before = self.mood
        because: list[str] = []
        cause: list[Evidence] = []

        curt = is_curt(found)
        routed = frozenset(found.ids) - {"dismiss"} if curt else frozenset(found.ids)
        reply_now = Reply(routed, facts, scored, mood_before)
        met_now = self.needs.meet(number, reply_now, found)
        reply_now = Reply(reply_now.ids, facts, scored, mood_before, self.needs.met_ids)

        branch_index, branch = _choose(node.branches, reply_now)
        given = self._given_before(node, branch, reply_now, met_now)
        if given is not None:
            branch_index, branch, moves = given
            because.append(
                f"the reply did what the customer was asking for here; the {moves} the "
                "branch also asks for was given in an earlier reply, and is not asked twice"
            )
        stays = self._asks_what_they_can_answer(node, branch, reply_now)
        if stays:
            branch = Branch(otherwise=True, goto=node.id, mood=0)
            because.append(
                "the reply asked the customer something they could answer about what they "
                "need, so they answered it and waited for the rest"
            )
        answered = self._answered_instead(node, branch, met_now, routed)
        if answered is None and self._held_by_gains(node, branch, met_now, routed):
            stays = True
            branch = Branch(otherwise=True, goto=node.id, mood=0)
            because.append(
                "the reply gave the customer something, or asked them something, though not "
                "what they were asking for here, so they stayed to ask for it again rather "
                "than leave"
            )
        if answered is None and not stays and self._answers_and_stays(branch, reply_now, curt):
            stays = True
            branch = Branch(otherwise=True, goto=node.id, mood=branch.mood if branch else 0)
            because.append(
                "the reply asked the customer something they could answer, so they answered "
                "it and stayed to ask again for what they came for"
            )
        if answered is not None:
            branch_index, branch, gave, earlier = answered
            because.append(
                f"an earlier reply had already given what the customer was asking for here "
                f"({gave}), so a reply that did not give it again was not taken as refusing it"
                if earlier
                else f"the reply gave what the customer was asking for here ({gave}) in words "
                "none of the tutor's branches tested, so it was taken as doing so"
            )
        mood = mood_before
        said_first = ""
        if branch is not None:
            mood += branch.mood
            if branch.when is not None and answered is None:
                cause.extend(_evidence_for(branch.when, found))
            if answered is None and not stays:
                # (a branch taken in place of the fallback did not have its test met, and
                # the customer who stays has a reason given above: the branch's own reason
                # would say what the reply did not do)
                because.append(branch.because or _describe(branch, node))
            said_first = branch.say or ""
            next_id = branch.goto
        else:
            next_id = node.id

        reaction_id = self._reaction(node, found, facts, branch, met_now, curt)
        # (whoever "him" is may have been named several replies back: "our workshop
        # manager, Dave", then "Putting you through now.")
        earlier = " ".join((self.prompt, *(turn.reply for turn in self.turns)))
        handed_now = hands_over_now(found, scored, earlier)
        foreseen = (
            branch is not None
            and branch.when is not None
            and ("escalate" in (*branch.when.any, *branch.when.all))
        )
        ended = (
            None if foreseen else self._handed_over_end(next_id, reaction_id, handed_now, met_now)
        )
        if ended is not None:
            next_id = ended
            because.append(
                "the reply handed the customer over there and then, so the conversation "
                "ended with the hand-over"
            )
        reaction: DefaultReaction | None = None
        if reaction_id is not None:
            reaction = default_reactions()[reaction_id]
            # (blame the tutor's branch tested has moved the mood and has its reason: the
            # customer only says their denial)
            if not _tested_ids(branch, found) & REACTION_MOVES.get(reaction_id, frozenset()):
                mood += self._reaction_mood(reaction_id, curt)
                because.append(
                    CURT_BECAUSE if curt and reaction_id == "dismissed" else reaction.because
                )
                cause.extend(_reaction_evidence(reaction_id, found))

        patience = self.scenario.customer.patience
        stalled = next_id == node.id and not met_now and mood <= mood_before
        self.stalls = self.stalls + 1 if stalled else 0
        if self.stalls > patience and mood == mood_before:
            # the same question asked again and again, politely not answered: a customer
            # does not ask it a sixth time as calmly as the first
            mood -= 1
            because.append(
                f"the customer had been left where they were {self.stalls} replies in a row, "
                "with nothing new, so their patience wore thin"
            )
        mood = clamp_mood(mood)
        self.strikes = self.strikes + 1 if mood < mood_before else 0
        lost = mood == 0 or (self.strikes >= patience and band_of(mood).value == "furious")
        if lost and self._node(next_id).outcome is None:
            next_id = self._lost_node_id()
            replies = "reply" if self.strikes == 1 else "replies"
            because.append(
                f"the customer ran out of patience after {self.strikes} {replies} "
                "in a row made things worse"
            )

        target = self._node(next_id)
        passed: list[tuple[str, int]] = []
        for _hop in range(MAX_SKIPS):
            skip = self._given_already(target, reply_now, mood)
            if skip is None:
                break
            passed.append((target.id, target.branches.index(skip)))
            mood = clamp_mood(mood + skip.mood)
            because.append(
                f"the reply had already given what the customer would have asked for "
                f"next ({self._about_words(target)}), so the conversation moved on"
            )
            target = self._node(skip.goto)
        ends_well = target.outcome in GOOD_OUTCOMES
        if (reaction_id == "premature_escalation" and target.outcome is OutcomeKind.ESCALATED) or (
            reaction_id == "too_good" and ends_well
        ):
            # the conversation ends on the hand-over or the remedy accepted: no "passed
            # around" or "are you sure you're allowed?" before the thanks (the debrief still
            # marks a promise beyond authority)
            mood = clamp_mood(mood - self._reaction_mood(reaction_id))
            because.remove(default_reactions()[reaction_id].because)
            reaction_id = None
        next_id = target.id
        triggers = tuple(t for t in target.triggers if t not in self.fired)
        for trigger in triggers:
            self.fired[trigger] = number
        # a danger they have already told the learner of, not one this turn's line raises
        danger_line = self._danger_press(mood) if handed_now else ""
        raised_before = set(self.needs.raised)
        self.needs.reach(target.id)
        if fresh := self.needs.raised - raised_before:
            # the customer would raise it here, but the reply that brought them here gave it
            # already ("il get the duty dr 2 look at u now" before "shouldn't somebody look
            # at me?")
            met_now = (*met_now, *self.needs.meet(number, reply_now, found, only=fresh))
        # a reply that gave something but also made things a little worse is still thanked,
        # grudgingly ("Thanks for the payment plan, I suppose."); one that made things much
        # worse, or ends the conversation badly, is not
        worse = mood <= mood_before - 2 or target.outcome in BAD_ENDS
        refused_by_law = law_given_to_refuse(scored, bundled_catalogue())
        self.needs.did = reply_did(found)
        self.offer_met = ()
        response = self._respond(
            target,
            mood,
            said_first,
            reaction_id,
            met_now,
            worse,
            reply_text=scored,
            curt=curt,
            addressed=addressed_kinds(reply_now, self.needs),
            when_told=says_when(reply_now, found),
            better=mood > mood_before or (mood == mood_before and bool(found.moves)),
            handed_now=handed_now,
            passed_on=handed_now and foreseen and branch is not None and branch.mood < 0,
            danger_line=danger_line,
            # (a branch the tutor wrote for the misstatement leads to their own rebuttal)
            misstated=(bool(facts.of("misstatement")) or bool(refused_by_law))
            and not (branch is not None and branch.when is not None and branch.when.finds),
            hedged=bool(self.needs.hedged),
            # (a claim that compensation "only applies after 14 days" names what they want,
            # but gives it them nothing)
            favoured=not refused_by_law
            and any(_in_their_favour(f.quote) for f in facts.of("misstatement")),
            part_paid=_part_paid(
                facts,
                routed,
                scored,
                [e.quote for e in found.evidence if e.move == "resolve" and not e.note],
            ),
            reply_ids=routed,
            told_next=bool(routed & TELLS_NEXT) and mood >= mood_before,
            blamed_customer=blames_customer(found),
            disowned=disowns_decision(found),
            extras=(
                offered_things(found, catalogue().offered_things, [m.words for m in met_now])
                if "resolve" in routed and not curt
                else ()
            ),
            lavish=(
                offered_things(found, catalogue().offered_things, most=None)
                if "resolve" in routed and not curt
                else ()
            ),
            promised=tuple(
                dict.fromkeys(e.quote for e in found.evidence if e.move == "resolve" and not e.note)
            ),
            fell=mood < mood_before,
            branch_sour=branch is not None and branch.mood <= 0,
        )

        self.needs.bring_up(
            need_id
            for answer in self.scenario.customer.answers
            if answer.raises and answer.say in response
            for need_id in answer.raises
        )
        turn = Turn(
            number=number,
            node=node.id,
            customer=self.prompt,
            mood_before=mood_before,
            reply=reply,
            analysis=found,
            facts=facts,
            branch=branch_index,
            reaction=reaction_id,
            mood_after=mood,
            next_node=next_id,
            response=response,
            triggers=triggers,
            outcome=target.outcome.value if target.outcome is not None else None,
            because=tuple(because),
            cause=tuple(dict.fromkeys(cause)),
            needs_met=(*met_now, *self.offer_met),
            needs_open=self.needs.open_ids,
            passed=tuple(passed),
        )
        self.turns.append(turn)
        self.node_id = next_id
        self.mood = mood
        self.prompt = response
        self.outcome = turn.outcome
        return turn

    def _handed_over_end(
        self,
        next_id: str,
        reaction_id: str | None,
        handed_now: bool,
        met_now: Sequence[NeedMet] = (),
    ) -> str | None:
        """Where a conversation goes when the reply hands the customer over there and then
        ("I'm transferring you now, please hold") and the tutor's branch carries on as if
        it had not: to the scenario's end for a correct escalation, since nobody talks on
        after putting the customer through (a branch that tests the hand-over is the tutor's
        own answer to it, and is not overruled). None when the branch already ends it, the
        customer refuses the hand-over as too soon (``premature_escalation``), a danger
        has still to be dealt with, the one fetched was fetched for the danger (the duty
        manager who is the first aider: help, while the complaint stays with the learner),
        or the scenario has no such end."""
        if not handed_now or reaction_id == "premature_escalation":
            return None
        safety = {n.id for n in self.needs.needs if n.need_kind is NeedKind.SAFETY}
        if any(m.id in safety and m.by == "escalate" for m in met_now):
            return None
        if self._node(next_id).outcome is not None or self._open_danger() is not None:
            return None
        ends = [n.id for n in self.scenario.nodes if n.outcome is OutcomeKind.ESCALATED]
        return ends[0] if ends else None

    def _thanked_before(self, node: Node, line: str) -> bool:
        """Whether ``line`` is a variant that takes as given only needs met in an earlier
        turn, so its thanks comes a turn late."""
        if not isinstance(node.customer, tuple):
            return False
        variant = next((v for v in node.customer if v.say == line), None)
        if variant is None or not variant.met:
            return False
        now = len(self.turns) + 1
        return all(
            (met := self.needs.met.get(need_id)) is not None and met.turn < now
            for need_id in variant.met
        )

    def _open_danger(self) -> Need | None:
        """The customer's need to have a danger dealt with, once they have raised it and
        while it is still open."""
        return next(
            (
                n
                for n in self.needs.needs
                if n.need_kind is NeedKind.SAFETY
                and n.id in self.needs.raised
                and n.id not in self.needs.met_ids
            ),
            None,
        )

    def _danger_press(self, mood: int) -> str:
        """How the customer asks again about a danger still unanswered ("So is it safe to
        drive or not?"), or "" when none is open or every way was said."""
        danger = self._open_danger()
        if danger is None:
            return ""
        lines = press_lines(danger, mood)
        said = self.needs.said
        return next(
            (ln for ln in lines if not said_before(ln, said) and not says_again(ln, said)), ""
        )

    def _danger_asked_out(self, mood: int) -> bool:
        """Whether the customer has asked about an open danger in every way they have."""
        danger = self._open_danger()
        if danger is None:
            return False
        said = self.needs.said
        lines = press_lines(danger, mood)
        return bool(lines) and all(said_before(ln, said) or says_again(ln, said) for ln in lines)

    def _held_by_gains(
        self, node: Node, branch: Branch | None, met_now: tuple[NeedMet, ...], ids: frozenset[str]
    ) -> bool:
        """Whether a fallback that would end the conversation badly is held off because
        the reply engaged with the customer without refusing or blaming them: it met a need
        the tutor wrote a test for (an engineer booked while the customer asks for someone
        senior), it offered, promised or confirmed something (the payment approved, again),
        or it asked them something. A customer given something real, or asked a question,
        stays to ask again for the rest rather than walking out on it; one who keeps being
        answered worse still runs out of patience. A hold for an offer or a question is
        noted in :attr:`held`, so that it is given once at a node."""
        if not _worsening_fallback(branch):
            return False
        if self._node(branch.goto).outcome not in BAD_ENDS or ids & RED_FLAGS:
            return False
        if any(
            (need := self.needs.need(m.id)) is not None
            and need.met_by
            and need.need_kind is not NeedKind.APOLOGY
            for m in met_now
        ):
            return True
        if branch.goto in self.held or node.id in self.held:
            return False  # asked once more already: this time they go
        offered = bool(ids & (OFFERING_MOVES - {"escalate"}))
        # a question put courteously (not a bare one, nor one after a rebuff), and no
        # answer to a danger: "Which table are you on?" while he reacts
        asked = (
            "listen" in ids
            and bool(ids & {"acknowledge", "empathise", "apologise", "thank"})
            and self._open_danger() is None
        )
        if offered or asked:
            self.held.add(node.id)
            return True
        return False

    def _answers_and_stays(self, branch: Branch | None, reply: Reply, curt: bool) -> bool:
        """Whether a reply that would take a fallback to a walk-out asked the customer
        something they can answer ("Is your husband there with you?", "How are you feeling
        today?") without brushing them off or blaming them: a question is no reason to walk
        out, so the customer answers it and stays to ask again for what they came for. A
        fallback to another node (a demand for someone senior, the story moving on) is taken
        as the tutor wrote it, and so is one that leaves the customer furious. The fallback's
        mood still stands, and the hold is given once at a node (noted in :attr:`held`), so a
        learner who only asks runs out the customer's patience."""
        if not _worsening_fallback(branch) or curt:
            return False
        if band_of(clamp_mood(reply.mood + branch.mood)) is Band.FURIOUS:
            return False  # pushed to fury, they answer on their way to the manager or out
        if self._node(branch.goto).outcome not in BAD_ENDS or self._open_danger() is not None:
            return False  # (nor while a danger they told of goes unanswered)
        if reply.ids & RED_FLAGS:
            return False
        questions = catalogue().questions
        if questions is None or not last_question(reply.text):
            return False
        said = [s for s in SENTENCE_END.split(reply.text.strip()) if not s.rstrip().endswith("?")]
        if said and not reply.ids - {"listen"}:
            return False  # a question after words that did nothing for them ("Kettles do break.")
        if self.node_id in self.held:
            return False  # asked once more already: this time they go
        if not answer_to(reply.text, self.scenario.customer, questions, reply.mood):
            return False
        self.held.add(self.node_id)
        return True

    def _asks_what_they_can_answer(self, node: Node, branch: Branch | None, reply: Reply) -> bool:
        """Whether a reply that would take a fallback making things worse only asks the
        customer something the tutor foresaw an answer to ("How many bedrooms would you
        need?"), where the customer had asked for something, not asked a question of their
        own: a learner finding out what is needed is not refusing it. A question put back
        to a customer's question is still a fault ("Which table are you on?")."""
        if not _worsening_fallback(branch):
            return False
        if Ask.ANSWER in node.asks or reply.ids & (RED_FLAGS | OFFERING_MOVES):
            return False
        if not reply.ids & {"acknowledge", "empathise", "apologise"}:
            return False  # a bare question, or one after a rebuff ("it's been delivered")
        asked = last_question(reply.text)
        questions = catalogue().questions
        if not asked or questions is None:
            return False
        if answer_details(asked, self.scenario.customer, questions.details, reply.mood):
            return False  # their details asked for, not what they need
        return any(keyword_in(answer.asks, asked) for answer in self.scenario.customer.answers)

    def _given_before(
        self, node: Node, branch: Branch | None, reply: Reply, met_now: tuple[NeedMet, ...]
    ) -> tuple[int, Branch, str] | None:
        """The branch a reply takes when a tutor's test asks for an apology or an explanation
        together with what this reply did ("a real apology and the claim taken on") and an
        earlier reply already gave the apology: a customer does not need saying sorry twice.
        None unless the reply would otherwise take a fallback that makes things worse."""
        if branch is not None and not _worsening_fallback(branch):
            return None
        now = {m.id for m in met_now}
        earlier = {
            move
            for need in self.needs.needs
            if need.id in self.needs.met_ids - now
            and (move := _ONCE_IS_ENOUGH.get(need.need_kind)) is not None
        } - reply.ids
        if not earlier or reply.ids & RED_FLAGS:
            return None
        widened = Reply(reply.ids | earlier, reply.facts, reply.text, reply.mood, reply.met)
        for index, other in enumerate(node.branches):
            when = other.when
            if when is None or other.mood < 0 or RED_FLAGS & {*when.any, *when.all}:
                continue
            tested = {*when.all, *when.any}
            # the apology must come with something new this reply did ("a real apology and
            # the claim taken on"), not be all the branch asks for
            if not earlier & tested or not (tested - earlier) & reply.ids:
                continue
            if not holds(when, widened):
                continue
            if holds(when, reply):
                return None  # it held already: not ours to change
            words = " and ".join(
                sorted(m.replace("_", " ") for m in earlier & {*when.all, *when.any})
            )
            return index, other, words
        return None

    def _answered_instead(
        self,
        node: Node,
        branch: Branch | None,
        met_now: tuple[NeedMet, ...],
        ids: frozenset[str],
    ) -> tuple[int, Branch, str, bool] | None:
        """The branch to take instead of a fallback that would make things worse, when the
        reply met a need this node is there to ask for ("I'm getting the duty doctor to see
        you now" where the branches test only a hand-over), or an earlier reply met all of
        them already (the supervisor was radioed a turn before the customer asked for the
        station manager): the first branch that tests something, makes nothing worse, does
        not end the conversation badly and is not for a red flag or a finding, and whether
        it was an earlier reply. None when the fallback stands: nothing asked here was met,
        or the reply also brushed the customer off or blamed someone."""
        if not _worsening_fallback(branch):
            return None
        if ids & RED_FLAGS:
            return None
        # only a need the tutor wrote a test for: a kind's default ("any hand-over is
        # someone senior") is too loose to overrule the tutor's own branches
        about = self._about(node)
        gave = [
            m.id
            for m in met_now
            if m.id in about and (need := self.needs.need(m.id)) is not None and need.met_by
        ]
        now = {m.id for m in met_now}
        # what the node waits for: what it raises, and what its branches test was met
        wanted = about | {
            need_id for b in node.branches if b.when is not None for need_id in b.when.met
        }
        earlier = (
            not gave
            and bool(about)
            and wanted <= self.needs.met_ids - now
            and bool(ids & GOES_ON_HELPING)
        )
        if earlier:
            gave = sorted(about)
        if not gave:
            return None
        for index, other in enumerate(node.branches):
            when = other.when
            if when is None or other.mood < 0 or other.goto == node.id or when.finds:
                continue
            if RED_FLAGS & {*when.any, *when.all}:
                continue
            if self._node(other.goto).outcome in BAD_ENDS:
                continue
            if self._node(other.goto).outcome is OutcomeKind.ESCALATED and "escalate" not in ids:
                continue  # an update is no hand-over: the conversation does not end on one
            words = ", ".join(need.what for need in self.needs.needs if need.id in gave)
            return index, other, words, earlier
        return None

    def _about(self, node: Node) -> frozenset[str]:
        """The needs a node is there to ask for: those the customer raises there, and those
        its line variants ask for."""
        raised = {n.id for n in self.needs.needs if node.id in n.raised_at}
        if isinstance(node.customer, tuple):
            raised.update(o for v in node.customer for o in v.open)
        return frozenset(raised)

    def _about_words(self, node: Node) -> str:
        about = self._about(node)
        return ", ".join(n.what for n in self.needs.needs if n.id in about)

    def _given_already(self, node: Node, reply: Reply, mood: int) -> Branch | None:
        """The branch to take on past ``node`` when this reply has already given everything
        the node is there to ask for (a learner who gave it all at once) and none of its
        lines is left to say: the first of its branches that tests something, that the
        reply meets and that does not make things worse. None when the node still has
        something to ask or to say, or no such branch."""
        about = self._about(node)
        if node.outcome is not None or not about or not about <= self.needs.met_ids:
            return None
        if choose(node.customer, mood, self.needs) is not None:
            return None  # the tutor wrote what the customer says once it was given
        now = Reply(reply.ids, reply.facts, reply.text, mood, reply.met)
        for branch in node.branches:
            when = branch.when
            if (
                when is not None
                and branch.mood >= 0
                and branch.goto != node.id
                and holds(when, now)
            ):
                return branch
        return None

    def _facts_of(self, scored: str, found: Analysis) -> ReplyFacts:
        if self.facts_memo is None:
            return reply_facts(scored, found, self.scenario)
        key = (scored, id(found))
        facts = self.facts_memo.get(key)
        if facts is None:
            facts = self.facts_memo[key] = reply_facts(scored, found, self.scenario)
        return facts

    def _respond(
        self,
        target: Node,
        mood: int,
        branch_line: str,
        reaction_id: str | None,
        met_now: tuple[NeedMet, ...],
        worse: bool = False,
        *,
        reply_text: str = "",
        curt: bool = False,
        addressed: frozenset[NeedKind] = frozenset(),
        better: bool = False,
        handed_now: bool = False,
        passed_on: bool = False,
        danger_line: str = "",
        misstated: bool = False,
        hedged: bool = False,
        favoured: bool = False,
        part_paid: str = "",
        reply_ids: frozenset[str] = frozenset(),
        told_next: bool = False,
        blamed_customer: bool = False,
        disowned: bool = False,
        extras: tuple[str, ...] = (),
        lavish: tuple[str, ...] = (),
        promised: tuple[str, ...] = (),
        fell: bool = False,
        when_told: bool = False,
        branch_sour: bool = False,
    ) -> str:
        """What the customer says after a reply, put together from what the reply did.

        In order: the default reaction the reply earned (unless the line after it says the
        same or the opposite), thanks for the needs it met (unless the customer is reacting
        otherwise, the reply left them ``worse`` off or walking away, or their line already
        opens by reacting), the branch's own line, and the
        node's line, chosen so that it asks for nothing already given and repeats nothing
        said before; where the node has nothing new to say, the customer presses for what is
        still missing. A customer handed over there and then waits for the person
        (``handed_now``), unless the tutor's branch found the hand-over a mistake
        (``passed_on``): then they refuse to be passed around; one told their rights
        wrongly (``misstated``) doubts it, as does one given an explanation only as a guess
        (``hedged``); one put through while a
        danger they raised is open asks about it (``danger_line``). One offered something as a
        question, or asked something, answers it first. Things given besides any need
        (``extras``) are thanked for; all the things given (``lavish``) name what sounds too
        good to be true.
        """
        state = self.needs
        final = target.outcome is not None
        # a reply that left them worse off is not met with relief ("That's one thing off my
        # mind." after "we can charge the whole lot") while the node has another line
        line = choose(
            target.customer, mood, state, final=final, shun=opens_relieved if fell else None
        )
        if target.outcome is OutcomeKind.ESCALATED and handed_now:
            line = (
                handed_over_line(self.scenario.channel.value, mood, reply_text, state.said) or line
            )
        elif handed_now and not final and (danger := danger_line):
            # put through while a danger is still unanswered: they ask about the danger
            line = danger
        elif (
            handed_now
            and not final
            and not passed_on
            and reaction_id != "premature_escalation"
            and self._danger_asked_out(mood)
        ):
            # asked about the danger every way already: they let themselves be put through
            line = (
                handed_over_line(self.scenario.channel.value, mood, reply_text, state.said) or line
            )
        pressed = line is None and not final
        if pressed:
            line = press(state, mood, told_next=told_next)
        if line is None:
            # everything new was said: say again the line that fits, rather than one that
            # asks for what was given
            line = choose(target.customer, mood, state, final=final, repeat_ok=True)
        if line is None:
            line = target.line(mood)
        # what they want: what they have said, and what they need (this reply may have
        # offered it, as one of the two); what they need counts twice, over a word they
        # said in passing ("next door" against "a replacement sent next day")
        needed = [n.what for n in state.needs]
        wants = " ".join([*state.said, *needed, *needed])
        offered = accepts_offer(reply_text, mood, reply_ids, wants)
        if (
            offered
            and offered != catalogue().yes_it_is
            and any(offered in part for part in state.said)
        ):
            offered = next(
                (o for o in catalogue().accept_again if not any(o in part for part in state.said)),
                offered,
            )
        picked_before = _earlier_picks(reply_text, mood, reply_ids, wants, last_taken=bool(offered))
        earlier_picks = [pick for _, pick in picked_before]
        asked = offer_questions(reply_text)
        if offered and len(asked) > 1 and _bare_yes(offered):
            # "Shall I fetch Sam? … Does Leo have any symptoms? …": "Yes. Fetch Sam.", not a
            # "Yes. Do that." that could be to any of them; after a yes to an offer before
            # it, "Yes, add the £58.40 too."
            yes_before = any(_YES_OR_NO.match(pick) for pick in earlier_picks)
            again = offered in catalogue().accept_again or yes_before
            offered = named_yes(asked[-1], mood, again=again) or offered
            if yes_before and _bare_yes(offered):
                # "Yes. Put £50." and then not "Yes. Do that." as if nothing had been said
                offered = next(
                    (o for o in catalogue().accept_again if o not in state.said), offered
                )
        said_yes = bool(offered) or any(_YES_OR_NO.match(pick) for pick in earlier_picks)
        if said_yes and not final:
            # (an offer taken up before a last question: "…so can I pass it to her now? And
            # what's the best email for the confirmation?")
            self.offer_met = state.take_offer(len(self.turns) + 1, reply_text)
            if self.offer_met and line:
                # "Yes. Do that." to "shall I find out from the kitchen exactly what's in the
                # sauce?", then not "I need to know exactly what was in that sauce"
                taken = [n for n in state.needs if n.id in {m.id for m in self.offer_met}]
                line = without_taken(line, taken) or line
            if self.offer_met and line and (pressed or asks_for_met(line, state)):
                # "Yes, all right." to "shall I chase the prescription?", then not "And my
                # tablets?": what was taken is pressed for no more
                line = press(state, mood, skip=addressed, told_next=told_next) or ""
        if not final:
            earlier = [turn.reply for turn in self.turns]
            line = without_promised(line, [*earlier, reply_text]) or line
            picked_remedy = any(
                _REMEDY_PICKED.search(refund_as_one(pick).lower())
                for pick in (offered, *earlier_picks)
            )
            if (reply_ids & {"resolve", "ownership"} and offered) or picked_remedy:
                # "Yes, all right." to "I can sort the refund - shall I go ahead?", or "A
                # refund, please." to "a replacement or a refund?", is not followed by "So
                # what are you going to do about it?"
                addressed = addressed | {NeedKind.REMEDY}
            trimmed = without_asks_for(line, addressed, state.needs, reply_text)
            if picked_remedy and trimmed:
                # "Refund me, please." and then not "I'd rather just have my money back, the
                # full £64." as if the choice had gone the other way: the sum is held to
                trimmed = _sum_held_to(trimmed, state.needs)
            if trimmed and when_told:
                trimmed = without_when_asked(trimmed)
                if not trimmed:
                    # "So when will I actually see it?" after "back in your account within
                    # the hour": nothing left to ask here (the rest of the turn, or a press
                    # if there is none, says what they say)
                    line = trimmed = ""
            if not trimmed and line and reaction_id is not None and not final:
                pass  # the reaction says it: "I don't want to be passed around." alone
            elif not trimmed and line:
                pressed = True
                trimmed = press(state, mood, skip=addressed, told_next=told_next) or line
            line = trimmed
        if better or met_now:
            # "Oh, here we go." after a reply that gave something (an apology, if nothing
            # else) reads as scorn for it
            line = without_sour_opener(line)
            if not final and said_before(line, state.said):
                # "Well? What are the charges?" without its "Well?" was said already
                line = press(state, mood, skip=addressed, told_next=told_next) or line
        gave_nothing = not met_now and not reply_ids & OFFERING_MOVES
        if _THANKS.match(line) and (gave_nothing or self._thanked_before(target, line)):
            # "Thank you, that helps." after a reply that gave nothing, or "Thank you for
            # the payment plan." a turn after the plan was given: no thanks for it now
            line = without_opener(line)
        parts: list[str] = []
        questions = catalogue().questions
        answer = ""
        picked = ""
        before_offer = ""
        asked_last = last_question(reply_text)
        answerable = not final or target.outcome in GOOD_OUTCOMES
        if questions is not None:
            # "Can I take your order number?" is answered before the customer goes on; an
            # offer ("Shall I send you a new SIM?") is accepted instead, below, unless it
            # is a choice the customer has their own answer to ("ring or email?"); one who
            # is going to the ombudsman still says where the letter should go
            answer = (answer_to if answerable else particulars_answer)(
                reply_text, self.scenario.customer, questions, mood
            )
        if (
            answer
            and offered
            and _OR.search(asked_last)
            and not _YES_OR_NO.match(offered)
            and not makes_choice(answer, asked_last, offered)
        ):
            # "a courtesy car, or a taxi?" answered "I've got to be in Cheltenham for
            # nine.": the choice is made as well, before what they say of it
            picked = offered
            answer = f"{offered} {answer}"
        if answerable and questions is not None:
            # (a choice, or a question after the offer: "…do that, and is email OK?")
            if offered and not (
                answer
                and (
                    _OR.search(asked_last)
                    or SECOND_QUESTION.search(asked_last)
                    or offers_kindness(asked_last)
                )
            ):
                # "Can I ask what's made you want a manager? … shall I go ahead?": what was
                # asked before the offer is still answered, and the offer taken up after it
                answer = before_offer = answers_to(
                    reply_text,
                    self.scenario.customer,
                    questions,
                    mood,
                    unless=lambda asked: bool(accepts_offer(asked, mood, reply_ids, wants)),
                )[0]
            picks = earlier_picks
            if picks and not _offered_choice_said(answer, picks):
                # "a credit on your bill or money back to your card? And shall I log a
                # complaint too?": the choice put first is made as well, and each thing
                # asked is answered in the order it was asked
                picked = " ".join(picks)
                earlier_only = bool(before_offer) and answer == before_offer
                answer = _in_asked_order(
                    reply_text,
                    picked_before,
                    earlier_answers(reply_text, self.scenario.customer, questions, mood),
                    answer,
                )
                if earlier_only:
                    before_offer = answer
            going_along = {*questions.request.answer.values()} if questions.request else set()
            if reaction_id == "premature_escalation" and (
                _YES_OR_NO.match(answer) or answer in going_along
            ):
                # "Can you wait here?" to one who will not be passed around: no "Yes, all
                # right." before "I don't want to be passed around"
                answer = ""
        if (
            not answer
            and asked_last
            and asks_anything_else(asked_last)
            and not offered
            and reaction_id is None
        ):
            # "Is there anything else?" is answered: yes, when the line goes on to more; no,
            # when it closes a conversation that ended well
            if not final and _goes_on(branch_line or line):
                answer = _THERE_IS_MORE
            elif final and target.outcome in GOOD_OUTCOMES and not _opens_with_yes_or_no(line):
                answer = "No, that's all."
        if (
            not answer
            and asked_last
            and questions is not None
            and reads_back_what_they_want(asked_last, wants)
        ):
            # "So you'd like the £64 refunded, then?" to one who asked for it
            answer = band_line(questions.confirm.answer, mood)
        if (
            answer
            and not final
            and asks_anything_else(asked_last)
            and _NOTHING_MORE.search(answer)
            and _goes_on(branch_line or line)
        ):
            # "Is there anything else?" answered "No, that's the lot." and then a new demand:
            # the line says there is more
            answer = _NOTHING_MORE.sub(_THERE_IS_MORE, answer, count=1)
        if answer:
            # the answer is their first reaction: no "Right." or "Thanks." after it; nor
            # the same news again in the line's words
            parts.append(answer)
            line = without_echo(without_opener(line), answer, ANSWER_ECHO_SIMILARITY) or line
            branch_line = without_opener(branch_line) if branch_line else branch_line
        softened = reaction_id == "missing_apology" and _SAID_SORRY.search(reply_text)
        if not answer and asked_last and _BARE_NO.match(line):
            # "How are you managing?" then "No. That's not good enough…": the "No." would
            # answer a question it was not written for
            rest = _BARE_NO.sub("", line, count=1)
            line = rest[:1].upper() + rest[1:]
        if softened and pressed and NeedKind.APOLOGY in line_asks(line, state.needs):
            line = ""  # the reaction says it: "that's not really an apology", not "say sorry"
        doubts = catalogue().doubts_law
        doubted = False
        waits = final and target.outcome is OutcomeKind.ESCALATED
        if (
            misstated
            and doubts
            and reaction_id in (None, "missing_apology")
            and (not final or waits)
        ):
            # "Under the Consumer Rights Act you have to report it within 48 hours": the
            # customer does not let a wrong statement of their rights pass without a word
            # a second wrong statement gets other words than the first did; one that hands
            # them something is taken warily, not rebutted
            hopes = catalogue().hopes_law
            if favoured and hopes:
                doubts = hopes
            ways = [band_line(doubts, mood), *doubts.values()]
            said = next(
                (w for w in ways if w not in state.said and not says_again(w, state.said)), ""
            )
            if said:
                # "Don't tell me that. I know my rights." answers the wrong law, so it comes
                # before an answer to what the reply asked after it ("£58.40 in all.")
                parts.insert(0, said)
                doubted = True
                line = without_relief(without_opener(line))
        hedge_doubts = catalogue().doubts_hedge
        if hedged and hedge_doubts and not doubted and reaction_id is None and not final:
            # "I think the report should be somewhere on the system": guessed at, not told
            said = band_line(hedge_doubts, mood)
            if said not in state.said:
                parts.insert(0, said)
                doubted = True
                line = without_relief(without_opener(line))
        if not final and state.sorry_said:
            # after "Sorry, can I take your order number?": not "Is anyone going to say
            # sorry?", but a proper apology asked for (by the reaction, if there is one)
            apology = frozenset({NeedKind.APOLOGY})
            before = line
            if reaction_id == "missing_apology":
                line = without_asks_for(line, apology, state.needs)
            else:
                line = without_sorry_asked(line, state, mood)
            if before and not line:
                line = press(state, mood, skip=apology, told_next=told_next) or ""
        if passed_on and reaction_id is None and not final and not danger_line:
            # the tutor's branch goes on as if the customer were still here: they refuse
            # to be passed around instead of waiting for a call
            refusal = self._reaction_line(
                "premature_escalation", mood, f"{branch_line} {line}" if branch_line else line
            )
            if refusal:
                parts.append(refusal)
                line = without_opener(line)
        if reaction_id is not None:
            said = self._reaction_line(
                reaction_id,
                mood,
                f"{branch_line} {line}"
                if branch_line and reaction_id == "premature_escalation"
                else line,
                reply_text,
                curt,
                at_customer=blamed_customer,
                disowned=disowned,
            )
            if doubted and reaction_id == "missing_apology":
                # "Don't tell me that. I know my rights. Not even a sorry?": the wrong law
                # is what they answer; two retorts in one breath read as glued
                said = ""
            if said and reaction_id == "too_good" and lavish:
                # "A taxi all the way to Bristol? I'll believe that when I see it.": the
                # doubt names what sounds too good
                named = _all_of_that(lavish, promised)
                said = f"{named[:1].upper()}{named[1:]}? {said}"
            if said and (worse or target.outcome in BAD_ENDS):
                # "You still haven't answered my question, but fine." then a walk-out: the
                # customer going does not concede first
                said = _CONCEDED.sub(".", said)
            if said:
                # a curt reply still asked something: "There's no need to take that tone
                # with me." comes before the answer to it
                parts.insert(0 if curt else len(parts), said)
                line = without_echo(without_relief(without_opener(line)), said)
                if reaction_id in _FINDS_FAULT:
                    # "That isn't a very helpful answer." then no "Well, thank you for…"
                    line = _without_thanks(line)[0]
                branch_line = without_opener(branch_line) if branch_line else branch_line
        yes = ""
        # "Would you like me to do that, and is email OK?": yes to the offer, then the answer
        both = bool(answer and offered and SECOND_QUESTION.search(asked_last))
        both = both or bool(offered and picked and answer == picked)
        both = both or bool(answer and offered and offers_kindness(asked_last))
        after = bool(offered and before_offer and answer.endswith(before_offer))
        both = both or after
        if (
            # an offer is taken up by one who also notes the tone or the missing sorry
            (reaction_id in (None, "missing_apology") or curt)
            and (not answer or both)
            and not worse
            and not _opens_with_yes_or_no(branch_line or line)
        ):
            yes = offered
        if yes and answer and questions is not None and offers_kindness(asked_last):
            earlier_said, last_said = answers_to(
                reply_text, self.scenario.customer, questions, mood
            )
            if re.search(r"(?i)\byes\b", last_said):
                # "…a glass of water while you sit down?" answered "I'd better, yes.": that is
                # the yes, not "Yes, please." besides
                yes = ""
            elif earlier_said and answer in parts and answer.startswith(earlier_said):
                # "Are you dizzy? Would you like some water?": "Yes, a bit. Yes, please."
                at = parts.index(answer)
                rest = answer[len(earlier_said) :].strip()
                parts[at : at + 1] = [p for p in (earlier_said, yes, rest) if p]
                yes = ""
                line = without_opener(line)
        if yes:
            # "Yes, please." is the reaction: no "Right." or "Thanks." opener after it
            if both and (answer == picked or after) and answer in parts:
                parts.insert(parts.index(answer) + 1, yes)  # the choice, then the yes
            elif both and answer in parts:
                parts.insert(parts.index(answer), yes)
            else:
                parts.append(yes)
            line = without_opener(line)
            branch_line = without_opener(branch_line) if branch_line else branch_line
        if (reaction_id is None or curt) and not worse and not doubted:
            first = branch_line or line
            # "Thanks for sorting the food money." after a reply that also put the claim
            # through: thanked for the most pressing things it gave instead
            # "Ok, so the £3 was in my contract." after a reply that gave much: the plain
            # "Ok" gives way to thanks for what it gave
            plain = (
                len(met_now) > 1
                and _PLAIN_OPENER.match(first) is not None
                and not _THANKS.match(_without_plain_opener(first))  # "OK, thank you."
            )
            # "Can I book you an appointment?" is offered, not done: it is taken up, not
            # thanked for as a booking made
            done = tuple(m for m in met_now if not _only_offered(m.words, reply_text))
            thanks = thank(
                done,
                state,
                mood,
                part_paid=part_paid,
                also=extras,
                still_wanting=still_wanting(branch_line or line),
            )
            if thanks and curt and reaction_id is not None:
                # "There's no need to take that tone. Right. Thanks for telling me where
                # things are, I suppose." is two moods glued: after bristling at the tone,
                # only something done for them is acknowledged, plainly
                thanks = _after_yes(thanks) if self._met_besides(met_now, *WORDS_ONLY) else None
            if thanks and "blame" in reply_ids and not self._met_besides(met_now, *WORDS_ONLY):
                # "It'll be the supplier's fault, they changed the pesto" is no finding out
                # to be thanked for: after blame, only something done for them is
                thanks = None
            if thanks and plain:
                if branch_line:
                    branch_line = first = _without_plain_opener(branch_line)
                else:
                    line = first = _without_plain_opener(line)
            narrow = len(met_now) > 1 and _THANKS_FOR.match(first) is not None
            if thanks and not narrow and _THANKS_LATER.search(first):
                # "… and I can pay the rest a bit at a time. Thank you, that's a weight
                # off.": the line thanks in its own words; thanks before it would be twice
                thanks = None
            if thanks and not narrow and (bare := _BARE_THANKS.match(first)):
                if opens_by_reacting(first[bare.end() :]):
                    thanks = None  # "Thanks. Honestly though, …": the line as written
                # "Thank you. I did fill in a form…" after a reply that also booked him in:
                # the plain thanks gives way to thanks for what was done
                elif branch_line:
                    branch_line = first = branch_line[bare.end() :]
                else:
                    line = first = line[bare.end() :]
            elif thanks and not narrow and _THANKS_IN_FIRST.match(first):
                # "That's a relief, thank you. But who pays…": the line thanks in its own words
                thanks = None
            if thanks and (narrow or plain or not opens_by_reacting(first)):
                if narrow and branch_line:
                    branch_line, also = _without_thanks(without_opener(branch_line))
                    thanks = _thanks_also(thanks, also)
                elif narrow:
                    line, also = _without_thanks(without_opener(line))
                    thanks = _thanks_also(thanks, also)
                if answer:
                    # "It's BW-20931. Right. Thanks for the apology, I suppose." reads as
                    # two lines glued: after answering, the customer thanks only for what
                    # was done for them, and says it first
                    # (an apology they had just asked for is thanked for all the same)
                    asked = NeedKind.APOLOGY in line_asks(self.prompt, state.needs)
                    if self._met_besides(met_now, NeedKind.APOLOGY) or asked:
                        parts.insert(0, thanks)
                else:
                    parts.append(_after_yes(thanks) if yes else thanks)
                    # "Thank you for booking the engineer." then not "An engineer, then.":
                    # the line's own taking-in of the same thing is said once
                    if branch_line:
                        branch_line = _TAKEN_THEN.sub("", without_opener(branch_line), count=1)
                    else:
                        line = _TAKEN_THEN.sub("", without_opener(line), count=1)
        first = branch_line or line
        if (
            not parts
            and not met_now
            and "resolve" in reply_ids
            and reaction_id is None
            and better
            and not final
            and not opens_by_reacting(first)
            and (taken := catalogue().taken_in)
        ):
            # "I can make an interim payment of £1,000 today" after the need was met by
            # something earlier: the customer takes the offer in before going on
            took = next((o for o in by_temper(taken, mood) if not said_before(o, state.said)), "")
            if took:
                parts.append(took)
                line = without_opener(line)
                branch_line = without_opener(branch_line) if branch_line else branch_line
        if (
            not parts
            and not met_now
            and "escalate" in reply_ids
            and reaction_id is None
            and not handed_now
            and not passed_on
            and not final
            and not opens_by_reacting(first)
            and (passed := catalogue().passed_up)
            and not any(n.need_kind is NeedKind.MANAGER and n.id in state.met for n in state.needs)
            and not any(said_before(o, state.said) for lines in passed.values() for o in lines)
        ):
            # "cant do over £50 myself. sending it to my team leader." then not "And the
            # extra £3 on my plan…" as if nothing had been passed up: the first hand-up is
            # taken in first (a later one, once someone senior has it, is no news)
            took = next((o for o in by_temper(passed, mood) if not said_before(o, state.said)), "")
            if took and not (branch_line and opens_by_reacting(branch_line)):
                parts.append(took)
                line = without_opener(line)
        if branch_line and branch_line not in state.said:
            parts.append(branch_line)
            if (fell or branch_sour) and _THANKS_OPENS.match(line):
                # "So I'm waiting on someone else again. … Thank you. And the money.": a
                # grumble is not followed by thanks in the same breath
                line = _without_thanks(line)[0] or line
        if (
            handed_now
            and not final
            and not passed_on
            and reaction_id != "premature_escalation"
            and not any(_PASSED_ON.search(p) for p in parts)
        ):
            # "Putting you through now." to one still asking whether the car is safe: they
            # ask before they go, not as if nobody were passing them on
            line = before_handing(self.scenario.channel.value, line)
        parts.append(line)
        # each part opens a sentence ("…thank you for actually listening." left lower-case
        # when a thanks before it was taken out)
        parts = [p.strip()[:1].upper() + p.strip()[1:] for p in parts if p.strip()]
        if not parts:
            # every line asked for what the reply had just given
            parts = [press(state, mood, skip=addressed, told_next=True) or target.line(mood)]
        fresh = [kept for p in parts if (kept := without_said(p, state.said))]
        if fresh:
            parts = fresh  # nothing said twice, unless all of it would go
        # nor twice in one breath: an answer ("He had a stroke three weeks ago.") and the
        # tutor's line after it that tells it again
        once: list[str] = []
        for part in parts:
            part = without_told_again(part, state.said)
            kept = _not_told_again(without_said(part, once), once)
            if kept:
                once.append(kept)
        parts = once or parts
        more = [k for k, part in enumerate(parts) if part.endswith(_THERE_IS_MORE)]
        if more and not _goes_on(" ".join(parts[more[0] + 1 :])):
            # "Well, yes, there is. Thank you.": what was to follow was said already or
            # taken out, so there is nothing more after all
            parts[more[0]] = parts[more[0]].replace(_THERE_IS_MORE, "No, that's everything.")
        for k in range(1, len(parts)):
            if parts[k - 1].endswith(_THERE_IS_MORE):
                # "Well, yes, there is. It's the principle…", not "…there is. But it's…"
                rest = re.sub(r"^(?:but|and|still),?\s+", "", parts[k], count=1, flags=re.I)
                parts[k] = rest[:1].upper() + rest[1:]
        state.said.extend(parts)
        return " ".join(parts)

    def _reaction_line(
        self,
        reaction_id: str,
        mood: int,
        line: str,
        reply: str = "",
        curt: bool = False,
        at_customer: bool = False,
        disowned: bool = False,
    ) -> str:
        """The reaction's words, or "" when the line after it already says as much (it asks
        for the apology the reaction misses, or for the person a decision was put on) or the
        opposite (it asks for the manager the reaction refuses), or every way of saying it
        was said before. A reply that said "sorry" without apologising hears its own lines
        ("That's not really an apology")."""
        asked = line_asks(line, self.needs.needs)
        if reaction_id == "missing_apology" and NeedKind.APOLOGY in asked:
            return ""
        if reaction_id == "premature_escalation" and (
            NeedKind.MANAGER in asked or _PASSED_ON.search(line)
        ):
            return ""  # (or the line answers the hand-over itself: "…passed to someone else")
        at_customer = at_customer and reaction_id == "blamed"
        disowned = disowned and reaction_id == "blamed" and not at_customer
        if disowned and NeedKind.MANAGER in asked:
            return ""  # "I want to speak to whoever's in charge." says it
        override = None if disowned else self.scenario.reactions.get(reaction_id)
        if override is not None and at_customer and override.at_customer is not None:
            options = [override.at_customer]  # the tutor's rebuttal, in the customer's facts
        elif override is not None and override.say is not None and not at_customer and not curt:
            # (a tone the customer bristles at is answered in the default words for tone)
            options = [override.say]
        elif (
            reaction_id == "missing_apology"
            and self.needs.sorry_said
            and not _SAID_SORRY.search(reply)
        ):
            # a bare "sorry" in an earlier reply: "you still haven't said sorry" is untrue,
            # and "'sorry' on its own doesn't cover it" answers a sorry not in this reply
            kind = catalogue().kinds[NeedKind.APOLOGY]
            softened = by_temper(kind.softened or kind.press, mood)
            options = [line for line in softened if not quotes_sorry(line)] or list(softened)
        else:
            sorry = _SAID_SORRY.search(reply) is not None
            lines = default_reactions()[reaction_id].lines_for(
                self.scenario.channel,
                sorry,
                curt,
                first=not self.turns,
                at_customer=at_customer,
                disowned=disowned,
            )
            options = (
                [lines] if isinstance(lines, str) else [lines[k] for k in band_keys(lines, mood)]
            )
        # ("I'll believe that when I see it." was said inside "A taxi? I'll believe…"); nor
        # one the line after it says in its own words ("I don't want to be passed around."
        # before "I've been passed around enough.")
        # (a doubt the line echoes is taken out of the line instead, by without_echo)
        echoed = reaction_id != "too_good"
        fresh = [
            o
            for o in options
            if not said_before(o, self.needs.said) and not (echoed and _says_too(line, o))
        ]
        again = None if override is not None else default_reactions()[reaction_id].again
        if (
            not fresh
            and again is not None
            and not _DOUBTED.search(line)
            and not line.startswith("(")
        ):
            more = [again] if isinstance(again, str) else [again[k] for k in band_keys(again, mood)]
            fresh = [o for o in more if not said_before(o, self.needs.said)]
        return fresh[0] if fresh else ""

    def _lost_node_id(self) -> str:
        """Where a customer who has run out of patience goes: the customer_lost end that
        the scenario's own fallbacks and brush-offs lead to most (not an end kept for one
        particular mistake, such as giving away someone's data), else the first written."""
        ends = [n.id for n in self.scenario.nodes if n.outcome is OutcomeKind.CUSTOMER_LOST]
        if not ends:
            return LOST_NODE
        votes = dict.fromkeys(ends, 0)
        for node in self.scenario.nodes:
            for branch in node.branches:
                worse = branch.when is not None and {"dismiss", "blame"} & {
                    *branch.when.any,
                    *branch.when.all,
                }
                if branch.goto in votes:
                    votes[branch.goto] += 1 if branch.otherwise or worse else -1
        return max(ends, key=lambda end: votes[end])

    def escalation_needed(self, before_turn: int | None = None) -> bool:
        """Whether a trigger that expects escalation had fired before the given turn."""
        limit = len(self.turns) + 1 if before_turn is None else before_turn
        for trigger_id, at in self.fired.items():
            trigger = self.scenario.trigger(trigger_id)
            if trigger is not None and trigger.escalate and at < limit:
                return True
        return False

    def _reaction(
        self,
        node: Node,
        found: Analysis,
        facts: ReplyFacts,
        branch: Branch | None,
        met_now: tuple[NeedMet, ...] = (),
        curt: bool = False,
    ) -> str | None:
        """Return the id of the first default reaction this reply earns, if any.

        A reaction the tutor's branch already answers (the branch tests the same move) is
        left to the branch, so the customer does not react twice to one thing; and a reply
        that gives the customer something they need through the very move a reaction
        objects to (a hand-over to the team that can stop the letters) does not earn it.
        """
        overrides = self.scenario.reactions
        tested = _tested_ids(branch, found)
        for reaction_id in REACTION_ORDER:
            override = overrides.get(reaction_id)
            if override is not None and not override.enabled:
                continue
            if curt and reaction_id == "dismissed":
                return reaction_id  # the tone is answered whatever branch the answer took
            at_customer = reaction_id == "blamed" and blames_customer(found)
            wordless = branch is not None and not branch.say
            if tested & REACTION_MOVES.get(reaction_id, frozenset()) and not (
                wordless and (at_customer or reaction_id == "blamed")
            ):
                # the tutor's branch answers it; blame is still answered when the branch has
                # no words of its own for it ("the supplier's responsibility, not ours")
                continue
            if reaction_id == "ignored" and branch is not None and not branch.otherwise:
                continue  # the tutor's branch understood this reply
            if reaction_id in ("ignored", "question_for_question") and met_now:
                continue  # a reply that gave the customer something did engage
            if reaction_id == "question_for_question" and not _ASKS.search(self.prompt):
                continue  # the line the customer said asked nothing: nothing went unanswered
            if reaction_id in ("question_for_question", "ignored") and accepts_offer(
                found.reply, self.mood, found.ids
            ):
                # "If I sign your ticket for it, would that work?", "So shall I go ahead with
                # the £1,400?": an offer is an answer, and no ignoring of them
                continue
            answered = branch is not None and branch.when is not None and branch.when.finds
            if (
                reaction_id == "too_good"
                and answered
                and "beyond_authority" in answered
                and branch is not None
                and branch.say
            ):
                continue  # the tutor's branch answers the promise in its own words
            earlier = " ".join(self.needs.said[-RECENT_LINES:])
            if reaction_id == "ignored" and engages(found.reply, self.prompt, earlier):
                continue  # it answered them, in words the rules did not read
            if reaction_id == "ignored" and self._can_answer(found.reply):
                continue  # "wot's the best way 2 contact u?": asked them something they answer
            if REACTION_MOVES.get(reaction_id, frozenset()) & self._met_through(met_now):
                continue
            if (
                reaction_id == "premature_escalation"
                and branch is not None
                and self._node(branch.goto).outcome is OutcomeKind.ESCALATED
            ):
                continue  # the tutor ends on the hand-over accepted: no "passed around"
            if reaction_id == "premature_escalation" and self._asked_to_go_higher():
                continue  # the customer asked for someone senior or the ombudsman
            if (
                reaction_id == "blamed"
                and disowns_decision(found)
                and (_TAKES_IT_UP.search(found.reply) or set(found.ids) & _TAKEN_ON)
            ):
                # "Can I ask Dave? Refunds are his decision.", or "that's up to head office,
                # but guest relations will write to you within ten days": taken up
                continue
            if _earns(
                reaction_id, node, found, facts, self.escalation_needed(), self._apologised()
            ):
                return reaction_id
        return None

    def _can_answer(self, reply: str) -> bool:
        """Whether the reply asks the customer something they answer (their details, how to
        reach them, what the tutor foresaw): a reply that asks it is not ignoring them."""
        questions = catalogue().questions
        if questions is None:
            return False
        return bool(answer_to(reply, self.scenario.customer, questions, self.mood))

    def _asked_to_go_higher(self) -> bool:
        """Whether the customer's last line asked for someone more senior or about the
        ombudsman: a reply that answers it is not passing them on too soon."""
        asked = NeedKind.MANAGER in line_asks(self.prompt, self.needs.needs)
        return asked or "ombudsman" in self.prompt.lower()

    def _met_through(self, met_now: tuple[NeedMet, ...]) -> frozenset[str]:
        """The moves through which this reply met a need of the customer's: one they have
        raised, or one that is more than someone senior (a manager the customer has not
        asked for is still a hand-over too soon)."""
        moves: set[str] = set()
        for met in met_now:
            need = self.needs.need(met.id)
            asked = need is not None and met.id in self.needs.raised
            if need is not None and (asked or need.need_kind is not NeedKind.MANAGER):
                for test in needs_met_by(need):
                    moves.update((*test.all, *test.any))
        return frozenset(moves)

    def _met_besides(self, met_now: tuple[NeedMet, ...], *only: NeedKind) -> bool:
        """Whether the needs just met include one of another kind than ``only`` (more
        than an apology; something done, not only an apology or an explanation)."""
        kinds = {need.need_kind for m in met_now if (need := self.needs.need(m.id))}
        return bool(kinds - set(only))

    def _apologised(self) -> bool:
        """Whether an apology was given earlier in the attempt (so not asked for again)."""
        return any(
            n.need_kind is NeedKind.APOLOGY and n.id in self.needs.met for n in self.needs.needs
        )

    def _reaction_mood(self, reaction_id: str, curt: bool = False) -> int:
        override = self.scenario.reactions.get(reaction_id)
        if override is not None and override.mood is not None:
            return override.mood
        reaction = default_reactions()[reaction_id]
        if curt and reaction.curt_mood is not None:
            return reaction.curt_mood
        return reaction.mood


REACTION_MOVES: Mapping[str, frozenset[str]] = {
    "dismissed": frozenset({"dismiss"}),
    "blamed": frozenset({"blame"}),
    "missing_apology": frozenset({"apologise", "non_apology"}),
    "premature_escalation": frozenset({"escalate"}),
    "question_for_question": frozenset({"listen"}),
}
"""The moves each default reaction watches; a branch that tests them answers it instead."""


_ANSWERS = re.compile(
    r"^\W*(yes|yeah|yeh|yep|yh|ya|no|nope|of course|course|sure|certainly|definitely|"
    r"absolutely)\b",
    re.IGNORECASE,
)
_YES_NO_QUESTION = re.compile(
    r"\W*(?:(?:so|and|but|well|ok|okay|right)\W+)?(?:is|are|was|were|can|could|will|would|do|"
    r"does|did|has|have|shall|should)\b",
    re.IGNORECASE,
)
"""A question asked for a yes or a no ("Is my ticket any good on the next train or not?")."""
_ENGAGE_WORD = re.compile(r"[a-z][a-z']+")
"""A word of two letters or more, as :func:`engages` and :func:`_only_asks` count them."""


_PLAIN_WORDS: Final = frozenset(
    {"i", "you", "me", "my", "your", "it", "a", "an", "the", "to", "be", "been", "is", "are"}
    | {"was", "do", "don't", "not", "and", "or", "but", "so", "that", "this", "of", "in", "on"}
    | {"for", "with", "at", "can", "can't", "want", "i've", "i'm", "you're", "just", "all"}
    | {"have", "has", "had", "what", "who", "why", "how", "there", "here", "now", "even"}
)
"""Words too common to show two sentences say the same thing."""


def _says_too(line: str, reaction: str) -> bool:
    """Whether ``line`` already says what ``reaction`` says, in words of its own: two words
    of substance in a row in both ("passed around")."""

    def pairs(text: str) -> set[tuple[str, str]]:
        words = [w for w in _ENGAGE_WORD.findall(text.lower()) if w not in _PLAIN_WORDS]
        return set(itertools.pairwise(words))

    return bool(line) and bool(pairs(line) & pairs(reaction))


def _earlier_picks(
    reply: str, mood: int, ids: frozenset[str], wants: str, *, last_taken: bool = False
) -> list[tuple[str, str]]:
    """The customer's pick of each choice of two the reply puts before its last question
    ("How would you like it sorted, a credit or money back? And shall I log a complaint?"),
    and their yes to each offer put there, naming it ("Yes, print a delay confirmation,
    please. Yes, a £5 voucher too."); a yes that cannot name its offer ("Yes, please.") is
    said once, and not when the last question's offer is taken up already
    (``last_taken``). Each comes with the question it answers."""
    asked = offer_questions(reply)
    picks: list[tuple[str, str]] = []
    named = False
    for question in asked[:-1]:
        pick = accepts_offer(question, mood, ids, wants)
        if not pick and not OFFERING_MOVES.isdisjoint(ids):
            # "Would a payment plan help - I can spread it over 18 months?": the offer
            # comes before what it says of it
            pick = named_offer(question, mood, again=named)
        if not pick:
            continue
        if _bare_yes(pick):
            # one of several things asked: the yes says which ("Yes. Fetch Sam."), and each
            # thing offered is taken up in turn ("…Yes, a £5 voucher too.")
            pick = named_yes(question, mood, again=named) or pick
        if not _YES_OR_NO.match(pick):
            if _OR.search(question.lower()):
                picks.append((question, pick))
        elif not _bare_yes(pick):
            picks.append((question, pick))
            named = True
        elif not last_taken and not named:
            picks.append((question, pick))
            last_taken = named = True
    return picks


def _in_asked_order(
    reply: str, picks: list[tuple[str, str]], answered: list[tuple[str, str]], answer: str
) -> str:
    """The customer's picks and answers to a reply's earlier questions, in the order they
    were asked ("No, nobody told me that. Yes, their details, please."), then whatever
    ``answer`` says besides (the answer to its last question)."""
    from roleplay.core.lexicon import plain_words

    order = question_order(reply)
    picked = {plain_words(question).lower(): pick for question, pick in picks}
    # (a question taken up as an offer is not also answered: "Shall I re-bill you from
    # your readings?" gets "Yes, re-bill me…", not the tutor's answer about readings too)
    items = [(order.get(q, -1), said) for q, said in answered if q not in picked]
    items += [(order.get(q, -1), pick) for q, pick in picked.items()]
    said = [s for _, s in sorted(items, key=lambda item: item[0])]
    rest = answer
    for part in (s for _, s in answered):
        rest = rest.replace(part, "", 1)
    return " ".join(p.strip() for p in dict.fromkeys([*said, rest]) if p.strip())


def _bare_yes(said: str) -> bool:
    """Whether ``said`` is one of the rubric's yeses that name nothing ("Yes. Do that.")."""
    lines = catalogue()
    return said in lines.accept.values() or said in lines.accept_again


def _questions(reply: str) -> list[str]:
    """The sentences of ``reply`` that ask something, in order."""
    return [s for s in SENTENCE_END.split(reply) if s.rstrip().endswith("?")]


def _offered_choice_said(answer: str, picks: list[str]) -> bool:
    """Whether the answer already makes the choice (the tutor foresaw the question): it
    says the pick, or names the thing picked ("The refund, please, to my card." for "A full
    refund, please.")."""
    said = {w for w in re.findall(r"[a-z£0-9]{4,}", refund_as_one(answer)) if w != "please"}
    return any(
        pick.rstrip(".") in answer
        or said & {w for w in re.findall(r"[a-z£0-9]{4,}", refund_as_one(pick)) if w != "please"}
        for pick in picks
    )


def _worsening_fallback(branch: Branch | None) -> bool:
    """Whether ``branch`` is a tutor's fallback that makes things worse: the branch every
    hold and every reading-instead of a reply may stand in for."""
    return branch is not None and branch.otherwise and branch.mood < 0


def engages(reply: str, customer: str, earlier: str = "") -> bool:
    """Whether a reply the rules found no move in still answers the customer: it opens with
    an answer ("Yes, she's coming now.") or takes up a word of what they just said ("the
    courtesy car!! u get it 2day" to "I need a car"), or two of what they said before ("Sam's
    here now - Sam, this lady's son has eaten the pesto"). Only a reply that does none of
    these is ignoring them."""
    if _ANSWERS.match(reply) and len(_ENGAGE_WORD.findall(reply.lower())) >= 4:
        return True  # not a bare "ok"
    asked = [q for q in SENTENCE_END.split(customer.strip()) if q.rstrip().endswith("?")]
    if _ANSWERS.match(reply) and any(_YES_NO_QUESTION.match(q) for q in asked):
        return True  # "yeah its fine" to "Can I use my ticket on the next train or not?"
    mine = content_words(reply)
    theirs = content_words(customer)
    if theirs & mine:
        return True
    if sums(reply) and _MONEY_TALK.search(customer):
        return True  # "£15 off." to "I want the whole bill taken off": a sum for their money
    if not asked and _CLOSING_OFFER.search(reply) and _SETTLED.search(customer):
        return True  # "Anything else?" after "OK, thank you": nothing was left unanswered
    if _CURT_ANSWER.search(reply.lower()):
        # "Team leader decides. I'll ask. Reply tomorrow.", "Supervisor's on it.", "Can't
        # discuss it.": clipped, but an answer: what will be done, by whom, when, or no
        return True
    return len(content_words(earlier) & mine) >= 2 if earlier else False


_CURT_ANSWER = re.compile(
    r"\b(?:i'll|i will|ill|il|we'll|we will|i'm|im|we're|i've|ive|we've|i have|we have)"
    r" (?:just |already |now )?(?!no\b|not\b|sure\b|afraid\b)[a-z]{3,}"
    r"|^\W*(?:ok\W+|right\W+)?(?:calling|ringing|phoning|fetching|getting|checking|booking"
    r"|sending|referring|passing|transferring|chasing|logging|sorting|asking|emailing)\b"
    r"|\b(?:it's|its|it is|that's|thats|all) (?:done|sorted|booked|logged|fixed|on its way)\b"
    r"|\b(?:manager|supervisor|team leader|tl|boss|duty manager|head office|specialist team)"
    r"(?:'s| is| will| can| decides| has)\b"
    r"|\b(?:on it|deciding|decides)\b"
    r"|\b(?:by|before|reply|answer|decision|back|hear|call|ring|email|text)(?: you| u)?"
    r" (?:\w+ )?(?:today|tomorrow|tonight|tmrw|2day|2moro|this (?:afternoon|morning|evening|week)"
    r"|next week|\d{1,2}(?:[:.]\d\d)?\s?(?:am|pm))\b"
    r"|^\W*(?:can't|cannot|can not|cant|not (?:me|alone|allowed|possible)|no(?:pe)?|we do"
    r"|we don't|guarantee[ds]?|policy)\b"
)
"""A clipped reply that still answers ("Team leader decides. I'll ask. Reply tomorrow.",
"Calling them.", "It's done.", "Can't discuss it."): what will be done, by whom, when, or a
plain no. Not "ok" or talk of the weather, which answer nothing."""

_CLOSING_OFFER = re.compile(r"(?i)\b(?:anything|something) else\b")
"""A reply asking whether there is more, which answers a line that asked nothing."""

_SETTLED = re.compile(r"(?i)\b(?:thank you|thanks|cheers|that's (?:fine|great|good|lovely))\b")
"""A customer's line that settles for what was done, after which "Anything else?" fits."""

_MONEY_TALK = re.compile(
    r"(?i)[£$€]\s?\d|\b(?:bill|money|refund|pay|paid|paying|charge[sd]?|cost|costs|fee|fees"
    r"|owe|owed|compensation|pounds|price|credit|off)\b"
)
"""A customer's words about money: what a sum in the reply answers."""


def _tested_ids(branch: Branch | None, found: Analysis) -> frozenset[str]:
    """The moves whose presence or absence decided the branch taken.

    ``all`` and ``none`` always decide; an ``any`` id decides only if the reply made it
    (a branch taken through another of its ids says nothing about the missing one).
    """
    if branch is None or branch.when is None:
        return frozenset()
    when = branch.when
    made = set(found.ids)
    return frozenset((*when.all, *when.none, *(i for i in when.any if i in made)))


def _choose(branches: Sequence[Branch], reply: Reply) -> tuple[int | None, Branch | None]:
    """Return the first branch whose condition the reply meets (or the ``otherwise``)."""
    for i, branch in enumerate(branches):
        if branch.otherwise or (branch.when is not None and holds(branch.when, reply)):
            return i, branch
    return None, None


def meets(
    condition: Condition,
    found: Analysis,
    facts: ReplyFacts,
    reply: str,
    mood: int,
    met: frozenset[str] = frozenset(),
) -> bool:
    """Whether a reply (its analysis and facts) at ``mood``, with the needs ``met`` by now,
    meets a branch's condition.

    Each kind of test is in :data:`roleplay.core.conditions.KINDS`, which the lint and the
    graph read too.
    """
    return holds(condition, Reply(frozenset(found.ids), facts, reply, mood, met))


def _evidence_for(condition: Condition, found: Analysis) -> list[Evidence]:
    wanted = [*condition.all, *condition.any]
    return [e for move_id in wanted if (e := found.first_evidence(move_id)) is not None]


_ENGAGING = frozenset(
    {
        "explain",
        "resolve",
        "acknowledge",
        "investigate",
        "escalate",
        "ownership",
        "policy_reference",
    }
)


_DOUBTED = re.compile(
    r"(?i)\bif (?:that|this|it)(?:'s| is) (?:really |actually )?(?:true|so)\b|\bbelieve\b"
    r"|\bwhatever you'?ve promised\b|\bin writing\b|\bwe'?ll see\b|\bhold you to\b"
)
"""Words in which a line takes a promise warily already ("If that's really true…"): no
further doubt goes before it."""


def _only_offered(words: str, reply: str) -> bool:
    """Whether the words that met a need were said inside a question of the reply ("Would
    you like me to book you in to see a doctor today?"): offered, not yet done."""
    quoted = words.strip()
    if quoted.endswith("?"):
        return True
    if quoted.endswith((".", "!", "…")):
        return False
    at = reply.find(quoted) if quoted else -1
    if at < 0:
        return False
    rest = reply[at + len(quoted) :]
    ends = re.search(r"[.!?…](?=\s|$)|$", rest)
    if ends is not None and ends.group(0) == "?":
        return True
    # "I can book a collection for tomorrow, or ask the supervisor about today. Which would
    # you prefer?": what the learner can do, put to the customer, is not yet done
    start = max(reply.rfind(mark, 0, at) for mark in (". ", "! ", "? ", "\n"))
    sentence = reply[start + 1 : at + len(quoted) + (ends.end() if ends else 0)]
    after = reply[at + len(quoted) + (ends.end() if ends else 0) :].strip()
    asked_next = re.match(r"[^.!?]*\?", after)
    return (
        asked_next is not None
        and _CAN_DO.search(sentence) is not None
        and not asks_anything_else(asked_next.group(0))
    )


_CAN_DO = re.compile(
    r"(?i)\b(?:i|we|you|u) (?:can|could)\b(?! not\b)|\b(?:two|2) (?:choices|options)\b"
)
"""What someone can do, said before a question that puts it to the customer."""


def _earns(
    reaction_id: str,
    node: Node,
    found: Analysis,
    facts: ReplyFacts,
    escalation_needed: bool,
    apologised: bool = False,
) -> bool:
    """Whether a reply earns a default reaction (see ``rubrics/reactions.yaml``)."""
    ids = set(found.ids)
    if reaction_id == "dismissed":
        return "dismiss" in ids
    if reaction_id == "blamed":
        return "blame" in ids
    if reaction_id == "too_good":
        return bool(facts.of("beyond_authority"))
    if reaction_id == "missing_apology":
        return Ask.APOLOGY in node.asks and "apologise" not in ids and not apologised
    if reaction_id == "premature_escalation":
        return (
            "escalate" in ids
            and not escalation_needed
            and Ask.MANAGER not in node.asks
            and not ids & {"resolve", "investigate", "explain", "learn", "ownership"}
        )
    if reaction_id == "question_for_question":
        return (
            Ask.ANSWER in node.asks
            and "listen" in ids
            and not ids & _ENGAGING
            and _only_asks(found.reply)
        )
    if reaction_id == "ignored":
        return not found.moves and not found.flags and not facts.cited
    return False


def _only_asks(reply: str) -> bool:
    """Whether a reply only asks back: no "yes" or "no" and no statement of four words or
    more beside its questions ("Yes, you can. Is anyone meeting you?" answers first)."""
    from roleplay.core.conduct import sentences

    said = [s.text.strip() for s in sentences(reply) if s.text.strip()]
    if said and _ANSWERS_FIRST.match(said[0]):
        return False
    return all(s.endswith("?") or len(_ENGAGE_WORD.findall(s)) < 4 for s in said)


_OR = re.compile(r"(?<!\w)or(?!\w)")
_NOTHING_MORE = re.compile(
    r"^\W*no\b[^.!?]*?\b(?:that's|that is|that was)\s+(?:the lot|all(?! right)|it|everything)"
    r"\b[^.!?]*[.!?]"
    r"|^\W*(?:no,?\s+)?nothing else\b[^.!?]*[.!?]",
    re.IGNORECASE,
)
"""An answer that says there is nothing more ("No, that's the lot for now.")."""
_THERE_IS_MORE = "Well, yes, there is."


def _goes_on(line: str) -> bool:
    """Whether a line raises something more: a sentence of six words or more that is not
    thanks or relief ("But it's the principle: nine weeks, two call-backs…", not "That's
    one thing off my mind.")."""
    return any(
        len(s.split()) >= 6 and not _THANKS.match(s) and not opens_relieved(s)
        for s in re.split(r"(?<=[.!?])\s+", line.strip())
    )


def _names_authority(reply: str) -> bool:
    """Whether a reply names someone with authority (``handed_over.to``: "manager", "team
    leader"): a later "her" or "him" may be them."""
    lines = catalogue().handed_over
    return lines is not None and any(has_phrase(word, reply) for word in lines.to)


def _all_of_that(things: Sequence[str], promised: Sequence[str]) -> str:
    """What a customer doubting a lavish promise names: the one or two things it gives
    ("the courtesy car and the tyres"), or "all of that" when the ``promised`` sentences
    (the reply's remedies) give more, counting sums of money the things do not name ("the
    whole £435 back, the tyres and a car") and the remedies' verbs, each clause of a list
    ("refund all four tickets AND pay the compensation, and throw in free flights")."""
    from roleplay.core.parse import pipeline

    named = set(sums(" ".join(things)))
    sums_besides = {amount for quote in promised for amount in sums(quote)} - named
    if len(things) + len(sums_besides) > 2:
        return "all of that"
    verbs = sum(
        1
        for quote in promised
        for tok in pipeline()(quote)
        if tok.pos_ == "VERB" and tok.dep_ in ("ROOT", "conj")
    )
    if verbs > 2:
        return "all of that"
    if sums_besides:
        # "I'll refund the whole £435 today, send a brand new hire car…": the money is the
        # bigger promise, and is named with the car ("The whole £435 and the brand new hire
        # car?"), not passed over for it
        biggest = max(sums_besides)
        written = next(
            (
                chunk
                for quote in promised
                for chunk in sum_phrases(quote)
                if sums(chunk) == [biggest]
            ),
            "",
        )
        if written:
            return " and ".join([written, *things])
    return " and ".join(things)


def _sum_held_to(line: str, needs: Sequence[Need]) -> str:
    """``line`` with each sentence that asks again for the remedy just picked, by its sum
    ("Honestly though, I'd rather just have my money back, the full £64."), cut to the sum
    held to ("The full £64, mind.")."""
    said = []
    for sentence in line_sentences(line):
        if NeedKind.REMEDY in line_asks(sentence, needs) and (named := sum_phrases(sentence)):
            held = named[-1]
            said.append(f"{held[:1].upper()}{held[1:]}, mind.")
        else:
            said.append(sentence)
    return " ".join(said)


_REMEDY_PICKED = re.compile(
    r"^(?!yes\b).*\b(?:refund|replacement|repair|credit|voucher|compensation|exchange"
    r"|new one|discount|courtesy car|taxi|plan)\b"
)
"""A pick of a remedy put as a choice ("A refund, please." to "a replacement or a
refund?"), in :func:`refund_as_one`'s words: the remedy is settled, not still asked for."""

_ANSWERS_FIRST = re.compile(r"(?i)(?:yes|yeah|yep|no|nope|of course|certainly)\b")


def _reaction_evidence(reaction_id: str, found: Analysis) -> list[Evidence]:
    move_id = {
        "dismissed": "dismiss",
        "blamed": "blame",
        "premature_escalation": "escalate",
        "question_for_question": "listen",
    }.get(reaction_id)
    if move_id is None:
        return []
    first = found.first_evidence(move_id)
    return [first] if first is not None else []


def _describe(branch: Branch, node: Node) -> str:
    """Say in plain words why a branch was taken, when the tutor gave no ``because``.

    A fallback branch is described by what the reply did not do: the first branch of the
    node that would have gone better for the customer.
    """
    if branch.when is not None:
        return condition_says(branch.when)
    better = [b for b in node.branches if b.when is not None and (b.mood or 0) > (branch.mood or 0)]
    if better:
        wanted = better[0].when
        assert wanted is not None
        return f"the reply did not do what would have helped: {condition_says(wanted)}"
    return "nothing in the reply changed the customer's course"


Analyser = Callable[[str, "str | None"], Analysis]
"""Analyses a reply given the customer's message it answers (as ``analyse`` does)."""


def play(scenario: Scenario, replies: Iterable[str], analyser: Analyser | None = None) -> Session:
    """Play ``replies`` through ``scenario`` headless; stops early if it ends first.

    ``analyser`` analyses each reply (default: :func:`analyse`); a cache of analyses
    (:class:`roleplay.core.analysis_cache.AnalysisCache`) makes a replay parse nothing.
    """
    session = Session(scenario)
    for reply in replies:
        if session.finished:
            break
        session.step(reply, analyser(reply, session.prompt) if analyser is not None else None)
    return session


def turn_to_dict(turn: Turn) -> dict[str, Any]:
    """Return a turn as JSON-ready data (the shape transcripts store).

    A reply too long to score whole also gets ``scored_chars``: how much of it was scored.
    """
    out: dict[str, Any] = {
        "number": turn.number,
        "node": turn.node,
        "customer": turn.customer,
        "reply": turn.reply,
        "moves": list(turn.analysis.moves),
        "flags": list(turn.analysis.flags),
        "evidence": [e.to_dict() for e in turn.analysis.evidence],
        "findings": [f.to_dict() for f in turn.facts.findings],
        "branch": turn.branch,
        "reaction": turn.reaction,
        "mood": turn.mood_after,
        "mood_before": turn.mood_before,
        "next_node": turn.next_node,
        "response": turn.response,
        "triggers": list(turn.triggers),
        "outcome": turn.outcome,
        "because": list(turn.because),
        "needs": {
            "met": [m.to_dict() for m in turn.needs_met],
            "open": list(turn.needs_open),
        },
        "passed": [{"node": node, "branch": branch} for node, branch in turn.passed],
    }
    if turn.analysis.truncated:
        out["scored_chars"] = len(turn.analysis.reply)
    return out
