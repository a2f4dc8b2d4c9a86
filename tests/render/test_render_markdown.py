"""The Markdown debrief: what a learner reads and an assessor files."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

import pytest
from syrupy.assertion import SnapshotAssertion

from roleplay.core.integrity import Integrity, Proof
from roleplay.core.review import Review
from roleplay.render.markdown import escape, scorecard_markdown

Card = Callable[[Sequence[str]], Review]
"""The ``make_card`` fixture: replies in, review out."""


SECTIONS = (
    "## The conversation",
    "## How the customer reacted and why",
    "## Model steps (LATER)",
    "## Marking points",
    "## Red flags",
    "## Escalation",
    "## Policy breaches and law misstated",
    "## What to do next time",
    "## How the score was worked out",
)


@pytest.mark.parametrize("name", ["good path", "poor path"], ids=["good-path", "poor-path"])
def test_self_test_debrief_matches_golden_file(
    name: str, self_test_cards: dict[str, Review], snapshot_md: SnapshotAssertion
) -> None:
    """The debrief of each of late-parcel's self-tests reads exactly as approved."""
    assert scorecard_markdown(self_test_cards[name]) == snapshot_md


def test_title_block_gives_scenario_learner_model_outcome_and_score(
    self_test_cards: dict[str, Review],
) -> None:
    """The top of the page answers "how did I do?" before anything else."""
    page = scorecard_markdown(self_test_cards["good path"])
    head = page.split("## The conversation")[0]

    assert head.startswith("# Debrief: The parcel that never came\n")
    for line in (
        "- **Learner:** Sam Learner",
        "- **Model:** LATER",
        "- **Outcome:** ✓ escalated correctly",
        "- **Score:** **84/100**",
    ):
        assert line in head


def test_every_section_appears_in_reading_order(
    self_test_cards: dict[str, Review],
) -> None:
    """The sections come in the order a learner needs them, each once."""
    page = scorecard_markdown(self_test_cards["poor path"])
    positions = [page.index(heading + "\n") for heading in SECTIONS]

    assert positions == sorted(positions)
    assert all(page.count(heading + "\n") == 1 for heading in SECTIONS)


def test_customer_and_learner_are_told_apart_turn_by_turn(
    self_test_cards: dict[str, Review],
) -> None:
    """Each turn is numbered, the customer's line is quoted and the learner's is labelled."""
    page = scorecard_markdown(self_test_cards["poor path"])

    assert "### Turn 1\n\n> **Customer:** My order says delivered" in page
    assert "**Learner:** Calm down, it's the courier's fault, not ours." in page
    # Blaming the courier explains nothing: no move, two red flags.
    assert "<small>Moves found: none · Red flags: blame, dismiss" in page
    assert "### Turn 2" in page


def test_marking_points_quote_the_point_its_source_and_the_evidence(
    self_test_cards: dict[str, Review],
) -> None:
    """A met point quotes the learner's words by turn; an unmet one says what was missing."""
    page = scorecard_markdown(self_test_cards["good path"])

    assert "### ✓ Met: Put the broken promise right" in page
    assert "> Syllabus unit: Living up to the customer service promise" in page
    assert "- Turn 1: “We promise next-day delivery and we didn't keep that promise" in page
    assert "### ◐ Partly met: Follow your model's steps" in page
    assert "What was missing: some steps were missed." in page


def test_learner_markup_is_shown_as_typed(make_card: Card, hostile: str) -> None:
    """A reply's HTML, emphasis and table pipes are escaped, not obeyed."""
    page = scorecard_markdown(make_card([hostile]))

    assert "<script>" not in page
    assert "**Learner:** \\<script\\>alert(1)\\</script\\> \\*\\*bold\\*\\* \\| pipe" in page


def test_escaped_markdown_renders_back_to_the_learner_s_words(
    make_card: Card, hostile: str
) -> None:
    """Through a real CommonMark parser the hostile reply comes out as plain text."""
    markdown_it = pytest.importorskip("markdown_it")
    page = scorecard_markdown(make_card([hostile]))

    html = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table").render(page)

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **bold** | pipe" in html
    assert "<strong>bold</strong>" not in html


def test_a_reply_cannot_start_a_heading_list_or_table_row(make_card: Card) -> None:
    """Line breaks in a reply are folded, so it stays inside its own paragraph."""
    reply = "Sorry about that.\n# Heading\n- item\n| a | b |\n1. first"
    page = scorecard_markdown(make_card([reply]))

    assert not re.search(r"^(# Heading|- item|\| a|1\. first)", page, re.MULTILINE)
    assert "**Learner:** Sorry about that. # Heading - item \\| a \\| b \\| 1. first" in page


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain words", "plain words"),
        ("16.0 and 1.5", "16.0 and 1.5"),
        ("1. first", "1\\. first"),
        ("# not a heading", "\\# not a heading"),
        ("- not a list", "\\- not a list"),
        ("a_b*c`d[e]f", "a\\_b\\*c\\`d\\[e\\]f"),
        ("£5 & $6 ~x~", "£5 \\& \\$6 \\~x\\~"),
        ("two\n\nlines\x1b[31m", "two lines\\[31m"),
    ],
)
def test_escape(text: str, expected: str) -> None:
    """Markdown's special characters are backslash-escaped; control characters dropped."""
    assert escape(text) == expected


def test_a_scorecard_of_replies_never_saved_says_nothing_of_a_transcript(
    self_test_cards: dict[str, Review],
) -> None:
    """With no saved attempt checked, there is no transcript line to trust or distrust."""
    page = scorecard_markdown(self_test_cards["good path"])

    assert "**Transcript:**" not in page


@pytest.mark.parametrize(
    ("integrity", "warned"),
    [
        (Integrity(Proof.SIGNED, "hmac-sha256-chain"), False),
        (Integrity(Proof.UNSIGNED, "sha256-chain"), False),
        (
            Integrity(
                Proof.NOT_SIGNED,
                "sha256-chain",
                ("this machine signs with centre key 1a2b, and this transcript has none",),
            ),
            True,
        ),
        (
            Integrity(
                Proof.UNCHECKABLE,
                "hmac-sha256-chain",
                ("signed with centre key 1a2b, and this machine has none",),
            ),
            True,
        ),
        (
            Integrity(
                Proof.EDITED, "sha256-chain", ("turn 2: reply or score changed after it was saved",)
            ),
            True,
        ),
    ],
    ids=[p.value for p in (Proof.SIGNED, Proof.UNSIGNED, Proof.NOT_SIGNED, Proof.UNCHECKABLE)]
    + ["edited"],
)
def test_a_transcript_that_cannot_be_trusted_is_marked(
    self_test_cards: dict[str, Review], integrity: Integrity, warned: bool
) -> None:
    """The debrief says what the check proved, with a warning sign when it proved too little."""
    page = scorecard_markdown(replace(self_test_cards["good path"], integrity=integrity))

    line = next(x for x in page.splitlines() if x.startswith("- **Transcript:**"))
    assert integrity.text.split(":")[0] in line
    assert line.startswith("- **Transcript:** ⚠") is warned
