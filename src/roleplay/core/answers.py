"""What the customer answers when the learner's reply ends by asking them something.

A learner asks the customer for their order number, how they are, or what would put things
right. A customer who ignores the question and carries on with their own line sounds like a
machine; one who answers it first ("It's BW-20931.") and then goes on sounds like a person.
The questions and answers are data: ``questions:`` in ``rubrics/needs.yaml`` and, for the
details a customer can give, ``customer: details:`` in the scenario.

Only the reply's last sentence is read, and only when it is a question: a question asked in
passing and then left behind ("How are you? I'm so sorry about this.") is not waiting for an
answer. Offers ("Would you like a refund?") are answered elsewhere
(:func:`roleplay.core.needs.accepts_offer`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from roleplay.core.phrases import has_phrase
from roleplay.core.scenario import Band, Customer, band_line, band_of

BandLines = dict[str, str]


class DetailQuestions(BaseModel):
    """How a learner asks for the customer's details, and how the customer answers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    asks: tuple[str, ...] = Field(min_length=1)
    """What comes before the thing asked for ("can i take your")."""
    nouns: tuple[str, ...] = Field(min_length=1)
    """The things a learner may ask for ("order number", "postcode"), longest first."""
    aliases: dict[str, str] = Field(default_factory=dict)
    """Other words for them ("ref" → "reference"), as a scenario's details are keyed."""
    named_by: dict[str, str] = Field(default_factory=dict)
    """Questions that ask for a detail without naming it ("who am i speaking with" asks
    for the name), by the words that ask and the detail they ask for."""
    references: tuple[str, ...] = ()
    """The numbers on a customer's paperwork: asked for one of them, the customer gives
    the one the scenario has ("reference" is answered with the order number)."""
    personal: tuple[str, ...] = ()
    """What anyone knows by heart (their postcode): one the scenario does not give is
    answered with ``on_record``, not ``unknown``."""
    known: BandLines = Field(min_length=1)
    """The answer when the customer has it: {value}."""
    several: BandLines = Field(min_length=1)
    """The answer to a question for more than one: {list}."""
    unknown: BandLines = Field(min_length=1)
    """The answer when the customer has not got it to hand: {noun}."""
    on_record: BandLines = Field(min_length=1)
    """The answer for a personal detail the scenario does not give: it is on record."""
    corrected: BandLines = Field(
        default_factory=lambda: {"default": "No, that's not right. It's {value}."}
    )
    """The answer to a detail read back wrongly ("the number ending 417?"): {value} is the
    customer's own."""

    @property
    def all_nouns(self) -> tuple[str, ...]:
        """The nouns and their aliases, longest first, so "order number" beats "order"."""
        return tuple(sorted({*self.nouns, *self.aliases}, key=len, reverse=True))


class AskedQuestions(BaseModel):
    """One kind of question put to the customer (``asks``) and the answer, by mood band."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    asks: tuple[str, ...] = Field(min_length=1)
    answer: BandLines = Field(min_length=1)


class Questions(BaseModel):
    """The ``questions:`` section of ``rubrics/needs.yaml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    details: DetailQuestions
    wellbeing: AskedQuestions
    confirm: AskedQuestions
    """A learner checking something back ("Is the number on your record the right one?")."""
    wants: AskedQuestions
    when: AskedQuestions | None = None
    """A learner asking when suits the customer ("What time would suit you?"): they want it
    soon, whatever the scenario."""
    paid_to: AskedQuestions | None = None
    """A learner asking where money should go ("the card you paid with, or another
    account?"): back where it came from, whatever the scenario."""
    pay_day: AskedQuestions | None = None
    """A learner asking which day of the month a payment should be taken."""
    hurt: AskedQuestions | None = None
    """A learner asking whether harm was done ("Were you hurt?"), not how they feel."""
    able: AskedQuestions | None = None
    """A learner asking whether they can cope ("Are you all right to stand?")."""
    remember: AskedQuestions | None = None
    """A learner asking what nobody keeps in their head ("Do you remember who you spoke
    to?"): the scenario's own answers come first, where its brief says it."""
    reason: AskedQuestions | None = None
    """A learner asking why they want what they asked for ("What's made you want a
    manager?")."""
    avoid: AskedQuestions | None = None
    """A learner asking when would not suit ("Is there a day you'd rather they didn't
    come?"): any time will do, as long as it is soon."""
    told: AskedQuestions | None = None
    """A learner telling the customer something as a question ("Did you know you can go to
    the Ombudsman now?"): news to them, which they take in before going on."""
    helps_to_know: AskedQuestions | None = None
    """A learner asking leave to tell something ("Would it help to know why it went up?"):
    the customer wants to hear it."""
    request: AskedQuestions | None = None
    """A learner asking the customer to do something ("Could you send me the receipts?"):
    ``asks`` are the verbs after "could you", "can you" or "would you mind"."""


SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
"""Where one sentence of a line or reply ends and the next begins."""


def last_question(reply: str) -> str:
    """The reply's last sentence in plain lower-case words when it is a question, else "":
    one that ends with "?", or one left without a stop that opens as a question does ("ok
    whats your name")."""
    from roleplay.core.lexicon import plain_words

    sentences = [s for s in SENTENCE_END.split(without_sign_off(reply)) if s.strip()]
    if not sentences:
        return ""
    # an emoticon ends a sentence as a full stop does: "8 days :( can u giv me ur order no"
    last = _EMOTICON.split(sentences[-1])[-1].rstrip()
    plain = plain_words(last).lower()
    if last.endswith("?") or (not last.endswith((".", "!")) and _ASKS.match(plain)):
        return plain
    return ""


_EMOTICON = re.compile(r"(?<=\s)[:;]-?[()DPp/|\\]+\s+")


def without_sign_off(reply: str) -> str:
    """The reply without the sign-off that may end a written one ("Regards, Sam", "Jo"),
    so that the question before it is still its last word."""
    text = reply.strip()
    found = _SIGN_OFF.search(text)
    if found and found.group(0).strip() and found.start() > 0:
        text = text[: found.start()].rstrip()
    return text


_SIGN_OFF = re.compile(
    r"(?:^|(?<=[.!?…])|\n)\s*(?i:(?:kind |best |warm |many )?(?:regards|wishes|thanks)|cheers"
    r"|thank you|yours (?:sincerely|faithfully|truly)|sincerely|speak soon|take care)?,?\s*"
    r"(?:[A-Z][a-z]+(?: [A-Z][a-z]+)?)?(?:,\s*[A-Z][\w&]*(?: [A-Z][\w&]*){0,3})?"
    r"(?:\s*\([A-Z][\w&]*(?: [A-Z&][\w&]*){0,3}\))?\.?\s*$"
)
"""A written reply's sign-off after its last sentence: "Regards, Sam", "Best wishes, Jo",
"Kind regards, Jordan, Home Claims", "Kind regards, Priya (Home Claims)"."""


_ASKS = re.compile(
    r"(?:(?:ok|okay|right|so|and|hi|hiya|hello)\W+)*"
    r"(?:(?:what|where|when|which|who|how)\b"
    r"|(?:can|could|may|would|will|do|does|did|is|are|have|has)\s+"
    r"(?:i|you|we|he|she|they|it|this|that|there|someone|anyone|your)\b)"
)
"""How a question opens, for one sent without its question mark: a question word, or a
verb before its subject ("can you…", not "can not promise…")."""


def asked_details(question: str, rubric: DetailQuestions) -> list[str]:
    """The details a question asks for, as the rubric names them, in the order asked:
    "can i take your order number and your postcode" → ["order number", "postcode"]."""
    nouns: list[str] = []
    for ask in rubric.asks:
        # "can i take your address", "can i take the address" or "can i take an email address"
        pattern = (
            re.escape(ask).removesuffix("your")
            + ("(?:your|the|an?)" if " " in ask[:-5] else "(?:your|the)")
            if ask.endswith("your")
            else re.escape(ask)
        )
        for match in re.finditer(rf"(?<!\w){pattern}\s+", question):
            rest = question[match.end() :]
            while noun := _noun_at(rest, rubric.all_nouns):
                nouns.append(noun)
                rest = rest[_noun_end(rest, noun) :]
                joined = _JOINED.match(rest)
                if joined is None:
                    break
                rest = rest[joined.end() :]
    for words, noun in rubric.named_by.items():
        if _whole_words(words).search(question):
            nouns.append(noun)
    if not nouns and (bare := _BARE_DETAIL.match(question.strip())):
        # a curt "Name?" or "ur reg?": the detail alone is the question
        rest = bare.group("rest").strip(" .")
        named = rubric.aliases.get(rest, rest)
        if named in rubric.all_nouns or rest in rubric.aliases:
            nouns.append(named)
    return list(dict.fromkeys(nouns))


_BARE_DETAIL = re.compile(
    r"^(?:(?:and|so|ok|okay|right|sorry|soz|please|pls|just|then)[\s,]+)*(?:your|ur|the)?\s*"
    r"(?P<rest>[a-z][a-z .]{1,25}?)(?:[\s,]+(?:please|pls|then))?\s*[?.!]*$"
)
"""A question that is only the detail asked for ("Name?", "ur postcode pls?")."""


