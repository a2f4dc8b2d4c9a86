"""``analyse(reply)``: which moves and red flags a learner's reply makes, with evidence.

The reply is read in four steps:

1. its words are normalised (:mod:`normalise`: text-speak, misspellings and contractions
   corrected, each word still pointing at the learner's own characters) and parsed with
   spaCy (:mod:`parse`): lemmas, parts of speech, dependencies and who does what;
2. every rule (:mod:`parse_rules`) matches its token and dependency patterns, and each
   match's voice is judged by its scope in the dependency tree: a move counts only when the
   agent makes it sincerely in their own voice, so a match inside quotation marks, a
   reported clause ("you said sorry last time"), a condition ("if I were to refund you")
   or a negated clause ("I won't apologise") is set aside with the reason; a rule that
   reads the customer's message is checked against it;
3. blockers cancel the moves they override where they match (a non-apology cancels the
   apology inside it; "thanks for nothing" cancels the thanks), and a rule with
   ``unless_followed_by`` is cancelled when one of those moves comes later ("I can't refund
   that, but I can replace it" is a limit with an alternative, not a dismissal);
4. what survives becomes the analysis: each move once, with every piece of evidence.

Every step is linear in the length of the reply, which is capped at
:data:`MAX_REPLY_CHARS` (the rest of a longer reply is not scored, and the analysis says so),
and nothing here prints or reads a file after the rules are loaded.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from roleplay.core.analysis import Analysis, Evidence
from roleplay.core.lexicon import Lexicon, load_lexicon
from roleplay.core.moves import FLAGS, guide_order
from roleplay.core.normalise import Normalised, normalise
from roleplay.core.parse import (
    Echo,
    Parsed,
    Roles,
    describe,
    echo_of,
    echoes,
    is_question,
    narrated_past,
    only_if_customer,
    parse,
    parse_many,
    pipeline,
    standard_told,
    voice_problem,
)
from roleplay.core.parse_rules import CompiledParseRule, DocIndex, ParseRule

if TYPE_CHECKING:
    from spacy.tokens import Token

MAX_REPLY_CHARS = 10_000
"""The most of one reply that is scored (about 1,600 words; real replies run to about a
thousand characters). Scoring costs time and memory in proportion to the length, some
10 µs and a few hundred bytes a character for the worst text, so a longer reply is scored
on its first part only, cut at a space, and its :class:`Analysis` says so."""

CUT_AT_SPACE_WITHIN = 200
"""How far back from the limit a long reply is cut at a space rather than mid-word."""

CACHE_MAX_CHARS = 4096
"""Replies up to this length are remembered, so scoring the same reply again is free."""

MAX_QUOTE = 300
"""A clause or sentence longer than this is quoted as the matched words alone."""

MAX_BLOCKER_TOKENS = 64
"""Blockers are short phrases; this bounds the search back for one that overlaps a match."""

ECHO_IGNORED = "echo_ignored"
"""The word class of words too general to echo the customer (problem, issue, thing…)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(slots=True)
class _Match:
    rule: CompiledParseRule
    start: int  # normalised-text offsets
    end: int
    first: int  # token indexes, inclusive
    last: int
    reason: str = ""
    detail: str = ""  # what a parse rule matched: lemmas, parts of speech, relations


def analyse(
    reply: str,
    customer: str | None = None,
    lexicon: Lexicon | None = None,
) -> Analysis:
    """Return every move and red flag that ``reply`` makes, each with quoted evidence.

    ``customer`` is the customer's previous message, the context the guide labels with:
    rules with ``echo`` count only when the reply echoes its words (restating the problem,
    asking about it), and rules with ``needs_customer`` judge a reply to it (one that
    ignores the complaint). Without it those rules do not fire. ``lexicon`` defaults to the
    bundled rules. Never raises for any string.

    A reply longer than :data:`MAX_REPLY_CHARS` is scored on its first part only (see
    :func:`scored_part`): the analysis's ``reply`` is that part, and ``truncated_from`` the
    whole reply's length, so every caller can say so.
    """
    lex = lexicon or load_lexicon()
    customer = _context(customer)
    key = (reply, customer)
    found = _MEMO.get(lex, key)
    if found is not None:
        return found
    scored = scored_part(reply)
    analysis = _analyse(scored, lex, customer=customer)
    if len(scored) < len(reply):
        analysis = replace(analysis, truncated_from=len(reply))
    _MEMO.put(lex, key, analysis)
    return analysis


