"""Checks a scenario's conversation graph and proves it against its own self-tests.

The scenario models (:mod:`roleplay.core.scenario`) check what one part of a file can show
on its own; this module checks how the parts fit together, as a tutor's editor would want:
every problem is a :class:`~roleplay.core.problems.Problem` at the line and column of the
YAML node at fault, so a tutor with five mistakes sees five lines.

Errors (``roleplay validate`` fails):

``duplicate-id``
    two nodes, policies, triggers, commitments or self-tests share an id (or name);
``undefined-node``
    a branch's ``goto``, the ``start`` or a self-test's ``expect.node`` names no node (the
    engine's own ``customer_lost`` end is always there);
``undefined-trigger``
    a node fires a trigger that ``triggers:`` does not define;
``undefined-citation``
    a branch ``cites`` an id that is neither a policy of the scenario nor a law of the
    catalogue;
``not-law``
    a ``legislation`` entry that the catalogue lists as a rule, not law;
``unknown-law``, ``unknown-framework``, ``unknown-reaction``, ``unknown-answer-key``
    ``legislation``, ``framework`` (of the scenario or a self-test) or a ``reactions`` key
    that roleplay does not know;
``no-fallback``
    a node that goes on has no ``otherwise`` branch, so a reply might match nothing;
``never-fires``
    a branch that cannot be taken: after an ``otherwise``, requiring and forbidding the same
    move, an empty mood range, the same condition as an earlier branch, or a condition that
    an earlier branch always meets first (every reply meeting it meets the earlier one);
``dead-end``
    a node from which no end of the conversation can be reached;
``undefined-need``
    a condition, a line variant or ``raised_at`` names a need the customer does not have
    (or ``raised_at`` names no node);
``no-terminal``
    no node ends the conversation at all;
``self-test-failed``, ``self-test-error``
    a self-test's replies do not reach what it expects, or could not be played.

Warnings (reported, but ``validate`` still passes):

``unreachable``
    a node no path from the start leads to;
``unused-trigger``
    a trigger no node fires;
``uncited-policy``
    a policy no branch cites and no self-test reply names (a soft hint);
``no-tests``
    the scenario has no self-tests;
``mood-order``
    a branch asking only for good things, tried before one that also asks only for good
    things but moves the mood more: a reply doing both would please the customer less;
``untested``
    a node, branch or default reaction that no self-test reaches (from :func:`coverage`);
``asks-for-met``, ``repeats``, ``no-end``
    what seeded random play-throughs found (:mod:`roleplay.core.playthrough`): a line that
    asks for what the learner had already given, a line said twice in one attempt, a
    conversation that never ends.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from roleplay.core.analysis_cache import AnalysisCache
from roleplay.core.conditions import blocks, condition_key, why_never
from roleplay.core.dialogue import (
    LOST_NODE,
    REACTION_MOVES,
    REACTION_ORDER,
    Session,
    default_reactions,
    play,
)
from roleplay.core.errors import RoleplayError
from roleplay.core.facts import find_phrase
from roleplay.core.needs import needs_of
from roleplay.core.playthrough import DEFAULT_SEED, play_throughs
from roleplay.core.problems import Problem, Severity, has_errors
from roleplay.core.scenario import (
    Ask,
    Branch,
    Condition,
    LoadedScenario,
    Node,
    OutcomeKind,
    Scenario,
    load_scenario_with_map,
)
from roleplay.core.source import KeyPath, SourceMap, did_you_mean, load_yaml

ScoreHook = Callable[[Session, str], int]
"""Scores a finished self-test session under a framework id, 0–100 (the debrief's score)."""

_REACTION_NEEDS: Final[Mapping[str, Ask]] = {
    "missing_apology": Ask.APOLOGY,
    "question_for_question": Ask.ANSWER,
}
"""Default reactions that can only happen at a node asking for something."""


def check_scenario_file(
    path: Path,
    *,
    self_tests: bool = True,
    score: ScoreHook | None = None,
    playthroughs: int = 0,
    seed: int = DEFAULT_SEED,
) -> tuple[LoadedScenario | None, list[Problem]]:
    """Load one scenario file and return it with every problem: schema, lint, self-tests
    and, when ``playthroughs`` is above 0, that many seeded random play-throughs.

    The self-tests, the coverage warnings and the play-throughs are only run when the file
    has no error so far, since the engine cannot play a graph with broken references. The
    scenario is None when the file could not be loaded at all.
    """
    loaded, smap, problems = load_scenario_with_map(path)
    if loaded is None:
        return None, _sorted(problems)
    problems.extend(lint_scenario(loaded, smap))
    if self_tests and not has_errors(problems) and loaded.scenario.tests:
        sessions = play_self_tests(loaded)
        problems.extend(run_self_tests(loaded, smap, score=score, sessions=sessions))
        problems.extend(coverage(loaded, smap, sessions=sessions))
    if playthroughs > 0 and not has_errors(problems):
        problems.extend(playthrough_problems(loaded, smap, count=playthroughs, seed=seed))
    return loaded, _sorted(problems)


def playthrough_problems(
    loaded: LoadedScenario, smap: SourceMap, *, count: int, seed: int
) -> list[Problem]:
    """Warn of every line that seeded random play-throughs found incoherent (codes
    ``asks-for-met``, ``repeats``, ``no-end``), once per line, at the node that says it."""
    report = play_throughs(loaded.scenario, count=count, seed=seed)
    at = _Reporter(smap)
    index = {node.id: i for i, node in enumerate(loaded.scenario.nodes)}
    problems: list[Problem] = []
    seen: set[tuple[str, str, str]] = set()
    for issue in report.issues:
        key = (issue.code, issue.node, issue.line)
        if key in seen:
            continue
        seen.add(key)
        where: KeyPath = ("nodes", index[issue.node], "customer") if issue.node in index else ()
        problems.append(at.warning(where, issue.code, issue.message(seed)))
    return problems


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line, p.col))