_JOINED = re.compile(r"\s*(?:,|\band\b|&)\s*(?:(?:and|your|the)\s+)*")
"""What joins one detail asked for to the next: "your name, your postcode and email"."""


@functools.lru_cache(maxsize=4096)
def _whole_words(words: str) -> re.Pattern[str]:
    """``words`` as whole words anywhere, compiled once (the re module's cache is too small
    for every phrase of the rubric)."""
    return re.compile(rf"(?<!\w){re.escape(words)}(?!\w)")


@functools.lru_cache(maxsize=4096)
def _starts_with(words: str) -> re.Pattern[str]:
    """``words`` as whole words at the start of a text, compiled once."""
    return re.compile(rf"{re.escape(words)}(?!\w)")


def _noun_at(text: str, nouns: tuple[str, ...]) -> str | None:
    """The detail named at the start of ``text``, also when a part of it is asked for ("the
    first line of your address", "the last four digits of the card")."""
    part = _PART_OF.match(text)
    rest = text[part.end() :] if part else text
    return next((n for n in nouns if _starts_with(n).match(rest)), None)


def _noun_end(text: str, noun: str) -> int:
    """Where ``noun`` (found by :func:`_noun_at`) ends in ``text``."""
    part = _PART_OF.match(text)
    return (part.end() if part else 0) + len(noun)


_PART_OF = re.compile(
    r"(?:the )?(?:first|last|second|top|start of the|end of the)\s+(?:\w+\s+)?"
    r"(?:line|lines|part|half|bit|digits|numbers|letters|characters)\s+of\s+(?:your|the)\s+"
)
"""A part of a detail asked for: "the first line of your address"."""


def _detail_value(noun: str, customer: Customer, rubric: DetailQuestions) -> str | None:
    """The customer's answer for ``noun`` (already put in the rubric's own words) from the
    scenario's details; any of their paperwork's numbers answers for another."""
    details = {
        rubric.aliases.get(key.lower(), key.lower()): v for key, v in customer.details.items()
    }
    if noun in details:
        return details[noun]
    if noun == "name":
        return customer.name
    if noun in rubric.references:
        return next((v for key, v in details.items() if key in rubric.references), None)
    return None


def _as_written(noun: str, reply: str) -> str:
    """``noun`` as the learner wrote it ("NHS number"), else as the rubric does."""
    found = re.search(rf"(?<!\w){re.escape(noun)}(?!\w)", reply, re.IGNORECASE)
    return found.group(0) if found else noun


def answer_details(
    question: str, customer: Customer, rubric: DetailQuestions, mood: int, reply: str = ""
) -> str:
    """The customer giving the details asked for, or saying they have not got them;
    ``reply`` is the learner's own wording, for the name of a detail the customer lacks."""
    nouns = [rubric.aliases.get(noun, noun) for noun in asked_details(question, rubric)]
    if not nouns:
        return ""
    if nouns == ["details"]:
        nouns = ["name", *customer.details]
    given: list[tuple[str, str]] = []
    missing: list[str] = []
    for noun in dict.fromkeys(nouns):
        value = _detail_value(noun, customer, rubric)
        if value is None:
            missing.append(noun)
        else:
            given.append((noun, value))
    if not given:
        if all(noun in rubric.personal for noun in missing):
            return band_line(rubric.on_record, mood)
        return band_line(rubric.unknown, mood).replace("{noun}", _as_written(missing[0], reply))
    if len(given) == 1:
        said = band_line(rubric.known, mood).replace("{value}", given[0][1])
    else:
        listed = [f"my {noun} is {value}" for noun, value in given]
        joined = ", ".join(listed[:-1]) + " and " + listed[-1]
        said = band_line(rubric.several, mood).replace("{list}", joined)
        said = said[:1].upper() + said[1:]  # "My order number is…" when the list opens it
    if not missing:
        return said
    # "your order number and your date of birth": the one they lack is not left unanswered
    if all(noun in rubric.personal for noun in missing):
        return f"{said} {band_line(rubric.on_record, mood)}"
    lacking = band_line(rubric.unknown, mood).replace("{noun}", _as_written(missing[0], reply))
    return f"{said} {lacking}"


