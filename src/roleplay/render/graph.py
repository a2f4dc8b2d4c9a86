"""A scenario's branching as a picture: Mermaid (``flowchart TD``) or Graphviz DOT.

A tutor reads the picture to see where a conversation can go: each node is labelled with its
id (and, for an end, its outcome); each branch is an arrow labelled with a short summary of
its condition and the change of mood it brings (``any: apologise · +2``, ``otherwise · -1``).
Ends are drawn in a colour for their outcome; ``otherwise`` branches are dashed; a ``goto``
to a node the scenario does not define is drawn to a red, dashed "missing" node rather than
left out, so the picture shows the mistake that ``roleplay validate`` reports.

Both formats quote and escape every label, so whatever text a tutor writes (quotes, ``#``,
``|``, angle brackets, backslashes) cannot break the diagram.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

from roleplay.core.conditions import condition_summary
from roleplay.core.dialogue import LOST_NODE
from roleplay.core.scenario import Branch, OutcomeKind, Scenario

GraphFormat = Literal["mermaid", "dot"]
FORMATS: Final[tuple[GraphFormat, ...]] = ("mermaid", "dot")

LABEL_LIMIT: Final = 72
"""The longest edge label drawn; longer summaries end with an ellipsis."""

_SEP: Final = " · "

_COLOURS: Final[dict[str, tuple[str, str]]] = {
    OutcomeKind.RESOLVED.value: ("#d9f2d9", "#2e7d32"),
    OutcomeKind.ESCALATED.value: ("#dbe9fb", "#1565c0"),
    OutcomeKind.CUSTOMER_LOST.value: ("#f8d7da", "#c62828"),
    OutcomeKind.OMBUDSMAN.value: ("#fff3cd", "#b26a00"),
    OutcomeKind.UNSAFE.value: ("#f8d7da", "#8e0000"),
}
"""Fill and border colour of an end node, by outcome."""


@dataclass(frozen=True, slots=True)
class GraphNode:
    """One node of the picture: a scenario node, the engine's own end, or a missing one."""

    id: str
    outcome: str | None = None
    missing: bool = False

    @property
    def label(self) -> str:
        """The node's id, with its outcome (or "missing") on a second line."""
        if self.missing:
            return f"{self.id}\n(missing)"
        if self.outcome is not None:
            return f"{self.id}\n({self.outcome})"
        return self.id


@dataclass(frozen=True, slots=True)
class GraphEdge:
    """One branch: from a node to its ``goto``, labelled with its condition and mood."""

    source: str
    target: str
    label: str
    otherwise: bool


@dataclass(frozen=True, slots=True)
class Graph:
    """The nodes and edges of a scenario, in the order the tutor wrote them."""

    title: str
    start: str
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]


def edge_label(branch: Branch) -> str:
    """Label a branch: its condition (or ``otherwise``) and, if any, its mood change."""
    test = "otherwise" if branch.when is None else condition_summary(branch.when)
    if len(test) > LABEL_LIMIT:
        test = test[: LABEL_LIMIT - 1].rstrip() + "…"
    if branch.mood:
        return f"{test}{_SEP}{branch.mood:+d}"
    return test


def scenario_graph(scenario: Scenario) -> Graph:
    """Collect the nodes and edges to draw, adding the engine's ends and missing targets."""
    nodes = [GraphNode(n.id, n.outcome.value if n.outcome else None) for n in scenario.nodes]
    known = {n.id for n in scenario.nodes}
    edges: list[GraphEdge] = []
    extra: dict[str, GraphNode] = {}
    for node in scenario.nodes:
        for branch in node.branches:
            target = branch.goto
            if target not in known and target not in extra:
                if target == LOST_NODE:
                    extra[target] = GraphNode(target, OutcomeKind.CUSTOMER_LOST.value)
                else:
                    extra[target] = GraphNode(target, missing=True)
            edges.append(GraphEdge(node.id, target, edge_label(branch), branch.when is None))
    if scenario.start_node not in known and scenario.start_node not in extra:
        extra[scenario.start_node] = GraphNode(scenario.start_node, missing=True)
    return Graph(scenario.title, scenario.start_node, (*nodes, *extra.values()), tuple(edges))


# --- Mermaid --------------------------------------------------------------------------------

_MERMAID_ESCAPES: Final = {
    "#": "#35;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "|": "#124;",
    "`": "#96;",
    "&": "#amp;",
}
_MERMAID_SPECIAL: Final = re.compile("[" + re.escape("".join(_MERMAID_ESCAPES)) + "]")


def mermaid_text(text: str) -> str:
    """Escape text for a double-quoted Mermaid label: entity codes for the characters
    Mermaid or its HTML labels would read as syntax, ``<br/>`` for each line break."""
    escaped = _MERMAID_SPECIAL.sub(lambda m: _MERMAID_ESCAPES[m.group()], text)
    return "<br/>".join(" ".join(line.split()) for line in escaped.splitlines() or [""])