def _map_of(loaded: LoadedScenario, smap: SourceMap | None) -> SourceMap:
    """The given map, or one read again from the scenario's file (blank if unreadable)."""
    if smap is not None:
        return smap
    _data, found, _problems = load_yaml(loaded.path)
    return found


@dataclass(frozen=True, slots=True)
class _Reporter:
    """Builds problems located in one file through its source map."""

    smap: SourceMap

    def error(self, path: KeyPath, code: str, message: str) -> Problem:
        line, col = self.smap.locate(path)
        return Problem(self.smap.file, line, col, code, message)

    def warning(self, path: KeyPath, code: str, message: str) -> Problem:
        line, col = self.smap.locate(path)
        return Problem(self.smap.file, line, col, code, message, Severity.WARNING)


# --- the static lint ------------------------------------------------------------------------


def lint_scenario(
    loaded: LoadedScenario,
    smap: SourceMap,
    *,
    law_ids: Iterable[str] | None = None,
    framework_ids: Iterable[str] | None = None,
) -> list[Problem]:
    """Check how a valid scenario's parts fit together; every problem at its YAML node.

    ``law_ids`` and ``framework_ids`` default to the bundled legislation catalogue and
    models; when a bundled file is itself broken its ids are not checked here (``roleplay
    validate`` reports the broken file instead).
    """
    scenario = loaded.scenario
    at = _Reporter(smap)
    laws = _bundled_law_ids() if law_ids is None else frozenset(law_ids)
    frameworks = _bundled_framework_ids() if framework_ids is None else frozenset(framework_ids)
    problems: list[Problem] = []
    problems += _duplicates(scenario, at)
    problems += _references(scenario, at, laws, frameworks)
    problems += _branches(scenario, at)
    problems += _graph(scenario, at)
    problems += _need_references(scenario, at)
    problems += _unused(scenario, at)
    if not scenario.tests:
        problems.append(
            at.warning(
                ("tests",),
                "no-tests",
                "the scenario has no self-tests; add 'tests:' with scripted replies "
                "so 'roleplay validate' can prove its paths",
            )
        )
    return _sorted(problems)