def answer_to(reply: str, customer: Customer, questions: Questions, mood: int) -> str:
    """What the customer answers to the question the reply ends with, or "" when it does
    not end by asking them something they can answer: their details, what the scenario's
    ``answers`` foresee, how they are, or what they want."""
    earlier, last = answers_to(reply, customer, questions, mood)
    return " ".join(said_once([a for a in (earlier, last) if a]))


def said_once(answers: Sequence[str]) -> list[str]:
    """``answers`` given in one breath, each sentence that tells again what an earlier one
    told left out ("To Bristol, for my grandson's school concert." then not "Yes, today: my
    grandson's school concert in Bristol."): most of its words of substance said already."""
    told: set[str] = set()
    kept: list[str] = []
    for answer in dict.fromkeys(answers):
        sentences = []
        for sentence in SENTENCE_END.split(answer):
            words = {w.rstrip(".:'") for w in _SUBSTANCE.findall(sentence.lower())}
            if len(words) >= 3 and len(words & told) >= 0.75 * len(words):
                continue
            told |= words
            sentences.append(sentence)
        if sentences:
            kept.append(" ".join(sentences))
    return kept


_SUBSTANCE = re.compile(r"[a-z£0-9][a-z£0-9'.:]{3,}")
"""Words of four letters or more: what a sentence tells, without its little words."""


def answers_to(
    reply: str,
    customer: Customer,
    questions: Questions,
    mood: int,
    unless: Callable[[str], bool] | None = None,
) -> tuple[str, str]:
    """The customer's answers to the reply's earlier questions, and to its last: an offer
    put last ("…would you like me to go ahead?") is taken up instead of answered, but what
    was asked before it ("Can I ask what's made you want a manager?") is still answered.
    An earlier question for which ``unless`` holds (an offer, taken up elsewhere) is not."""
    question = last_question(reply)
    request = "" if question else _detail_requested(reply)
    # "Just give me the card number now and I'll sort it": a detail asked for as an order
    # is given like one asked for as a question
    if request and (said := answer_details(request, customer, questions.details, mood, reply)):
        return "", said
    if not question:
        # the question may come before a last word of explanation ("How much a month would
        # suit you? Over 18 months it's about £21."): answered, unless it only greets
        asked = _earlier_questions(reply)
        if not asked or _greets(asked[-1]):
            return "", ""
        return "", _answer_last(asked[-1], reply, customer, questions, mood)
    # "How is he feeling? And do you have his pen with you?": each question they can
    # answer is answered, in order; a greeting left behind ("How are you? …") is not
    earlier = [said for _, said in earlier_answers(reply, customer, questions, mood, unless)]
    last = _answer_last(question, reply, customer, questions, mood)
    before = [said for said in dict.fromkeys(earlier) if said != last]
    return " ".join(said_once(before)), last


def earlier_answers(
    reply: str,
    customer: Customer,
    questions: Questions,
    mood: int,
    unless: Callable[[str], bool] | None = None,
) -> list[tuple[str, str]]:
    """The customer's answers to the questions before the reply's last sentence, each with
    the question it answers (plain lower-case words), in the order asked: at most the last
    two, so that a reply of many questions is not answered as a form is filled in."""
    # (a cross "How do you think I'm feeling?" to concern, then an answer to what comes
    # after it, would be two moods in one breath: a cross customer answers what is asked last)
    cross = band_of(mood) in (Band.ANGRY, Band.FURIOUS)
    return [
        (asked, said)
        for asked in _earlier_questions(reply)
        if not _greets(asked)
        and not (unless is not None and unless(asked))
        and not (cross and any(has_phrase(ask, asked) for ask in questions.wellbeing.asks))
        and (said := _answer_last(asked, reply, customer, questions, mood))
    ][-2:]


def question_order(reply: str) -> dict[str, int]:
    """Each question of ``reply``, in plain lower-case words, by its place in the reply."""
    from roleplay.core.lexicon import plain_words

    sentences = [s for s in SENTENCE_END.split(without_sign_off(reply)) if s.strip()]
    asked = [plain_words(s).lower() for s in sentences if s.rstrip().endswith("?")]
    return {question: place for place, question in enumerate(asked)}


_DETAIL_REQUEST = re.compile(
    r"\b(?:give|tell|send|read|pass|text|email|e-mail)\s+(?:me|us)\s+(?:your|ur|the)\b"
)
"""A detail asked for as an order ("Please send me your order number.")."""


def _detail_requested(reply: str) -> str:
    """The reply's last sentence in plain lower-case words when it asks for a detail as an
    order, not a question ("Just give me the card number now."), else ""."""
    from roleplay.core.lexicon import plain_words

    sentences = [s for s in SENTENCE_END.split(without_sign_off(reply)) if s.strip()]
    if not sentences:
        return ""
    plain = plain_words(sentences[-1]).lower()
    return plain if _DETAIL_REQUEST.search(plain) else ""


