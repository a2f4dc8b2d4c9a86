"""The branching graph as Mermaid and Graphviz DOT: every node and edge, labels escaped."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from roleplay.core.library import bundled_scenarios
from roleplay.core.scenario import Scenario
from roleplay.render.graph import (
    dot_text,
    edge_label,
    mermaid_text,
    render_graph,
    scenario_graph,
    to_dot,
    to_mermaid,
)

ODD = """
id: odd
title: 'A "tricky" <title> # with | bits & \\ more'
sector: retail
channel: chat
difficulty: foundation
brief: A small scenario.
organisation:
  name: Shop
  promise: [{id: fast, aspect: response_time, text: Fast.}]
customer: {name: Ann, situation: Parcel late.}
nodes:
  - id: end
    customer: Hello
    branches:
      - when: {keywords: ['say "sorry" # now', 'a|b <b>&amp;</b> `x` \\ slash']}
        goto: done
        mood: 2
      - when: {mood_at_least: 5, mood_at_most: 7}
        goto: customer_lost
      - when: {any: [apologise]}
        goto: nowhere
      - otherwise: true
        goto: done
        mood: -1
  - id: done
    outcome: resolved
    customer: Bye
"""
"""Labels full of characters that mean something to Mermaid, DOT or HTML, a node called
``end`` (a Mermaid keyword), a goto to the engine's own end and one to no node at all."""


def late_parcel() -> Scenario:
    return bundled_scenarios()["late-parcel"].scenario


def odd() -> Scenario:
    data: dict[str, Any] = yaml.safe_load(ODD)
    return Scenario.model_validate(data)


MERMAID_LINE = re.compile(
    r"""^(flowchart\ TD
    |\ {4}%%.*
    |\ {4}n_\w+(\["[^"\n]*"\]|\(\["[^"\n]*"\]\)|\(\("[^"\n]*"\)\))
    |\ {4}n_\w+\ (-->|-\.->)(\|"[^"\n]*"\|)?\ n_\w+
    |\ {4}classDef\ \w+\ [\w#:,.\ -]+
    |\ {4}class\ n_\w+\ \w+
    )$""",
    re.VERBOSE,
)
"""One line of the Mermaid we write: a quoted label never holds a raw double quote."""

DOT_STRING = r'"(?:[^"\\\n]|\\.)*"'
DOT_ATTRS = rf"\[\w+={DOT_STRING}(?:,\ \w+={DOT_STRING})*\]"
DOT_LINE = re.compile(
    rf"""^(digraph\ {DOT_STRING}\ \{{
    |\ {{4}}(graph|node|edge)\ {DOT_ATTRS};
    |\ {{4}}{DOT_STRING}(\ ->\ {DOT_STRING})?(\ {DOT_ATTRS})?;
    |\}}
    )$""",
    re.VERBOSE,
)
"""One line of the DOT we write: every string quoted, with its quotes escaped."""


def mermaid_ids(text: str) -> dict[str, str]:
    """Map each drawn label's first line back to the Mermaid node id that carries it."""
    found = {}
    for match in re.finditer(r"^ {4}(n_\w+)\(?\[?\(?\"([^\"<]*)", text, re.MULTILINE):
        found[match.group(2)] = match.group(1)
    return found


# --- Mermaid --------------------------------------------------------------------------------


def test_mermaid_draws_every_node_of_late_parcel_with_its_outcome() -> None:
    scenario = late_parcel()

    text = to_mermaid(scenario)

    assert text.startswith("flowchart TD\n")
    ids = mermaid_ids(text)
    for node in scenario.nodes:
        assert node.id in ids, node.id
        if node.outcome is not None:
            assert f'{ids[node.id]}(["{node.id}<br/>({node.outcome.value})"])' in text
            assert f"class {ids[node.id]} {node.outcome.value}" in text
        else:
            assert f'{ids[node.id]}["{node.id}"]' in text


def test_mermaid_draws_every_branch_of_late_parcel_with_its_label() -> None:
    scenario = late_parcel()

    text = to_mermaid(scenario)

    ids = mermaid_ids(text)
    edges = [line for line in text.splitlines() if "->" in line and "n__start" not in line]
    assert len(edges) == sum(len(n.branches) for n in scenario.nodes)
    for node in scenario.nodes:
        for branch in node.branches:
            arrow = "-.->" if branch.otherwise else "-->"
            label = mermaid_text(edge_label(branch))
            line = f'    {ids[node.id]} {arrow}|"{label}"| {ids[branch.goto]}'
            assert line in edges, line
    assert f"n__start --> {ids['opening']}" in text


def test_edge_labels_summarise_the_condition_and_the_mood_change() -> None:
    labels = {e.label for e in scenario_graph(late_parcel()).edges}

    assert "any: dismiss, blame · -2" in labels
    assert "otherwise · -1" in labels
    assert "all: apologise; any: investigate, listen, acknowledge · +2" in labels
    assert "all: resolve; none: dismiss; open: full-refund · +2" in labels