def analyse_many(
    items: Iterable[tuple[str, str | None]],
    lexicon: Lexicon | None = None,
) -> list[Analysis]:
    """Return the analyses of many ``(reply, customer)`` pairs, in order.

    The same analyses as :func:`analyse` one by one, made faster by parsing the replies
    together (:func:`roleplay.core.parse.parse_many`): for scoring a file or re-marking a
    cohort. Never raises for any strings.
    """
    lex = lexicon or load_lexicon()
    pairs = list(items)
    out: list[Analysis | None] = []
    todo: dict[tuple[str, str | None], list[int]] = {}
    for reply, given in pairs:
        key = (reply, _context(given))
        found = _MEMO.get(lex, key)
        if found is None:
            todo.setdefault(key, []).append(len(out))
        out.append(found)
    keys = list(todo)
    prepared = [_prepare(lex, scored_part(reply)) for reply, _customer in keys]
    parsed = _parse_all(lex, prepared)
    for (reply, customer), (clean, norm), one in zip(keys, prepared, parsed, strict=True):
        scored = scored_part(reply)
        analysis = _analyse(scored, lex, (clean, norm, one), customer)
        if len(scored) < len(reply):
            analysis = replace(analysis, truncated_from=len(reply))
        _MEMO.put(lex, (reply, customer), analysis)
        for index in todo[(reply, customer)]:
            out[index] = analysis
    return [a for a in out if a is not None]


def _parse_all(lex: Lexicon, prepared: list[tuple[str, Normalised]]) -> list[Parsed | None]:
    """Parse every prepared reply that has words, in one batch."""
    parsed: list[Parsed | None] = [None] * len(prepared)
    if prepared:
        wanted = [i for i, (_clean, norm) in enumerate(prepared) if norm.tokens]
        batch = parse_many([prepared[i] for i in wanted], lex.parse.roles)
        for i, one in zip(wanted, batch, strict=True):
            parsed[i] = one
    return parsed


WARM_UP_REPLY = "Thank you for waiting, and I'm sorry. I'll check the order and call you back."


def warm_up() -> None:
    """Load the rules and the language model now, and score one short reply, so that the
    first real reply is scored at once: the app calls this in the background as it starts.

    Raises what :func:`analyse` would for broken rules or a missing model.
    """
    analyse(WARM_UP_REPLY)


def _context(customer: str | None) -> str | None:
    """The customer's message as the rules read it: None when blank, else its scored part."""
    if customer is None or not customer or customer.isspace():
        return None
    return scored_part(customer)


def scored_part(reply: str) -> str:
    """Return the part of ``reply`` that is scored: all of it, or its first
    :data:`MAX_REPLY_CHARS` characters, cut at the last space before the limit if one is near.
    """
    if len(reply) <= MAX_REPLY_CHARS:
        return reply
    head = reply[:MAX_REPLY_CHARS]
    space = max(head.rfind(" "), head.rfind("\n"), head.rfind("\t"))
    return head[:space] if space >= MAX_REPLY_CHARS - CUT_AT_SPACE_WITHIN else head


class _Memo:
    """The analyses of recently scored replies, so a reply seen again is not redone.

    Analyses are immutable. The key holds the lexicon, whose version names its rules and
    the model they read, and the customer's message. Only replies up to
    :data:`CACHE_MAX_CHARS` are kept, :data:`MEMO_SIZE` at most, the least recently used
    dropped first; the app's threads may share it.
    """

    def __init__(self) -> None:
        self._items: OrderedDict[tuple[object, ...], Analysis] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, lex: Lexicon, key: tuple[str, str | None]) -> Analysis | None:
        with self._lock:
            found = self._items.get((lex, *key))
            if found is not None:
                self._items.move_to_end((lex, *key))
            return found

    def put(self, lex: Lexicon, key: tuple[str, str | None], analysis: Analysis) -> None:
        if len(key[0]) > CACHE_MAX_CHARS or len(key[1] or "") > CACHE_MAX_CHARS:
            return
        with self._lock:
            self._items[(lex, *key)] = analysis
            if len(self._items) > MEMO_SIZE:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


