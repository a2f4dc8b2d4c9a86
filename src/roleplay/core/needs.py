"""What the customer needs, what has been met, and what they say because of it.

A customer in a complaint needs things (an apology, to know what went wrong, the problem
put right, a time, someone more senior…). A scenario lists them under ``customer: needs:``
(or leaves them to follow from what its nodes ``ask`` for), and the kinds' defaults are in
``rubrics/needs.yaml``. The engine keeps a :class:`NeedsState` across the turns: which needs
were met, at which turn and by which words, and which are still open. From it, this module
chooses what the customer says:

- a line that asks for something already given is never said (:func:`line_asks`);
- a line already said in this attempt is not said again; when a node has nothing new to
  say, the customer presses for the most pressing open need in words of their own;
- a reply that meets a need is thanked for it ("Thank you for the apology."), unless the
  line that follows already reacts to the reply.

Everything here is deterministic: the same conversation always gives the same lines.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from roleplay.core.analysis import Analysis
from roleplay.core.answers import SECOND_QUESTION, Questions, without_sign_off
from roleplay.core.answers import SENTENCE_END as _SENTENCE_END
from roleplay.core.conditions import Reply, holds, keyword_in
from roleplay.core.conduct import sentences as split_sentences
from roleplay.core.conduct import sums
from roleplay.core.frameworks import rubrics_dir
from roleplay.core.lawclaims import law_given_to_refuse
from roleplay.core.legislation import bundled_catalogue
from roleplay.core.phrases import find_phrase, has_phrase
from roleplay.core.scenario import (
    BANDS,
    Ask,
    Band,
    Condition,
    LineVariant,
    Need,
    NeedKind,
    Scenario,
    band_keys,
    band_line,
    band_of,
)
from roleplay.core.source import load_model_file

BandKey = Literal["furious", "angry", "unhappy", "calm", "satisfied", "default"]


class KindDefaults(BaseModel):
    """What ``rubrics/needs.yaml`` says of one kind of need."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    what: str = Field(min_length=1)
    met_by: Condition | None = None
    thanks: str = Field(min_length=1)
    asks: tuple[str, ...] = ()
    press: dict[BandKey, tuple[str, ...]] = Field(min_length=1)
    softened: dict[BandKey, tuple[str, ...]] = Field(default_factory=dict)
    """How they ask again once a reply said "sorry" without apologising: "you still
    haven't said sorry" would be untrue, so they ask for a proper apology."""


