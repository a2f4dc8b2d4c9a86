"""The scenario lint, self-tests and coverage: each mistake a tutor can make, at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleplay.core.dialogue import Session
from roleplay.core.library import bundled_folder
from roleplay.core.lint import (
    check_scenario_file,
    coverage,
    lint_scenario,
    load_scenario_with_map,
    play_self_tests,
    run_self_tests,
)
from roleplay.core.problems import Problem, Severity
from roleplay.core.scenario import LoadedScenario

GOOD = """\
id: mini
title: A mini scenario
sector: retail
channel: chat
difficulty: foundation
brief: A customer's parcel is late.
framework: LATER
organisation:
  name: Shop
  promise:
    - id: fast
      aspect: response_time
      text: We answer within a minute.
    - id: right
      aspect: accuracy
      text: We get it right.
  policies:
    - id: returns
      name: returns policy
      summary: Returns within 30 days.
      cues: ["returns policy"]
    - id: lost-parcel
      name: lost parcel procedure
      summary: Lost parcels are traced.
      cues: ["lost parcel procedure"]
legislation: [consumer_rights_act]
customer:
  name: Ann
  situation: Her parcel is late.
triggers:
  - id: threat
    kind: legal_threat
    description: She threatens court.
  - id: over-limit
    kind: beyond_authority
    description: She wants more than you may give.
nodes:
  - id: opening
    customer: Where is my parcel?
    triggers: [threat]
    branches:
      - when: {any: [apologise], cites: [lost-parcel]}
        goto: done
        mood: 2
      - when: {any: [apologise]}
        goto: middle
        mood: 1
      - otherwise: true
        goto: lost
        mood: -1
  - id: middle
    customer: And?
    triggers: [over-limit]
    branches:
      - when: {any: [resolve]}
        goto: done
      - otherwise: true
        goto: customer_lost
  - id: done
    outcome: resolved
    customer: Thanks.
  - id: lost
    outcome: customer_lost
    customer: Goodbye.
tests:
  - name: sorry and the procedure
    replies:
      - "I'm so sorry your parcel is late. Under our lost parcel procedure I will trace it today."
    expect: {outcome: resolved}
  - name: the returns policy is named
    replies:
      - "I'm so sorry. Our returns policy lets you send it back."
    expect: {node: middle}