MEMO_SIZE = 8192
_MEMO = _Memo()

_Prepared = tuple[str, Normalised, "Parsed | None"]


def _prepare(lex: Lexicon, reply: str) -> tuple[str, Normalised]:
    """The reply with control characters as spaces, and its normalised words."""
    # Control characters are neither words nor punctuation: match as if they were spaces.
    clean = _CONTROL.sub(" ", reply)
    return clean, normalise(lex.normaliser, clean)


def _analyse(
    reply: str,
    lex: Lexicon,
    prepared: _Prepared | None = None,
    customer: str | None = None,
) -> Analysis:
    if not reply or reply.isspace():
        return Analysis(reply, (), (), (), lex.version)
    norm, kept, set_aside = _run(lex, reply, prepared, customer)
    # Two patterns of one rule (or two rules of one move) may quote the same words: once,
    # under the first rule that matched them.
    chosen: dict[tuple[str, int, int], Evidence] = {}
    for m in kept:
        if m.rule.rule.counts:
            e = _evidence(reply, norm, m)
            chosen.setdefault((e.move, e.start, e.end), e)
    evidence = tuple(chosen.values())
    suppressed = tuple(_evidence(reply, norm, m) for m in set_aside)
    found = {e.move for e in evidence}
    moves = tuple(i for i in guide_order(found) if i not in FLAGS)
    flags = tuple(i for i in guide_order(found) if i in FLAGS)
    return Analysis(reply, moves, flags, evidence, lex.version, suppressed)


def fired_rules(
    reply: str,
    lexicon: Lexicon | None = None,
    *,
    customer: str | None = None,
) -> frozenset[str]:
    """Return the ids of the rules whose matches survive every check in ``reply``.

    Every rule is matched on its own, so one rule never hides another of the same move;
    blockers are included (they credit nothing, but they do fire). A rule's own
    should-match and should-not-match examples are checked against this.
    """
    lex = lexicon or load_lexicon()
    if not reply or reply.isspace():
        return frozenset()
    _norm, kept, _set_aside = _run(lex, reply, customer=_context(customer))
    return frozenset(m.rule.rule.id for m in kept)


def fired_rules_many(
    items: Sequence[tuple[str, str | None]],
    lexicon: Lexicon | None = None,
) -> list[frozenset[str]]:
    """Return :func:`fired_rules` of every ``(reply, customer)`` pair, in order, parsing the
    replies in one batch (``roleplay validate`` proves every rule's examples at once)."""
    lex = lexicon or load_lexicon()
    unique = [
        (reply, _context(customer))
        for reply, customer in dict.fromkeys(items)
        if reply and not reply.isspace()
    ]
    prepared = [_prepare(lex, reply) for reply, _customer in unique]
    parsed = _parse_all(lex, prepared)
    fired: dict[tuple[str, str | None], frozenset[str]] = {}
    for (reply, customer), (clean, norm), one in zip(unique, prepared, parsed, strict=True):
        _norm, kept, _set_aside = _run(lex, reply, (clean, norm, one), customer)
        fired[(reply, customer)] = frozenset(m.rule.rule.id for m in kept)
    return [fired.get((reply, _context(customer)), frozenset()) for reply, customer in items]


def _run(
    lex: Lexicon,
    reply: str,
    prepared: _Prepared | None = None,
    customer: str | None = None,
) -> tuple[Normalised, list[_Match], list[_Match]]:
    """Match every rule, then set aside what the voice checks, blockers and alternatives cancel.

    ``prepared`` is the reply's cleaned text, normalised words and parse when a batch has
    made them already (:func:`analyse_many`); ``customer`` is the message the reply answers.
    """
    if prepared is None:
        clean, norm = _prepare(lex, reply)
        parsed = None
    else:
        clean, norm, parsed = prepared
    kept: list[_Match] = []
    set_aside: list[_Match] = []
    if norm.tokens:
        if parsed is None:
            parsed = parse(clean, norm, lex.parse.roles)
        for m in _find_parsed(lex, norm, parsed, customer):
            (set_aside if m.reason else kept).append(m)
    kept = _apply_blockers(norm, kept, set_aside)
    kept = _apply_alternatives(norm, kept, set_aside)
    return norm, kept, set_aside


