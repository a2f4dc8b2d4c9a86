"""The HTML debrief: one self-contained, printable, accessible page."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from html.parser import HTMLParser
from importlib.resources import files

import pytest
from syrupy.assertion import SnapshotAssertion

from roleplay.core.integrity import Integrity, Proof
from roleplay.core.review import Review
from roleplay.render.html import scorecard_html

Card = Callable[[Sequence[str]], Review]
"""The ``make_card`` fixture: replies in, review out."""


class _Outline(HTMLParser):
    """Collects heading levels, the ``lang`` of the page and every tag name."""

    def __init__(self) -> None:
        super().__init__()
        self.levels: list[int] = []
        self.lang: str | None = None
        self.tags: set[str] = set()
        self.status_texts: list[str] = []
        self._in_status = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))
        if tag == "span" and "status" in (found.get("class") or "").split():
            self._in_status += 1
            self.status_texts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._in_status:
            self._in_status -= 1

    def handle_data(self, data: str) -> None:
        if self._in_status:
            self.status_texts[-1] += data


def outline(page: str) -> _Outline:
    """Parse ``page`` and return what :class:`_Outline` collected."""
    parser = _Outline()
    parser.feed(page)
    parser.close()
    return parser


@pytest.mark.parametrize("name", ["good path", "poor path"], ids=["good-path", "poor-path"])
def test_self_test_page_matches_golden_file(
    name: str, self_test_cards: dict[str, Review], snapshot_html: SnapshotAssertion
) -> None:
    """The HTML debrief of each of late-parcel's self-tests is exactly as approved."""
    assert scorecard_html(self_test_cards[name]) == snapshot_html


@pytest.mark.parametrize("name", ["good path", "poor path"], ids=["good-path", "poor-path"])
def test_page_is_self_contained(name: str, self_test_cards: dict[str, Review]) -> None:
    """No script, no link to anything outside the page: it opens offline and years later."""
    page = scorecard_html(self_test_cards[name])

    assert "<script" not in page.lower()
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"\b(src|href)\s*=", page)
    assert "@import" not in page and "url(" not in page


def test_learner_markup_is_escaped(make_card: Card, hostile: str) -> None:
    """A reply's ``<script>`` is shown as text and its Markdown is left alone."""
    page = scorecard_html(make_card([hostile]))

    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **bold** | pipe" in page


def test_page_is_accessible(self_test_cards: dict[str, Review]) -> None:
    """British English is declared, headings never skip a level, status is written out."""
    statuses: list[str] = []
    for name in ("poor path", "good path"):
        found = outline(scorecard_html(self_test_cards[name]))
        assert found.lang == "en-GB"
        assert found.levels[0] == 1 and found.levels.count(1) == 1
        assert all(b - a <= 1 for a, b in zip(found.levels, found.levels[1:], strict=False))
        assert found.status_texts and all(re.search(r"\w", t) for t in found.status_texts)
        statuses.extend(found.status_texts)
    assert "✗ not met" in statuses and "✓ met" in statuses


def test_page_prints_legibly(self_test_cards: dict[str, Review]) -> None:
    """Print rules exist, and nothing relies on a background colour a printer drops."""
    page = scorecard_html(self_test_cards["good path"])

    assert "@media print" in page
    assert "background" not in page


def test_page_shows_the_same_sections_as_the_markdown(
    self_test_cards: dict[str, Review],
) -> None:
    """The HTML and Markdown debriefs carry the same sections in the same order."""
    page = scorecard_html(self_test_cards["poor path"])
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", page)

    assert headings == [
        "The conversation",
        "How the customer reacted and why",
        "Model steps (LATER)",
        "Marking points",
        "Red flags",
        "Escalation",
        "Policy breaches and law misstated",
        "What to do next time",
        "How the score was worked out",
    ]


def test_line_breaks_in_a_reply_are_kept(make_card: Card) -> None:
    """A reply typed over several lines keeps its lines (the CSS keeps white space)."""
    page = scorecard_html(make_card(["Sorry about that.\nLet me check."]))

    assert "Sorry about that.\nLet me check.</p>" in page


def test_a_learner_name_with_markup_is_shown_as_typed(self_test_cards: dict[str, Review]) -> None:
    """A learner may call themselves anything; the page shows it and never runs it."""
    page = scorecard_html(replace(self_test_cards["good path"], learner="<b>x</b>"))

    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page


def test_templates_are_package_data() -> None:
    """The templates live inside the package, so the wheel carries them."""
    templates = files("roleplay.render") / "templates"

    for name in ("base.html", "scorecard.html", "report.html"):
        assert (templates / name).is_file(), name


def test_a_transcript_not_signed_where_the_centre_signs_is_marked_bad(
    self_test_cards: dict[str, Review],
) -> None:
    not_signed = Integrity(
        Proof.NOT_SIGNED,
        "sha256-chain",
        ("this machine signs with centre key 1a2b, and this transcript has none",),
    )
    flagged = scorecard_html(replace(self_test_cards["good path"], integrity=not_signed))
    unsigned = scorecard_html(
        replace(self_test_cards["good path"], integrity=Integrity(Proof.UNSIGNED, "sha256-chain"))
    )

    assert '<strong class="status bad">⚠ NOT SIGNED:' in flagged
    assert "⚠ unsigned" not in unsigned and "unsigned: consistent" in unsigned
