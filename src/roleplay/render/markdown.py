"""The debrief of one attempt as Markdown, for a learner to read and an assessor to file.

The renderer takes a :class:`~roleplay.core.review.Review`: the typed scorecard (verdicts
and escalation as enums), the learner and what checking the saved attempt proved.

:func:`scorecard_view` words that review once, as plain values (labels, ticks and crosses,
sentences), and this module, :mod:`roleplay.render.html` and the app's debrief screen all
render from it: the Markdown page, the HTML page and the screen say the same things in the
same words. JSON is rendered from the same review by :mod:`roleplay.render.json`.

Every piece of text that came from a person (the learner's replies above all, but also the
customer's lines and the tutor's wording) is escaped, so that a reply such as
``**bold** | pipe`` or ``<script>`` is shown as typed and cannot break the layout.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from roleplay.core.ending import Ending
from roleplay.core.escalation import Escalation
from roleplay.core.marking import Quote, Verdict
from roleplay.core.moves import DESCRIPTIONS
from roleplay.core.scenario import band_of

if TYPE_CHECKING:
    from roleplay.core.review import Review

OUTCOME_LABELS: dict[str, str] = {ending.value: ending.text for ending in Ending}
"""How each outcome or ending id is said to a reader."""

STATUS_LABELS: Final[dict[Verdict, tuple[str, str]]] = {
    Verdict.MET: ("✓", "met"),
    Verdict.PARTIAL: ("◐", "partly met"),
    Verdict.NOT_MET: ("✗", "not met"),
}
"""The mark and the words for each marking-point status: status is never colour alone."""

ESCALATION_SENTENCES: Final[dict[Escalation, tuple[bool, str]]] = {
    Escalation.NEEDED_DONE: (True, "The situation called for escalation, and you escalated."),
    Escalation.NEEDED_MISSED: (
        False,
        "The situation called for escalation, and you did not escalate.",
    ),
    Escalation.PREMATURE: (
        False,
        "You handed the case up before trying what you could do yourself.",
    ),
    Escalation.NOT_NEEDED: (True, "Nothing called for escalation, and you rightly kept the case."),
}
"""Whether each escalation verdict is right, and a sentence a learner understands."""


@dataclass(frozen=True, slots=True)
class QuoteView:
    """The learner's words at a turn, and what they show."""

    turn: int | None
    quote: str
    shows: str
    """What the words show, as words (empty when it would only repeat the quote)."""
    meaning: str = ""
    """For a red flag, what the flag means in the labelling guide's words."""


@dataclass(frozen=True, slots=True)
class TurnView:
    """One exchange: the customer's line, the learner's reply and what the reply did."""

    number: int | None
    customer: str
    reply: str
    moves: tuple[str, ...]
    flags: tuple[str, ...]
    mood: str
    """The customer's mood after the reply, worded (``"5/10 (unhappy)"``), or empty."""


@dataclass(frozen=True, slots=True)
class StepView:
    """One step of the complaint-handling model: met or not, where, and in which words."""

    title: str
    met: bool
    first_turn: int | None
    evidence: str


@dataclass(frozen=True, slots=True)
class PointView:
    """One examiner marking point with its verdict and evidence."""

    id: str
    title: str
    """The point in plain words ("Name the promise")."""
    text: str
    source: str
    status: Verdict
    mark: str
    label: str
    evidence: tuple[QuoteView, ...]
    missing: str


@dataclass(frozen=True, slots=True)
class AdviceView:
    """One thing to do next time, with an example of what to say."""

    about: str
    suggestion: str
    example: str


@dataclass(frozen=True, slots=True)
class ScoreView:
    """The parts of the score and the formula that adds them up."""

    steps: str
    points: str
    penalty: str
    rules_penalty: str
    formula: str

    @property
    def penalty_signed(self) -> str:
        """The red-flag penalty as it is taken off: ``−10``, or ``0`` when nothing was."""
        return _signed(self.penalty)

    @property
    def rules_penalty_signed(self) -> str:
        """The penalty for rules broken as it is taken off."""
        return _signed(self.rules_penalty)


def _signed(figure: str) -> str:
    return f"−{figure}" if figure not in ("", "0", "0.0") else figure