def test_a_finds_branch_is_drawn_with_a_label() -> None:
    data: dict[str, Any] = yaml.safe_load(ODD)
    data["nodes"][0]["branches"].insert(
        0, {"when": {"finds": ["misstatement", "beyond_authority"]}, "goto": "done", "mood": -2}
    )
    scenario = Scenario.model_validate(data)

    labels = [e.label for e in scenario_graph(scenario).edges]

    assert labels[0] == "finds: law misstated, beyond authority · -2"
    assert '|"finds: law misstated, beyond authority · -2"|' in to_mermaid(scenario)


@pytest.mark.parametrize("scenario", [late_parcel, odd], ids=["late-parcel", "odd"])
def test_every_mermaid_line_is_well_formed(scenario: Any) -> None:
    for line in to_mermaid(scenario()).splitlines():
        assert MERMAID_LINE.match(line), line


def test_mermaid_escapes_what_would_break_a_label() -> None:
    text = to_mermaid(odd())

    assert "#quot;sorry#quot; #35; now" in text
    assert "a#124;b #lt;b#gt;#amp;amp;#lt;/b#gt; #96;x#96; \\ slash" in text
    assert "<b>" not in text
    assert "`" not in text
    assert "n_end[" in text, "a node called 'end' must not be written as the keyword"


def test_mermaid_text_turns_line_breaks_into_br() -> None:
    assert mermaid_text('one\n"two"') == "one<br/>#quot;two#quot;"


def test_gotos_to_the_engines_end_and_to_no_node_are_drawn() -> None:
    text = to_mermaid(odd())

    assert 'n_customer_lost(["customer_lost<br/>(customer_lost)"])' in text
    assert 'n_nowhere["nowhere<br/>(missing)"]' in text
    assert "class n_nowhere missing" in text
    assert "mood 5–7" in text


# --- DOT ------------------------------------------------------------------------------------


def test_dot_draws_every_node_and_branch_of_late_parcel() -> None:
    scenario = late_parcel()

    text = to_dot(scenario)

    assert text.startswith('digraph "late-parcel" {\n')
    assert text.rstrip().endswith("}")
    for node in scenario.nodes:
        if node.outcome is None:
            assert f'"{node.id}" [label="{node.id}"];' in text
        else:
            declared = [ln for ln in text.splitlines() if ln.startswith(f'    "{node.id}" [')]
            assert len(declared) == 1
            assert f'label="{node.id}\\n({node.outcome.value})"' in declared[0]
            assert 'peripheries="2"' in declared[0]
            assert "filled" in declared[0]
    edges = [ln for ln in text.splitlines() if " -> " in ln and "__start" not in ln]
    assert len(edges) == sum(len(n.branches) for n in scenario.nodes)
    for node in scenario.nodes:
        for branch in node.branches:
            line = f'    "{node.id}" -> "{branch.goto}" [label={dot_text(edge_label(branch))}'
            assert any(edge.startswith(line) for edge in edges), line
    assert '"__start" -> "opening";' in text


def test_terminal_nodes_are_coloured_by_outcome() -> None:
    text = to_dot(late_parcel())

    fills = {
        node_id: re.search(rf'^    "{node_id}" .*fillcolor="([^"]+)"', text, re.MULTILINE)
        for node_id in ("resolved", "resolved-escalated", "lost")
    }
    colours = {node_id: match.group(1) for node_id, match in fills.items() if match}
    assert len(set(colours.values())) == 3


@pytest.mark.parametrize("scenario", [late_parcel, odd], ids=["late-parcel", "odd"])
def test_every_dot_line_is_well_formed(scenario: Any) -> None:
    for line in to_dot(scenario()).splitlines():
        assert DOT_LINE.match(line), line


def test_dot_escapes_quotes_backslashes_and_ampersands() -> None:
    assert dot_text('say "hi" \\ & bye\nnext') == '"say \\"hi\\" \\\\ &amp; bye\\nnext"'
    assert "&amp;amp;" in to_dot(odd())


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
@pytest.mark.parametrize("scenario", [late_parcel, odd], ids=["late-parcel", "odd"])
def test_graphviz_reads_the_dot_and_keeps_the_labels(scenario: Any) -> None:
    done = subprocess.run(
        ["dot", "-Tplain"],
        input=to_dot(scenario()),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr and "Error" not in done.stderr, done.stderr
    edges = [line for line in done.stdout.splitlines() if line.startswith("edge ")]
    assert len(edges) == sum(len(n.branches) for n in scenario().nodes) + 1


# --- the entry point ------------------------------------------------------------------------


def test_render_graph_picks_the_format_and_refuses_others() -> None:
    scenario = late_parcel()

    assert render_graph(scenario) == to_mermaid(scenario)
    assert render_graph(scenario, "dot") == to_dot(scenario)
    with pytest.raises(ValueError, match="svg"):
        render_graph(scenario, "svg")  # type: ignore[arg-type]