"""
"""A valid scenario the lint finds nothing in; each test below breaks one thing."""


def write(tmp_path: Path, text: str, name: str = "mini.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, fragment: str, nth: int = 1) -> int:
    """The 1-based line of the ``nth`` line containing ``fragment``."""
    found = [i for i, line in enumerate(text.splitlines(), 1) if fragment in line]
    assert len(found) >= nth, f"{fragment!r} is not in the text {nth} time(s)"
    return found[nth - 1]


def changed(old: str, new: str, text: str = GOOD) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def load(path: Path) -> LoadedScenario:
    loaded, _smap, problems = load_scenario_with_map(path)
    assert loaded is not None, problems
    return loaded


def lint(tmp_path: Path, text: str) -> list[Problem]:
    path = write(tmp_path, text)
    loaded, smap, problems = load_scenario_with_map(path)
    assert loaded is not None and problems == [], problems
    return lint_scenario(loaded, smap)


def only(problems: list[Problem], code: str) -> list[Problem]:
    return [p for p in problems if p.code == code]


def assert_one(problems: list[Problem], code: str, line: int, *words: str) -> Problem:
    """Exactly one problem of ``code``, at ``line``, saying each of ``words``."""
    found = only(problems, code)
    assert len(found) == 1, problems
    assert found[0].line == line, found[0]
    for word in words:
        assert word in found[0].message, found[0]
    return found[0]


# --- the scenario the tests break is clean --------------------------------------------------


def test_a_sound_scenario_has_nothing_to_lint(tmp_path: Path) -> None:
    assert lint(tmp_path, GOOD) == []


def test_a_sound_scenario_passes_its_self_tests(tmp_path: Path) -> None:
    loaded = load(write(tmp_path, GOOD))

    assert run_self_tests(loaded) == []


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "line_fragment", "kind"),
    [
        ("  - id: middle\n", "  - id: opening\n", "- id: opening", "node id 'opening'"),
        ("    - id: lost-parcel\n", "    - id: returns\n", "- id: returns", "policy id"),
        ("  - id: over-limit\n", "  - id: threat\n", "- id: threat", "trigger id"),
        ("    - id: right\n", "    - id: fast\n", "- id: fast", "commitment id"),
        (
            "  - name: the returns policy is named",
            "  - name: sorry and the procedure",
            "- name: sorry and the procedure",
            "self-test name",
        ),
    ],
    ids=["node", "policy", "trigger", "commitment", "self-test"],
)
def test_duplicate_ids_are_reported_at_the_second_one(
    tmp_path: Path, old: str, new: str, line_fragment: str, kind: str
) -> None:
    text = changed(old, new)

    problems = lint(tmp_path, text)

    found = [p for p in only(problems, "duplicate-id") if kind in p.message]
    assert len(found) == 1, problems
    assert found[0].line == line_of(text, line_fragment, nth=2)
    assert f"line {line_of(text, line_fragment)}" in found[0].message
    assert found[0].severity is Severity.ERROR


def test_goto_to_an_undefined_node_is_reported_at_the_goto_with_a_suggestion(
    tmp_path: Path,
) -> None:
    text = changed("        goto: middle\n", "        goto: midle\n")

    problems = lint(tmp_path, text)

    assert_one(problems, "undefined-node", line_of(text, "goto: midle"), "midle", "'middle'")


def test_goto_to_the_engines_own_customer_lost_end_is_allowed(tmp_path: Path) -> None:
    assert "goto: customer_lost" in GOOD
    assert only(lint(tmp_path, GOOD), "undefined-node") == []


def test_undefined_start_node_is_reported(tmp_path: Path) -> None:
    text = changed("nodes:\n", "start: begin\nnodes:\n")

    problems = lint(tmp_path, text)

    assert_one(problems, "undefined-node", line_of(text, "start: begin"), "start node 'begin'")


def test_node_trigger_that_is_not_defined_is_reported(tmp_path: Path) -> None:
    text = changed("    triggers: [threat]\n", "    triggers: [threat, refund-asked]\n")

    problems = lint(tmp_path, text)

    assert_one(problems, "undefined-trigger", line_of(text, "refund-asked"), "refund-asked")


def test_citing_neither_a_policy_nor_a_law_is_reported(tmp_path: Path) -> None:
    text = changed("cites: [lost-parcel]", "cites: [lost-parcels]")

    problems = lint(tmp_path, text)

    assert_one(
        problems,
        "undefined-citation",
        line_of(text, "lost-parcels"),
        "'lost-parcels'",
        "did you mean 'lost-parcel'",
    )


def test_citing_a_law_of_the_catalogue_is_allowed(tmp_path: Path) -> None:
    text = changed("cites: [lost-parcel]", "cites: [lost-parcel, consumer_rights_act]")

    assert only(lint(tmp_path, text), "undefined-citation") == []


def test_legislation_not_in_the_catalogue_is_reported(tmp_path: Path) -> None:
    text = changed("legislation: [consumer_rights_act]", "legislation: [sale_of_goods_act]")

    problems = lint(tmp_path, text)

    assert_one(problems, "unknown-law", line_of(text, "sale_of_goods_act"), "catalogue")


def test_a_rule_listed_as_legislation_is_reported(tmp_path: Path) -> None:
    """Ofgem's back-billing rule is not law: listed as legislation it could never earn
    credit, so the tutor is told to make it a policy."""
    text = changed("legislation: [consumer_rights_act]", "legislation: [back_billing]")

    problems = lint(tmp_path, text)

    assert_one(problems, "not-law", line_of(text, "back_billing"), "policy")


def test_a_model_answer_for_something_no_model_marks_is_reported(tmp_path: Path) -> None:
    text = changed("\ntests:\n", '\nmodel_answers:\n  names-the-promis: "We promise…"\ntests:\n')

    problems = lint(tmp_path, text)

    assert_one(
        problems,
        "unknown-answer-key",
        line_of(text, "names-the-promis:"),
        "did you mean 'names-the-promise'",
    )


def test_unknown_framework_is_reported_and_case_does_not_matter(tmp_path: Path) -> None:
    assert only(lint(tmp_path, changed("framework: LATER", "framework: later")), "unknown-fr") == []
    text = changed("framework: LATER", "framework: LATTER")

    problems = lint(tmp_path, text)

    assert_one(problems, "unknown-framework", line_of(text, "framework: LATTER"), "LATTER")


def test_reaction_that_is_not_a_default_reaction_is_reported(tmp_path: Path) -> None:
    text = changed("tests:\n", "reactions:\n  dismissed: {mood: -3}\n  rude: {mood: -1}\ntests:\n")

    problems = lint(tmp_path, text)

    assert_one(problems, "unknown-reaction", line_of(text, "rude:"), "'rude'")


def test_node_without_an_otherwise_branch_is_reported(tmp_path: Path) -> None:
    text = changed("      - otherwise: true\n        goto: customer_lost\n", "")

    problems = lint(tmp_path, text)

    middle = line_of(text, "- id: middle")
    assert_one(problems, "no-fallback", middle + 3, "'middle'", "otherwise")


def test_branch_after_otherwise_never_fires(tmp_path: Path) -> None:
    text = changed(
        "        goto: customer_lost\n",
        "        goto: customer_lost\n      - when: {any: [escalate]}\n        goto: done\n",
    )

    problems = lint(tmp_path, text)

    assert_one(problems, "never-fires", line_of(text, "any: [escalate]"), "after the 'otherwise'")


@pytest.mark.parametrize(
    ("condition", "reason"),
    [
        ("{all: [resolve], none: [resolve]}", "requires and forbids resolve"),
        ("{any: [resolve, explain], none: [explain, resolve, blame]}", "also under 'none'"),
        ("{mood_at_least: 7, mood_at_most: 3}", "above mood_at_most"),
        ("{any: [apologise], cites: [lost-parcel]}", "same condition"),
        ("{cites: [lost-parcel], any: [apologise]}", "same condition"),
    ],
    ids=["all-and-none", "any-within-none", "mood-range", "identical", "identical-reordered"],
)
def test_branch_that_can_never_be_taken_is_reported(
    tmp_path: Path, condition: str, reason: str
) -> None:
    text = changed("      - when: {any: [apologise]}\n", f"      - when: {condition}\n")

    problems = lint(tmp_path, text)

    second_branch = line_of(GOOD, "- when: {any: [apologise]}")
    assert_one(problems, "never-fires", second_branch, reason, "branch 2")


def test_branches_differing_only_in_finds_are_not_duplicates(tmp_path: Path) -> None:
    text = changed(
        "      - when: {any: [apologise]}\n        goto: middle\n",
        "      - when: {any: [explain], finds: [misstatement]}\n        goto: middle\n"
        "      - when: {any: [explain], finds: [beyond_authority]}\n        goto: lost\n",
    )

    assert only(lint(tmp_path, text), "never-fires") == []


def test_branches_with_the_same_finds_are_duplicates(tmp_path: Path) -> None:
    text = changed(
        "      - when: {any: [apologise]}\n        goto: middle\n",
        "      - when: {finds: [misstatement]}\n        goto: middle\n"
        "      - when: {finds: [misstatement]}\n        goto: lost\n",
    )

    problems = lint(tmp_path, text)

    assert_one(problems, "never-fires", line_of(text, "finds: [misstatement]", 2), "same condition")


def test_branch_that_forbids_only_some_of_its_any_can_fire(tmp_path: Path) -> None:
    text = changed("{any: [resolve]}", "{any: [resolve, explain], none: [explain]}")

    assert only(lint(tmp_path, text), "never-fires") == []


def test_nodes_that_cannot_reach_an_end_are_dead_ends(tmp_path: Path) -> None:
    loop = (
        "  - id: loop-a\n    customer: Hm.\n    branches:\n"
        "      - otherwise: true\n        goto: loop-b\n"
        "  - id: loop-b\n    customer: Hm?\n    branches:\n"
        "      - otherwise: true\n        goto: loop-a\n"
    )
    text = changed("  - id: done\n", loop + "  - id: done\n")
    text = changed("        goto: lost\n", "        goto: loop-a\n", text)

    problems = lint(tmp_path, text)

    dead = only(problems, "dead-end")
    assert [p.line for p in dead] == [line_of(text, "- id: loop-a"), line_of(text, "- id: loop-b")]
    assert all(p.severity is Severity.ERROR for p in dead)
    assert "'loop-a'" in dead[0].message


def test_scenario_with_no_end_at_all_is_reported(tmp_path: Path) -> None:
    text = changed(
        "  - id: done\n    outcome: resolved\n    customer: Thanks.\n"
        "  - id: lost\n    outcome: customer_lost\n    customer: Goodbye.\n",
        "",
    )
    text = text.replace("goto: done", "goto: opening").replace("goto: lost", "goto: middle")
    text = text.replace("goto: customer_lost", "goto: opening")

    problems = lint(tmp_path, text)

    assert_one(problems, "no-terminal", line_of(text, "nodes:"), "outcome")
    assert only(problems, "dead-end") == []


def test_self_test_expecting_an_undefined_node_is_reported(tmp_path: Path) -> None:
    text = changed("expect: {node: middle}", "expect: {node: muddle}")

    problems = lint(tmp_path, text)

    assert_one(problems, "undefined-node", line_of(text, "muddle"), "self-test", "'middle'")


# --- warnings -------------------------------------------------------------------------------


def test_node_no_path_leads_to_is_unreachable(tmp_path: Path) -> None:
    island = "  - id: island\n    outcome: ombudsman\n    customer: See you there.\n"
    text = changed("  - id: done\n", island + "  - id: done\n")

    problems = lint(tmp_path, text)

    found = assert_one(problems, "unreachable", line_of(text, "- id: island"), "'island'")
    assert found.severity is Severity.WARNING


def test_the_lost_end_is_reachable_when_patience_runs_out(tmp_path: Path) -> None:
    text = changed("        goto: lost\n", "        goto: middle\n")

    assert only(lint(tmp_path, text), "unreachable") == []


def test_trigger_no_node_uses_is_reported(tmp_path: Path) -> None:
    text = changed("    triggers: [over-limit]\n", "")

    problems = lint(tmp_path, text)

    found = assert_one(problems, "unused-trigger", line_of(text, "- id: over-limit"), "over-limit")
    assert found.severity is Severity.WARNING


def test_policy_never_cited_or_named_is_a_soft_warning(tmp_path: Path) -> None:
    text = changed("Our returns policy lets you", "We will let you")

    problems = lint(tmp_path, text)

    found = assert_one(problems, "uncited-policy", line_of(text, "- id: returns"), "'returns'")
    assert found.severity is Severity.WARNING


def test_scenario_without_self_tests_is_warned(tmp_path: Path) -> None:
    text = GOOD[: GOOD.index("tests:\n")]
    text = changed("Returns within 30 days.", "Returns.", text)

    problems = lint(tmp_path, text)

    codes = {p.code: p.severity for p in problems}
    assert codes["no-tests"] is Severity.WARNING


# --- self-tests -----------------------------------------------------------------------------


def test_self_test_that_misses_its_outcome_is_reported_at_the_test_with_its_path(
    tmp_path: Path,
) -> None:
    text = changed("    expect: {outcome: resolved}", "    expect: {outcome: escalated_correctly}")
    loaded = load(write(tmp_path, text))

    problems = run_self_tests(loaded)

    found = assert_one(
        problems,
        "self-test-failed",
        line_of(text, "- name: sorry and the procedure"),
        "'sorry and the procedure'",
        "escalated_correctly",
        "'done'",
        "opening → done",
    )
    assert found.severity is Severity.ERROR


def test_self_test_that_stops_short_of_its_node_says_the_conversation_goes_on(
    tmp_path: Path,
) -> None:
    text = changed("expect: {node: middle}", "expect: {node: done}")

    problems = run_self_tests(load(write(tmp_path, text)))

    assert_one(
        problems,
        "self-test-failed",
        line_of(text, "- name: the returns policy is named"),
        "node 'done'",
        "'middle' (the conversation goes on)",
    )


def test_expected_score_is_checked_only_through_the_hook(tmp_path: Path) -> None:
    text = changed(
        "    expect: {outcome: resolved}", "    expect: {outcome: resolved, score: [80, 100]}"
    )
    loaded = load(write(tmp_path, text))
    asked: list[tuple[str, str]] = []

    def low_score(session: Session, framework: str) -> int:
        asked.append((session.node_id, framework))
        return 40

    assert run_self_tests(loaded) == []
    problems = run_self_tests(loaded, score=low_score)

    assert asked == [("done", "LATER")]
    assert_one(problems, "self-test-failed", line_of(text, "- name: sorry"), "80–100", "40")


def test_self_tests_are_not_played_on_a_broken_graph(tmp_path: Path) -> None:
    text = changed("        goto: middle\n", "        goto: nowhere\n")

    loaded, problems = check_scenario_file(write(tmp_path, text))

    assert loaded is not None
    assert {p.code for p in problems} == {"undefined-node", "unreachable"}
    assert not any(p.code.startswith("self-test") or p.code == "untested" for p in problems)


# --- coverage -------------------------------------------------------------------------------


def test_coverage_names_the_untested_branch_node_and_reaction(tmp_path: Path) -> None:
    loaded = load(write(tmp_path, GOOD))

    problems = coverage(loaded)

    assert all(p.code == "untested" and p.severity is Severity.WARNING for p in problems)
    messages = {p.line: p.message for p in problems}
    otherwise_at = line_of(GOOD, "- otherwise: true")
    assert "branch 3 of node 'opening'" in messages[otherwise_at]
    assert "to 'lost'" in messages[otherwise_at]
    assert "node 'lost' is reached by no self-test" in messages[line_of(GOOD, "- id: lost", nth=2)]
    untested_middle = line_of(GOOD, "- when: {any: [resolve]}")
    assert "branch 1 of node 'middle'" in messages[untested_middle]
    reactions = [p.message for p in problems if "default reaction" in p.message]
    assert any("'dismissed'" in m for m in reactions)
    assert not any("missing_apology" in m for m in reactions), "no node asks for an apology"


def test_coverage_leaves_out_a_reaction_every_node_answers_with_a_branch(tmp_path: Path) -> None:
    text = GOOD.replace(
        "      - when: {any: [apologise], cites: [lost-parcel]}",
        "      - when: {any: [dismiss]}\n        goto: lost\n"
        "      - when: {any: [apologise], cites: [lost-parcel]}",
        1,
    ).replace(
        "      - when: {any: [resolve]}",
        "      - when: {any: [blame, dismiss]}\n        goto: done\n      - when: {any: [resolve]}",
        1,
    )
    loaded = load(write(tmp_path, text))

    reactions = [p.message for p in coverage(loaded) if "default reaction" in p.message]

    assert not any("'dismissed'" in m for m in reactions), "every node's branch answers it"
    assert any("'blamed'" in m for m in reactions), "the opening lets a blaming reply through"


def test_coverage_leaves_out_what_the_self_tests_reach(tmp_path: Path) -> None:
    loaded = load(write(tmp_path, GOOD))

    text = " ".join(p.message for p in coverage(loaded))

    assert "node 'middle' is reached" not in text
    assert "node 'done'" not in text
    assert "branch 1 of node 'opening'" not in text


def test_coverage_of_a_scenario_without_tests_is_left_to_the_lint(tmp_path: Path) -> None:
    loaded = load(write(tmp_path, GOOD[: GOOD.index("tests:\n")]))

    assert coverage(loaded) == []
    assert play_self_tests(loaded) == []


# --- whole files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    ["", "- a list\n", "id: [unclosed\n", "id: mini\n", "nodes: 3\n"],
    ids=["empty", "list", "syntax", "missing-fields", "bad-nodes"],
)
def test_broken_files_give_problems_not_exceptions(tmp_path: Path, content: str) -> None:
    loaded, problems = check_scenario_file(write(tmp_path, content))

    assert loaded is None
    assert problems
    assert all(p.file == str(tmp_path / "mini.yaml") and p.line >= 1 for p in problems)


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    loaded, problems = check_scenario_file(tmp_path / "gone.yaml")

    assert loaded is None
    assert [p.code for p in problems] == ["io"]


BUNDLED = sorted(bundled_folder().glob("*.yaml"))


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_bundled_scenario_has_no_errors(path: Path) -> None:
    """Lint, self-tests and all: every scenario that ships is sound (warnings aside)."""
    _loaded, problems = check_scenario_file(path)

    assert [str(p) for p in problems if p.severity is Severity.ERROR] == []


def test_bundled_scenarios_are_found() -> None:
    assert any(p.stem == "late-parcel" for p in BUNDLED)