def _find_parsed(
    lex: Lexicon, norm: Normalised, parsed: Parsed, customer: str | None = None
) -> list[_Match]:
    """Match every parse rule over the parsed reply, each match with its voice judged and,
    for a rule that reads it, checked against the customer's message."""
    rules = lex.parse
    ignored = frozenset(rules.classes.get(ECHO_IGNORED, ()))
    nlp = pipeline()
    token_matcher, dependency_matcher = rules.matchers(nlp.vocab)
    strings = nlp.vocab.strings
    found: list[_Match] = []
    for doc, owners in zip(parsed.docs, parsed.owners, strict=True):
        hits: dict[tuple[int, int], list[int]] = {}
        # Where each document's words stand, read once for both kinds of pattern.
        index = DocIndex(doc)
        for match_id, start, end in token_matcher(doc, index):
            rule_index = int(strings[match_id])
            wanted = rules.rules[rule_index].rule.anchor
            span = doc[start:end]
            anchor = span[wanted] if wanted is not None and wanted < len(span) else span.root
            key = (rule_index, anchor.i)
            if key not in hits or end - start > len(hits[key]):
                hits[key] = list(range(start, end))
        for match_id, ids in dependency_matcher(doc, index) if len(dependency_matcher) else ():
            key = (int(strings[match_id]), ids[0])
            hits.setdefault(key, sorted(ids))
        for (rule_index, anchor_i), ids in hits.items():
            compiled = rules.rules[rule_index]
            first, last = owners[ids[0]], owners[ids[-1]]
            tail = norm.tokens[last]
            m = _Match(
                compiled,
                norm.starts[first],
                norm.starts[last] + len(tail.norm),
                first,
                last,
                detail=describe(doc[i] for i in ids),
            )
            m.reason = _parsed_voice(norm, m, doc[anchor_i], rules.roles) or _customer_problem(
                compiled.rule, lex, customer, ignored, [doc[i] for i in ids], doc[anchor_i]
            )
            found.append(m)
    found.sort(key=lambda m: (m.first, m.last))
    return found


@lru_cache(maxsize=256)
def _customer_echo(lex: Lexicon, customer: str) -> Echo:
    """The content words of the customer's message (one message answers many replies)."""
    rules = lex.parse
    clean, norm = _prepare(lex, customer)
    ignored = frozenset(rules.classes.get(ECHO_IGNORED, ()))
    if not norm.tokens:
        return Echo(frozenset())
    return echo_of(clean, norm, ignored)


def _named_before(
    word_class: str, lex: Lexicon, customer: str | None, matched: list[Token]
) -> bool:
    """Whether the reply before ``matched``, or the customer's message, names a word of
    ``word_class``: someone a pronoun or a first name in the match can stand for."""
    named = frozenset(lex.parse.classes.get(word_class, ()))
    first = min(tok.i for tok in matched)
    doc = matched[0].doc
    if any(t.lemma_.lower() in named or t.lower_ in named for t in doc[:first]):
        return True
    return customer is not None and bool(named & _customer_echo(lex, customer).words)


NAMES_NO_ONE: Final = "names no one earlier that it could stand for"
"""Why a match for someone named only by a pronoun ("I'm putting you through to them now")
was set aside: neither the reply nor the customer's message names who they are."""


def named_earlier(found: Analysis) -> Analysis:
    """The analysis with its matches for someone named only by a pronoun counted, for a
    reply whose conversation named them in an earlier turn ("our specialist team can help",
    then "They'll be with you in a moment, I'm putting you through now")."""
    promoted = [e for e in found.suppressed if e.note == NAMES_NO_ONE]
    if not promoted:
        return found
    counted = tuple(
        sorted((*found.evidence, *(replace(e, note="") for e in promoted)), key=lambda e: e.start)
    )
    ids = {e.move for e in counted}
    return replace(
        found,
        moves=guide_order(i for i in ids if i not in FLAGS),
        flags=guide_order(i for i in ids if i in FLAGS),
        evidence=counted,
        suppressed=tuple(e for e in found.suppressed if e.note != NAMES_NO_ONE),
    )


def content_words(text: str, lexicon: Lexicon | None = None) -> frozenset[str]:
    """The content words of ``text`` (nouns, verbs and adjectives, each with its lemma read
    several ways), as the rules that echo a customer's message read it: for telling whether
    a reply takes up what the customer said."""
    scored = _context(text)
    if scored is None:
        return frozenset()
    return _customer_echo(lexicon or load_lexicon(), scored).words