@dataclass(frozen=True, slots=True)
class ScorecardView:
    """Everything a debrief page shows, worded once for every output format."""

    title: str
    scenario_id: str
    learner: str
    integrity: str
    """What checking the saved attempt proved ("" when not from a saved attempt)."""
    integrity_flagged: bool
    """True when that verdict means the transcript cannot be trusted (edited, not signed…)."""
    framework: str
    outcome: str
    outcome_good: bool
    score: str
    turns: tuple[TurnView, ...]
    closing: str
    """The customer's last line, after the learner's last reply (empty if none)."""
    causes: tuple[str, ...]
    steps: tuple[StepView, ...]
    steps_met: int
    in_order: bool | None
    points: tuple[PointView, ...]
    points_summary: str
    flags: tuple[QuoteView, ...]
    escalation: str
    escalation_ok: bool
    escalation_sentence: str
    breaches: tuple[QuoteView, ...]
    misstated: tuple[QuoteView, ...]
    advice: tuple[AdviceView, ...]
    score_parts: ScoreView | None


def clean(value: object) -> str:
    """Return ``value`` as text without control characters, keeping line breaks and tabs.

    A reply pasted from elsewhere may carry terminal escape codes or NUL bytes; they mean
    nothing on a page and could upset a terminal that shows the Markdown.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc")


def human(move_id: object) -> str:
    """Return an id as words: ``policy_reference`` becomes ``policy reference``."""
    return clean(move_id).replace("_", " ")


def outcome_label(outcome: object) -> str:
    """Return the reader's words for an outcome id; no outcome means unfinished."""
    if not outcome:
        return "unfinished"
    key = clean(outcome)
    return OUTCOME_LABELS.get(key, human(key))


def _quotes(items: Sequence[Quote], *, flags: bool = False) -> tuple[QuoteView, ...]:
    out = []
    for item in items:
        quote, shows = clean(item.text), clean(item.what)
        out.append(
            QuoteView(
                turn=item.turn,
                quote=quote,
                shows="" if shows.casefold() == quote.casefold() else human(shows),
                meaning=DESCRIPTIONS.get(shows, "") if flags else "",
            )
        )
    return tuple(out)


def _mood(mood: int) -> str:
    return f"{mood}/10 ({band_of(mood).value})"


def _figure(value: float) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def scorecard_view(review: Review) -> ScorecardView:
    """Word a review once, for the Markdown and HTML debriefs and the app's debrief screen."""
    card = review.card
    turns = tuple(
        TurnView(
            number=t.number,
            customer=clean(t.customer),
            reply=clean(t.reply),
            moves=tuple(clean(m) for m in t.analysis.moves),
            flags=tuple(clean(f) for f in t.analysis.flags),
            mood=_mood(t.mood_after),
        )
        for t in card.turns
    )
    closing = clean(card.turns[-1].response) if card.turns else ""

    steps = tuple(
        StepView(
            title=clean(s.title or s.id),
            met=s.met,
            first_turn=s.first_turn,
            evidence=clean(s.evidence.quote) if s.evidence is not None else "",
        )
        for s in card.coverage.steps
    )

    points = []
    for p in card.points:
        verdict = Verdict(p.status)
        mark, label = STATUS_LABELS[verdict]
        points.append(
            PointView(
                id=clean(p.id),
                title=clean(p.title or p.id),
                text=clean(p.text),
                source=clean(p.unit or p.source),
                status=verdict,
                mark=mark,
                label=label,
                evidence=_quotes(p.evidence),
                missing=clean(p.missing),
            )
        )
    counts = {key: sum(1 for p in points if p.status is key) for key in STATUS_LABELS}
    points_summary = ", ".join(f"{counts[key]} {STATUS_LABELS[key][1]}" for key in STATUS_LABELS)

    escalation = Escalation(card.escalation)
    ok, sentence = ESCALATION_SENTENCES[escalation]

    detail = card.score
    score_parts = ScoreView(
        steps=_figure(round(detail.steps, 1)),
        points=_figure(round(detail.points, 1)),
        penalty=_figure(detail.penalty),
        rules_penalty=_figure(detail.rules_penalty),
        formula=clean(detail.formula),
    )
    integrity = review.integrity
    scenario = card.scenario

    return ScorecardView(
        title=clean(scenario.title or scenario.id or "an unnamed scenario"),
        scenario_id=clean(scenario.id),
        learner=clean(review.learner) or "not recorded",
        integrity=clean(integrity.text) if integrity is not None else "",
        integrity_flagged=review.flagged,
        framework=clean(card.framework.id) or "not recorded",
        outcome=card.ending.text,
        outcome_good=card.ending.good,
        score=f"{detail.total}/100",
        turns=turns,
        closing=closing,
        causes=tuple(clean(c) for c in card.causes),
        steps=steps,
        steps_met=sum(1 for s in steps if s.met),
        in_order=card.coverage.in_order,
        points=tuple(points),
        points_summary=points_summary,
        flags=_quotes(card.flags, flags=True),
        escalation=clean(escalation.text),
        escalation_ok=ok,
        escalation_sentence=sentence,
        breaches=_quotes(card.breaches),
        misstated=_quotes(card.misstatements),
        advice=tuple(
            AdviceView(clean(a.about), clean(a.suggestion), clean(a.example)) for a in card.advice
        ),
        score_parts=score_parts,
    )