def _bundled_law_ids() -> frozenset[str] | None:
    from roleplay.core.legislation import bundled_catalogue

    try:
        return frozenset(law.id for law in bundled_catalogue().laws)
    except RoleplayError:
        return None


def _bundled_rule_ids() -> frozenset[str]:
    """Entries of the catalogue that are rules, not law (Delay Repay, back-billing…)."""
    from roleplay.core.legislation import bundled_catalogue

    try:
        return frozenset(law.id for law in bundled_catalogue().laws if law.kind == "rule")
    except RoleplayError:
        return frozenset()


def _bundled_framework_ids() -> frozenset[str] | None:
    from roleplay.core.frameworks import bundled_frameworks

    try:
        return frozenset(bundled_frameworks())
    except RoleplayError:
        return None


def _answer_keys() -> frozenset[str] | None:
    """What a model answer may be for: a marking point or a step of any bundled model."""
    from roleplay.core.frameworks import bundled_frameworks, rubrics_dir
    from roleplay.core.source import load_yaml

    try:
        steps = {step.id for fw in bundled_frameworks().values() for step in fw.steps}
    except RoleplayError:
        return None
    data, _smap, problems = load_yaml(rubrics_dir() / "marking_points.yaml")
    if data is None or problems or not isinstance(data, dict):
        return None
    points = {
        str(p["id"]) for p in data.get("marking_points") or () if isinstance(p, dict) and "id" in p
    }
    return frozenset(steps | points)


def _duplicates(scenario: Scenario, at: _Reporter) -> list[Problem]:
    groups: list[tuple[str, KeyPath, str, list[str]]] = [
        ("node id", ("nodes",), "id", [n.id for n in scenario.nodes]),
        (
            "policy id",
            ("organisation", "policies"),
            "id",
            [p.id for p in scenario.organisation.policies],
        ),
        ("trigger id", ("triggers",), "id", [t.id for t in scenario.triggers]),
        (
            "commitment id",
            ("organisation", "promise"),
            "id",
            [c.id for c in scenario.organisation.promise],
        ),
        ("self-test name", ("tests",), "name", [t.name for t in scenario.tests]),
    ]
    problems: list[Problem] = []
    for kind, base, key, ids in groups:
        first: dict[str, int] = {}
        for index, value in enumerate(ids):
            if value in first:
                earlier = first[value]
                line = at.smap.locate((*base, earlier))[0]
                problems.append(
                    at.error(
                        (*base, index, key),
                        "duplicate-id",
                        f"{kind} '{value}' is already used on line {line}",
                    )
                )
            else:
                first[value] = index
    return problems


def _unknown(message: str, given: str, known: Iterable[str]) -> str:
    """``message``, with the nearest known id as a suggestion (or the few known ids)."""
    options = sorted(set(known))
    suggestion = did_you_mean(given, options)
    if suggestion is not None:
        return f"{message}; did you mean '{suggestion}'?"
    if options and len(options) <= 8:
        return f"{message}; known: {', '.join(options)}"
    return message