def _mermaid_ids(graph: Graph) -> dict[str, str]:
    """Map each node id to a safe Mermaid id (``n_`` and word characters only, unique)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for node in graph.nodes:
        base = "n_" + re.sub(r"\W", "_", node.id)
        safe, count = base, 1
        while safe in used:
            count += 1
            safe = f"{base}_{count}"
        used.add(safe)
        out[node.id] = safe
    return out


def to_mermaid(scenario: Scenario) -> str:
    """Draw the scenario as a Mermaid ``flowchart TD``, ready for a Markdown code block."""
    graph = scenario_graph(scenario)
    ids = _mermaid_ids(graph)
    lines = ["flowchart TD", f"    %% {mermaid_text(graph.title).replace('%', '#37;')}"]
    lines.append('    n__start(("start"))')
    for node in graph.nodes:
        label = mermaid_text(node.label)
        if node.outcome is not None:
            lines.append(f'    {ids[node.id]}(["{label}"])')
        else:
            lines.append(f'    {ids[node.id]}["{label}"]')
    lines.append(f"    n__start --> {ids[graph.start]}")
    for edge in graph.edges:
        arrow = "-.->" if edge.otherwise else "-->"
        lines.append(
            f'    {ids[edge.source]} {arrow}|"{mermaid_text(edge.label)}"| {ids[edge.target]}'
        )
    for outcome, (fill, stroke) in _COLOURS.items():
        lines.append(f"    classDef {outcome} fill:{fill},stroke:{stroke},stroke-width:2px")
    lines.append("    classDef missing fill:#ffffff,stroke:#c62828,stroke-dasharray:5 5")
    lines.append("    classDef entry fill:#333333,stroke:#333333,color:#ffffff")
    lines.append("    class n__start entry")
    for node in graph.nodes:
        style = "missing" if node.missing else node.outcome
        if style is not None:
            lines.append(f"    class {ids[node.id]} {style}")
    return "\n".join(lines) + "\n"


# --- Graphviz DOT ---------------------------------------------------------------------------


def dot_text(text: str) -> str:
    """Quote text as a DOT string: backslashes and double quotes escaped, ``&`` written as
    ``&amp;`` (Graphviz reads entities in labels), line breaks as ``\\n``."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    return '"' + "\\n".join(escaped.splitlines() or [""]) + '"'


def _dot_attrs(**attrs: str) -> str:
    return "[" + ", ".join(f"{key}={dot_text(value)}" for key, value in attrs.items()) + "]"


def to_dot(scenario: Scenario) -> str:
    """Draw the scenario as a Graphviz ``digraph``, ready for ``dot -Tsvg``."""
    graph = scenario_graph(scenario)
    q: Callable[[str], str] = dot_text
    lines = [
        f"digraph {q(scenario.id)} {{",
        "    graph "
        + _dot_attrs(rankdir="TB", label=graph.title, labelloc="t", fontname="Helvetica")
        + ";",
        f"    node {_dot_attrs(shape='box', style='rounded', fontname='Helvetica')};",
        f"    edge {_dot_attrs(fontname='Helvetica', fontsize='10')};",
        f"    {q('__start')} {_dot_attrs(shape='point', label='', width='0.15')};",
    ]
    for node in graph.nodes:
        if node.missing:
            attrs = _dot_attrs(
                label=node.label, style="rounded,dashed", color="#c62828", fontcolor="#c62828"
            )
        elif node.outcome is not None:
            fill, stroke = _COLOURS.get(node.outcome, ("#eeeeee", "#555555"))
            attrs = _dot_attrs(
                label=node.label,
                style="rounded,filled,bold",
                fillcolor=fill,
                color=stroke,
                peripheries="2",
            )
        else:
            attrs = _dot_attrs(label=node.label)
        lines.append(f"    {q(node.id)} {attrs};")
    lines.append(f"    {q('__start')} -> {q(graph.start)};")
    for edge in graph.edges:
        attrs = (
            _dot_attrs(label=edge.label, style="dashed")
            if edge.otherwise
            else _dot_attrs(label=edge.label)
        )
        lines.append(f"    {q(edge.source)} -> {q(edge.target)} {attrs};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_graph(scenario: Scenario, fmt: GraphFormat = "mermaid") -> str:
    """Draw the scenario in ``fmt`` (``mermaid`` or ``dot``)."""
    if fmt == "dot":
        return to_dot(scenario)
    if fmt == "mermaid":
        return to_mermaid(scenario)
    raise ValueError(f"unknown graph format {fmt!r}; known: {', '.join(FORMATS)}")