def _customer_problem(
    rule: ParseRule,
    lex: Lexicon,
    customer: str | None,
    ignored: frozenset[str],
    matched: list[Token],
    head: Token,
) -> str:
    """Say why a match fails what its rule needs of the customer's message, or "".

    The customer's message is parsed only when a rule that echoes it has matched.
    """
    if rule.needs_customer and customer is None:
        return "no customer message to answer"
    if rule.refers_to is not None and not _named_before(rule.refers_to, lex, customer, matched):
        return NAMES_NO_ONE
    if rule.echo is None:
        return ""
    if customer is None:
        return "no customer message to echo"
    echo = _customer_echo(lex, customer)
    if rule.echo.within == "match":
        scope: Iterable[Token] = matched
    elif rule.echo.within == "subtree":
        scope = head.subtree
    else:
        scope = head.sent
    words = {w for tok in scope if (w := echoes(tok, echo, ignored)) is not None}
    if len(words) < rule.echo.at_least:
        return "does not echo the customer's message"
    return ""


def _parsed_voice(norm: Normalised, m: _Match, anchor: Token, roles: Roles) -> str:
    """Say why a parse match is not the agent's sincere voice, or "" when it is."""
    if any(norm.tokens[i].quoted for i in range(m.first, m.last + 1)):
        return "quoted"
    rule = m.rule.rule
    if rule.sentence != "any":
        question = is_question(anchor)
        if rule.sentence == "question" and not question:
            return "not a question"
        if rule.sentence == "statement" and question:
            return "a question, not a statement"
    if not rule.voice_checks:
        return ""
    if m.rule.move in _DONE_NOW and narrated_past(anchor):
        return "a past event told"  # "the cap wasn't set up when we sent your new SIM"
    if m.rule.move in _DONE_NOW and standard_told(anchor):
        return "what should happen, told"  # "…when the crew should be collecting it"
    if m.rule.move in ("escalate", "investigate") and only_if_customer(anchor):
        return "only if the customer acts"  # "a supervisor can only look if you resubmit"
    return voice_problem(anchor, roles, rule.negatable and rule.counts)


_DONE_NOW: Final = frozenset({"resolve", "ownership", "follow_up"})
"""Moves that are something done for this complaint now, not an event of its story."""


def _apply_blockers(norm: Normalised, kept: list[_Match], set_aside: list[_Match]) -> list[_Match]:
    """Cancel the moves that a surviving blocker overrides within its scope.

    Blockers are indexed by clause, sentence and token position, so a reply with thousands
    of matches is still processed in close to linear time.
    """
    blockers = [m for m in kept if m.rule.rule.suppresses]
    if not blockers:
        return kept
    everywhere: dict[str, str] = {}
    by_clause: dict[tuple[str, int], str] = {}
    by_sentence: dict[tuple[str, int], str] = {}
    spans: dict[str, list[tuple[int, int, str]]] = {}
    tokens = norm.tokens
    for b in blockers:
        rule = b.rule.rule
        for move in rule.suppresses:
            spans.setdefault(move, []).append((b.first, b.last, rule.id))
            if rule.suppress_within == "reply":
                everywhere.setdefault(move, rule.id)
            elif rule.suppress_within == "clause":
                for i in (b.first, b.last):
                    by_clause.setdefault((move, tokens[i].clause), rule.id)
            elif rule.suppress_within == "sentence":
                for i in (b.first, b.last):
                    by_sentence.setdefault((move, tokens[i].sentence), rule.id)
    for intervals in spans.values():
        intervals.sort()
    starts = {move: [iv[0] for iv in intervals] for move, intervals in spans.items()}
    survivors: list[_Match] = []
    for m in kept:
        move = m.rule.move
        by = (
            everywhere.get(move)
            or by_clause.get((move, tokens[m.first].clause))
            or by_clause.get((move, tokens[m.last].clause))
            or by_sentence.get((move, tokens[m.first].sentence))
            or by_sentence.get((move, tokens[m.last].sentence))
            or _overlapping(spans.get(move), starts.get(move), m)
        )
        if by is None or by == m.rule.rule.id:
            survivors.append(m)
        else:
            m.reason = f"overridden by {by}"
            set_aside.append(m)
    return survivors