def _references(
    scenario: Scenario,
    at: _Reporter,
    laws: frozenset[str] | None,
    frameworks: frozenset[str] | None,
) -> list[Problem]:
    problems: list[Problem] = []
    node_ids = {n.id for n in scenario.nodes}
    targets = node_ids | {LOST_NODE}
    trigger_ids = {t.id for t in scenario.triggers}
    policy_ids = {p.id for p in scenario.organisation.policies}

    if scenario.start is not None and scenario.start not in node_ids:
        problems.append(
            at.error(
                ("start",),
                "undefined-node",
                _unknown(f"start node '{scenario.start}' is not defined", scenario.start, node_ids),
            )
        )
    for i, node in enumerate(scenario.nodes):
        for k, trigger in enumerate(node.triggers):
            if trigger not in trigger_ids:
                problems.append(
                    at.error(
                        ("nodes", i, "triggers", k),
                        "undefined-trigger",
                        _unknown(
                            f"trigger '{trigger}' is not defined under 'triggers'",
                            trigger,
                            trigger_ids,
                        ),
                    )
                )
        for j, branch in enumerate(node.branches):
            here: KeyPath = ("nodes", i, "branches", j)
            if branch.goto not in targets:
                problems.append(
                    at.error(
                        (*here, "goto"),
                        "undefined-node",
                        _unknown(
                            f"'goto' names node '{branch.goto}', which is not defined",
                            branch.goto,
                            targets,
                        ),
                    )
                )
            if branch.when is None:
                continue
            citable = policy_ids | (laws or set())
            for k, cited in enumerate(branch.when.cites):
                if cited in policy_ids or laws is None or cited in laws:
                    continue
                message = _unknown(
                    f"cited id '{cited}' is neither a policy of this scenario nor a law",
                    cited,
                    citable,
                )
                problems.append(
                    at.error((*here, "when", "cites", k), "undefined-citation", message)
                )

    if laws is not None:
        seen: set[str] = set()
        rules = _bundled_rule_ids()
        for k, law in enumerate(scenario.legislation):
            if law in rules:
                problems.append(
                    at.error(
                        ("legislation", k),
                        "not-law",
                        f"'{law}' is a rule, not law: it never earns legislation credit; "
                        "make it a policy of the organisation instead",
                    )
                )
            elif law not in laws:
                problems.append(
                    at.error(
                        ("legislation", k),
                        "unknown-law",
                        _unknown(f"law '{law}' is not in the legislation catalogue", law, laws),
                    )
                )
            elif law in seen:
                problems.append(
                    at.error(("legislation", k), "duplicate-id", f"law '{law}' is listed twice")
                )
            seen.add(law)

    answer_keys = _answer_keys() if scenario.model_answers else None
    if answer_keys is not None:
        for key in scenario.model_answers:
            if key not in answer_keys:
                problems.append(
                    at.error(
                        ("model_answers", key),
                        "unknown-answer-key",
                        _unknown(
                            f"'{key}' is neither a marking point nor a step of a model",
                            key,
                            answer_keys,
                        ),
                    )
                )
    if frameworks is not None:
        wanted = [(("framework",), scenario.framework)]
        wanted += [
            (("tests", i, "framework"), test.framework)
            for i, test in enumerate(scenario.tests)
            if test.framework is not None
        ]
        for path, framework in wanted:
            if framework.strip().upper() not in frameworks:
                problems.append(
                    at.error(
                        path,
                        "unknown-framework",
                        _unknown(
                            f"framework '{framework}' is not a known model",
                            framework,
                            frameworks,
                        ),
                    )
                )

    for reaction in scenario.reactions:
        if reaction not in REACTION_ORDER:
            problems.append(
                at.error(
                    ("reactions", reaction),
                    "unknown-reaction",
                    _unknown(
                        f"reaction '{reaction}' is not a default reaction",
                        reaction,
                        REACTION_ORDER,
                    ),
                )
            )

    for i, test in enumerate(scenario.tests):
        expected = test.expect.node
        if expected is not None and expected not in targets:
            problems.append(
                at.error(
                    ("tests", i, "expect", "node"),
                    "undefined-node",
                    _unknown(
                        f"self-test '{test.name}' expects node '{expected}', which is not defined",
                        expected,
                        targets,
                    ),
                )
            )
    return problems


