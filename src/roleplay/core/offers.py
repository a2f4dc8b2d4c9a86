"""What a reply gives the customer besides what they need, named in their words.

A rule-bending learner offers a taxi to Bristol, a courtesy car for a month, a five-star
hotel; a generous one adds a £20 credit. None of these may be one of the customer's needs,
so nothing else in the engine takes them in, and a customer who goes on as if they had not
been offered reads as a machine. This module finds them, as the noun phrases the reply's
remedy sentences give ("a brand new courtesy car"), so the customer can thank for them or
doubt them by name ("A taxi all the way to Bristol? I'll believe that when I see it.").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from roleplay.core.analysis import Analysis
from roleplay.core.parse import pipeline

_GIVEN_AS = frozenset({"dobj", "pobj", "attr", "nsubj", "nsubjpass", "conj", "appos", "dative"})
"""How the thing given may hang in the remedy sentence ("give you a courtesy car", "put
you up in a hotel", "a month's supply free")."""

_NAMED_AS = frozenset({"nsubj", "nsubjpass", "pobj"})
"""Where a thing is only spoken of unless it is new ("a month's supply free", "put you up
in a hotel"): "the payment goes to your card" gives nothing more."""

_GIVEN_WORDS = frozenset({"free", "new", "complimentary"})
"""Words that mark a thing as given, whatever it is ("a free smart meter", "a new phone")."""

_HANDED_AS = frozenset({"dobj", "dative", "conj", "appos"})
"""How a thing marked as given must hang to be given ("send you a new phone"), not described
("it's a new supplier's pesto")."""

_MEASURES = frozenset({"set", "pair", "box", "bag", "lot", "load", "bunch", "bottle"})

_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n")

_ANY = frozenset({"any", "every", "each", "no", "some", "all", "which", "what"})

_OWN = {"your": "my", "ur": "my", "yours": "mine", "you": "me", "u": "me"}


def offered_things(
    found: Analysis, nouns: Iterable[str], skip: Iterable[str] = (), *, most: int | None = 2
) -> tuple[str, ...]:
    """The things the reply's remedy sentences give, as the customer would name them ("the
    courtesy car", "£100 compensation"), at most ``most`` (None: all), in the order given:
    noun phrases whose head is one of ``nouns`` (lemmas), or that are given free or new
    ("a free smart meter", "a new phone"), from sentences that state a remedy (not ask about
    one: an offer put as a question is accepted elsewhere), leaving out the sentences in
    ``skip`` (those that met a need, which is thanked for by its own words)."""
    wanted = frozenset(nouns)
    if not wanted:
        return ()
    skipped = [s for s in skip if s]
    said: list[str] = []
    for evidence in found.evidence:
        if evidence.move != "resolve" or evidence.note:
            continue
        quote = evidence.quote.strip()
        if quote.endswith("?") or any(quote in s or s in quote for s in skipped):
            continue
        # the rest of the sentence gives too: "…freeze your price, plus a free new handset"
        end = _SENTENCE_END.search(found.reply, max(evidence.start, evidence.end - 1))
        quote = found.reply[evidence.start : end.end() if end else len(found.reply)].strip()
        if quote.endswith("?"):
            continue  # "would you like me to fetch the label from the kitchen…?": not given yet
        for named in _things_in(quote, wanted):
            if named.lower() not in (s.lower() for s in said):
                said.append(named)
    return tuple(said[:most])


@lru_cache(maxsize=4096)
def _things_in(quote: str, wanted: frozenset[str]) -> tuple[str, ...]:
    """The things one remedy sentence gives, named as the customer would (parsed once: a
    play-through meets the same sentences again and again)."""
    named_things: list[str] = []
    for chunk in pipeline()(quote).noun_chunks:
        commas = [t.i for t in chunk if t.text in (",", ";")]
        if commas:
            chunk = chunk.doc[commas[-1] + 1 : chunk.end]  # "completely free, £200 compensation"
            if not len(chunk):
                continue
        while len(chunk) > 1 and chunk[0].pos_ in ("ADP", "ADV", "PART"):
            # "putting through £1,400 compensation": the verb's particle is no part of it
            chunk = chunk[1:]
        # one of a list hangs as the list's first does: "repairs to the wet room and kitchen"
        # speaks of the kitchen as of the room, not as a thing given
        head = chunk.root
        while head.dep_ == "conj" and head.head.i != head.i:
            head = head.head
        free = head.dep_ in _HANDED_AS and any(t.lower_ in _GIVEN_WORDS for t in chunk[:-1])
        if not (free or chunk.root.lemma_.lower() in wanted) or head.dep_ not in _GIVEN_AS:
            continue
        first = chunk[0].lower_
        if first in _ANY:
            continue  # "book any hotel you like": no thing given yet
        new = first in ("a", "an") or any(t.like_num or t.is_currency for t in chunk)
        if head.dep_ in _NAMED_AS and not new:
            continue  # "the payment goes to your card", "add it to the payment"
        words = [_OWN.get(t.lower_, t.text) + t.whitespace_ for t in chunk]
        if first in ("a", "an", "your", "ur", "that", "this", "these", "those"):
            words[0] = "the "  # "wiv that ticket" → "the ticket", never "the that ticket"
        elif chunk[0].pos_ not in ("DET", "NUM", "PRON") and not chunk[0].is_currency:
            words.insert(0, "the ")  # "vouchers" → "the vouchers"
        named = "".join(words).strip()
        if chunk.root.lemma_.lower() in _MEASURES:
            # "a brand new set of bins": the set is of something
            of = next(
                (c for c in chunk.root.children if c.dep_ == "prep" and c.lower_ == "of"), None
            )
            if of is not None:
                named = f"{named} {quote[of.idx : of.right_edge.idx + len(of.right_edge)]}"
        named_things.append(named)
    return tuple(named_things)


@lru_cache(maxsize=4096)
def plain_doing(doing: str) -> str:
    """A doing offered as what the learner might do, with its verb in the plain form the
    customer says it back in ("refunded the £30 straight away" → "refund the £30 straight
    away", "became your named handler" → "become your named handler"): the verb's lemma,
    read in a sentence of its own so that it is parsed as a verb."""
    words = doing.split()
    if not words:
        return doing
    # "re-billed": the verb is the part after the hyphen
    prefix, _, first = words[0].rpartition("-")
    doc = pipeline()(" ".join(["I", first, *words[1:]]))
    verb = doc[1] if len(doc) > 1 else None
    if verb is None or verb.pos_ not in ("VERB", "AUX") or verb.tag_ not in ("VBD", "VBN"):
        return doing
    plain = f"{prefix}-{verb.lemma_.lower()}" if prefix else verb.lemma_.lower()
    return " ".join([plain, *words[1:]])


@lru_cache(maxsize=4096)
def sum_phrases(quote: str) -> tuple[str, ...]:
    """The phrases of ``quote`` that name a sum, as the customer would say them ("the whole
    £435", "the £3 April rise", "£250 compensation"): from the word the sum hangs on back to
    the first word that goes with it. Noun chunks leave out a phrase whose head is the number
    ("the whole £435"), so the sum's own head is followed instead."""
    doc = pipeline()(quote)
    said = []
    for sign in (t for t in doc if t.is_currency and t.i + 1 < len(doc)):
        number = doc[sign.i + 1]
        root = number.head if number.dep_ in ("nummod", "quantmod", "compound") else number
        if root.i < number.i:
            root = number
        first = root.left_edge.i
        words = [
            "the"
            if t.i == first and t.lower_ in ("a", "an")
            else _OWN.get(t.lower_, t.lower_ if t.i == first else t.text)
            for t in doc[first : root.i + 1]
        ]
        said.append(" ".join(words).replace("£ ", "£"))
    return tuple(said)