# Characters with a meaning anywhere in a line of CommonMark or GitHub Markdown: emphasis,
# code, links, raw HTML and entities, table cells, strike-through and maths.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$])")
# What turns the start of a line into a heading, a list or a rule (``>`` is escaped above).
_BLOCK_START = re.compile(r"^(?:([#+\-])|(\d+)([.)])(?=\s|$))")


def escape(text: object) -> str:
    """Return text safe to place inline in Markdown: shown as typed, on one line.

    Line breaks and runs of spaces become one space (a reply cannot start a new block or a
    new table row), characters Markdown gives a meaning are backslash-escaped, and a
    leading ``#``, ``-``, ``+`` or ``1.`` is escaped so that text placed at
    the start of a list item cannot become a heading, quote or nested list.
    """
    flat = " ".join(clean(text).split())
    flat = _INLINE_SPECIAL.sub(r"\\\1", flat)
    return _BLOCK_START.sub(
        lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), flat
    )


def _quoted(text: str) -> str:
    return f"“{escape(text)}”"


def _turn(number: int | None) -> str:
    return f"turn {number}" if number is not None else "turn ?"


def _quote_line(q: QuoteView) -> str:
    meaning = f": {escape(q.meaning)}" if q.meaning else ""
    shows = f" ({escape(q.shows)}{meaning})" if q.shows else ""
    return f"- {_turn(q.turn).capitalize()}: {_quoted(q.quote)}{shows}"


def _small(parts: Iterable[str]) -> str:
    return "<small>" + " · ".join(parts) + "</small>"