def _need_references(scenario: Scenario, at: _Reporter) -> list[Problem]:
    """Every need named (in a condition, a line variant, an answer's ``raises`` or
    ``raised_at``) must be one of the
    customer's, and every need must have an id of its own (``undefined-need``)."""
    problems: list[Problem] = []
    need_ids = [n.id for n in needs_of(scenario)]
    known = set(need_ids)
    node_ids = {n.id for n in scenario.nodes}
    seen: set[str] = set()
    for k, need in enumerate(scenario.customer.needs):
        where: KeyPath = ("customer", "needs", k)
        if need.id in seen:
            problems.append(
                at.error((*where, "id"), "duplicate-id", f"need '{need.id}' is listed twice")
            )
        seen.add(need.id)
        for m, node_id in enumerate(need.raised_at):
            if node_id not in node_ids:
                message = _unknown(
                    f"need '{need.id}' is raised at node '{node_id}', which is not defined",
                    node_id,
                    node_ids,
                )
                problems.append(at.error((*where, "raised_at", m), "undefined-node", message))
        if isinstance(need.met_by, Condition):
            problems += _named_needs(need.met_by, (*where, "met_by"), known, at)
        elif need.met_by is not None:
            for k, test in enumerate(need.met_by):
                problems += _named_needs(test, (*where, "met_by", k), known, at)

    def undefined(path: KeyPath, need_id: str) -> Problem:
        message = _unknown(
            f"need '{need_id}' is not one of the customer's needs", need_id, need_ids
        )
        return at.error(path, "undefined-need", message)

    for a, answer in enumerate(scenario.customer.answers):
        for m, need_id in enumerate(answer.raises):
            if need_id not in known:
                problems.append(undefined(("customer", "answers", a, "raises", m), need_id))
    for i, node in enumerate(scenario.nodes):
        if isinstance(node.customer, tuple):
            for v, variant in enumerate(node.customer):
                for field in ("open", "met"):
                    for m, need_id in enumerate(getattr(variant, field)):
                        if need_id not in known:
                            problems.append(
                                undefined(("nodes", i, "customer", v, field, m), need_id)
                            )
        for j, branch in enumerate(node.branches):
            if branch.when is not None:
                problems += _named_needs(
                    branch.when, ("nodes", i, "branches", j, "when"), known, at
                )
    return problems


def _named_needs(
    condition: Condition, where: KeyPath, known: set[str], at: _Reporter
) -> list[Problem]:
    return [
        at.error(
            (*where, field, m),
            "undefined-need",
            _unknown(f"need '{need_id}' is not one of the customer's needs", need_id, known),
        )
        for field in ("met", "open")
        for m, need_id in enumerate(getattr(condition, field))
        if need_id not in known
    ]


def _branches(scenario: Scenario, at: _Reporter) -> list[Problem]:
    problems: list[Problem] = []
    for i, node in enumerate(scenario.nodes):
        if node.outcome is not None:
            continue
        if not any(b.otherwise for b in node.branches):
            problems.append(
                at.error(
                    ("nodes", i, "branches"),
                    "no-fallback",
                    f"node '{node.id}' has no 'otherwise: true' branch, "
                    "so a reply that matches none of its branches has nowhere to go",
                )
            )
        fallback: int | None = None
        earlier: dict[tuple[object, ...], int] = {}
        for j, branch in enumerate(node.branches):
            where: KeyPath = ("nodes", i, "branches", j)
            label = f"branch {j + 1} of node '{node.id}' (to '{branch.goto}')"
            if fallback is not None:
                problems.append(
                    at.error(
                        where,
                        "never-fires",
                        f"{label} can never be taken: it comes after the 'otherwise' "
                        f"branch {fallback + 1}, which takes every reply",
                    )
                )
                continue
            if branch.otherwise or branch.when is None:
                fallback = j
                continue
            reason = why_never(branch.when)
            if reason is not None:
                problems.append(
                    at.error(where, "never-fires", f"{label} can never be taken: {reason}")
                )
                continue
            key = condition_key(branch.when)
            if key in earlier:
                problems.append(
                    at.error(
                        where,
                        "never-fires",
                        f"{label} can never be taken: branch {earlier[key] + 1} has the "
                        "same condition and is tried first",
                    )
                )
                continue
            blocker = _blocker(node.branches[:j], branch)
            if blocker is not None:
                problems.append(
                    at.error(
                        where,
                        "never-fires",
                        f"{label} can never be taken: every reply that meets it meets "
                        f"branch {blocker + 1} too, which is tried first",
                    )
                )
                continue
            earlier[key] = j
        problems += _mood_order(node, i, at)
    return problems


def _blocker(before: Sequence[Branch], branch: Branch) -> int | None:
    """The first earlier branch that takes every reply ``branch`` would take, or None."""
    assert branch.when is not None
    for k, other in enumerate(before):
        if other.when is not None and blocks(other.when, branch.when):
            return k
    return None


