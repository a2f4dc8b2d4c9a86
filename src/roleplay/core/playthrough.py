"""Seeded random play-throughs of a scenario, read line by line for incoherence.

A tutor cannot foresee every path a learner takes, so ``roleplay validate`` plays each
scenario many times ("padbashing", as Inky writers call it), each reply drawn at random
from the scenario's own self-tests and model answers and from a bundled pool of learner-style
replies (``rubrics/play_replies.yaml``), and reads everything the customer says:

``asks-for-met``
    a line asks for something the learner has already given ("is anyone going to say sorry?"
    after an apology);
``repeats``
    a line the customer already said in the same attempt;
``no-end``
    a conversation still going after :data:`MAX_TURNS` replies.

Every play-through is seeded: the seed and the play-through's number are in each message,
so ``roleplay validate --seed N`` plays the same replies again.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from roleplay.core.analysis import Analysis
from roleplay.core.analysis_cache import AnalysisCache
from roleplay.core.dialogue import Session
from roleplay.core.facts import ReplyFacts
from roleplay.core.frameworks import rubrics_dir
from roleplay.core.needs import NeedsState, asks_for_met, said_before
from roleplay.core.scenario import Scenario
from roleplay.core.settings import PLAYTHROUGH_SEED, PLAYTHROUGHS
from roleplay.core.source import load_model_file

DEFAULT_SEED: Final = PLAYTHROUGH_SEED
"""The seed ``roleplay validate`` plays with unless told another."""
DEFAULT_PLAYTHROUGHS: Final = PLAYTHROUGHS
"""Play-throughs per scenario in ``roleplay validate``."""
MAX_TURNS: Final = 12
"""Replies after which a conversation that has not ended counts as never ending."""
OWN_SHARE: Final = 0.5
"""How often a reply is drawn from the scenario's own replies rather than the pool."""


class PlayReplies(BaseModel):
    """The bundled pool of learner-style replies for play-throughs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    play_replies: tuple[str, ...] = Field(min_length=1)


@functools.cache
def pool() -> tuple[str, ...]:
    """The bundled learner-style replies, loaded once."""
    return load_model_file(rubrics_dir() / "play_replies.yaml", PlayReplies).play_replies


def own_replies(scenario: Scenario) -> tuple[str, ...]:
    """The scenario's own replies: every self-test reply, then every model answer."""
    found = [reply for test in scenario.tests for reply in test.replies]
    found += list(scenario.model_answers.values())
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True, slots=True)
class LineIssue:
    """One incoherent line found in a play-through."""

    code: str
    """``asks-for-met``, ``repeats`` or ``no-end``."""
    playthrough: int
    turn: int
    node: str
    """The node the customer spoke from (the one the reply led to)."""
    line: str
    detail: str

    def message(self, seed: int) -> str:
        """The issue in words, with what replays it."""
        where = f"play-through {self.playthrough} (seed {seed}), turn {self.turn}"
        if self.code == "no-end":
            return f"{where}: {self.detail}"
        return f"{where}: the customer says “{self.line}” {self.detail}"


@dataclass(slots=True)
class PlayReport:
    """What the play-throughs of one scenario found."""

    seed: int
    played: int = 0
    lines: int = 0
    """Customer lines (each part of an answer) read."""
    issues: list[LineIssue] = field(default_factory=list)

    def count(self, code: str) -> int:
        """How many issues of this code were found."""
        return sum(1 for i in self.issues if i.code == code)


def play_throughs(
    scenario: Scenario,
    *,
    count: int = DEFAULT_PLAYTHROUGHS,
    seed: int = DEFAULT_SEED,
    extra: Sequence[str] = (),
) -> PlayReport:
    """Play ``count`` seeded random play-throughs of ``scenario`` and read every line.

    Replies are drawn half from the scenario's own, half from the bundled pool and
    ``extra``; each reply drawn is analysed once, without the customer's words (what a
    reply does hardly depends on them, and one batch is many times faster), through the
    analysis cache on disk, so validating again parses nothing.
    """
    own = list(own_replies(scenario))
    others = list(dict.fromkeys([*pool(), *extra]))
    draws = [_draws(scenario, seed, number, own or others, others) for number in range(count)]
    memo: dict[tuple[str, int], ReplyFacts] = {}
    sessions = [Session(scenario, facts_memo=memo) for _ in draws]
    report = PlayReport(seed, played=count, lines=count)
    cache = AnalysisCache.shared()
    analyses: dict[str, Analysis] = {}
    # Turn by turn across every play-through, so only the replies a conversation still
    # going actually takes are analysed, in one batch a turn.
    for turn in range(MAX_TURNS):
        live = [i for i, session in enumerate(sessions) if not session.finished]
        if not live:
            break
        todo = list(dict.fromkeys(r for i in live if (r := draws[i][turn]) not in analyses))
        analyses.update(zip(todo, cache.analyse_many((r, None) for r in todo), strict=True))
        for i in live:
            reply = draws[i][turn]
            report.issues.extend(
                _step(sessions[i], i + 1, turn + 1, reply, analyses[reply], report)
            )
    cache.save()
    for number, session in enumerate(sessions, start=1):
        if not session.finished:
            report.issues.append(
                LineIssue(
                    "no-end",
                    number,
                    MAX_TURNS,
                    session.node_id,
                    "",
                    f"the conversation had not ended after {MAX_TURNS} replies "
                    f"(at node '{session.node_id}')",
                )
            )
    report.issues.sort(key=lambda issue: (issue.playthrough, issue.turn))
    return report


def _draws(
    scenario: Scenario, seed: int, index: int, own: list[str], others: list[str]
) -> list[str]:
    """The replies play-through ``index + 1`` offers, in order, drawn from its own seed."""
    rng = random.Random(f"{seed}:{scenario.id}:{index + 1}")
    return [rng.choice(own if rng.random() < OWN_SHARE else others) for _ in range(MAX_TURNS)]


def _step(
    session: Session,
    number: int,
    turn_number: int,
    reply: str,
    analysis: Analysis,
    report: PlayReport,
) -> list[LineIssue]:
    """Play one reply and read every line the customer says to it."""
    before = len(session.needs.said)
    turn = session.step(reply, analysis)
    said = session.needs.said
    found: list[LineIssue] = []
    for part in said[before:]:
        report.lines += 1
        # The last words of an outcome may name what was given ("I'll wait for your team
        # leader"): they end the conversation rather than ask.
        final = session.finished and part == said[-1]
        issue = _read(part, said[:before], session.needs, asking=not final)
        if issue is not None:
            code, detail = issue
            found.append(LineIssue(code, number, turn_number, turn.next_node, part, detail))
    return found


def _read(
    line: str, earlier: Sequence[str], state: NeedsState, *, asking: bool = True
) -> tuple[str, str] | None:
    """Whether a line the customer just said asks for what was given, or repeats."""
    given = asks_for_met(line, state) if asking else ()
    if given:
        when = ", ".join(f"{need_id} (turn {state.met[need_id].turn})" for need_id in given)
        return "asks-for-met", f"though the learner had already given {when}"
    if said_before(line, earlier):
        return "repeats", "again: it was said earlier in the attempt"
    return None


__all__ = [
    "DEFAULT_PLAYTHROUGHS",
    "DEFAULT_SEED",
    "MAX_TURNS",
    "LineIssue",
    "PlayReplies",
    "PlayReport",
    "own_replies",
    "play_throughs",
    "pool",
]