class HandOverLines(BaseModel):
    """What the customer says when handed over there and then, by channel and mood band."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    now: tuple[str, ...] = Field(min_length=1)
    """Words that say a hand-over happens now ("I'm putting you through now")."""
    at_once: tuple[str, ...] = ()
    """Ways of passing the customer on that happen there and then ("transfer you", "put you
    through"), with or without a word for now."""
    passing: tuple[str, ...] = Field(min_length=1)
    """How the customer is passed to the person ("put you through", "fetch"), as against
    the case sent up while the customer waits to hear ("I'm asking my team leader now")."""
    to: tuple[str, ...] = Field(min_length=1)
    """Who a complaint is handed over to ("manager", "team leader"), as against help
    fetched for the customer (a first aider, a doctor)."""
    here: tuple[str, ...] = ()
    """Words that say the person handed over to is there already ("she's standing right
    here", "here's my supervisor now"): face to face, the customer turns to them."""
    met: dict[BandKey, str] = Field(default_factory=dict)
    """What the customer says, face to face, to the person who is there already: not "I'll
    wait" for someone standing beside them."""
    phone: dict[BandKey, str] = Field(default_factory=dict)
    face_to_face: dict[BandKey, str] = Field(default_factory=dict)
    chat: dict[BandKey, str] = Field(default_factory=dict)
    email: dict[BandKey, str] = Field(default_factory=dict)
    before: dict[str, str] = Field(default_factory=dict)
    """What a customer being put through says first, by channel, when they still have
    something to settle with the one passing them on ("Before you transfer me,")."""


def before_handing(channel: str, line: str) -> str:
    """``line`` said by a customer who is being put through there and then but still has
    something to settle first ("Before you transfer me, can I drive it or not?"), or
    the line as it is where the channel has no such words or the line is no question."""
    lines = catalogue().handed_over
    opener = lines.before.get(channel, "") if lines else ""
    first = _SENTENCE_END.split(line.strip(), maxsplit=1)[0] if line else ""
    if not opener or not first.rstrip().endswith("?"):
        return line
    body = _PLAIN_START.sub("", line, count=1)
    if not body:
        return line
    keep = body.split(" ", 1)[0] in ("I", "I'm", "I've", "I'll", "I'd") or body[1:2].isupper()
    return f"{opener} {body if keep else body[:1].lower() + body[1:]}"


_PLAIN_START = re.compile(r"^(?:(?:look|right|well|ok|okay|so|and|but),?\s+)+", re.I)


class Promised(BaseModel):
    """Something a learner may promise in passing that a customer's line may ask for ("I want
    it in writing"): once a reply has promised it, the line's sentence asking for it goes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    about: str = Field(min_length=1)
    asks: tuple[str, ...] = Field(min_length=1)
    """Words of a customer's sentence that asks for it ("in writing")."""
    by: tuple[str, ...] = Field(min_length=1)
    """Words of a reply that promise it ("I'll email you", "a letter confirming")."""


class NeedCatalogue(BaseModel):
    """The whole needs rubric: the kinds, the thank-you lines and the reacting openers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kinds: dict[NeedKind, KindDefaults]
    thanks: dict[BandKey, str | tuple[str, ...]] = Field(min_length=1)
    """How the customer thanks, by band: one way, or several said in turn so the same frame
    ("Right. Thanks for …, I suppose.") is not heard twice in an attempt."""
    carry_on: dict[BandKey, tuple[str, ...]] = Field(min_length=1)
    taken_in: dict[BandKey, tuple[str, ...]] = Field(default_factory=dict)
    """Going on after a reply that set out what happens next ("OK, thank you.")."""
    passed_up: dict[BandKey, tuple[str, ...]] = Field(default_factory=dict)
    """Going on after a reply that passed something up to someone senior, when nothing else
    in the line takes it in ("OK. Let me know what they decide.")."""
    offered_things: tuple[str, ...] = ()
    """Things a learner may give the customer beyond what they need (a taxi, a courtesy
    car, a hotel, a credit), by the lemma of the noun: named when thanked for or doubted."""
    openers: tuple[str, ...] = ()
    sour_openers: tuple[str, ...] = ()
    """Openers that react badly ("That tells me nothing."): left out after a reply that
    made things better, which they would contradict."""
    offer_questions: tuple[str, ...] = ()
    """How a reply's closing question offers something ("Shall I set that up?")."""
    doubts_law: dict[BandKey, str] = Field(default_factory=dict)
    hopes_law: dict[BandKey, str] = Field(default_factory=dict)
    """What the customer says to a wrong statement of the law that is in their favour ("you're
    entitled to a full refund"): not a rebuttal, but not taken on trust either."""
    hedges: tuple[str, ...] = ()
    """Words by which a learner says they are not sure of what they explain or offer ("I'm
    not sure", "maybe", "should be somewhere"): an explanation or remedy said with one is
    doubted, not taken."""
    doubts_hedge: dict[BandKey, str] = Field(default_factory=dict)
    """What the customer says to an explanation or remedy given only as a guess, by mood
    band."""
    favours: tuple[str, ...] = ()
    """Words of a wrong statement of the law that hand the customer something."""
    """What the customer says to a reply that gets the law wrong, by mood band."""
    relief: tuple[str, ...] = ()
    """Short sentences of relief or thanks ("That's a relief."), left out of a line said
    after a reaction that finds fault."""
    accept: dict[BandKey, str] = Field(default_factory=dict)
    """The customer accepting such an offer, by mood band ("Yes, please.")."""
    accept_named: dict[BandKey, str] = Field(default_factory=dict)
    """The customer accepting one of several things asked, naming it, by mood band
    ("Yes. {Do}." → "Yes. Fetch Sam.")."""
    accept_named_again: str = ""
    """The same for a second yes in the attempt ("Yes, {do} too.")."""
    accept_thing: dict[BandKey, str] = Field(default_factory=dict)
    """The customer accepting a thing offered, one of several asked, naming it, by mood
    band ("Yes, {thing}, please." → "Yes, a £5 refreshment voucher, please.")."""
    accept_thing_again: str = ""
    """The same for a second yes in the same breath ("Yes, {thing} too.")."""
    accept_own: str = ""
    """The customer taking up a kindness that is theirs to do ("Yes, I'll {do}." → "Yes,
    I'll sit in the waiting room.")."""
    accept_own_again: str = ""
    """The same for a second yes in the same breath ("Yes, and I'll {do}.")."""
    accept_again: tuple[str, ...] = ()
    """Other ways to say yes, for a second offer taken in the same attempt ("Yes, that
    too."): the same "Yes. Do that." twice reads as a script."""
    yes_it_is: str = "Yes, it is."
    """The answer to an offer asked after again ("Sorry, is that a yes to the payment
    plan?"): a plain yes to the question, not a second "Yes, that too."."""
    handed_over: HandOverLines | None = None
    questions: Questions | None = None
    """What the customer answers when a reply ends by asking them something."""
    promised: tuple[Promised, ...] = ()
    """Things promised in passing that the customer does not then ask for."""


@functools.cache
def catalogue() -> NeedCatalogue:
    """Return the bundled needs rubric, loaded once."""
    return load_model_file(rubrics_dir() / "needs.yaml", NeedCatalogue)


ASK_KINDS: Final[Mapping[Ask, NeedKind]] = {
    Ask.APOLOGY: NeedKind.APOLOGY,
    Ask.REMEDY: NeedKind.REMEDY,
    Ask.MANAGER: NeedKind.MANAGER,
}
"""The needs a node's ``asks`` imply, for a scenario that lists none of its own."""


def needs_of(scenario: Scenario) -> tuple[Need, ...]:
    """The customer's needs: those written, then those the nodes' ``asks`` imply and no
    written need of the same kind covers (a node that asks for a manager implies a need
    for someone more senior).

    Implied needs are raised where a node first asks for them (from the start if the first
    node does) and met as their kind's default says (an apology by ``apologise``), in the
    order apology, remedy, manager.
    """
    written = scenario.customer.needs
    covered = {n.need_kind for n in written}
    taken = {n.id for n in written}
    asked = {ask for node in scenario.nodes for ask in node.asks}
    found: list[Need] = list(written)
    for ask, kind in ASK_KINDS.items():
        if ask not in asked or kind in covered or kind.value in taken:
            continue
        raised = tuple(n.id for n in scenario.nodes if ask in n.asks)
        if scenario.start_node in raised:
            raised = ()
        found.append(
            Need(id=kind.value, kind=kind, what=catalogue().kinds[kind].what, raised_at=raised)
        )
    return tuple(found)


def met_by(need: Need) -> tuple[Condition, ...]:
    """What meets a need: its own tests (any one of them), else its kind's."""
    if isinstance(need.met_by, Condition):
        return (need.met_by,)
    if need.met_by:
        return need.met_by
    default = catalogue().kinds[need.need_kind].met_by
    assert default is not None, f"the needs rubric gives kind {need.need_kind} no met_by"
    return (default,)


def thanks_for(need: Need) -> str:
    """What the customer thanks the learner for once the need is met ("" for nothing)."""
    if need.thanks is not None:
        return need.thanks
    return catalogue().kinds[need.need_kind].thanks


@dataclass(frozen=True, slots=True)
class NeedMet:
    """A need met: which, at which turn, and the learner's words that met it."""

    id: str
    turn: int
    words: str
    """The learner's words that met it (the evidence of the first move tested), or ""."""
    by: str = ""
    """The move those words made ("escalate" for a need met by handing it up), or ""."""

    def to_dict(self) -> dict[str, object]:
        """The JSON a transcript stores."""
        return {"id": self.id, "turn": self.turn, "words": self.words}


@dataclass(slots=True)
class NeedsState:
    """Which of the customer's needs were met (when, by what) and which were raised."""

    needs: tuple[Need, ...]
    met: dict[str, NeedMet] = field(default_factory=dict)
    raised: set[str] = field(default_factory=set)
    said: list[str] = field(default_factory=list)
    """Every line the customer has said in this attempt, in order (parts, not whole turns)."""
    sorry_said: bool = False
    """Some reply in this attempt said "sorry", whether or not it was an apology."""
    sorry_now: bool = False
    """The latest reply said "sorry": only then does "'sorry' on its own doesn't cover it"
    answer it; a sorry some turns back drew no such retort when it was said."""
    did: frozenset[str] = frozenset()
    """What the latest reply did that a line may answer (see ``LineVariant.after``)."""
    hedged: tuple[str, ...] = ()
    """The needs for an explanation or a remedy the latest reply gave only with a hedge ("I
    think the report should be somewhere on the system", "I'm not sure we cover that"): not
    met, and doubted."""

    @classmethod
    def start(cls, needs: tuple[Need, ...], start_node: str) -> NeedsState:
        """The state at the start: nothing met, the needs open from the start raised."""
        state = cls(needs)
        state.reach(start_node)
        return state

    def bring_up(self, need_ids: Iterable[str]) -> None:
        """Note needs the customer has raised in an answer, wherever the conversation is."""
        known = {n.id for n in self.needs}
        self.raised.update(i for i in need_ids if i in known)

    def reach(self, node_id: str) -> None:
        """Note the needs the customer raises on reaching ``node_id``."""
        for need in self.needs:
            if not need.raised_at or node_id in need.raised_at:
                self.raised.add(need.id)

    @property
    def met_ids(self) -> frozenset[str]:
        """The ids of the needs met so far."""
        return frozenset(self.met)

    @property
    def open_ids(self) -> tuple[str, ...]:
        """The ids of the needs not yet met, most pressing first."""
        return tuple(n.id for n in self.needs if n.id not in self.met)

    def take_offer(self, turn: int, reply: str) -> tuple[NeedMet, ...]:
        """Record and return the open needs met by an offer the customer has just said yes
        to ("would you like me to chase the prescription with our clerk today?" → "Yes, all
        right."): each need whose own words the offer says, not denied. What was offered
        and taken is as good as done, so the customer does not ask for it next."""

        said = split_sentences(reply)
        offers = [
            # "Anything over £50 needs my team leader's approval, so can I pass it to her
            # now?": who "her" is was said just before
            f"{said[k - 1].text} {s.text}" if k and _NAMED_BEFORE.search(s.text) else s.text
            for k, s in enumerate(said)
            if s.text.rstrip().endswith("?") and _OFFER_ASKED.search(s.text)
        ]
        now: list[NeedMet] = []
        for need in self.needs:
            if need.id in self.met:
                continue
            # a need not raised yet is met by an offer taken that says its own words ("would
            # you like to wait in the waiting room?" before she asks to sit down); only the
            # phrases of a test, not the need's kind, tell that it is the same thing
            raised = need.id in self.raised
            said = next(
                (
                    o
                    for o in offers
                    for test in met_by(need)
                    if test.keywords and _stated(test.keywords, o, asked_ok=True)
                ),
                None,
            ) or next((o for o in offers if raised and _offers_what_is_needed(need, o)), None)
            if said is not None:
                met = NeedMet(need.id, turn, said.strip(), "offer")
                self.met[need.id] = met
                now.append(met)
        return tuple(now)

    def meet(
        self, turn: int, reply: Reply, found: Analysis, only: Iterable[str] | None = None
    ) -> tuple[NeedMet, ...]:
        """Record and return the needs this reply meets that were open before it (of those
        in ``only``, when given)."""
        before = Reply(reply.ids, reply.facts, reply.text, reply.mood, self.met_ids)
        now: list[NeedMet] = []
        hedged: list[str] = []
        wanted = None if only is None else frozenset(only)
        for need in self.needs:
            if need.id in self.met or (not need.early and need.id not in self.raised):
                continue
            if wanted is not None and need.id not in wanted:
                continue
            for test in met_by(need):
                if (
                    holds(test, before)
                    and _said_together(test, found, reply.text)
                    and _cited_as_fact(test, reply)
                    and _told_rightly(test, found, reply)
                ):
                    if need.need_kind in _SURE_KINDS and _hedged(test, found, reply):
                        hedged.append(need.id)
                        break
                    words, move = _words_for(test, found)
                    now.append(NeedMet(need.id, turn, words, move))
                    break
            else:
                if need.need_kind in _SURE_KINDS and any(
                    _doubted_meets(test, found, reply.text) for test in met_by(need)
                ):
                    # "For the food, I'm not sure we cover that": a remedy only doubted is
                    # guessed at, as a hedged one is
                    hedged.append(need.id)
                    continue
                if more := _more_than_asked(need, found, self.needs):
                    now.append(NeedMet(need.id, turn, more, "resolve"))
        for one in now:
            self.met[one.id] = one
        if only is None:
            self.hedged = tuple(hedged)
        else:
            self.hedged = (*self.hedged, *hedged)
        return tuple(now)

    def need(self, need_id: str) -> Need | None:
        """The need with this id, or None."""
        return next((n for n in self.needs if n.id == need_id), None)


def _doubted_meets(condition: Condition, found: Analysis, text: str) -> bool:
    """Whether a need's test would be met by what the learner says they doubt they can do
    ("I'm not sure we cover that"): its moves found only in a doubted clause, said with
    its words."""
    moves = {*condition.all, *condition.any}
    doubted = tuple(
        replace(e, note="") for e in found.suppressed if e.note == "doubted" and e.move in moves
    )
    if not doubted or any(e.move in moves for e in found.evidence if not e.note):
        return False
    return _said_together(condition, replace(found, evidence=doubted), text)


_SURE_KINDS = frozenset({NeedKind.EXPLANATION, NeedKind.REMEDY})
"""Needs a guess does not meet: what went wrong, and what will be done ("For the food, I'm
not sure we cover that")."""


def _hedged(condition: Condition, found: Analysis, reply: Reply) -> bool:
    """Whether every sentence that gives a need's explanation says the learner is not sure
    of it ("maybe from being abroad or something", "the report should be somewhere on the
    system", "it'll probably be roaming"): the customer is not told, only guessed at.

    The sentences are those holding the test's words, else its moves' evidence; a test
    with neither is not read for hedges."""
    hedges = catalogue().hedges
    if not hedges:
        return False
    text = reply.text
    low = text.lower()
    spans = [
        span for keyword in condition.keywords if (span := find_phrase(keyword, low)) is not None
    ]
    if not spans:
        moves = {*condition.all, *condition.any}
        spans = [(e.start, e.end) for e in found.evidence if e.move in moves and not e.note]
    if not spans:
        return False
    carrying = [
        s.text.lower()
        for s in split_sentences(text)
        if any(s.start <= start < s.end for start, _ in spans)
    ]
    return bool(carrying) and all(
        any(has_phrase(hedge, sentence) for hedge in hedges) for sentence in carrying
    )


def _told_rightly(condition: Condition, found: Analysis, reply: Reply) -> bool:
    """Whether a need's words, moves or citations were said outside the sentences that get
    the law wrong: "The Ombudsman only takes cases after twelve months, so you can't go to
    them yet" does not tell the customer where they can go, and "technical faults count as
    extraordinary" explains nothing; nor is one said where the law is given as the reason
    they get nothing ("legally we only have to collect at the kerb"). A test that tests for
    the misstatement itself holds."""
    wrong = [(f.start, f.end) for f in reply.facts.findings if f.kind == "misstatement"]
    wrong += law_given_to_refuse(reply.text, bundled_catalogue())
    if not wrong or "misstatement" in condition.finds:
        return True

    def inside(start: int, end: int) -> bool:
        return any(a <= start and end <= b for a, b in wrong)

    if condition.keywords:
        text = reply.text
        for a, b in wrong:
            text = text[:a] + " " * (b - a) + text[b:]
        if not _said_together(condition, found, text):
            return False
    moves = {*condition.all, *condition.any}
    evidence = [e for e in found.evidence if e.move in moves and not e.note]
    if moves and evidence and all(inside(e.start, e.end) for e in evidence):
        return False
    if condition.cites:
        named = [
            f
            for f in reply.facts.findings
            if f.kind in ("policy", "law") and f.ref in condition.cites
        ]
        if named and all(inside(f.start, f.end) for f in named):
            return False
    return True


def _cited_as_fact(condition: Condition, reply: Reply) -> bool:
    """Whether a need met by naming a policy or law (``cites``) had one named in a
    statement, not only inside a question: "Do you have a power of attorney?" asks about
    the way to get authority, it does not explain it."""
    if not condition.cites:
        return True

    asked = [(s.start, s.end) for s in split_sentences(reply.text) if s.text.rstrip().endswith("?")]
    return any(
        f.ref in condition.cites and not any(a <= f.start < b for a, b in asked)
        for f in reply.facts.findings
        if f.kind in ("policy", "law")
    )


def _said_together(condition: Condition, found: Analysis, text: str) -> bool:
    """Whether a test's words and moves were said together: when a need is met by moves
    and ``keywords`` both ("offered a remedy" and "engineer"), a keyword must be in a
    sentence where one of those moves was found, or stated in the sentence just before it,
    so that "I haven't booked an engineer yet. I'll refund the call-out fee." does not
    count as booking the engineer. A test of ``keywords`` alone needs one of them stated,
    not asked about or denied ("Who was your handler?")."""
    moves = {*condition.all, *condition.any}
    if not condition.keywords:
        return True

    # split as the debrief quotes, never inside "£58.40" or "Mr."
    sentences = [(s.start, s.end) for s in split_sentences(text)]
    if not moves:
        return any(_stated(condition.keywords, text[start:end]) for start, end in sentences)
    for evidence in found.evidence:
        if evidence.move not in moves or evidence.note:
            continue
        for k, (start, end) in enumerate(sentences):
            inside = start <= evidence.start < end or start < evidence.end <= end
            if not inside:
                continue
            if _stated(condition.keywords, text[start:end], asked_ok=True, reach=CLAUSE_REACH):
                return True
            # the thing named just before, then the move ("The waiting room is behind
            # you. Let me walk you over."), unless that sentence asks or denies it
            before = text[sentences[k - 1][0] : sentences[k - 1][1]] if k > 0 else ""
            if before and not _WOULD_NEED.search(before) and _stated(condition.keywords, before):
                return True
    return False


_WOULD_NEED = re.compile(
    r"(?i)\b(?:i'd|i would|we'd|we would|it'd|it would)\s+(?:need|have)\s+to\b"
)
"""A limit stated ("for more than that I'd need to ask my team leader"): what it names is
not what the next sentence does."""

_DENIAL = re.compile(
    r"(?<![\w'])(?:not|never|cannot|cant|wont|dont|didnt|isnt|whether)(?![\w'])|n't(?!\w)"
)
_UNAVAILABLE = re.compile(
    r"\s*(?:'s|is|are|was|were|will be|'ll be)\s+(?:\w+\s+)?(?:busy|on (?:his|her|their|a) "
    r"(?:break|lunch|day off|holiday)|off(?: today| sick| duty)?\b|away\b|tied up|"
    r"not (?:in|here|around|available|on (?:today|shift|duty))|unavailable|with (?:another|a) "
    r"(?:customer|table|patient|caller))"
)
"""The person a need names, said to be out of reach ("our manager's busy with a big table",
"the first aider is on her break"): naming them is not getting them."""
_NONE = re.compile(r"(?<![\w'])(?:no|nothing|nobody|neither|nor)(?![\w'])")
DENIAL_REACH: Final = 6
"""How many words before a tutor's phrase a denial still reaches ("we can't lend you a
car", "I'll check whether we have a courtesy car"); "no" reaches only the two words
before ("there's no stage 2"), not "if they still say no, try the CAA"."""


_CLAUSE_JOIN = re.compile(
    r",\s+(?:and|but|so|while|whereas|though|although)\s+|;\s+|\s[-–—]\s|\s(?:but|however)\s"
    r"|(?<!not)(?<!n't)[,.]\s+(?=(?:i|we|i'll|we'll|i'm|we're|i've|we've)\s)"
    r"(?!(?:i'm|i am|we're|we are) (?:afraid|sorry)|i think|i believe|we've been told"
    r"|we have been told|i'm told|i am told)"
)
"""Where one clause is joined to the next: a denial in one does not reach the other ("that's
not good, I'll get the duty doctor to you now": a comma, then a new "I")."""


CLAUSE_REACH: Final = 12
"""How far back a denial reaches, within its own clause, when a need's words are said in
the sentence of the move that meets it: "we are not required by law to provide any
alternative accommodation, and you can go to the Ombudsman" does not offer accommodation."""


_ALL_OF_IT = re.compile(
    r"(?i)\b(?:(?:the )?(?:whole|entire|full) (?:bill|amount|lot|balance|charge|charges)"
    r"|all of it|every penny|everything back|the lot)\b"
)
"""A remedy that gives back all of what was charged ("the entire bill back")."""


def _more_than_asked(need: Need, found: Analysis, needs: Sequence[Need] = ()) -> str:
    """The words of a remedy that gives at least the sum a money need names, or all of what
    was charged ("the £314.60 will be in your account" for "the £134.60 over the cap back"),
    or ""; a promise of more than was asked meets the need it covers (whether the learner
    may give it is the policy check's, and the customer's doubt)."""
    if need.need_kind is not NeedKind.REMEDY or not any(
        "resolve" in (*test.any, *test.all) for test in met_by(need)
    ):
        return ""  # (a need met only by handing it up is not met by a promise)
    wanted = sums(need.what)
    if not wanted:
        return ""
    # a sum another need names is that need's ("the £1,400 is going through" is the
    # compensation, not the £58.40 for food)
    theirs = {round(a, 2) for other in needs if other.id != need.id for a in sums(other.what)}
    for evidence in found.evidence_for("resolve"):
        quote = evidence.quote
        if _DENIAL.search(quote.lower().replace("’", "'")):
            continue  # "I can't refund the whole bill"
        given = [a for a in sums(quote) if round(a, 2) not in theirs]
        if any(a >= max(wanted) for a in given) or (not sums(quote) and _ALL_OF_IT.search(quote)):
            return quote
    return ""


_TELLS_AS_QUESTION = re.compile(
    r"(?i)^\W*(?:(?:and|so|but|ok|right),?\s+)?(?:did you know|would it help (?:you )?to know"
    r"|(?:can|could|may) i (?:just )?ask you (?:not )?to|would you mind not"
    r"|(?:can|could|will|would) you please not|would it surprise you to (?:hear|know|learn)"
    r"|(?:didn't|did not|did) i (?:not )?(?:mention|say|tell you|explain)"
    r"|(?:isn't|is not) that (?:why|what|because)"
    r"|do you know that|(?:are|were) you aware that)\b"
)
"""A question that tells or asks the customer something to do ("Did you know the report
reached us four weeks ago?", "Would it surprise you to hear the record shows a hydraulic
leak?", "Didn't I mention the leak found at Birmingham?", "Could I ask you not to drive
it?"): what it says is said."""

_GENERIC_NEED_WORDS: Final = frozenset(
    {
        "know",
        "put",
        "right",
        "someone",
        "something",
        "about",
        "over",
        "out",
        "more",
        "take",
        "told",
        "why",
        "where",
        "whether",
        "still",
        "really",
        "now",
        "way",
        "done",
        "came",
    }
)
"""Words of what a need is ("to know where her claim is") too general to show that an offer
is of it."""


def _offers_what_is_needed(need: Need, offer: str) -> bool:
    """Whether an offer says, in its own words, what the need is: two of the words that
    tell what it is ("would you like me to find out from the kitchen exactly what's in the
    sauce?" for "exactly what was in the sauce, for the hospital")."""
    from roleplay.core.promise import content_words, shared_words

    wanted = content_words(need.what) - _GENERIC_NEED_WORDS
    return len(wanted) >= 2 and len(shared_words(wanted, offer)) >= 2


_CLAUSES_OF = re.compile(r",\s+(?:and|but)\s+|;\s+")


def without_taken(line: str, needs: Sequence[Need]) -> str:
    """``line`` without the clauses that ask, in the words of what they are, for ``needs``
    the customer has just taken up as offered ("…and I need to know exactly what was in
    that sauce" after "Yes. Do that." to finding out what is in it); "" when nothing else
    is left."""
    kept: list[str] = []
    for sentence in _SENTENCE_END.split(line.strip()):
        clauses = _CLAUSES_OF.split(sentence)
        fresh = [c for c in clauses if not any(_offers_what_is_needed(n, c) for n in needs)]
        if len(fresh) == len(clauses):
            kept.append(sentence)
        elif fresh:
            text = ", and ".join(c.strip().rstrip(".!?") for c in fresh)
            end = sentence.rstrip()[-1] if sentence.rstrip()[-1:] in ".!?" else "."
            kept.append(text[:1].upper() + text[1:] + end)
    return " ".join(kept)


_NAMED_BEFORE = re.compile(r"(?i)\b(?:to|with|ask|get) (?:her|him|them)\b")
"""An offer that names the one it goes to by a pronoun ("can I pass it to her now?")."""

_OFFER_ASKED = re.compile(
    r"(?i)\b(?:would you like me to|do you want me to|want me to|shall i|should i|shall we"
    r"|would it help if (?:i|we)|are you happy for me to|would you like us to|can i|could i"
    r"|can we|could we|if (?:i|we) (?!can't|cannot|can not|don't|do not)\w+"
    r"|would you like (?:to|a|an|some)|do you want (?:to|a|an|some)"
    r"|(?:do you )?fancy (?:a|an|some))\b"
)
"""A question that offers what the speaker would do ("shall I chase it?"), or what the
customer may have or do ("would you like to wait in the waiting room?")."""


def _stated(
    keywords: Sequence[str], sentence: str, *, asked_ok: bool = False, reach: int = 0
) -> bool:
    """Whether one of a need's phrases is said in ``sentence`` as a statement of what is
    so or will be done: not asked about ("Who was your handler?"; ``asked_ok`` lets an
    offer made as a question count) and not denied within a few words before it ("There's
    no stage 2 for this"), or within ``reach`` words of its own clause when given."""
    if not asked_ok and sentence.rstrip().endswith("?") and not _TELLS_AS_QUESTION.search(sentence):
        return False
    from roleplay.core.lexicon import plain_words

    for version in (sentence.lower().replace("’", "'"), plain_words(sentence).lower()):
        for keyword in keywords:
            span = find_phrase(keyword, version)
            if span is None:
                continue
            # (the "not" of "Didn't I mention the leak?" asks, it denies nothing)
            clause = _TELLS_AS_QUESTION.sub(" ", version[: span[0]], count=1)
            if reach:
                joins = list(_CLAUSE_JOIN.finditer(clause))
                clause = clause[joins[-1].end() :] if joins else clause
            before = clause.split()
            denied = _DENIAL.search(" ".join(before[-(reach or DENIAL_REACH) :])) or _NONE.search(
                " ".join(before[-2:])
            )
            if not denied and not _UNAVAILABLE.match(version[span[1] :]):
                return True
    return False


def _words_for(condition: Condition, found: Analysis) -> tuple[str, str]:
    """The learner's words that met a need, and the move they made: the first evidence of a
    move the test names, the one said with the test's own words if there is one ("I'll also
    ask the clerk about your tablets", not the slot offered before it)."""
    moves = (*condition.all, *condition.any)
    if condition.keywords:
        said = next(
            (
                e
                for e in found.evidence
                if e.move in moves and not e.note and keyword_in(condition.keywords, e.quote)
            ),
            None,
        )
        if said is not None:
            return said.quote, said.move
    for move_id in moves:
        evidence = found.first_evidence(move_id)
        if evidence is not None:
            return evidence.quote, evidence.move
    return "", ""


def line_asks(line: str, needs: Sequence[Need]) -> frozenset[NeedKind]:
    """The kinds of need a customer's line asks for, by the kinds' ``asks`` words."""
    kinds = {n.need_kind for n in needs}
    return frozenset(
        kind
        for kind, defaults in catalogue().kinds.items()
        if kind in kinds and any(has_phrase(p, line) for p in defaults.asks)
    )


def asks_for_met(line: str, state: NeedsState, asks: Iterable[str] = ()) -> tuple[str, ...]:
    """The needs already met that ``line`` asks for: named in ``asks`` (a variant's
    ``open``), or every need of a kind its words ask for (one open need of the kind is
    enough for the line to still make sense)."""
    met = [a for a in asks if a in state.met]
    for kind in line_asks(line, state.needs):
        of_kind = [n.id for n in state.needs if n.need_kind is kind]
        if of_kind and all(i in state.met for i in of_kind):
            met.extend(of_kind)
    return tuple(dict.fromkeys(met))


@dataclass(frozen=True, slots=True)
class Candidate:
    """One line the customer might say at a node, with what it asks and takes as given."""

    text: str
    open: tuple[str, ...] = ()
    met: tuple[str, ...] = ()
    near: bool = True
    """Whether it fits the customer's mood (its band or a neighbour, or ``default``)."""
    after: tuple[str, ...] = ()
    """What the reply before must have done for it to be said; empty for any reply."""


Lines = str | Mapping[str, str] | tuple[LineVariant, ...]
"""A node's customer line as written: one line, lines by mood band, or variants."""


def candidates(lines: Lines, mood: int) -> list[Candidate]:
    """Every line written for a node, best fit for ``mood`` first."""
    if isinstance(lines, str):
        return [Candidate(lines)]
    band = band_of(mood)
    if isinstance(lines, tuple):
        fitting = [v for v in lines if not v.band or band in v.band]
        rest = [v for v in lines if v not in fitting]
        return [Candidate(v.say, v.open, v.met, v in fitting, v.after) for v in (*fitting, *rest)]
    index = BANDS.index(band)
    return [
        Candidate(lines[k], near=k == "default" or abs(BANDS.index(Band(k)) - index) <= 1)
        for k in band_keys(dict(lines), mood)
    ]


def _sentence_key(sentence: str) -> str:
    return " ".join(re.findall(r"[a-z0-9£']+", sentence.lower()))


def line_sentences(line: str) -> list[str]:
    """The sentences of a customer's line, stripped, in order."""
    return [s for m in _LINE_SENTENCE.finditer(line) if (s := m.group(0).strip())]


def _keys(texts: Iterable[str]) -> set[str]:
    """The sentence keys of every text: what was said, whatever its case and punctuation."""
    return {k for text in texts for s in line_sentences(text) if (k := _sentence_key(s))}


def said_before(line: str, said: Sequence[str]) -> bool:
    """Whether ``line`` was said earlier in the attempt: word for word, or every one of its
    sentences, each somewhere ("So what actually caused it?" after "Thanks. So what actually
    caused it? Everyone said…"), leaving aside short ones ("Thank you.") when it has longer
    ones."""
    if line in said:
        return True
    keys = _keys([line])
    # "Thank you. I'll hold you to all of it…" after "I'll hold you to all of it…": a
    # short opener added does not make the rest new (a short question does: "Who pays?")
    weighty = {
        key
        for sentence in line_sentences(line)
        if (key := _sentence_key(sentence))
        and (len(key.split()) >= REPEAT_FROM_WORDS or sentence.rstrip("'’\"").endswith("?"))
    }
    return bool(keys) and (weighty or keys) <= _keys(said)


_CLAUSE = re.compile(r"[,;:.!?]\s*|\s+(?:and|but|so)\s+")
SAYS_AGAIN_SIMILARITY: Final = 85
"""How alike (0–100) two clauses of three words or more must be for the second to say the
first again ("I'll be checking that" after "I'll be checking it")."""


def _clause_keys(text: str) -> list[str]:
    """The keys of ``text``'s clauses of three words or more."""
    keys = (_sentence_key(c) for c in _CLAUSE.split(text))
    return [k for k in keys if len(k.split()) >= 3]


def says_again(line: str, said: Sequence[str]) -> bool:
    """Whether some clause of ``line`` says again, in nearly the same words, a clause of
    three words or more said earlier in the attempt ("That's not right, and I'll be
    checking it." after "That doesn't sound right to me. I'll be checking that."): a
    customer's turn of phrase said twice reads as a stock line."""
    from rapidfuzz import fuzz

    before = [c for text in said for c in _clause_keys(text)]
    return any(
        fuzz.ratio(c, b) >= SAYS_AGAIN_SIMILARITY for c in _clause_keys(line) for b in before
    )


def without_told_again(part: str, said: Sequence[str]) -> str:
    """``part`` without its sentences of five words or more that only say again, clause by
    clause, what the customer said earlier in the attempt ("I came over dizzy on the bus
    this morning." a turn after "I've had a headache since yesterday, and I came over dizzy
    on the bus this morning."); the part as it is when nothing else would be left."""
    from rapidfuzz import fuzz

    before = [c for text in said for c in _clause_keys(text)]
    if not before:
        return part
    kept = [
        sentence
        for sentence in line_sentences(part)
        if len(sentence.split()) < 5
        or not (own := _clause_keys(sentence))
        or not all(any(fuzz.ratio(c, b) >= SAYS_AGAIN_SIMILARITY for b in before) for c in own)
    ]
    return " ".join(kept) if kept else part


def without_echo(line: str, said: str, similarity: float | None = None) -> str:
    """The line without its sentences that say again, in nearly the same words, what was
    just said before it ("I'll believe that when I see it. I'll believe it when I see it.");
    ``similarity`` (0–100) may be set lower than :data:`ECHO_SIMILARITY` for an answer,
    which says in its own words what a line written without it says too ("A bit shaken, to
    be honest." then "I feel a bit shaky after all that, to be honest.")."""
    from rapidfuzz import fuzz

    before = _keys([said])
    least = ECHO_SIMILARITY if similarity is None else similarity
    return " ".join(
        s
        for s in line_sentences(line)
        if not any(fuzz.ratio(_sentence_key(s), b) >= least for b in before)
    )


def without_said(line: str, said: Sequence[str]) -> str:
    """The line without its sentences of four words or more that were said word for word
    earlier in the attempt ("I'll believe that when I see it." twice running); a short
    "Thank you." may be said again."""
    earlier = _keys(said)
    return " ".join(
        s
        for s in line_sentences(line)
        if len((key := _sentence_key(s)).split()) < REPEAT_FROM_WORDS or key not in earlier
    )


REPEAT_FROM_WORDS: Final = 4
"""Sentences this long or longer are not said twice in an attempt."""

ECHO_SIMILARITY: Final = 85
"""How alike (rapidfuzz ratio, 0–100) two sentences must be to count as the same said twice."""

ANSWER_ECHO_SIMILARITY: Final = 60
"""How alike a line's sentence and an answer's must be for the line's to be the same news
told again ("He seems OK for now." after "He says he feels fine for now.")."""


_A_LINE_OF_ITS_OWN: Final = 6
"""Words from which a node's line says something of its own: once it was said, the node's
other lines (the same thing in another temper) are not said either; "Right. Thank you." is
no such line."""


def choose(
    lines: Lines,
    mood: int,
    state: NeedsState,
    *,
    final: bool = False,
    repeat_ok: bool = False,
    shun: Callable[[str], bool] | None = None,
) -> str | None:
    """The line to say: the best fit for ``mood`` that asks for nothing already met, takes
    as met only what is, and has not been said in this attempt; None when there is none.

    A ``final`` line (an outcome's) is not read for what it asks: naming what was given
    ("I'll wait for your team leader") is how a conversation ends. ``repeat_ok`` allows a
    line said before, for when nothing new is left and the customer must say something.
    Once one of a node's lines was said, the others are not chosen either (unless
    ``repeat_ok``, or the line is ``final``): they say the same thing in another temper.
    A line ``shun`` holds for is passed over while another fits.
    """
    every = candidates(lines, mood)
    if shun is not None:
        chosen = _chosen_from(every, state, final=final, repeat_ok=repeat_ok)
        if chosen is None or not shun(chosen):
            return chosen
        other = _chosen_from(
            [c for c in every if not shun(c.text)], state, final=final, repeat_ok=repeat_ok
        )
        return other or chosen
    return _chosen_from(every, state, final=final, repeat_ok=repeat_ok)


def _chosen_from(
    every: list[Candidate], state: NeedsState, *, final: bool, repeat_ok: bool
) -> str | None:
    """The first of ``every`` that :func:`choose` may say, or None."""
    if not (repeat_ok or final) and any(
        len(c.text.split()) >= _A_LINE_OF_ITS_OWN and said_before(c.text, state.said) for c in every
    ):
        return None
    for c in every:
        if not c.near:
            continue
        if not (repeat_ok or final) and said_before(c.text, state.said):
            continue  # a short line ("So is that everything, then?") is not said twice either
        if any(m not in state.met for m in c.met):
            continue
        if any(o not in state.raised for o in c.open):
            continue
        if c.after and not state.did.intersection(c.after):
            continue
        if final:
            if any(o in state.met for o in c.open):
                continue
        elif asks_for_met(c.text, state, c.open):
            continue
        return c.text
    return None


def press(
    state: NeedsState,
    mood: int,
    skip: frozenset[NeedKind] = frozenset(),
    *,
    told_next: bool = False,
) -> str | None:
    """The customer asking again for the most pressing raised need still open, in words
    not yet said; with nothing raised left open, waiting for the learner to go on (or,
    after a reply that ``told_next`` what happens, taking it in: "OK, thank you."); None
    when every such line was said. Kinds in ``skip`` were just addressed: not pressed."""
    for need_id in state.open_ids:
        if need_id not in state.raised:
            continue
        need = state.need(need_id)
        assert need is not None
        if need.need_kind in skip:
            continue
        for line in press_lines(need, mood, softened=state.sorry_said):
            if not said_before(line, state.said) and (state.sorry_now or not quotes_sorry(line)):
                return line
    kinds = [catalogue().taken_in] if told_next and catalogue().taken_in else []
    for lines in (*kinds, catalogue().carry_on):
        line = next((ln for ln in by_temper(lines, mood) if not said_before(ln, state.said)), None)
        if line is not None:
            return line
    return None


def by_temper(lines: Mapping[BandKey, tuple[str, ...]], mood: int) -> tuple[str, ...]:
    """Lines kept as ``angry`` and ``default``: the angry ones for a furious or angry
    customer (where there are any), else the default ones."""
    angry = band_of(mood) in (Band.FURIOUS, Band.ANGRY)
    key: BandKey = "angry" if angry and "angry" in lines else "default"
    return lines.get(key) or next(iter(lines.values()))


def press_lines(need: Need, mood: int, *, softened: bool = False) -> tuple[str, ...]:
    """How the customer asks for ``need`` again: its own lines, else its kind's by mood;
    once a reply has ``softened`` it with a bare "sorry", the kind's lines for that."""
    kind = catalogue().kinds[need.need_kind]
    if softened and kind.softened:
        return by_temper(kind.softened, mood)
    if need.press:
        return need.press
    return by_temper(kind.press, mood)


_ASKS_UP = re.compile(
    r"(?i)\b(?:ask|asking|check with|checking with|see if|request|requesting|run it by|"
    r"put (?:it|that|this|the \w+) to|forward(?:ed|ing)?|pass(?:ed|ing)? (?:it|this|that|"
    r"everything|your \w+|the \w+) (?:on|to|up)|add(?:ed|ing)? (?:it|this|that) to the note|"
    r"(?:is|are) (?:with|for) (?:my|our|the) \w+ (?:leader|manager|team|supervisor)|"
    r"(?:only|just) (?:my|our|the) \w+ (?:leader|manager|supervisor) can)\b"
)
"""A hand-up that only asks someone for a decision ("I'll ask my team leader about the rest")."""


WORDS_ONLY: Final = (NeedKind.APOLOGY, NeedKind.EXPLANATION)
"""Needs met by words alone, not by anything done for the customer."""

_THING_WORD = re.compile(r"[a-z][a-z'-]+")
NOT_A_THING: Final = frozenset(
    {"a", "an", "the", "and", "or", "for", "of", "to", "in", "on", "at", "me", "my", "it", "i"}
    | {"you", "your", "so", "far", "with", "about", "least", "thank", "thanks", "that", "this"}
    | {"all", "out", "up", "new", "free", "brand"}
)
"""Words that do not say which thing a thanks is for: two thanks that share only these are
for different things."""


def thank(
    met: Sequence[NeedMet],
    state: NeedsState,
    mood: int,
    *,
    part_paid: str = "",
    also: Sequence[str] = (),
    still_wanting: bool = False,
) -> str | None:
    """The customer thanking the learner for the needs just met, and for the things given
    besides (``also``: "the courtesy car"), or None (furious, nothing to thank for, or
    every way of thanking said already in this attempt). A
    remedy met by paying ``part_paid`` now, with the rest passed on, is thanked for as that
    sum ("the £50 so far"), not as sorted. One ``still_wanting`` more (their line goes on
    "That's a start, but…") thanks plainly, not warmly ("Thanks ever so much…")."""
    things: list[str] = []
    words: set[str] = set()
    said_only: set[str] = set()
    for m in met:
        need = state.need(m.id)
        # Two needs met by the same words are one thing done: thanked for once.
        if need is None or not (thing := thanks_for(need)) or (m.words and m.words in words):
            continue
        if need.need_kind is NeedKind.MANAGER and need.id not in state.raised:
            continue  # passed on before they asked to be: not a favour they thank for
        if (
            m.by == "escalate"
            and need.need_kind is not NeedKind.MANAGER
            and _ASKS_UP.search(m.words)
        ):
            # "I'll ask my team leader about the rest": put to someone, not yet sorted (a
            # first aider fetched, or a claim passed to the team that pays it, is the tutor's
            # own thanks)
            thing = catalogue().kinds[NeedKind.MANAGER].thanks or thing
        first_paid = part_paid.split(" and the ")[0]
        if part_paid and first_paid.lstrip("£").replace(",", "") in m.words.replace(",", ""):
            thing = f"the {part_paid} so far"
        if thing in things:
            continue  # two needs passed on: "passing it on" once
        things.append(thing)
        words.add(m.words)
        if need.need_kind in WORDS_ONLY:
            said_only.add(thing)
    # "the credit for the call-backs" and "the £30 credit" are one thing: thanked for once
    named = {w for t in things for w in _THING_WORD.findall(t.lower())} - NOT_A_THING
    things.extend(
        thing
        for thing in also
        if thing not in things and not set(_THING_WORD.findall(thing.lower())) & named
    )
    band = band_of(mood)
    if not things or band is Band.FURIOUS:
        return None
    sympathy = [
        m
        for m in met
        if (need := state.need(m.id)) is not None
        and need.need_kind is NeedKind.APOLOGY
        and _SYMPATHY.search(m.words)
    ]
    if len(things) == 1 and sympathy and len(met) == 1:
        # "I'm sorry to hear about your husband's stroke": kindness, not a grudging apology
        return None if band is Band.ANGRY else "Thank you."
    # the two most pressing things done: three or more read as a checklist read back; of
    # them, one at least done for them if anything was ("the apology and the £50 credit",
    # not the apology and the explanation with the credit left out)
    shown = things[:2]
    done = [t for t in things if t not in said_only]
    if len(shown) == 2 and done and not set(shown) - said_only:
        shown[1] = done[0]
    joined = shown[0] if len(shown) == 1 else _two_things(shown[0], shown[1])
    lines = catalogue().thanks
    ways = lines.get(band.value) or lines.get("default") or next(iter(lines.values()))
    options = (ways,) if isinstance(ways, str) else ways
    said = " ".join(state.said)
    fresh = [t for t in options if _frame(t) not in said]
    if still_wanting:
        fresh = [t for t in fresh if not _WARM_THANKS.match(t)]
        if not fresh and band in (Band.SATISFIED, Band.CALM):
            # the pleased ways are all that is left: a plain one from the band below
            below = lines.get(Band.UNHAPPY.value if band is Band.CALM else Band.CALM.value)
            plain = (below,) if isinstance(below, str) else (below or ())
            fresh = [t for t in plain if _frame(t) not in said and not _WARM_THANKS.match(t)]
    if not fresh:
        # every way of thanking has been said: a fourth "Thanks for…" reads as a template,
        # and the line goes on from what was given without it
        return None
    return fresh[0].replace("{things}", joined)


_WARM_THANKS = re.compile(r"(?:Thanks ever so much|That's good of you|Lovely|Good\.|That helps\.)")
"""Ways of thanking that sound pleased, not said by one whose line goes on to want more."""

_STILL_WANTING = re.compile(
    r"(?i)\b(?:but|still|isn't|not good enough|i want|i'd like|what about|and what|even so)\b"
)
"""Words of a line that goes on wanting more ("That's a start, but it isn't the £2,500.")."""


def still_wanting(line: str) -> bool:
    """Whether the customer's line goes on to want more than was given, so that their
    thanks before it should be plain, not pleased."""
    return _STILL_WANTING.search(line) is not None


def _two_things(first: str, second: str) -> str:
    """Two things thanked for, joined; a tail of three words or more that both end with is
    said once ("explaining and looking into why nobody told me", not "explaining why nobody
    told me and looking into why nobody told me")."""
    a, b = first.split(), second.split()
    shared = 0
    while shared < min(len(a), len(b)) - 1 and a[-1 - shared] == b[-1 - shared]:
        shared += 1
    if shared >= 3:
        return f"{' '.join(a[:-shared])} and {second}"
    return f"{first} and {second}"


_SYMPATHY = re.compile(r"(?i)\bsorry (?:to hear|about your|for your|that you(?:'re| are) going)")
"""A sorry that sympathises with the customer's own trouble rather than apologising."""


def _frame(template: str) -> str:
    """The fixed words a thanks template opens with ("Right. Thanks for")."""
    return template.split("{things}")[0].strip()


OFFERING_MOVES: Final = frozenset(
    {"resolve", "follow_up", "escalate", "ownership", "learn", "investigate"}
)
"""Moves that make a closing "Would you like…?" an offer of help, not a sales pitch."""


def accepts_offer(
    reply: str, mood: int, ids: Iterable[str] = OFFERING_MOVES, wants: str = ""
) -> str:
    """The customer's "Yes, please." to a reply that offers something as a yes-or-no
    question ("Would you like a delay slip?", "There's a slot at 11:20 - shall I put you in
    it?", "I can email you a copy if that helps?"), their pick of a choice of two ("Would
    you prefer phone or email?" → "Phone, please."; "Shall I ask her now, or would you
    rather wait?" → "Ask her now, please."), or "" when its last question is no offer,
    offers nothing that helps (no move of :data:`OFFERING_MOVES` in ``ids``: "Would you like
    to hear about our new tariff?"), or the customer is furious. Only the reply's last
    question is answered: the learner may go on after it ("…shall I? And I'll chase the
    tablets too."). Of a choice of two, the customer takes the one that speaks of what they
    ``want`` (their own lines so far, and what they need), else the first."""
    said = _accepted(reply, mood, ids, wants)
    # plain words part a sum from its sign ("£ 64"): put back as written
    return re.sub(r"([£$€]) (?=\d)", r"\1", _as_written_in(said, reply)) if said else ""


def offer_questions(reply: str) -> list[str]:
    """The questions of ``reply`` that may offer something, in order: a closing "Is there
    anything else?" after the others offers nothing ("…a morning slot or after lunch? And
    is there anything else?"), so the one before it is the last offer."""
    asked = [s for s in _SENTENCE_END.split(without_sign_off(reply)) if s.strip().endswith("?")]
    while len(asked) > 1 and _ANYTHING_ELSE.search(asked[-1]):
        asked.pop()
    return asked


def _as_written_in(said: str, reply: str) -> str:
    """``said`` with the learner's capitals put back on the words it took from the reply
    ("The pac code details, please." → "The PAC code details, please."; "thursday")."""
    capitals = {
        word.lower(): word
        for word in re.findall(r"(?<=[^.!?\s]\s)[A-Za-z][\w'-]*", reply)
        if any(c.isupper() for c in word)
        and word.lower() not in ("i", "i'll", "i'm", "i've", "i'd")
    }
    return re.sub(r"[A-Za-z][\w'-]*", lambda m: capitals.get(m.group(0).lower(), m.group(0)), said)


def _accepted(reply: str, mood: int, ids: Iterable[str], wants: str) -> str:
    """What :func:`accepts_offer` answers, in lower-case words where it says them back."""
    from roleplay.core.lexicon import plain_words

    if band_of(mood) is Band.FURIOUS:
        return ""
    asked = offer_questions(reply)
    if not asked:
        # "If you want, I can print you a delay confirmation now.": an offer said plainly
        said = [s for s in _SENTENCE_END.split(without_sign_off(reply)) if s.strip()]
        plain = [plain_words(s).lower() for s in said[-2:]]
        if not OFFERING_MOVES.isdisjoint(ids) and any(_IF_YOU_LIKE.search(p) for p in plain):
            return catalogue().accept.get(band_of(mood).value, "")
        return ""
    last = _ASIDE.sub(" ", _YES_OR_NO.sub("?", _plain_question(asked[-1])))
    if _WHICH_ALONE.match(last):
        # "I can send a new kettle or pay you back in full. Which would you prefer?": the
        # two things are in the sentence before
        said = [s for s in _SENTENCE_END.split(without_sign_off(reply)) if s.strip()]
        before = plain_words(said[-2]).lower() if len(said) > 1 else ""
        if can := _CAN_DO_EITHER.search(before):
            last = f"shall i {can.group('rest').strip(' .,!')}?"
        elif yours := _YOU_CAN_EITHER.search(before):
            # "You have two choices: travel on the 15:12, or I can refund the ticket.":
            # the first is theirs to do ("I'll travel on the 15:12.")
            last = f"would you like to {yours.group('rest').strip(' .,!')}?"
    # the offer may follow a dash or a comma: "There's a slot at 11:20 - shall I put you in it?"
    if _DOING_CHOICE.search(last) and (picked := _first_of_two(last, wants)):
        # "…put £50 through now, or would you rather wait and have it all in one go?": the
        # "and have it" is the second thing to choose, not a second question
        return picked
    asked_twice = SECOND_QUESTION.split(last)
    if len(asked_twice) > 1 and _offers(re.split(r"\s[-–—]\s", asked_twice[-2])[-1].strip()):
        # "Would you like me to do that, and is email OK for it?": the offer is taken up
        # (the question after it is answered as one)
        return catalogue().accept.get(band_of(mood).value, "")
    # ("shall I put through the £350 each, so £1,400 for the four of you?": a "so" that
    # only sums up the offer starts no question of its own)
    clauses = re.split(
        r"\s[-–—]\s|;\s*|,\s+(?=(?:so|and|but)\s+(?:would|will|shall|should|can|could|do|does"
        r"|did|is|are|may|might|if|what|when|how|which|who|where|why|i|we|you|u|it|that|this)\b)",
        last,
    )
    clause = clauses[-1].strip()
    if picked := _first_of_two(last, wants):
        return picked
    if helps := _HELP_OR_ELSE.search(clause):
        # "would a payment plan help, or would you rather pay it in one go?": the help
        first = helps.group("first")
        return f"{first[0].upper()}{first[1:]}, please."
    if either := _EITHER_HELPS.search(clause):
        # "would a courtesy car or help towards a taxi get you to Cheltenham?": the one that
        # speaks of what they want, else the first
        first, second = either.group("first"), either.group("second")
        if wants and _wanted(second, wants) > _wanted(first, wants):
            first = second
        said = _in_own_words(first.split())
        return f"{said[0].upper()}{said[1:]}, please."
    choice = _CHOICE.search(clause) or _WHICH_SUITS.search(clause)
    named = choice.groupdict() if choice else {}
    first = (named.get("first") or named.get("later") or "").strip()
    other = _other_option(clause[choice.start() :], first) if choice and first else ""
    if _AUXILIARY.match(other) or _AUXILIARY.match(first):
        # "would you still want to leave if it's fixed, or is your mind made up?": a question
        # put two ways, not two things to pick from
        first = ""
    elif other and wants and _wanted(other, wants) > _wanted(first, wants):
        first = other  # "a replacement, or a full refund?" from one who asked for £64
    if first and first.split()[0] in _SUBJECTS - {"it"}:
        return ""  # "would you rather they emailed or posted it?": answered as how to be told
    if first in ("that", "this", "it", "one", "them", "those"):
        # "I can endorse it for the 15:12. Would you like that, or…?": the thing just said
        return catalogue().accept.get(band_of(mood).value, "")
    if 0 < len(first.split()) <= 7 and not re.search(r"\b(?:us|me|you|i|we)\b", first):
        said = _in_own_words(first.split())  # "the credit on your bill" → "…on my bill"
        return f"{said[0].upper()}{said[1:]}, please."  # "Phone, please."
    if leave := _PERMISSION.match(clause):
        if choice := _LEAVE_OR_ELSE.match(clause[leave.end() :]):
            # "is it ok if I put you on hold, or would you rather I message you back?": the
            # first, in their own words ("Put me on hold, please.")
            said = _in_own_words(f"{leave.group('verb')} {choice.group('rest')}".split())
            return f"{said[0].upper()}{said[1:]}, please."
        # "Is it OK if I put you on hold while I check?": asked leave, which is given
        return catalogue().accept.get(band_of(mood).value, "")
    if _YES_ASKED.match(clause) or _YES_ASKED.match(re.split(r",\s*", clause)[-1]):
        # "Sorry, is that a yes to the payment plan?": the offer asked after again
        return catalogue().yes_it_is
    if _KINDNESS.search(clause):
        # "Would Maya like a drink while you wait?": a kindness, taken up like leave asked
        # (an angry "Yes. Do that." is for something done about the complaint, not a drink)
        band = Band.UNHAPPY if band_of(mood) is Band.ANGRY else band_of(mood)
        return catalogue().accept.get(band.value, "")
    if (
        OFFERING_MOVES.isdisjoint(ids)
        and not _HELP_PUT.search(clause)
        and not _HELP_OFFER.match(clause)
        and not _IF_I_OFFER.search(last)
    ):
        # a question offering nothing that would help ("Would you like to hear about our
        # new tariff?") is not an offer to take up
        return ""
    if not _offers(clause):
        return ""
    return catalogue().accept.get(band_of(mood).value, "")


_WHICH_ALONE = re.compile(
    r"^\W*(?:so |and )?which(?: one| of those| of them| option)? (?:would you prefer|would you "
    r"like|would you rather|do you want|do you prefer|would suit you|suits you|works for you)"
    r"(?: best| better)?\s*\?$"
)
"""A question that asks which of two things said just before ("Which would you prefer?")."""

_CAN_DO_EITHER = re.compile(
    r"\b(?:i|we) (?:can|could) (?:either )?(?P<rest>[a-z£0-9:' ,-]+?\bor\b[a-z£0-9:' -]+?)[\s.!]*$"
)
"""Two things the learner can do, put as a statement ("I can send a new kettle or pay you
back in full"): what a following "Which would you prefer?" asks to choose between."""

_YOU_CAN_EITHER = re.compile(
    r"(?:\b(?:you|u) (?:can|could) (?:either )?|\b(?:two|2) (?:choices|options|ways)"
    r"(?: here| now)?\s*(?::|-|–|—|,)\s*(?:(?:you|u) (?:can|could) )?(?:either )?)"
    r"(?P<rest>[a-z£0-9:' ,-]+?\bor\b[a-z£0-9:' -]+?)[\s.!]*$"
)
"""Two things the customer can do, or have done, put as a statement ("You can travel on the
15:12 or have a refund"; "two choices: travel on the 15:12, or I can refund it")."""


_HELP_PUT = re.compile(
    r"(?:^|\W)(?:(?:shall|should|can|could) (?:i|we)|(?:would|do) (?:you|u) (?:like|want) (?:me|us)"
    r" (?:to|2)|(?:want|wanna) (?:me|us) (?:to|2)|would it help if (?:i|we))\s+(?:just )?"
    r"(?!tell you about|interest you|talk you through our)"
    r"(?:go ahead|ask|chase|fetch|get|ring|call|phone|email|text|book|send|arrange|sort|write"
    r"|check|go through|put|pass|transfer|bring|refund|log|raise|print|find|look|do|set|take"
    r"|add|note|flag|order|come|show|make|speak|see|collect|lend|cover|pay|pick|waive|cancel"
    r"|sent|booked|arranged|asked|chased|rang|called|got|put|took|collected|paid|covered|lent"
    r"|picked|refunded|emailed|wrote|passed|moved|fixed|sorted|looked|checked|waived)\b"
    # "Shall I endorse it for you?": whatever the verb, "shall I" offers to do it
    r"|(?:^|\W)(?:shall|should) (?:i|we) (?:just |also |now )?"
    r"(?!tell you about|interest you|talk you through our|be |have |say |mention |start )"
    r"[a-z]{3,}\b"
)
"""Help the learner offers to do themselves ("Shall I chase your repeat now?", "want me 2 do
that?", "Shall I endorse it for you?"): an offer though the rules find no remedy in a
question, unlike a pitch ("Would you like to hear about our new tariff?")."""


@functools.lru_cache(maxsize=4096)
def _offer_question(words: str) -> re.Pattern[str]:
    """The pattern of a question that offers (``offer_questions``) at a clause's start,
    compiled once: the re module's own cache is too small for every phrase of the rubric."""
    return re.compile(rf"\W*(?:and |so )?{re.escape(words)}(?!\w)")


@functools.lru_cache(maxsize=4096)
def _whole_start(words: str) -> re.Pattern[str]:
    """The pattern of ``words`` as whole words at the start of a text, compiled once."""
    return re.compile(rf"{re.escape(words)}(?!\w)")


def _offers(clause: str) -> bool:
    """Whether one clause of a question (plain lower-case words) offers something as a
    yes-or-no question, not a choice."""
    asks = catalogue().offer_questions
    # "would that suit you, or is there a day that works better?": the offer comes first
    first = re.split(r",\s*or\s+", clause, maxsplit=1)[0]
    # "There's a slot at 11:20 with Dr Patel, would that suit you?": the offer after a comma
    tail = re.split(r",\s*", first)[-1]
    offered = any(_offer_question(q).match(part) for q in asks for part in (first, tail))
    offered = offered or (
        _OFFER_ENDING.search(clause) is not None and not _ASKS_AFTER_SOMEONE.search(clause)
    )
    offered = (
        offered
        or _is_slot(first)
        or _HELP_OFFER.match(first) is not None
        or _HELP_OFFER.match(tail) is not None
    )
    return offered and not re.search(r"(?<!\w)or(?!\w)|prefer|rather(?! than)", first)


_CHOICE = re.compile(
    r"(?:(?:would|do|shall|should) (?:you|u) (?:prefer|rather|like|want)"
    r"(?: it| (?:the|your|ur) (?:refund|money|credit|payment|compensation|voucher)(?= as ))?"
    r"(?:(?: as| by| to have| to)(?!\w))?"
    r"|which (?:would you prefer|do you prefer|suits you(?: best)?|is best for you|works best"
    r"(?: for you)?)"
    r"|how (?:would|do|shall|should) (?:you|u) (?:like|want)"
    r"(?: me to [a-z]+(?: [a-z]+){0,3}| it(?: [a-z]+)?| that| the [a-z]+(?: [a-z]+)?)?(?=\s*[,:]))"
    r"\s*[,:]?\s*(?P<first>[a-z£0-9' -]+?)\s*,?\s+or\s+[a-z£0-9' -]+?\s*\?$"
)
"""A closing question that offers a choice of two ("Would you prefer phone or email?"):
the customer takes the first."""

_ANYTHING_ELSE = re.compile(r"(?i)\b(?:anything|something) else\b|\bany other (?:questions|way)\b")
"""A closing question that asks for nothing in particular ("Is there anything else?")."""


def asks_anything_else(question: str) -> bool:
    """Whether ``question`` is the closing question ("Is there anything else I can help
    with?", "ne thing else?"), which a customer answers yes or no; not one asking what else
    happened ("Did the engineer say anything else?")."""
    return _CLOSING_ANYTHING_ELSE.search(question) is not None


_CLOSING_ANYTHING_ELSE = re.compile(
    r"(?i)(?:anything|anythin|ne ?thing|something) else (?:i|we) (?:can|could)\b"
    r"|^\W*(?:(?:ok(?:ay)?|and|so|right|gr8|great|thanks|thx)\W+)*(?:is there )?"
    r"(?:anything|anythin|ne ?thing) else"
    r"(?: (?:at all|today|for now|for you|on your mind|worrying you|bothering you|you need"
    r"|you'd like|you would like))?\W*$"
)


_WHICH_SUITS = re.compile(
    r"(?:^|\W)(?:so |and )?(?:would|does|will|is|could) (?P<first>[a-z£0-9:' -]+?) or "
    r"[a-z£0-9:' -]+? (?:suit|work|be (?:better|best|easier|ok|okay|good|fine))"
    r"(?: for)?(?: you| u)?(?: better| best)?\s*\?$"
    r"|which(?: [a-z]+)? (?:would you prefer|do you prefer|suits? you(?: best)?"
    r"|would suit you(?: best)?|works? (?:best )?for you)"
    r"(?: for [a-z0-9' ]+)?\s*,\s*(?P<later>[a-z£0-9:' -]+?) or [a-z£0-9:' -]+?\s*\?$"
)
"""A choice of two times or things put as which suits ("Would this morning or this afternoon
suit you better?", "Which would you prefer for the appointment, a morning slot or after
lunch?"): the customer takes the first."""

_ASKS_AFTER_SOMEONE = re.compile(
    r"(?<!\w)(?:is|are|was|were|r)\s+(?:he|she|they|everyone|everybody|anyone|anybody"
    r"|(?:your|ur|the|his|her|their)\s+(?:kids?|children|child|son|daughter|husband|wife"
    r"|partner|mum|mam|dad|baby|boy|girl|family|little one))"
    r"\s+(?:(?:still|feeling|doing)\s+)?(?:ok|okay|alright|all right)\s*\?$"
)
"""A question whether someone is all right ("is he ok?", "are the kids alright?"), which
ends as an offer put for approval does ("…, ok?") but offers nothing."""

_OFFER_ENDING = re.compile(
    r"(?<!\w)if (?:that|this|it) (?:helps|would help|suits you|works)\s*\?$"
    r"|(?<!\w)(?<!you )(?<!u )(?<!are )(?<!is everyone )(?:ok|okay|alright|all right)\s*\?$"
    r"|(?<!\w)if (?:you|u) (?:like|would like|want|wish|prefer|need)"
    r"(?: (?:it|one|them|that))?\s*\?$"
    # "is the hotel ok for you?", "does that suit you?": what was offered, put to them
    r"|^(?:and |so )?(?:is|are|would|will|does|do) (?:the |that |this |it |those |these )?"
    r"[a-z0-9£:' -]{0,60}?(?:ok|okay|alright|all right|fine|suit|suits|work|works|good"
    r"|(?:feel |seem |sound )?fair) "
    r"(?:for|with|by|to)? ?(?:you|u)\s*\?$"
)
"""A statement turned into an offer by its ending: "I can email you a copy if that helps?"."""

_IF_YOU_LIKE = re.compile(
    r"^\W*(?:and |so |but )?if you(?: would|'d)? (?:want|like|wish|prefer)\W+"
    r"(?:i|we) (?:can|could|will|'ll|would be happy to)\b"
    r"|\b(?:i|we) (?:can|could) \w+ .{0,60}?\bif you (?:want|like|wish)(?:\W+[^.!?]{0,30})?\W*$"
    r"|\b(?:i|we) (?:can|could) \w+ .{0,60}?\bif (?:that|it|this) (?:helps|would help)\W*$"
    r"|^\W*(?:and |so |but |or )?(?:i|we) (?:can|could) (?:also )?(?:send|collect|pick|arrange|book"
    r"|lend|split|spread|get (?:you|someone|somebody|it|them|a|an))\b[^.!?]{0,60}[\s.!]*$"
)
"""An offer said as a statement ("If you want, I can print you a delay confirmation now";
"I can walk you over if you like."; "i can split it over 18 months if u want, bout £23 a
month"; "we can send our truck to get it")."""

_PERMISSION = re.compile(
    r"\W*(?:and |so )?(?:(?:is it|would it be) (?:ok|okay|alright|all right) (?:if|for) "
    r"(?:i|me|we|us)|(?:do|would) you mind if (?:i|we)"
    r"|(?:can|could|may) (?:i|we)(?= (?:just )?(?:put|pop|place) (?:you|u) on hold\b))"
    r"(?: just)? (?P<verb>[a-z]+)(?=\s)"
)
"""A question that asks the customer's leave ("Is it OK if I put you on hold for a minute?",
"Do you mind if I check with my colleague?"): given, unless they are furious."""

_KINDNESS = re.compile(
    r"(?:^|\W)(?:would|do|does|can i get|could i get|shall i get|can i fetch|shall i fetch)\s+"
    r"(?:you|u|he|she|they|him|her|them|[a-z]+)\s+(?:like\s+|want\s+|fancy\s+)?"
    r"(?:a|an|some|something|anything)\s+(?:[a-z]+\s+){0,2}?"
    r"(?:drink|water|tea|coffee|cuppa|seat|chair|biscuit|blanket|sandwich)s?\b"
    r"|(?:^|\W)(?:would|do) (?:you|u) (?:like|want) (?:to|2) (?:sit|wait|rest|take a seat"
    r"|have a seat|come (?:and )?sit)\b"
)
"""A kindness offered ("would you like a glass of water?", "would Maya like a drink?", "do
you want to sit in the waiting room?"): not a remedy, but the customer says yes to it all
the same."""


def offers_kindness(question: str) -> bool:
    """Whether ``question`` (plain lower-case words) offers a kindness ("would you like a
    cup of tea?"), which the customer takes up and may answer as well ("Just milk, please")."""
    return _KINDNESS.search(question) is not None


_LEAVE_OR_ELSE = re.compile(
    r"\s(?P<rest>[a-z0-9£' ]+?)\s*,?\s+or\s+(?:would|shall|should|do|can)\b"
)
"""The rest of a first option asked leave for, before the other ("…, or would you rather…")."""


_YES_OR_NO = re.compile(r",?\s*(?:yes or no|or not)\s*\?$")
"""A question pressed for an answer ("Is 2pm OK for the truck, yes or no?"): the same offer."""

_ANSWERED_FIRST = re.compile(
    r"^\W*(?:yes|yeah|yep|no|ok|okay|right|sure|of course|absolutely|certainly|definitely)"
    r"\s*[,.!-]+\s*(?=\w)"
)
"""An answer to the customer before the offer in the same sentence ("Yes, shall I fetch
Sam?" to "Is there a first aider here?"): the offer is what is asked."""

_ASIDE = re.compile(r"(?<=\byou) (?:still|also|perhaps|maybe|now) (?=like|want|prefer|need)")
"""A word between the offer's words ("would you still like to wait in the waiting room?")."""

_SLOT_OFFER = re.compile(
    r"\W*(?:and |so )?(?:is|would|will|does|could) (?P<when>[a-z0-9:,' -]{1,40}?)\s*"
    r"(?:be )?(?:ok|okay|alright|all right|any good|convenient|suit you|work for you"
    r"|good for you|work|suit|fine)(?!\w)"
)
"""A time or day put to the customer ("Is Thursday morning any good for you?", "Is 2pm OK for
the truck to come?"), an offer when what is put is a time: see :func:`_is_slot`."""

_TIME_WORDS = re.compile(
    r"\d|\b(?:today|tonight|tomorrow|morning|afternoon|evening|lunchtime|noon|midday|monday"
    r"|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|week|slot|appointment|time)\b"
)


_AUXILIARY = re.compile(
    r"(?:is|are|was|were|do|does|did|would|will|can|could|should|shall|have|has|had)\b"
)
"""A clause that opens as a question of its own ("is your mind made up either way")."""


def _other_option(question: str, first: str) -> str:
    """The second of two options put in ``question`` after ``first`` ("…a replacement
    sent out next-day, or a full refund instead?" → "a full refund instead")."""
    at = question.find(first)
    if at < 0:
        return ""
    rest = re.split(r"\s+or\s+", question[at + len(first) :], maxsplit=1)
    if len(rest) < 2:
        return ""
    other = re.split(r"\s+(?:suit|work|be)\b|\?", rest[1])[0]
    # "…, or would you rather have a full refund?" → "a full refund"
    other = _RATHER_LEAD.sub("", other.strip(" ,"))
    return other.strip(" ,")


_RATHER_LEAD = re.compile(
    r"^(?:(?:would|do|shall|should) (?:you|u) )?(?:rather|prefer|like|want)(?: to)?"
    r"(?: (?:have|get|take|go for))?\s+"
    r"|^(?:shall|should|can|could) (?:i|we) (?:just )?(?=[a-z])"
)
"""The question words before a second option ("would you rather have …", "shall I …")."""


_CONTENT = re.compile(r"£?\d[\d,.]*|[a-z]{4,}")
_FILLER: Final = frozenset(
    {"instead", "please", "would", "rather", "prefer", "which", "better", "your", "have"}
    | {"with", "that", "this", "them", "they", "then", "will", "just", "what", "when", "from"}
    | {"some", "been", "were", "there", "their", "about", "also", "like", "want", "into"}
    | {"send", "sent", "give", "take", "make", "done", "back", "over"}
)
"""Words that say nothing of which option is which ("have", "your", "sent")."""


_REFUND_WORDS = re.compile(
    r"\b(?:money back|pay(?:ing)? (?:it|me|you|u) back|repay(?:s|ing|ed)? (?:it|me|you|u)"
    r"|reimburs\w*|refund\w*)\b"
    r"|£\s?\d[\d,.]*\s+back\b"
)
"""The ways of saying money given back, which the customer hears as one thing: "your money
back" is the refund they asked for."""


def refund_as_one(text: str) -> str:
    """``text`` in lower case with every way of saying money given back as "refund"."""
    return _REFUND_WORDS.sub("refund", text.lower())


def makes_choice(answer: str, question: str, pick: str) -> bool:
    """Whether ``answer`` (the tutor's, to a question that puts two options) makes the
    choice: it names the customer's ``pick`` or the other option ("Email, please." to
    "phone or email?"), not only something else the question mentions ("I've got to be in
    Cheltenham for nine." to "would a courtesy car help you get to Cheltenham, or would you
    rather we covered a taxi?")."""
    from roleplay.core.lexicon import plain_words

    options = re.split(r"\s+or\s+", plain_words(question).lower())
    if len(options) < 2:
        return True
    other = _RATHER_LEAD.sub("", _SECOND_LEAD.sub("", options[-1].split("?")[0].strip(" ,")))

    def named(text: str) -> set[str]:
        return {w.rstrip("s") for w in _CONTENT.findall(refund_as_one(text))} - _FILLER

    said = named(answer)
    return bool(said & (named(pick) | named(other)))


def reads_back_what_they_want(question: str, wants: str) -> bool:
    """Whether ``question`` reads back to the customer something they asked for ("So you'd
    like the £64 refunded, then?", "Just to check, you want the money back?"): its words
    are in what they ``wants`` (their own lines and needs). A read-back of something they
    never asked for ("So you'd like us to close your account?") is not."""
    from roleplay.core.lexicon import plain_words

    said = plain_words(question).lower()
    found = _READ_BACK.match(said)
    return found is not None and _wanted(said[found.end() :], wants) > 0


_READ_BACK = re.compile(
    r"\W*(?:so|ok(?:ay)?,? so|just to (?:confirm|check)\W*)\s*(?:you|u)\s+"
    r"(?:would like|would prefer|would rather|want|are after|are asking for)\b"
)
"""What the customer asked for, read back to them as a question."""


def _wanted(option: str, wants: str) -> int:
    """How often ``option``'s words come in what the customer wants (their own lines,
    and what they need)."""
    said = _CONTENT.findall(refund_as_one(wants))
    words = set(_CONTENT.findall(refund_as_one(option))) - _FILLER
    return sum(said.count(w) or said.count(w.rstrip("s")) for w in words)


def _is_slot(question: str) -> bool:
    """Whether ``question`` puts a time or day to the customer as an offer ("Is Thursday
    morning any good for you?"), not asks whether all is well ("Is everything OK?")."""
    match = _SLOT_OFFER.match(question)
    return match is not None and _TIME_WORDS.search(match.group("when")) is not None


_HELP_OFFER = re.compile(
    r"\W*(?:and |so )?(?:would|will|could) (?:(?:a|an|the|some|my|our) |£ ?\d)"
    r"[a-z0-9£.', -]{1,100}? (?:help|work for (?:you|u)|do (?:you|u)"
    r"|get (?:you|u) (?:to|there|home|through))(?!\w)"
    r"|\W*(?:and |so )?(?:do|would) you need (?:a|an|the|some|my|our) (?!.*\b(?:else|more)\b)"
    r"|\W*(?:and |so )?(?:can|could) (?:i|we) (?:just )?(?:collect|send|book|arrange|refund|credit"
    r"|replace|repair|fix|sort|chase|pay|cover|waive|cancel|pick|lend|organise|organize|order"
    r"|courier|post|bring|fetch|re-?bill|rebook|reschedule|move|upgrade|put a"
    r"|get (?:you|u|someone|somebody|it|that|them) (?!your?\b))\b"
)
"""Something offered as a help or a need ("would a courtesy car for tomorrow help?", "would
£50 credit now, with the rest sent for approval, work for you?", "and do you need the
courtesy car?", not "do you need anything else?"), or something the learner asks leave to
do for the customer ("can we collect it on the truck this morning?", not "can I take your
name?" or "can I ask what happened?")."""

_HELP_OR_ELSE = re.compile(
    r"(?:^|\W)(?:and |so )?(?:would|will|could) (?P<first>(?:a|an|some) [a-z0-9£' -]{1,40}?) "
    r"help(?: (?:you|u))?(?: [a-z0-9£' -]{1,40}?)?\s*,?\s+or\b"
)
"""Something offered as a help, or else something the customer does ("Would a payment plan
help, or would you rather pay it in one go?"; "would a courtesy car help you get to work,
or…"): the customer takes the help."""

_IF_I_OFFER = re.compile(
    r"\bif (?:i|we) (?!can't|cannot|can not|don't|do not)\w+[^?]*?\s*,\s*"
    r"(?:would|will|does|is|could) (?:that|it|this)\b"
)
"""Something the learner would do, offered on a condition ("If I sign your ticket for it,
would that work for you?")."""

_YES_ASKED = re.compile(r"\W*(?:(?:sorry|so|ok|okay|and) ?,? )?is that a (?:yes|no)\b")
"""An offer asked after again ("Sorry, is that a yes to the payment plan?")."""

_EITHER_HELPS = re.compile(
    r"(?:^|\W)(?:and |so )?(?:would|will|could) (?P<first>(?:a|an|some|the) [a-z0-9£' -]{1,40}?)"
    r",? or (?P<second>(?:a|an|some|the|help|money|cash|£ ?\d)[a-z0-9£' -]{0,50}?) "
    r"(?:help|get (?:you|u)|work for (?:you|u)|do (?:you|u)|suit (?:you|u))(?!\w)"
)
"""Two things offered as a help in one question ("would a courtesy car or help towards a
taxi get you to work?"): the customer takes one."""

_DOING_CHOICE = re.compile(
    r"(?:^|[,;:] |\s[-–—]\s)(?:and |so )?"
    r"(?P<ask>shall i|should i|do you want me to|would you like me to|want me to"
    r"|are you happy for me to|would you be happy for me to|is it ok for me to"
    r"|would it help if i|would it help if we|would it be easier if i"
    r"|would you prefer me to|would you rather i|would you like to|would you prefer to"
    r"|would you prefer if i|would you prefer i|would you rather|do you want to|can i)"
    r"\s+(?P<first>[a-z£0-9:' ,-]+?)\s*,?\s+or\s+(?P<second>.+)\?$"
)
"""A choice of two things to do ("Shall I ask my team leader while you wait, or would you
prefer an email?"): the customer takes the first."""

_SWAP: Final = {
    "my": "your",
    "your": "my",
    "me": "you",
    "i": "you",
    "myself": "yourself",
    "yourself": "myself",
    "we": "you",
    "us": "you",
    "our": "your",
    "am": "are",
}
_SUBJECT_BEFORE: Final = frozenset(
    {
        "while",
        "when",
        "if",
        "so",
        "as",
        "before",
        "until",
        "and",
        "that",
        "once",
        "whether",
        "saying",
        "how",
        "why",
        "where",
        "what",
    }
)


def _in_own_words(words: list[str]) -> str:
    """The learner's words put in the customer's person: "ask my manager while you wait"
    → "ask your manager while I wait"."""
    swapped = []
    for index, word in enumerate(words):
        after = words[index + 1] if index + 1 < len(words) else ""
        if word in ("you're", "youre"):
            swapped.append("I'm")
        elif word == "you" and after in _YOUR_VERBS:
            # "tell them you are worried" → "tell them I am worried"
            swapped.append("I")
        elif word in _YOUR_VERBS and index and words[index - 1] == "you":
            swapped.append(_YOUR_VERBS[word])
        elif word == "you":
            before = words[index - 1] if index else ""
            swapped.append("I" if before in _SUBJECT_BEFORE else "me")
        else:
            swapped.append(_SWAP.get(word, word))
    return " ".join(swapped)


_YOUR_VERBS: Final = {"are": "am", "were": "was", "have": "have", "had": "had", "need": "need"}
"""Verbs after "you" that make it the one who does or is, said back with "I"."""


_OFFERED_DOING = re.compile(
    r"\b(?:shall|should|can|could|may) (?:i|we) (?:just |also |now )?(?P<do>[a-z][^?]*)"
    r"|\b(?:would|do) you (?:like|want) (?:me|us) to (?:just |also )?(?P<do2>[a-z][^?]*)"
    r"|\bwant (?:me|us) to (?:just |also )?(?P<do3>[a-z][^?]*)"
    r"|\bis it (?:ok|okay|all right|alright) if (?:i|we) (?P<do4>[a-z][^?]*)"
)
_DOING_ENDS = re.compile(
    r",(?!\d)|\s[-–—]\s|\s(?:so|because|since|as|while|if|whether|which|that|who|including"
    r"|just in case|to see|and see|rather than|instead of)\s"
)
_DOING_STOPS = frozenset(
    {
        "for",
        "about",
        "with",
        "of",
        "by",
        "in",
        "on",
        "at",
        "from",
        "to",
        "into",
        "before",
        "after",
        "until",
        "till",
        "today",
        "tomorrow",
        "and",
        "or",
    }
)


_DANGLING = frozenset(
    {"they", "he", "she", "it", "we", "you", "i", "the", "a", "an", "your", "my", "our", "can"}
)
_TEXT_SPEAK: Final = frozenset(
    {
        "2",
        "4",
        "u",
        "ur",
        "r",
        "n",
        "b4",
        "pls",
        "plz",
        "wud",
        "cud",
        "shud",
        "coz",
        "cos",
        "tho",
        "wiv",
        "gonna",
        "wanna",
        "ya",
        "ta",
        "np",
        "thx",
        "tmrw",
        "2day",
        "2moro",
        "asap",
    }
)
"""Words of text-speak that plain words leave as they are: said back by a customer, they would
be the learner's, not theirs."""

_OBJECT_PRONOUNS = frozenset({"it", "them", "you", "u", "me", "us", "him", "her", "that", "this"})
_NAMES_NOTHING = frozenset({"you", "u", "be", "have", "go", "do", "proceed", "carry", "continue"})


_LOOSE_ADVERBS = frozenset(
    {"exactly", "just", "really", "also", "simply", "literally", "actually", "then"}
)
"""Words that say how, left at the end of a doing cut short ("put exactly")."""
_NEEDS_OBJECT = frozenset(
    {"put", "add", "make", "give", "take", "send", "get", "bring", "set", "note", "write", "pass"}
)
"""Verbs that name nothing without what they act on ("put", "add")."""


def named_yes(question: str, mood: int, *, again: bool = False) -> str:
    """The customer's yes naming what they say yes to ("Yes. Fetch Sam." to "shall I fetch
    Sam, our duty manager?"), for a reply that asked several things, where a bare "Yes. Do
    that." would not say which; "" when the offer's doing cannot be read."""
    lines = catalogue()
    band = band_of(mood).value
    frame = lines.accept_named_again if again else lines.accept_named.get(band, "")
    plain = _plain_question(question)
    found = _OFFERED_DOING.search(plain)
    if found is None:
        return _named_otherwise(plain, question, mood, again=again)
    if not frame:
        return ""
    said = _doing_said(next(d for d in found.groups() if d), question)
    return frame.format(do=said, Do=said[:1].upper() + said[1:]) if said else ""


def _doing_said(doing: str, question: str) -> str:
    """An offered doing in the customer's words, cut to what it names ("log a formal
    complaint about the call-back that never came" → "log a formal complaint"), or "" when
    it names nothing a bare yes would not ("go ahead", "do that", "put")."""
    # ("log that now and pass it on": "that" after the verb is what is logged)
    verb, _, rest = doing.strip().partition(" ")
    whole = len(doing.split())
    doing = f"{verb} {_DOING_ENDS.split(rest, maxsplit=1)[0]}".strip(" .!")
    words = doing.split()
    if not words or words[0] in _DOING_STOPS or words[0] in _NAMES_NOTHING:
        return ""  # ("shall I go ahead?", "can I do that?": a bare yes says as much)
    if len(words) == 1 and whole > 1:
        return ""  # "check whether the spend cap was set" cut to "check": no "Yes. Check."
    if words[0] == "not":
        return ""  # "shall we not risk it?": no "Yes. Not risk it."
    if _TEXT_SPEAK.intersection(words):
        return ""  # "split it over up 2 18 months": not words a customer says back
    while len(words) > 1 and words[-1] in _LOOSE_ADVERBS:
        words = words[:-1]
    if len(words) > 5:
        # "log a formal complaint about the call-back that never came" → "log a formal
        # complaint": cut where a phrase of its own begins; after a pronoun the phrase
        # still belongs to the doing ("set it at £23", "book you in")
        start = 3 if words[1] in _OBJECT_PRONOUNS else 2
        cut = next((i for i, w in enumerate(words) if i >= start and w in _DOING_STOPS), len(words))
        words = words[: min(cut, 7)]
        while len(words) > 1 and words[-1] in _DANGLING:
            words = words[:-1]  # ("… whether they": what follows it was cut)
    if len(words) == 1 and words[0] in _NEEDS_OBJECT:
        # "shall I put exactly that on the note…?" cut to "put": no "Yes. Put." that names
        # nothing
        return ""
    return re.sub(r"([£$€]) (?=\d)", r"\1", _as_written_in(_in_own_words(words), question))


_IF_I_DID = re.compile(
    r"\b(?:would|could|will|does|do) it help(?: you)? if (?:i|we) (?:just |also )?"
    r"(?P<did>[a-z][^?]*)"
    r"|^\W*(?:and |so |or )?(?:what|how) about if (?:i|we) (?P<did2>[a-z][^?]*)"
    r"|^\W*(?:and |so |or )?what if (?:i|we) (?:just |also )?(?P<did3>[a-z][^?]*)"
    r"|\b(?:be )?(?:happy|ok|okay|all right|alright) (?:for (?:me|us) to|if (?:i|we)) "
    r"(?:just |also )?(?P<did4>[a-z][^?]*)"
)
"""Help the learner offers as what they might do ("Would it help if I refunded the £30?",
"What if we sent our recovery truck?"): the doing is put in its plain form to say back."""

_OWN_OFFERED = re.compile(
    r"\b(?:would|do) (?:you|u) (?:like|want) (?:to|2) (?!hear|know|talk|discuss|go through)"
    r"(?P<own>[a-z][^?]*)"
)
"""A kindness the customer may take themselves ("Do you want to sit in the waiting room?")."""

_THING_OFFERED = re.compile(
    r"\b(?:would|could|will|might) (?P<thing>(?:a|an|the|some|our|my|this|one of our) "
    r"[a-z0-9£.' -]{1,60}?) (?:help|be (?:useful|helpful|any help|of (?:any )?help))\b"
    r"|\b(?:would|do) (?:you|u) (?:like|want) (?P<thing2>(?:a|an|the|some|their|our|my|his|her"
    r"|its|any|one of our|a copy of) [a-z0-9£.' -]{1,60})"
)
"""Something the learner offers to give, named ("Would a £5 refreshment voucher help?",
"Would you like their details?")."""


def named_offer(question: str, mood: int, *, again: bool = False) -> str:
    """The customer's yes to an offer put as what the learner might do, a kindness, or a
    thing ("Would it help if I refunded the £30?", "Would a voucher help?"), naming it; ""
    for a question put any other way. Unlike :func:`named_yes` it reads no "can I…?", which
    may ask for something ("Can I take your name?") as well as offer it."""
    return _named_otherwise(_plain_question(question), question, mood, again=again)


def _named_otherwise(plain: str, question: str, mood: int, *, again: bool) -> str:
    """The customer's yes naming an offer put other than as "shall I…?": help the learner
    might give ("Yes, refund the £30, please."), a kindness the customer takes ("Yes, I'll
    sit in the waiting room."), or a thing offered ("Yes, a £5 refreshment voucher,
    please."); "" when none can be read."""
    from roleplay.core.offers import plain_doing

    lines = catalogue()
    band = band_of(mood).value
    if (did := _IF_I_DID.search(plain)) is not None:
        doing = next(d for d in did.groups() if d)
        said = _doing_said(plain_doing(doing.strip()), question)
        frame = lines.accept_named_again if again else lines.accept_named.get(band, "")
        return frame.format(do=said, Do=said[:1].upper() + said[1:]) if frame and said else ""
    if (own := _OWN_OFFERED.search(plain)) is not None:
        said = _doing_said(own.group("own"), question)
        frame = lines.accept_own_again if again else lines.accept_own
        return frame.format(do=said) if frame and said else ""
    if (thing := _THING_OFFERED.search(plain)) is not None:
        named = (thing.group("thing") or thing.group("thing2") or "").strip()
        named = _DOING_ENDS.split(named, maxsplit=1)[0].strip(" .!")
        words = named.split()
        if not 1 < len(words) <= 8 or words[-1] in _DOING_STOPS or words[-1] in _DANGLING:
            return ""
        said = re.sub(r"([£$€]) (?=\d)", r"\1", _as_written_in(_in_own_words(words), question))
        frame = lines.accept_thing_again if again else lines.accept_thing.get(band, "")
        return frame.format(thing=said, Thing=said[:1].upper() + said[1:]) if frame else ""
    return ""


def _plain_question(question: str) -> str:
    """A question in plain lower-case words, without an answer put before it."""
    from roleplay.core.lexicon import plain_words

    return _ANSWERED_FIRST.sub("", plain_words(question).lower(), count=1)


_OWN_EFFORT = frozenset(
    {
        "make",
        "fill",
        "submit",
        "apply",
        "claim",
        "contact",
        "ring",
        "call",
        "phone",
        "email",
        "write",
        "go",
        "do",
        "complete",
        "start",
        "lodge",
        "file",
        "raise",
        "try",
        "redo",
    }
)
"""Things a customer would do themselves instead ("make a fresh claim online")."""
_LEARNER_DOES = re.compile(r"\b(?:me|us) to$|\b(?:shall|should|can|could|may) (?:i|we)$")
"""An offer's opening that has the learner do the first thing ("would you like me to",
"shall I")."""


def _first_of_two(question: str, wants: str = "") -> str:
    """The customer's pick of two things offered to be done, in their own person ("shall i
    ask my manager while you wait, or…" → "Ask your manager while I wait, please."; "would
    you like to wait, or…" → "I'll wait."), or "" for no such choice: the first, unless the
    second speaks more of what they ``wants`` ("have a replacement sent, or your money
    back?" from one who asked for a refund → "My money back, please.")."""
    if (theirs := _THEIR_DOING_CHOICE.search(question)) and len(theirs["first"].split()) <= 14:
        # "would you like him to ring you himself, or shall I…?" → "I'd like him to ring me
        # himself, please."
        who = _in_own_words(theirs["who"].split())
        return f"I'd like {who} to {_in_own_words(theirs['first'].split())}, please."
    match = _DOING_CHOICE.search(question)
    # "fetch the jar from the kitchen so you can see the label": the thing, not its purpose
    first = (
        re.split(
            r"\s+so (?:that )?(?:you|u|i|we|they) ", _ASIDE_WHICH.sub("", match.group("first"))
        )[0]
        if match
        else ""
    )
    if match is None or not 0 < len(first.split()) <= 14:
        return ""
    words = first.split()
    if _TEXT_SPEAK.intersection(words):
        # "i can split it over up 2 18 months, or…": the pick, not the learner's text-speak
        return "The first one, please."
    if match.group("ask").endswith(("rather", "prefer")) and words[0] in _SUBJECTS:
        return ""  # "would you rather they emailed or posted it?": not words to say back
    second = _AS_ASKED.split(match.group("second"))
    # (after "would you rather I…" a verb is in the past; after "…for me to" it is not)
    subjunctive = match.group("ask").endswith((" if i", " if we", " rather i", " prefer i"))
    past = subjunctive and (words[0].endswith("ed") or words[0] in _PAST)
    if past and len(second) < 2:
        return ""  # "would you rather I called you, or…": not words to say back
    if len(second) > 1 and 0 < len(second[0].split()) <= 10:
        # "…, or pass it straight to my manager as you asked?": what they asked for
        words = _SECOND_LEAD.sub("", second[0].strip()).split()
    other = _SECOND_LEAD.sub("", second[0].strip()).split() if len(second) == 1 else []
    # ("would you like me to reopen it, or would you rather make a fresh claim online?": the
    # customer lets the learner do it, rather than do it again themselves)
    doing_it_themselves = (
        len(other) > 1
        and other[0] in ("rather", "prefer")
        and other[1] in _OWN_EFFORT
        and _LEARNER_DOES.search(match.group("ask")) is not None
    )
    if (
        other
        and len(other) <= 12
        and not _AUXILIARY.match(other[0])
        and not doing_it_themselves
        and _wanted(" ".join(other), wants) > _wanted(" ".join(words), wants)
    ):
        if other[0] in ("rather", "prefer"):
            return f"I'd {_in_own_words(other)}."  # "…, or would you rather be reimbursed?"
        if other[0] != words[0]:
            # "…have a replacement sent, or your money back?": no verb to say "I'll" with
            said = _in_own_words(other)
            return f"{said[0].upper()}{said[1:]}, please."
        words = other
    said = _in_own_words(words)
    if match.group("ask").endswith(("to", "rather")) and not match.group("ask").endswith("me to"):
        return f"I'll {said}."  # "would you like to wait, or…" → "I'll wait."
    return f"{said[0].upper()}{said[1:]}, please."


_ASIDE_WHICH = re.compile(r"\s*,\s*which (?:is|would be|will be|means)\b[^,]*,?")
"""An aside that says more of the first option ("the next working day, which is tomorrow,")."""

_THEIR_DOING_CHOICE = re.compile(
    r"(?:^|[,;:] |\s[-–—]\s)(?:and |so )?(?:would you like|do you want|would you prefer)\s+"
    r"(?P<who>him|her|them|someone|somebody|my manager|the manager|(?!me\b|us\b)[a-z]+)\s+to\s+"
    r"(?P<first>[a-z£0-9' ]+?)\s*,?\s+or\s+.+\?$"
)
"""A choice of something a colleague does ("Would you like him to ring you himself, or shall
I pass it on?"): the customer takes the first, naming who."""

_SUBJECTS: Final = frozenset({"they", "he", "she", "we", "i", "someone", "somebody", "it"})
"""Who does the thing in "would you rather they…": a choice not put as the customer's doing."""

_AS_ASKED = re.compile(r"\s*,?\s*\b(?:as|like) you (?:asked|wanted|said|requested)\b")
"""The learner naming the option the customer asked for ("…, or pass it on as you asked?")."""
_PAST: Final = frozenset(
    {"rang", "sent", "put", "took", "gave", "got", "did", "wrote", "made", "came", "went", "told"}
)
"""Verbs in the past, as "would you rather I rang you…" puts them: not said back."""
_SECOND_LEAD = re.compile(
    r"^(?:(?:would you|do you|shall i|should i|(?:i|we) (?:can|could)|i|me to|to|just)\s+)+"
)


def hands_over_now(found: Analysis, reply: str, customer: str = "") -> bool:
    """Whether the reply hands the complaint over there and then to someone who can decide
    it: it takes the customer to them (``escalate.warm-transfer``), fetches the one just
    named (``escalate.fetches-the-one-named``), or passes them on (``handed_over.passing``)
    in a sentence that says it happens now ("one moment, I'm putting you through") with
    nobody to come back to them later ("…and she'll ring you"). Fetching a first aider or
    a doctor is help, not a hand-over: the person must be one of ``handed_over.to``
    ("manager", "team leader"), in the sentence, or, for "I'll fetch her now", in the
    reply or the ``customer``'s words (with the learner's last replies, where the person
    was named)."""
    lines = catalogue().handed_over
    if lines is None:
        return False
    from roleplay.core.conduct import sentences
    from roleplay.core.lexicon import plain_words

    def names_authority(text: str) -> bool:
        return any(has_phrase(word, text) for word in lines.to)

    spans = sentences(reply)
    ends = [s.end for s in spans]
    for evidence in found.evidence_for("escalate"):
        # the evidence's sentence and the one after it, where the hand-over may be said:
        # "You'll need our specialist team for that. I'll transfer you now."
        first = min(bisect.bisect_right(ends, evidence.start), len(spans) - 1)
        last = min(bisect.bisect_left(ends, evidence.end) + 1, len(spans) - 1)
        start, end = (spans[first].start, spans[last].end) if spans else (0, len(reply))
        sentence = plain_words(reply[start:end]).lower()
        if evidence.rule == "escalate.fetches-the-one-named":
            if names_authority(plain_words(reply).lower()) or names_authority(customer.lower()):
                return True
            continue
        if not names_authority(sentence) and not (
            # "I'm transferring you to him right now.", "Putting you through now.": put
            # through to the one the reply or the talk just before named
            any(has_phrase(words, sentence) for words in lines.at_once)
            and (names_authority(plain_words(reply).lower()) or names_authority(customer.lower()))
        ):
            continue
        if evidence.rule == "escalate.warm-transfer":
            return True
        later = [
            e
            for e in found.evidence_for("follow_up")
            if not (e.start < evidence.end and evidence.start < e.end)
        ]
        if later:
            continue  # "I'm asking her now and she'll ring you": the answer comes later
        if any(has_phrase(words, sentence) for words in (*lines.at_once, *lines.here)):
            return True  # "I'll transfer you to our specialist team": a transfer is now
        passing = any(has_phrase(words, sentence) for words in lines.passing)
        if passing and any(has_phrase(word, sentence) for word in lines.now):
            return True
    return False


def handed_over_line(channel: str, mood: int, reply: str = "", said: Sequence[str] = ()) -> str:
    """What the customer says on being handed over now, in this channel ("" for none); face
    to face, to one the ``reply`` says is there already, what they say to them. A line
    ``said`` already in the attempt gives way to another band's ("All right. I'll hold."
    after "Fine. I'll hold. But this had better get sorted.")."""
    lines = catalogue().handed_over
    by_band: dict[str, str] = dict(getattr(lines, channel, {}) or {}) if lines else {}
    if lines is not None and lines.met and channel == "face_to_face" and reply:
        from roleplay.core.lexicon import plain_words

        said = plain_words(reply).lower()
        if any(has_phrase(words, said) for words in lines.here):
            by_band = dict(lines.met)
    if not by_band:
        return ""
    first = band_line(by_band, mood)
    ways = [first, *(line for line in by_band.values() if line != first)]
    return next((line for line in ways if not said_before(line, said)), first)


def opens_by_reacting(line: str) -> bool:
    """Whether a line starts by reacting to the reply ("Thanks.", "Oh, here we go.", or an
    exclamation of its own: "From my week in Turkey??"), so no thanks goes before it."""
    first = _SENTENCE_END.split(line.strip(), maxsplit=1)[0]
    return _opens_with(line, catalogue().openers) or _EXCLAIMED.search(first) is not None


_EXCLAIMED = re.compile(r"(?:\?\?|\?!|!\?|!!)$")
"""A sentence said in astonishment ("From my week in Turkey??", "Eighty pounds?!")."""


def _opens_with(line: str, openers: Iterable[str]) -> bool:
    low = line.strip().lower()
    return any(_whole_start(o).match(low) for o in openers)


ADDRESSED_BY_MOVE: Final = frozenset(
    {NeedKind.APOLOGY, NeedKind.REMEDY, NeedKind.MANAGER, NeedKind.NAMED_PERSON}
)
"""Kinds whose usual move answers any line that asks for the kind in general: an offer of
a remedy answers "what are you going to do?", a hand-over "can I speak to a manager?".
(An explanation or a follow-up may be about something else than the line asks.)"""


def addressed_kinds(reply: Reply, state: NeedsState) -> frozenset[NeedKind]:
    """The kinds of need this reply has just addressed by making their usual move, whether
    or not it met the very need the customer had in mind: the customer answers the offer
    before asking again, so a line asking for the kind in general is not said next."""
    present = {n.need_kind for n in state.needs}
    kinds = catalogue().kinds
    found = {
        kind
        for kind in ADDRESSED_BY_MOVE
        if kind in present
        and (defaults := kinds.get(kind)) is not None
        and defaults.met_by is not None
        and holds(defaults.met_by, reply)
    }
    if "escalate" in reply.ids and NeedKind.REMEDY in present:
        found.add(NeedKind.REMEDY)  # "I'm passing it to my manager": not "what will you do?"
    return frozenset(found)


def without_asks_for(
    line: str, kinds: frozenset[NeedKind], needs: Sequence[Need], reply: str = ""
) -> str:
    """The line without its sentences that ask in general for a kind of need the reply has
    just addressed ("What are you going to do about it?" straight after an offer), or ""
    when every sentence asks so. The rest of the line (new facts, other questions, and a
    request for something particular, such as "the full £64") is kept, unless the ``reply``
    offered as much or more ("£2,400" to one asking for "£1,400")."""
    if not kinds:
        return line
    offered = max(sums(reply), default=0.0)
    sentences = line_sentences(line)
    kept = [
        s
        for s in sentences
        if not (line_asks(s, needs) & kinds)
        or (_AMOUNT.search(s) and not (offered and max(sums(s), default=0.0) <= offered))
    ]
    if len(kept) == len(sentences):
        return line
    if all(_BARE_OPENER.match(k) for k in kept):
        return ""  # "OK." left of "OK. So what happens now?" reacts to nothing
    return " ".join(kept)


_BARE_OPENER = re.compile(r"(?i)^\W*(?:ok|okay|right|fine|well|so|and)\W*$")
"""A sentence that is only an opener ("OK.", "Right."): nothing without the rest."""


def without_sorry_asked(line: str, state: NeedsState, mood: int) -> str:
    """After a bare "sorry" (``state.sorry_said``) while an apology is still owed: the line
    with its sentences that ask for one as if none was said ("Is anyone going to say sorry
    for this?") swapped for asking for a proper one, said once; otherwise the line as is."""
    owed = any(n.need_kind is NeedKind.APOLOGY and n.id not in state.met for n in state.needs)
    if not (state.sorry_said and owed):
        return line
    kind = catalogue().kinds[NeedKind.APOLOGY]
    softened = {ln for lines in kind.softened.values() for ln in lines}
    sentences = line_sentences(line)
    kept = [
        s for s in sentences if s in softened or NeedKind.APOLOGY not in line_asks(s, state.needs)
    ]
    if len(kept) == len(sentences):
        return line
    asked = next(
        (
            ln
            for ln in by_temper(kind.softened or kind.press, mood)
            if not said_before(ln, state.said)
            and ln not in kept
            and (state.sorry_now or not quotes_sorry(ln))
        ),
        "",
    )
    return " ".join([asked, *kept] if asked else kept)


_QUOTES_SORRY = re.compile(r"(?i)'sorry'|\bquick sorry\b|\bsorry on its own\b")
"""A line that answers a bare "sorry" just said ("And 'sorry' on its own doesn't cover it.")."""


def quotes_sorry(line: str) -> bool:
    """Whether ``line`` answers a bare "sorry" as just said: a retort that rebuts nothing
    when the sorry was some turns back."""
    return _QUOTES_SORRY.search(line) is not None


def says_when(reply: Reply, found: Analysis | None = None) -> bool:
    """Whether the reply says when, with what it does ("back in your account within the
    hour"), as a need for a time is met, whether or not the scenario lists one, or tells
    what will happen next and when (``found``'s explanations)."""
    kind = catalogue().kinds.get(NeedKind.TIME)
    if kind is None or kind.met_by is None:
        return False
    if holds(kind.met_by, reply):
        return True
    # "It'll be in your account within the hour": what happens next, told with when
    if found is None:
        return False
    low = reply.text.lower()
    return any(
        _FUTURE_TOLD.search(told := low[e.start : e.end])
        and any(has_phrase(word, told) for word in kind.met_by.keywords)
        for e in found.evidence_for("explain")
        if not e.note
    )


_FUTURE_TOLD = re.compile(r"\b(?:will|'ll|going to|shall)\b")
"""What is told as still to happen ("it'll be in your account"), not what happened."""


def without_when_asked(line: str) -> str:
    """The line without its sentences that ask when ("So when will I actually see it?"),
    for after a reply that :func:`says_when`; "" when every sentence asks so."""
    kind = catalogue().kinds.get(NeedKind.TIME)
    if kind is None:
        return line
    sentences = line_sentences(line)
    kept = [s for s in sentences if not any(has_phrase(p, s) for p in kind.asks)]
    return line if len(kept) == len(sentences) else " ".join(kept)


_AMOUNT = re.compile(r"\d")
"""A sentence that names an amount asks for something particular ("the full £64"), which an
offer of something else does not answer."""


def without_promised(line: str, replies: Sequence[str]) -> str:
    """The line without its sentences that ask for something a reply so far has promised
    ("But I want it in writing, mind." after "I'll email you a letter today confirming
    it"), or "" when every sentence asks so. A promise refused ("I can't put that in
    writing") is no promise."""
    promised = [
        item for item in catalogue().promised if any(_promises(reply, item.by) for reply in replies)
    ]
    if not promised:
        return line
    sentences = line_sentences(line)
    kept: list[str] = []
    dropped = False
    for sentence in sentences:
        if any(_any_phrase(i.asks, sentence) for i in promised):
            dropped = True
            continue
        if dropped and (joined := _JOINED_ON.match(sentence)):
            # "… what was in that sauce. But I am not paying…": the "But" leant on the
            # sentence left out
            rest = sentence[joined.end() :]
            sentence = rest[:1].upper() + rest[1:]
        kept.append(sentence)
        dropped = False
    if len(kept) == len(sentences):
        return line
    if all(_BARE_OPENER.match(k) for k in kept):
        return ""  # "Ok." left of "Ok. Just make sure I get all of this in writing."
    return " ".join(kept)


_JOINED_ON = re.compile(r"(?:But|And|So|Still),?\s+(?=\w)")
"""A sentence's opening that leans on the sentence before it."""


def _any_phrase(phrases: Iterable[str], text: str) -> bool:
    """Whether any of ``phrases`` is in ``text``, whole and ignoring case."""
    return any(has_phrase(phrase, text) for phrase in phrases)


_REFUSED = re.compile(
    r"\b(?:can'?t|can not|cannot|won'?t|will not|unable|not able|not allowed|no way)\b", re.I
)


def _promises(reply: str, by: Sequence[str]) -> bool:
    """Whether a sentence of ``reply`` promises by ``by``'s words, and does not refuse."""
    from roleplay.core.lexicon import plain_words

    return any(
        _any_phrase(by, plain) and not _REFUSED.search(plain)
        for sentence in _SENTENCE_END.split(reply)
        if (plain := plain_words(sentence).lower())
    )


def without_sour_opener(line: str) -> str:
    """The line without a short opening that reacts badly ("That tells me nothing."), for
    a reply that made things better."""
    parts = _SENTENCE_END.split(line.strip(), maxsplit=1)
    sour = len(parts) == 2 and len(parts[0].split()) <= 6
    if sour and _opens_with(parts[0], catalogue().sour_openers):
        return parts[1]
    return line


_LINE_SENTENCE = re.compile(r"(?:[^.!?…]|[.,](?=\w))+(?:[.!?…]+['’\"]?|$)")
"""A sentence of a customer's line; a point with a word or digit straight after it
("£46.80", "claire.donnelly@gmail.com") ends none."""


def without_opener(line: str) -> str:
    """The line without its short reacting first sentences ("Oh, here we go. He had…" →
    "He had…"; "Thank you. That means a lot. But…" → "But…"), so that a default reaction
    said before it does not contradict it."""
    for _ in range(2):
        parts = _SENTENCE_END.split(line.strip(), maxsplit=1)
        if len(parts) == 2 and opens_by_reacting(parts[0]) and len(parts[0].split()) <= 6:
            line = parts[1]
    # "Great, I'm texting PAC now": a glad word before a comma, after a reaction, jars
    glad = _GLAD_WORD.match(line)
    if glad is not None and line[glad.end() :].strip():
        rest = line[glad.end() :]
        line = rest[:1].upper() + rest[1:]
    # "Yes, but can I use my ticket?" answers a yes nobody asked for after a reaction
    return _YES_BUT.sub("But ", line, count=1)


_YES_BUT = re.compile(r"^\s*(?:yes|yeah|ok|okay|right),?\s+but\s+", re.IGNORECASE)
_GLAD_WORD = re.compile(
    r"^\s*(?:great|good|brilliant|lovely|perfect|fine|right|ok|okay|well|oh),\s+(?!but\b)",
    re.IGNORECASE,
)


def opens_relieved(line: str) -> bool:
    """Whether a line opens with relief ("That's one thing off my mind."), which does not
    follow a reply that left the customer worse off; thanks for something given before
    ("Thank you for the credit. But…") is not relief."""
    first = _SENTENCE_END.split(line.strip(), maxsplit=1)[0]
    relief = [r for r in catalogue().relief if r not in ("thank you", "thanks")]
    # a one-word relief is one only said as such ("Good."), not "Great, so now I pay"
    phrases = [r for r in relief if " " in r or len(first.split()) <= 2]
    return len(first.split()) <= 8 and _opens_with(first, phrases)


def without_relief(line: str) -> str:
    """The line without a short sentence of relief or thanks anywhere in it ("So I know
    where I stand with my ticket, then. That's a relief."), for after a reaction that
    finds fault ("Not even a sorry?"), which it would contradict."""
    kept = [
        sentence
        for sentence in _SENTENCE_END.split(line.strip())
        if not (len(sentence.split()) <= 6 and _opens_with(sentence, catalogue().relief))
    ]
    return " ".join(kept) if kept else line


__all__ = [
    "ASK_KINDS",
    "Candidate",
    "HandOverLines",
    "KindDefaults",
    "NeedCatalogue",
    "NeedMet",
    "NeedsState",
    "accepts_offer",
    "addressed_kinds",
    "asks_anything_else",
    "asks_for_met",
    "candidates",
    "catalogue",
    "choose",
    "handed_over_line",
    "hands_over_now",
    "line_asks",
    "makes_choice",
    "met_by",
    "needs_of",
    "opens_by_reacting",
    "opens_relieved",
    "press",
    "press_lines",
    "reads_back_what_they_want",
    "refund_as_one",
    "said_before",
    "says_again",
    "says_when",
    "thank",
    "thanks_for",
    "without_asks_for",
    "without_echo",
    "without_opener",
    "without_promised",
    "without_relief",
    "without_said",
    "without_sorry_asked",
    "without_sour_opener",
    "without_told_again",
    "without_when_asked",
]