NEGATIVE: Final = frozenset({"dismiss", "blame", "non_apology"})
"""Red flags: a branch that tests for one is taken by a worse reply, not a better one."""


def _positive(condition: Condition) -> bool:
    """Whether a condition asks only for good things: moves made, rules named, needs met
    (no red flag, no law misstated, nothing forbidden, no mood, nothing left undone, and no
    keywords, which may as well name something said wrongly)."""
    return not (
        condition.none
        or condition.finds
        or condition.keywords
        or condition.open
        or NEGATIVE & {*condition.all, *condition.any}
        or condition.mood_at_least is not None
        or condition.mood_at_most is not None
    )


def _mood_order(node: Node, index: int, at: _Reporter) -> list[Problem]:
    """Warn (``mood-order``) of an earlier branch that asks only for good things but moves
    the mood less than a later one that does too: a reply doing both takes the earlier, so
    doing more would please the customer less."""
    problems: list[Problem] = []
    for j, later in enumerate(node.branches):
        if later.when is None or not _positive(later.when):
            continue
        for k, first in enumerate(node.branches[:j]):
            if first.when is None or not _positive(first.when) or first.mood >= later.mood:
                continue
            problems.append(
                at.warning(
                    ("nodes", index, "branches", k),
                    "mood-order",
                    f"branch {k + 1} of node '{node.id}' (mood {first.mood:+d}) is tried "
                    f"before branch {j + 1} (mood {later.mood:+d}): a reply that does what "
                    "both ask takes the first, so doing more moves the customer's mood less; "
                    "put the better branch first or give it at least the same mood",
                )
            )
            break
    return problems


def _edges(scenario: Scenario) -> dict[str, set[str]]:
    """Each node's successors through its branches (only to nodes that exist)."""
    node_ids = {n.id for n in scenario.nodes} | {LOST_NODE}
    edges: dict[str, set[str]] = {n.id: set() for n in scenario.nodes}
    for node in scenario.nodes:
        edges[node.id] |= {b.goto for b in node.branches if b.goto in node_ids}
    return edges


def _reachable(start: Iterable[str], edges: Mapping[str, Iterable[str]]) -> set[str]:
    seen = set(start)
    queue = deque(seen)
    while queue:
        for target in edges.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _graph(scenario: Scenario, at: _Reporter) -> list[Problem]:
    problems: list[Problem] = []
    index = {n.id: i for i, n in enumerate(scenario.nodes)}
    ends = {n.id for n in scenario.nodes if n.outcome is not None}
    if not ends:
        problems.append(
            at.error(
                ("nodes",),
                "no-terminal",
                "no node ends the conversation: give at least one node an 'outcome'",
            )
        )
    edges = _edges(scenario)
    if ends:
        ends.add(LOST_NODE)
        backwards: dict[str, set[str]] = {}
        for source, targets in edges.items():
            for target in targets:
                backwards.setdefault(target, set()).add(source)
        can_end = _reachable(ends, backwards)
        for node in scenario.nodes:
            if node.id not in can_end:
                problems.append(
                    at.error(
                        ("nodes", index[node.id]),
                        "dead-end",
                        f"node '{node.id}' is a dead end: no path from it leads to a node "
                        "with an outcome",
                    )
                )

    start = scenario.start_node
    if start in index:
        reached = _reachable([start], edges)
        if scenario.node(start).outcome is None:
            # When patience runs out the engine goes to the first customer_lost node.
            lost = next(
                (n.id for n in scenario.nodes if n.outcome is OutcomeKind.CUSTOMER_LOST), None
            )
            if lost is not None:
                reached.add(lost)
        for node in scenario.nodes:
            if node.id not in reached:
                problems.append(
                    at.warning(
                        ("nodes", index[node.id]),
                        "unreachable",
                        f"node '{node.id}' is unreachable: no path from the start "
                        f"('{start}') leads to it",
                    )
                )
    return problems