def scorecard_markdown(review: Review) -> str:
    """Return the debrief of one attempt as a Markdown document.

    The page reads top to bottom as a learner needs it: the
    result, the conversation, why the customer reacted as they did, the model steps, the
    marking points with their evidence, red flags, escalation, policy and law, what to do
    next time, and how the score was worked out.
    """
    v = scorecard_view(review)
    out: list[str] = []
    add = out.append

    add(f"# Debrief: {escape(v.title)}")
    add("")
    scenario = escape(v.title) + (f" (`{v.scenario_id}`)" if _plain_id(v.scenario_id) else "")
    add(f"- **Scenario:** {scenario}")
    add(f"- **Learner:** {escape(v.learner)}")
    add(f"- **Model:** {escape(v.framework)}")
    add(f"- **Outcome:** {'✓' if v.outcome_good else '✗'} {escape(v.outcome)}")
    add(f"- **Score:** **{escape(v.score)}**")
    if v.integrity:
        mark = "⚠ " if v.integrity_flagged else ""
        add(f"- **Transcript:** {mark}{escape(v.integrity)}")
    add("")

    add("## The conversation")
    add("")
    if not v.turns:
        add("No replies were recorded.")
        add("")
    for t in v.turns:
        add(f"### Turn {t.number if t.number is not None else '?'}")
        add("")
        add(f"> **Customer:** {escape(t.customer)}")
        add("")
        add(f"**Learner:** {escape(t.reply)}")
        add("")
        found = [
            "Moves found: " + (", ".join(escape(human(m)) for m in t.moves) or "none"),
            "Red flags: " + (", ".join(escape(human(f)) for f in t.flags) or "none"),
        ]
        if t.mood:
            found.append(f"Customer's mood afterwards: {t.mood}")
        add(_small(found))
        add("")
    if v.closing:
        add("### The customer's last word")
        add("")
        add(f"> **Customer:** {escape(v.closing)}")
        add("")

    add("## How the customer reacted and why")
    add("")
    for cause in v.causes:
        add(f"- {escape(cause)}")
    if not v.causes:
        add("Nothing in the conversation changed the customer's mood or path.")
    add("")

    add(f"## Model steps ({escape(v.framework)})")
    add("")
    if v.steps:
        add(f"{v.steps_met} of {len(v.steps)} steps met.")
        if v.in_order is not None:
            add(
                "The steps you showed came in the model's order."
                if v.in_order
                else "The steps you showed came out of the model's order."
            )
        add("")
        add("| Step | Result | First turn | Your words |")
        add("|---|---|---|---|")
        for s in v.steps:
            result = "✓ met" if s.met else "✗ not met"
            first = str(s.first_turn) if s.first_turn is not None else "–"
            words = _quoted(s.evidence) if s.evidence else "–"
            add(f"| {escape(s.title)} | {result} | {first} | {words} |")
    else:
        add("No model steps were recorded.")
    add("")

    add("## Marking points")
    add("")
    if v.points:
        add(f"{v.points_summary}.")
        add("")
    else:
        add("No marking points were recorded.")
        add("")
    for p in v.points:
        add(f"### {p.mark} {escape(p.label.capitalize())}: {escape(p.title)}")
        add("")
        add(f"> {_quoted(p.text)}")
        if p.source:
            add(">")
            add(f"> Syllabus unit: {escape(p.source)}")
        add("")
        if p.evidence:
            add("Evidence:")
            add("")
            add("\n".join(_quote_line(q) for q in p.evidence))
            add("")
        else:
            add("Evidence: none quoted.")
            add("")
        if p.missing:
            add(f"What was missing: {escape(p.missing)}.")
            add("")

    add("## Red flags")
    add("")
    if v.flags:
        add("\n".join(_quote_line(q) for q in v.flags))
    else:
        add("None. ✓")
    add("")

    add("## Escalation")
    add("")
    mark = "✓ " if v.escalation_ok else "✗ "
    add(f"**Verdict:** {mark}{escape(v.escalation)}.")
    if v.escalation_sentence:
        add("")
        add(v.escalation_sentence)
    add("")

    add("## Policy breaches and law misstated")
    add("")
    add("Rules and limits of your role broken:" + (" none." if not v.breaches else ""))
    if v.breaches:
        add("")
        add("\n".join(_quote_line(q) for q in v.breaches))
    add("")
    add("Law misstated:" + (" none." if not v.misstated else ""))
    if v.misstated:
        add("")
        add("\n".join(_quote_line(q) for q in v.misstated))
    add("")

    add("## What to do next time")
    add("")
    if not v.advice:
        add("Nothing to add: every step and marking point was met.")
        add("")
    for a in v.advice:
        add(f"- **{escape(a.about)}.** {escape(a.suggestion)}")
        if a.example:
            add(f"  - For example: {_quoted(a.example)}")
    if v.advice:
        add("")

    add("## How the score was worked out")
    add("")
    parts = v.score_parts
    if parts is None:
        add(f"Score: {escape(v.score)}. No working was recorded.")
    else:
        add("| Part | Points |")
        add("|---|---|")
        add(f"| Model steps | {escape(parts.steps)} |")
        add(f"| Marking points | {escape(parts.points)} |")
        add(f"| Red flags | {escape(parts.penalty_signed)} |")
        add(f"| Rules broken | {escape(parts.rules_penalty_signed)} |")
        add(f"| **Score** | **{escape(v.score)}** |")
        if parts.formula:
            add("")
            add(f"Formula: {escape(parts.formula)}")
    add("")
    return "\n".join(out)


def _plain_id(text: str) -> bool:
    """Return True when an id can sit in a code span as it is (no backticks, one line)."""
    return bool(text) and re.fullmatch(r"[A-Za-z0-9._-]+", text) is not None