def particulars_answer(reply: str, customer: Customer, questions: Questions, mood: int) -> str:
    """The customer's answer to a last question that asks only for their particulars (a
    detail such as their email, or how to reach them), or "": one who is walking away still
    says where the letter should go ("Email. But that's not the end of it…"), though they
    no longer answer how they feel or what they want."""
    question = last_question(reply)
    if not question or SECOND_QUESTION.search(question):
        return ""
    if said := answer_details(question, customer, questions.details, mood, reply):
        return said
    if _RECEIVED.match(question) or not (
        asks_which_channel(question) or _ONE_WAY_OK.search(question)
    ):
        return ""
    contact = next((a for a in customer.answers if "phone or email" in a.asks), None)
    return _one_they_offered(question, contact.say) if contact is not None else ""


_GREETING = re.compile(
    r"^\W*(?:(?:hi|hello|hiya|morning|afternoon|ok|okay|so|and)\W+)*(?:\w+\W+){0,2}"
    r"how (?:are you|are things|is it going|are you doing)(?: today| this morning| this afternoon)?"
    r"\W*$"
)
"""A "How are you?" said in passing as a greeting, not concern asked after ("Oh dear, are you
all right?", "How are you feeling?")."""


def _greets(asked: str) -> bool:
    """Whether an earlier question of the reply only greets: it is left unanswered."""
    return _GREETING.match(asked) is not None


_CHANNELS: dict[str, tuple[str, str]] = {
    "phone": (r"\b(?:call|called|calling|ring|rang|phone|phoned|mobile)\b", "A call, please."),
    "email": (r"\be-?mail(?:ed|s)?\b", "Email, please."),
    "post": (r"\b(?:post|posted|letter|letters)\b", "By post, please."),
    "text": (r"\b(?:text|texted|texts)\b", "A text, please."),
    "chat": (r"\bchat\b", "Here on the chat, please."),
}
"""Ways of being in touch: the words that name each, and the customer's pick of it."""


def _channels_in(text: str) -> list[str]:
    """The ways of being in touch ``text`` names, in the order it names them."""
    found = [
        (m.start(), name)
        for name, (words, _) in _CHANNELS.items()
        if (m := re.search(words, text.lower()))
    ]
    return [name for _, name in sorted(found)]


def _one_they_offered(question: str, say: str) -> str:
    """The tutor's answer on how to be contacted, unless the choice put is between other
    ways ("shall I post you the forms, or email them?" to one who wants a call): then the
    customer picks one of those put to them, email first."""
    offered = _channels_in(question)
    wanted = _channels_in(say)
    if len(offered) == 1 and offered[0] in wanted[1:]:
        # "Could I ring you with her answer by 4pm?" to one who wants a letter but may be
        # rung: yes to the call, in their words ("Yes. Ring me on the landline…"), not the
        # letter first, which answers a question never asked
        words, _ = _CHANNELS[offered[0]]
        said = next((t for t in SENTENCE_END.split(say) if re.search(words, t.lower())), "")
        said = re.sub(r"^(?:and|but|or)\s+", "", said.strip(), flags=re.IGNORECASE)
        if said:
            return f"Yes. {said[:1].upper()}{said[1:]}"
    if len(offered) < 2 or not wanted or set(wanted) & set(offered):
        return say
    pick = "email" if "email" in offered else offered[0]
    return _CHANNELS[pick][1]


_CHOICE_OF_TWO = re.compile(
    r"(?:^|\W)(?:is|are|was|were|would|should)\b.*\bor (?:in )?(?:your|his|her|their|my|the|a|an)\b"
)
"""A question that puts two things to choose from ("Is the card in your name or your
husband's?"), not a yes-or-no question with two verbs ("Have you dropped it or knocked it?")."""
_LEADING_YES_OR_NO = re.compile(r"^(?:yes|no)\b[,.!]?\s+", re.IGNORECASE)


def _without_yes_or_no(question: str, say: str) -> str:
    """The tutor's answer without its "Yes," or "No," when the question put a choice of two
    ("Is the card in your name or your husband's?" → "It's in his name only.")."""
    if not _CHOICE_OF_TWO.search(question) or re.search(r"\bor not\b|\byes or no\b", question):
        return say
    rest = _LEADING_YES_OR_NO.sub("", say, count=1)
    return rest[:1].upper() + rest[1:]