def _names_policy(reply: str, cues: Sequence[str]) -> bool:
    text = reply.lower().replace("’", "'")
    return any(find_phrase(cue, text) is not None for cue in cues)


def _unused(scenario: Scenario, at: _Reporter) -> list[Problem]:
    problems: list[Problem] = []
    fired = {t for n in scenario.nodes for t in n.triggers}
    for k, trigger in enumerate(scenario.triggers):
        if trigger.id not in fired:
            problems.append(
                at.warning(
                    ("triggers", k),
                    "unused-trigger",
                    f"trigger '{trigger.id}' is never used: no node lists it under 'triggers'",
                )
            )
    cited = {
        c for n in scenario.nodes for b in n.branches if b.when is not None for c in b.when.cites
    }
    replies = [r for t in scenario.tests for r in t.replies]
    for k, policy in enumerate(scenario.organisation.policies):
        if policy.id in cited or any(_names_policy(r, policy.cues) for r in replies):
            continue
        problems.append(
            at.warning(
                ("organisation", "policies", k),
                "uncited-policy",
                f"policy '{policy.id}' is never cited by a branch or named in a self-test reply",
            )
        )
    return problems


# --- self-tests and coverage ----------------------------------------------------------------


def play_self_tests(loaded: LoadedScenario) -> list[Session | RoleplayError]:
    """Play every self-test's replies; a test the engine could not play gives its error.

    Analyses go through the cache on disk, so validating an unchanged scenario again
    parses nothing.
    """
    cache = AnalysisCache.shared()
    sessions: list[Session | RoleplayError] = []
    for test in loaded.scenario.tests:
        try:
            sessions.append(play(loaded.scenario, test.replies, analyser=cache.analyse))
        except RoleplayError as exc:
            sessions.append(exc)
    cache.save()
    return sessions


def _path_taken(session: Session) -> str:
    nodes = [session.scenario.start_node, *(t.next_node for t in session.turns)]
    return " → ".join(nodes)


def run_self_tests(
    loaded: LoadedScenario,
    smap: SourceMap | None = None,
    *,
    score: ScoreHook | None = None,
    sessions: Sequence[Session | RoleplayError] | None = None,
) -> list[Problem]:
    """Play each self-test and report, at the test's line, one that misses its ``expect``.

    ``expect.outcome`` and ``expect.node`` are checked here; ``expect.score`` is checked
    only when ``score`` is given (it scores a finished session under a framework id, as
    the debrief does), and skipped silently otherwise. ``sessions`` may pass in the plays
    of :func:`play_self_tests` so that they are not played twice.
    """
    scenario = loaded.scenario
    at = _Reporter(_map_of(loaded, smap))
    played = list(sessions) if sessions is not None else play_self_tests(loaded)
    problems: list[Problem] = []
    for i, (test, session) in enumerate(zip(scenario.tests, played, strict=True)):
        where: KeyPath = ("tests", i)
        if isinstance(session, RoleplayError):
            first = str(session).splitlines()[0] if str(session) else type(session).__name__
            problems.append(
                at.error(
                    where, "self-test-error", f"self-test '{test.name}' could not run: {first}"
                )
            )
            continue
        expect = test.expect
        reached = f"'{session.node_id}'" + (
            f" (outcome {session.outcome})" if session.outcome else " (the conversation goes on)"
        )
        route = _path_taken(session)
        missed: list[str] = []
        if expect.outcome is not None and session.outcome != expect.outcome.value:
            missed.append(f"outcome {expect.outcome.value}")
        if expect.node is not None and session.node_id != expect.node:
            missed.append(f"node '{expect.node}'")
        if missed:
            problems.append(
                at.error(
                    where,
                    "self-test-failed",
                    f"self-test '{test.name}' expected {' and '.join(missed)} but reached "
                    f"{reached} through {route}",
                )
            )
        if expect.score is not None and score is not None:
            framework = test.framework or scenario.framework
            got = score(session, framework)
            low, high = expect.score
            if not low <= got <= high:
                problems.append(
                    at.error(
                        where,
                        "self-test-failed",
                        f"self-test '{test.name}' expected a score of {low}–{high} under "
                        f"{framework} but scored {got} through {route}",
                    )
                )
    return problems


