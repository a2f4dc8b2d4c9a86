"""The cohort report: CSV for a spreadsheet, HTML for an assessor to read and print."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from syrupy.assertion import SnapshotAssertion

from roleplay.render.report import COLUMNS, is_counted, report_csv, report_html


def _table(page: str, section: str) -> list[list[str]]:
    """Return the body rows of the table under heading ``section``, as stripped cell text."""
    body = page.split(f'id="{section}"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.DOTALL)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL) for row in rows]
    return [[" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in row] for row in cells]


def test_csv_matches_golden_file(
    report_rows: list[dict[str, Any]], snapshot_csv: SnapshotAssertion
) -> None:
    """Three attempts, one of them damaged, give exactly the approved CSV."""
    assert report_csv(report_rows) == snapshot_csv


def test_html_matches_golden_file(
    report_rows: list[dict[str, Any]], snapshot_html: SnapshotAssertion
) -> None:
    """Three attempts, one of them damaged, give exactly the approved page."""
    assert report_html(report_rows) == snapshot_html


def test_csv_has_a_header_then_one_row_an_attempt(report_rows: list[dict[str, Any]]) -> None:
    """The header is the row keys in order; a damaged file's missing score is empty."""
    parsed = list(csv.reader(io.StringIO(report_csv(report_rows))))

    assert parsed[0] == list(COLUMNS)
    assert len(parsed) == 1 + len(report_rows)
    assert parsed[1][COLUMNS.index("score")] == "84"
    assert parsed[3][COLUMNS.index("score")] == ""


def test_csv_quotes_a_learner_name_with_a_comma(report_rows: list[dict[str, Any]]) -> None:
    """ "Learner, Sam" stays one cell, quoted, and reads back unchanged."""
    report_rows[0]["learner"] = "Learner, Sam"
    text = report_csv(report_rows)

    assert text.splitlines()[1].startswith('"Learner, Sam",late-parcel,')
    assert next(csv.DictReader(io.StringIO(text)))["learner"] == "Learner, Sam"


def test_csv_defuses_spreadsheet_formulas(report_rows: list[dict[str, Any]]) -> None:
    """A name a spreadsheet would run as a formula is written so it is shown as text."""
    report_rows[0]["learner"] = '=HYPERLINK("x","y")'

    row = next(csv.DictReader(io.StringIO(report_csv(report_rows))))

    assert row["learner"] == '\'=HYPERLINK("x","y")'


def test_damaged_and_edited_attempts_are_not_counted(report_rows: list[dict[str, Any]]) -> None:
    """Only a scored attempt whose transcript checks out counts towards the figures."""
    edited = dict(report_rows[0], integrity="EDITED: reply 2 was changed after saving")

    assert [is_counted(r) for r in report_rows] == [True, True, False]
    assert not is_counted(edited)


def test_html_summaries_leave_out_the_damaged_attempt(report_rows: list[dict[str, Any]]) -> None:
    """Means, best scores and shares come from counted attempts; the damaged one is listed."""
    page = report_html(report_rows)

    learners = _table(page, "learners")
    assert learners == [
        ["Priya Patel", "1", "0 (1 set aside)", "–", "–", "0"],
        ["Sam Learner", "2", "2", "47.0", "84", "2"],
    ]
    scenarios = _table(page, "scenarios")
    assert scenarios == [
        ["The parcel that never came late-parcel", "3", "2 (1 set aside)", "47.0", "50% (1 of 2)"]
    ]
    assert "⚠ Not counted" in page
    assert "damaged: line 3 is not JSON" in page
    assert page.count('class="set-aside"') == 1


def test_an_edited_transcript_is_marked_and_set_aside(report_rows: list[dict[str, Any]]) -> None:
    """An edited transcript's high score does not raise the learner's mean or best."""
    report_rows.append(
        dict(report_rows[0], score=100, integrity="EDITED: reply 2 was changed after saving")
    )
    page = report_html(report_rows)

    assert ["Sam Learner", "3", "2 (1 set aside)", "47.0", "84", "2"] in _table(page, "learners")
    assert "EDITED: reply 2 was changed after saving" in page
    assert page.count('class="set-aside"') == 2


def test_only_signed_or_unsigned_where_no_key_is_set_counts(
    report_rows: list[dict[str, Any]],
) -> None:
    """An attempt counts only when its verdict is one the figures may trust."""
    verdicts = {
        "signed with this centre's key (verified)": True,
        "unsigned: consistent, but anyone could have recomputed it": True,
        "NOT SIGNED: this machine signs with centre key 1a2b, and this transcript has no "
        "signature": False,
        "CANNOT BE CHECKED: signed with centre key 1a2b, and this machine has no centre key": (
            False
        ),
        "EDITED: turn 2: reply or score changed after it was saved": False,
        "verified": False,
        "": False,
    }
    for text, counts in verdicts.items():
        assert is_counted(dict(report_rows[0], integrity=text)) is counts, text


def test_an_unsigned_attempt_is_counted_but_never_ticked_as_verified(
    report_rows: list[dict[str, Any]],
) -> None:
    unsigned = [r for r in report_rows if r["integrity"].startswith("unsigned")]
    page = report_html(unsigned)

    assert "✓" not in page
    assert "1 counted transcript is unsigned" in page
    assert "set aside" not in page


def test_html_is_self_contained_and_escaped(report_rows: list[dict[str, Any]]) -> None:
    """No script or outside link, British English, print rules; a hostile name is text."""
    report_rows[0]["learner"] = "<script>alert(1)</script>"
    page = report_html(report_rows)

    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "http://" not in page and "https://" not in page
    assert '<html lang="en-GB">' in page
    assert "@media print" in page


def test_an_empty_cohort_gives_a_header_and_an_empty_page() -> None:
    """No attempts is not an error: the CSV has its header and the page says so."""
    assert report_csv([]) == ",".join(COLUMNS) + "\n"
    assert "No attempts were found." in report_html([])