_RECEIVED = re.compile(
    r"\W*(?:(?:and|so|also|ok|okay)\W+)*(?:have|has|did|do|were|was) you (?:\w+ )?"
    r"(?:had|got|get|receive|received|seen|see|been sent|heard)\b"
)
"""A question whether the customer had something ("have you had any letters or emails from
us?"), which names ways of being in touch without asking which they prefer."""

_ONE_WAY_OK = re.compile(
    r"\b(?:is|are|would|will)\s+(?:an?\s+)?(?:e-?mail|text|call|phone call|letter|post)s?\s+"
    r"(?:the\s+)?(?:ok|okay|alright|all right|fine|best|good|easiest|easier|better)\b"
    r"|\b(?:can|could|shall|should) (?:i|we) (?:e-?mail|text|ring|call|write to) you\b"
)
"""A question whether one way of being in touch suits ("is email OK for the confirmation?")."""


def asks_which_channel(question: str) -> bool:
    """Whether ``question`` offers a choice of ways to be contacted ("would you rather I
    called you or do you want to keep this on email?")."""
    return " or " in question and len(_channels_in(question)) >= 2


def _asks_it(ask: str, question: str) -> bool:
    """Whether ``question`` asks what ``ask`` does, and not something narrower that begins
    the same way ("are you alright for time?" is not "are you alright?")."""
    found = _ask_pattern(ask).search(question)
    return found is not None and found.group("next") not in _NARROWER


@lru_cache(maxsize=8192)
def _ask_pattern(ask: str) -> re.Pattern[str]:
    """The pattern :func:`_asks_it` searches for ``ask`` with, compiled once."""
    return re.compile(rf"(?<!\w){re.escape(ask)}(?!\w)\s*(?P<next>\w*)")


_NARROWER: frozenset[str] = frozenset({"for", "with", "to", "about", "on", "getting", "going"})
"""Words after a general question that make it a narrower one."""


def _earlier_questions(reply: str) -> list[str]:
    """The reply's questions before its last sentence, in plain lower-case words: details
    asked for there ("Can I take your postcode? And how are you?") are given too, and the
    last of them is answered when the reply does not end with a question."""
    from roleplay.core.lexicon import plain_words

    sentences = [s for s in SENTENCE_END.split(without_sign_off(reply)) if s.strip()]
    return [plain_words(s).lower() for s in sentences[:-1] if s.rstrip().endswith("?")]


SECOND_QUESTION = re.compile(
    r",?\s+(?:and|also|plus)\s+(?:also\s+)?(?=(?:have|has|do|does|did|is|are|was|were|can|could|"
    r"would|will|shall|should|what|where|when|which|who|how|whether|if|you(?:'ll| will| can))\s)"
)
"""Where one sentence asks a second question ("Could you give me your order number, and
have you checked with the neighbours?"; "Would you like me to do that, and is email OK?")."""


_CHECKS_BACK = re.compile(
    r"\b(?:address|number|email|e-mail|postcode|post code|mobile|landline|account|details)\b"
)
_A_VALUE = re.compile(
    r"\bending(?: in| with)? \d+|\d{3,}|@|\b\d+ [a-z]+ "
    r"(?:road|street|close|lane|avenue|drive|way|walk|court|place|crescent|gardens)\b"
)
"""A detail read back to the customer to confirm: a number ending, a house, an email."""


def _read_back_wrongly(question: str, customer: Customer, reply: str = "") -> str | None:
    """The customer's own detail when ``question`` reads one back that is not theirs ("the
    number ending 417" to one whose number ends 031), else None (read back right, or
    nothing of theirs to hold it against); an email is read in the ``reply`` as written."""
    ending = re.search(r"\bending(?: in| with)? (\d{2,})", question)
    if ending:
        digits = ending.group(1)
        # the kind of number asked about first: "the card ending…", "the account ending…"
        named = next((w for w in ("card", "account") if w in question), "phone")
        ranked = sorted(
            customer.details.items(),
            key=lambda item: named not in item[0].lower() and "mobile" not in item[0].lower(),
        )
        numbers = [v for _, v in ranked if v and sum(c.isdigit() for c in v) >= 6]
        if numbers and not any(re.sub(r"\D", "", v).endswith(digits) for v in numbers):
            return numbers[0]
        return None
    if "@" in question:
        emails = [v for v in customer.details.values() if v and "@" in v]
        said = re.search(r"[\w.+-]+@[\w.-]+\w", reply.lower())
        if emails and said and not any(said.group(0) == v.lower() for v in emails):
            return emails[0]
        return None
    house = re.search(
        r"\b(\d+) ([a-z]+) (?:road|street|close|lane|avenue|drive|way|walk)", question
    )
    address = next((v for k, v in customer.details.items() if k.lower() == "address"), None)
    if house and address:
        number, name = house.groups()
        low = address.lower()
        if not re.search(rf"\b{number}\b", low) or name not in low:
            return address
    return None


