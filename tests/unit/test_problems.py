"""A problem prints as one ``file:line:col: message`` line, whatever its file or message holds."""

from __future__ import annotations

from roleplay.core.problems import Problem, Severity, one_line


def test_a_problem_prints_as_file_line_col_message_and_code() -> None:
    problem = Problem("a.yaml", 3, 5, "schema", "title: must not be empty")

    assert str(problem) == "a.yaml:3:5: title: must not be empty [schema]"


def test_a_warning_says_so() -> None:
    problem = Problem("a.yaml", 1, 1, "untested", "node 'x' is untested", Severity.WARNING)

    assert str(problem) == "a.yaml:1:1: warning: node 'x' is untested [untested]"


def test_a_newline_in_the_message_or_the_file_name_stays_on_one_line() -> None:
    problem = Problem("odd\nname.yaml", 2, 1, "undefined-node", "no node 'a\nb' (see\r\nabove)")

    printed = str(problem)

    assert printed.splitlines() == [printed]
    assert printed == "odd\\nname.yaml:2:1: no node 'a\\nb' (see\\r\\nabove) [undefined-node]"


def test_terminal_controls_are_shown_not_obeyed_and_tabs_kept() -> None:
    text = one_line("red \x1b[31m\tbell \x07 line\u2028sep \x85")

    assert text == "red \\x1b[31m\tbell \\x07 line\\u2028sep \\x85"
    assert text.splitlines() == [text]