def _can_earn(reaction: str, scenario: Scenario) -> bool:
    """Whether some node lets ``reaction`` happen: a reply making its move could take a
    branch that does not test that move (a branch that tests it answers the reply itself,
    so the default reaction stays silent)."""
    if reaction == "too_good":
        return any(policy.limits for policy in scenario.organisation.policies)
    watched = REACTION_MOVES.get(reaction)
    if not watched:
        return True
    for node in scenario.nodes:
        if node.outcome is not None:
            continue
        for branch in node.branches:
            when = branch.when
            if when is None or not watched & {*when.all, *when.any, *when.none}:
                return True
            if _always_takes(when, watched):
                break
    return False


def _always_takes(when: Condition, watched: frozenset[str]) -> bool:
    """Whether every reply making one of the ``watched`` moves meets ``when``: a condition
    that tests nothing but ``any`` of them."""
    only_any = all(
        getattr(when, name) in ((), None) for name in type(when).model_fields if name != "any"
    )
    return only_any and bool(watched & set(when.any))


def coverage(
    loaded: LoadedScenario,
    smap: SourceMap | None = None,
    *,
    sessions: Sequence[Session | RoleplayError] | None = None,
) -> list[Problem]:
    """Warn (code ``untested``) of each node, branch and default reaction no self-test reaches.

    A tutor sees which paths their scripted replies never prove. A default reaction is
    listed only when it can happen in this scenario (it is enabled and, for those that
    answer a node's ``asks``, some node asks for it). A scenario with no self-tests gets
    nothing here: the lint's single ``no-tests`` warning says it better than a line for
    every node.
    """
    scenario = loaded.scenario
    if not scenario.tests:
        return []
    at = _Reporter(_map_of(loaded, smap))
    played = [
        s
        for s in (sessions if sessions is not None else play_self_tests(loaded))
        if isinstance(s, Session)
    ]
    nodes_reached = {scenario.start_node}
    branches_taken: set[tuple[str, int]] = set()
    reactions_seen: set[str] = set()
    for session in played:
        for turn in session.turns:
            nodes_reached.add(turn.next_node)
            if turn.branch is not None:
                branches_taken.add((turn.node, turn.branch))
            for node_id, branch in turn.passed:
                nodes_reached.add(node_id)
                branches_taken.add((node_id, branch))
            if turn.reaction is not None:
                reactions_seen.add(turn.reaction)

    problems: list[Problem] = []
    for i, node in enumerate(scenario.nodes):
        if node.id not in nodes_reached:
            problems.append(
                at.warning(
                    ("nodes", i),
                    "untested",
                    f"node '{node.id}' is reached by no self-test",
                )
            )
            continue
        for j, branch in enumerate(node.branches):
            if (node.id, j) not in branches_taken:
                kind = "otherwise" if branch.otherwise else "when"
                problems.append(
                    at.warning(
                        ("nodes", i, "branches", j),
                        "untested",
                        f"branch {j + 1} of node '{node.id}' ({kind}, to '{branch.goto}') "
                        "is taken by no self-test",
                    )
                )

    asks = {a for n in scenario.nodes if n.outcome is None for a in n.asks}
    try:
        known = set(default_reactions())
    except RoleplayError:
        known = set(REACTION_ORDER)
    for reaction in REACTION_ORDER:
        override = scenario.reactions.get(reaction)
        if reaction not in known or (override is not None and not override.enabled):
            continue
        needs = _REACTION_NEEDS.get(reaction)
        if reaction in reactions_seen or (needs is not None and needs not in asks):
            continue
        if not _can_earn(reaction, scenario):
            continue
        where: KeyPath = ("reactions", reaction) if override is not None else ("tests",)
        problems.append(
            at.warning(
                where,
                "untested",
                f"default reaction '{reaction}' is earned by no self-test reply",
            )
        )
    return _sorted(problems)