_HAS_ONE = re.compile(
    r"\b(?:is there|do you have|have you got)\s+(?:an?|another)\s+"
    r"(?:(?:good|best|preferred|different|other|new|better)\s+)?"
)
"""A detail asked for as whether they have one ("is there an email address you'd like it
sent to?"): given after the tutor's own answers, which may say more ("Text me; never ring")."""

_WHEN_ASKED = re.compile(
    r"^\W*(?:(?:and|so|ok|okay|also)\W+)*(?:when|what date|what day|how long ago|how long since)\b"
    r"|\b(?:ask|know|tell me|remember|say)\s+(?:roughly\s+|exactly\s+)?when\b",
    re.IGNORECASE,
)
"""A question that asks when something happened ("when did the bill arrive?"), which a yes
or a no does not answer."""

_WHY_ASKED = re.compile(r"\W*(?:(?:and|so|ok|okay|also|but)\W+)*(?:why|how come)\b")
"""A question that asks a cause ("why did the tablets run out?"), which a time does not
answer."""

_LEADING_TIME = re.compile(
    r"(?i)\W*(?:since|last|yesterday|today|this (?:morning|afternoon|week)|on (?:monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sunday)|(?:about |nearly |over )?(?:a|an|one|two"
    r"|three|four|five|six|seven|eight|nine|ten|\d+) (?:days?|weeks?|months?|years?) ago)\b"
)
"""An answer that opens with a time ("Since Sunday.", "Three days ago.")."""

_OPEN_QUESTION = re.compile(r"\W*(?:(?:and|so|ok|okay|also)\W+)*(?:what|which|where|who|how)\b")
"""A question that asks for something, not whether it is so."""


_CHECKED_DETAIL = re.compile(
    r"\b(?:is|are) (?:the|your|ur|that|this) (?:email(?: address)?|e-mail(?: address)?|address"
    r"|home address|(?:phone|mobile|contact|telephone) number|number|postcode|post code)\b"
)
"""A question that opens on one of the customer's contact details ("Is the email address on
the booking still the best one?")."""


def _confirmed(
    question: str, customer: Customer, questions: Questions, mood: int, reply: str
) -> str:
    """The customer's yes to a detail of theirs checked back, or the right one when it was
    read back wrongly."""
    if (right := _read_back_wrongly(question, customer, reply)) is not None:
        return band_line(questions.details.corrected, mood).replace("{value}", right)
    return band_line(questions.confirm.answer, mood)


def _answer_last(
    question: str, reply: str, customer: Customer, questions: Questions, mood: int
) -> str:
    """The answer to one question sentence, or "": each question it joins with "and" is
    answered in turn."""
    parts = SECOND_QUESTION.split(question)
    said = [a for part in parts if (a := _answer_one(part, reply, customer, questions, mood))]
    return " ".join(dict.fromkeys(said))