def _overlapping(
    intervals: list[tuple[int, int, str]] | None, starts: list[int] | None, m: _Match
) -> str | None:
    """Return the id of a blocker whose tokens overlap the match's, if any."""
    if not intervals or starts is None:
        return None
    i = bisect_right(starts, m.last) - 1
    while i >= 0:
        first, last, rule_id = intervals[i]
        if last >= m.first:
            return rule_id
        if first < m.first - MAX_BLOCKER_TOKENS:
            break
        i -= 1
    return None


_CONTRAST: Final = frozenset({"but", "though", "although", "however"})
"""Words that set a limit against what came before it ("…free, but I can't give refunds")."""


def _alternative_before(norm: Normalised, kept: list[_Match], m: _Match) -> str | None:
    """The move of an alternative that ``m``'s rule names, made earlier in the same sentence
    by the learner and set against the refusal ("We'll do the brakes again for free, but I
    can't give refunds"), or None."""
    moves = m.rule.rule.unless_followed_by
    if not moves:
        return None
    start = norm.sentence_bounds(m.first)[0]
    for o in kept:
        if not (
            o.rule.rule.counts and o.rule.move in moves and start <= o.first <= o.last < m.first
        ):
            continue
        contrasted = any(norm.tokens[i].norm in _CONTRAST for i in range(o.last + 1, m.first))
        # the learner's own remedy ("we'll do…"), not a right the customer has ("you can
        # reject the service, but there's nothing I can do")
        own = any(
            norm.tokens[i].norm.split(" ")[0] in ("i", "we") for i in range(start, o.last + 1)
        )
        if contrasted and own:
            return o.rule.move
    return None


def _apply_alternatives(
    norm: Normalised, kept: list[_Match], set_aside: list[_Match]
) -> list[_Match]:
    """Cancel a refusal-like match when a move it names as an alternative comes later (or
    earlier in the same sentence, with the refusal set against it: "We'll do the brakes
    again for free, but I can't give refunds"), and a match whose rule is ``unless_with`` a
    move the reply makes anywhere."""
    last_of: dict[str, int] = {}
    for o in kept:
        if o.rule.rule.counts:
            last_of[o.rule.move] = max(last_of.get(o.rule.move, -1), o.first)
    survivors: list[_Match] = []
    for m in kept:
        rule = m.rule.rule
        later = next((w for w in rule.unless_followed_by if last_of.get(w, -1) > m.last), None)
        before = None if later is not None else _alternative_before(norm, kept, m)
        made = next((w for w in rule.unless_with if w in last_of and w != m.rule.move), None)
        if later is not None:
            m.reason = f"an alternative follows ({later})"
            set_aside.append(m)
        elif before is not None:
            m.reason = f"an alternative comes first in the sentence ({before})"
            set_aside.append(m)
        elif made is not None:
            m.reason = f"the reply also makes {made}"
            set_aside.append(m)
        else:
            survivors.append(m)
    return survivors


def _evidence(reply: str, norm: Normalised, m: _Match) -> Evidence:
    """Quote the clause (or sentence, or match) that holds the match, from the reply itself."""
    tokens = norm.tokens
    scope = m.rule.rule.quote
    first, last = m.first, m.last
    if scope == "clause":
        # From the start of the first matched word's clause to the end of the last one's:
        # "…chasing us twice, is not good" stopped short of its own clause's "enough".
        first, last = norm.clause_bounds(m.first)[0], norm.clause_bounds(m.last)[1]
    elif scope == "sentence":
        first, last = norm.sentence_bounds(m.first)[0], norm.sentence_bounds(m.last)[1]
    # Leading and trailing punctuation is not part of what the learner said.
    while first < m.first and not tokens[first].norm[0].isalnum():
        first += 1
    while last > m.last and tokens[last].norm in (",", ";", ":", "-", "—", "–", "("):
        last -= 1
    start, end = tokens[first].start, tokens[last].end
    if end - start > MAX_QUOTE:
        start, end = tokens[m.first].start, tokens[m.last].end
    return Evidence(m.rule.move, m.rule.rule.id, start, end, reply[start:end], m.reason, m.detail)