def _answer_one(
    question: str, reply: str, customer: Customer, questions: Questions, mood: int
) -> str:
    """The answer to one question, or ""."""
    if said := answer_details(question, customer, questions.details, mood, reply):
        return said
    from roleplay.core.conditions import keyword_in

    received = _RECEIVED.match(question) is not None
    if (
        not _OPEN_QUESTION.match(question)
        and _CHECKED_DETAIL.search(question)
        and any(_asks_it(ask, question) for ask in questions.confirm.asks)
    ):
        # "Is the email address on the booking still the best one?": their detail checked,
        # not the booking the scenario has an answer about
        return _confirmed(question, customer, questions, mood, reply)
    fits = [
        answer
        for answer in customer.answers
        # "have you had any letters or emails from us?" asks no preference
        if not (received and "phone or email" in answer.asks) and keyword_in(answer.asks, question)
    ]
    if len(fits) > 1 and _OPEN_QUESTION.match(question):
        # "what time suits for the truck to come?" asks for a time: not "Yes, that's fine."
        # (written for "is 2pm OK for the truck to come?") when an answer with one fits too
        fits = [a for a in fits if not _LEADING_YES_OR_NO.match(a.say)] or fits
    if _WHY_ASKED.match(question):
        # "Why did your tablets run out?" asks a cause: not "Since Sunday." (written for
        # "when did you run out?")
        fits = [a for a in fits if not _LEADING_TIME.match(a.say)]
    if _WHEN_ASKED.search(question):
        # "can I ask when you got the bill?" asks a time: not "Yes, I've got it open in
        # front of me." (written for "have you got the bill?")
        fits = [a for a in fits if not _LEADING_YES_OR_NO.match(a.say)]
    if fits:
        return _one_they_offered(question, _without_yes_or_no(question, fits[0].say))
    if (has := _HAS_ONE.search(question)) and (
        said := answer_details(
            f"{question[: has.start()]}can i take your {question[has.end() :]}",
            customer,
            questions.details,
            mood,
            reply,
        )
    ):
        return said
    if not received and (asks_which_channel(question) or _ONE_WAY_OK.search(question)):
        # "would you rather I called you, or keep this on email?": the tutor's answer to
        # how they want to be contacted, however the choice is worded
        contact = next((a for a in customer.answers if "phone or email" in a.asks), None)
        if contact is not None:
            return _one_they_offered(question, contact.say)
    # a choice of times ("Tuesday or Friday?") is picked from, not answered with "soon"
    when = questions.when if " or " not in question else None
    # "what's the best address?" asks for the address, not whether one is right
    confirm = None if _OPEN_QUESTION.match(question) else questions.confirm
    for kind in (questions.paid_to, questions.pay_day):
        # "back to the card you booked with, or another account?": a choice they can make
        if kind is not None and any(_asks_it(ask, question) for ask in kind.asks):
            return band_line(kind.answer, mood)
    read_back = _A_VALUE.search(question) and " or " not in question
    if confirm is not None and read_back and (_CHECKS_BACK.search(question) or "@" in question):
        # "is the address still 14 Larch Close?", "the number ending 417, is that right?";
        # read back wrong, it is put right with the one on record
        return _confirmed(question, customer, questions, mood, reply)
    if pick := _time_picked(question):
        return pick
    kinds = (
        questions.hurt,
        questions.able,
        questions.wellbeing,
        questions.avoid,
        confirm,
        questions.wants,
        when,
        questions.remember,
        questions.reason,
        questions.helps_to_know,
        questions.told,
    )
    for kind in (k for k in kinds if k is not None):
        if any(_asks_it(ask, question) for ask in kind.asks):
            return band_line(kind.answer, mood)
    if questions.request is not None and asks_them_to(question, questions.request):
        return band_line(questions.request.answer, mood)
    return ""


def asks_them_to(question: str, request: AskedQuestions) -> bool:
    """Whether ``question`` asks the customer to do something one of ``request``'s verbs
    names ("could you just send me the receipts?", "would you mind waiting?"), not to say
    something ("can you tell me what happened?") or to be given something."""
    return _request_pattern(request.asks).search(question) is not None


@lru_cache(maxsize=8)
def _request_pattern(verbs: tuple[str, ...]) -> re.Pattern[str]:
    """The request verbs after "could you…", as one pattern, longest verb first; built
    once, not for every question of every reply."""
    alternatives = "|".join(re.escape(verb) for verb in sorted(verbs, key=len, reverse=True))
    return re.compile(rf"{_ASKED_TO.pattern}(?:{alternatives})(?!\w)")


_ASKED_TO = re.compile(
    r"(?:^|\W)(?:could|can|would|will|cud|cn) (?:you|u) "
    r"(?:(?:please|pls|plz|just|possibly|kindly|also|quickly|maybe|then|now|first) )*"
)
"""What comes before the verb of a request ("could you please", "can u just")."""

_TIMES = (
    r"(?:(?:this|tomorrow|in the|on|next) )?"
    r"(?:morning|afternoon|evening|lunchtime|today|tonight|tomorrow|weekend|weekday"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|\d{1,2}(?:[:.]\d\d)?\s?(?:am|pm)|am|pm|first thing|after lunch|before lunch)"
)
_TIME_CHOICE = re.compile(
    rf"(?:^|\W)(?P<first>{_TIMES}),?\s+or\s+(?:in\s+)?(?:the\s+)?{_TIMES}(?:\W|$)"
)
"""A choice of two times ("morning or afternoon?", "Tuesday or Friday?")."""


def _time_picked(question: str) -> str:
    """The customer's pick of the first of two times put to them ("…tomorrow - morning or
    afternoon?" → "Morning, please."), or "": a customer who wants it soon takes the first."""
    found = _TIME_CHOICE.search(question)
    if found is None:
        return ""
    first = found.group("first").removeprefix("in the ")
    return f"{first[:1].upper()}{first[1:]}, please."
