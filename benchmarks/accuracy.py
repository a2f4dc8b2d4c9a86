"""How well the scorer finds each move and red flag, file by file and engine by engine.

Runs ``roleplay.core.analyse.analyse(reply, customer)`` in-process on every reply of each
data file and compares the ids it reports with the ids a person gave the reply by the
labelling guide (``docs/moves.md``). By default it reads every ``*.jsonl`` file in
``<repo>/../shared/data`` (or in ``$ROLEPLAY_DATA``, a directory or a file). Each line of a
file is one object::

    {"id", "customer", "reply", "labels": [ids], "evidence": {"<id>": "<quoted words>"}}

Each file is measured on its own, never pooled with the others:

labelled files (their records carry ``labels``)
    per-id precision, recall and F1, the micro average and the macro F1. The header says
    which files the rules were tuned on and which they were not (the validation and learner
    files): figures on a file a change was tuned on flatter it.
unlabelled files (no record carries ``labels``, such as the unlabelled pool)
    no accuracy at all, since there is nothing to compare with; instead the share of
    replies in which the scorer finds no move at all, and the share in which it finds each
    id: coverage, for mining the wording the rules miss.

Engines. When the installed ``analyse`` takes an ``engine`` keyword (``"regex"``, today's
rules; ``"parse"``, the rules over a parse; ``"union"``, both), every engine it offers is
run and printed side by side, with a Δ column: the engine's F1 minus the first engine's
(the baseline). When it takes no ``engine``, the one engine it has is shown as
``current``. ``--engine`` picks engines (and their order: the first is the baseline).

It prints figures and asserts nothing. What each figure means:

support
    how many replies carry the id as a label (the labelled positives).
TP, FP, FN (in ``--json`` and ``--errors``)
    replies the scorer and the labeller both gave the id; the scorer only; the labeller only.
P, precision
    TP / (TP + FP): of the replies the scorer gave the id, the share that were right.
    Shown as "-" when the scorer never gave the id.
R, recall
    TP / (TP + FN): of the labelled replies, the share the scorer found. Shown as "-" when
    no reply carries the label.
F1
    2·TP / (2·TP + FP + FN), the harmonic mean of precision and recall. It is 0 when either
    side is missing but the other has errors, and 1.000 by convention when an id has no
    support and no predictions (there was nothing to find and nothing was wrongly found);
    such ids are marked with "*" and named in a footnote.
micro average
    precision, recall and F1 over the pooled TP, FP and FN of all 16 ids: dominated by the
    frequent ids (listen, apologise, explain...).
macro F1
    the plain mean of the 16 per-id F1 figures: every id weighs the same, so the rare ids
    (learn, blame, dismiss...) count as much as the common ones.
below 0.75
    how many of the 16 ids have an F1 under 0.75 (the target is none).
no move
    in an unlabelled file, the share of replies in which the scorer finds none of the 13
    positive moves (red flags aside); "nothing" also counts the flags.
ruleset
    the version of the cue rules each engine reported (``Analysis.ruleset``), so the
    figures can be tied to the rules that produced them.

``--errors`` lists, per labelled file and engine, for each id, every false positive (the
reply, and the words and rule that fired) and every false negative (the reply, and the words
the labeller quoted), plus any matches the scorer found but set aside (negated, quoted,
hypothetical...), so that a developer can see why. ``--json`` prints the same figures (and
errors) as JSON.

Examples::

    python benchmarks/accuracy.py
    python benchmarks/accuracy.py --engine regex --engine union
    python benchmarks/accuracy.py ../shared/data/agent-replies-2.jsonl --errors
    python benchmarks/accuracy.py my-replies.jsonl --json
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
import textwrap
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
"""The repository root: the parent of ``benchmarks/``."""

DEFAULT_DATA = REPO.parent / "shared" / "data"
"""Where the shared labelled replies live when ``$ROLEPLAY_DATA`` is not set."""

_SRC = REPO / "src"
if (_SRC / "roleplay").is_dir() and str(_SRC) not in sys.path:
    # Measure the working tree, whether or not the package has been installed.
    sys.path.insert(0, str(_SRC))

from roleplay.core.moves import ALL_IDS, MOVES  # noqa: E402

KNOWN_ENGINES: tuple[str, ...] = ("regex", "parse", "union")
"""The engines ``analyse(..., engine=...)`` may offer, in the order they are shown: today's
rules first, so that they are the baseline the others are compared with."""

CURRENT = "current"
"""The name shown for the one engine of an ``analyse`` that takes no ``engine`` keyword."""

TUNED_ON: tuple[str, ...] = ("agent-replies.jsonl",)
"""File names the rules were tuned on, by default (``--tuned-on`` replaces the list)."""

ROLES: dict[str, str] = {
    "agent-replies.jsonl": "public Twitter support agents",
    "agent-replies-2.jsonl": "validation: other companies' agents",
    "learner-replies.jsonl": "learners of eight kinds",
    "unlabelled-agent-replies.jsonl": "the unlabelled pool, for mining",
}
"""What each shared data file is, for the header (see the data folder's README)."""

TARGET_F1 = 0.75
"""An id whose F1 is under this counts in the "below" column of the summary."""

Analyser = Callable[[str, str | None], Any]
"""``analyse`` with its engine fixed: (reply, customer) → Analysis."""


class DataError(Exception):
    """A data file is missing or a line in it cannot be read; carries a one-line message."""


class UsageError(Exception):
    """The command line asks for something that cannot be done (an engine not offered)."""


@dataclass(frozen=True, slots=True)
class Example:
    """One reply from a data file, with its labels when the file has them."""

    id: str
    reply: str
    customer: str | None
    labels: frozenset[str] | None
    """None in an unlabelled file."""
    evidence: dict[str, str]
    where: str
    """``file:line`` of the example, for error messages."""


@dataclass(frozen=True, slots=True)
class DataFile:
    """One data file: its replies, whether they are labelled, whether rules were fitted to it."""

    path: Path
    examples: tuple[Example, ...]
    labelled: bool
    tuned_on: bool

    @property
    def name(self) -> str:
        """The file's name, or "standard input"."""
        return "standard input" if str(self.path) == "-" else self.path.name

    @property
    def role(self) -> str:
        """One line on what the file is and whether a change was tuned on it."""
        what = ROLES.get(self.name, "")
        if not self.labelled:
            tuned = "unlabelled: coverage only, no accuracy"
        elif self.tuned_on:
            tuned = "TUNED ON: the rules were fitted to it"
        else:
            tuned = "not tuned on"
        return f"{tuned}{f' ({what})' if what else ''}"


@dataclass(slots=True)
class Counts:
    """The confusion counts of one id over every reply."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        """How many replies carry the label."""
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        """How many replies the scorer gave the id."""
        return self.tp + self.fp

    @property
    def precision(self) -> float | None:
        """TP / (TP + FP), or None when the scorer never gave the id."""
        return self.tp / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        """TP / (TP + FN), or None when no reply carries the label."""
        return self.tp / self.support if self.support else None

    @property
    def f1_by_convention(self) -> bool:
        """True when the id had no support and no predictions, so F1 is 1.0 by convention."""
        return self.tp + self.fp + self.fn == 0

    @property
    def f1(self) -> float:
        """2·TP / (2·TP + FP + FN); 1.0 when there was nothing to find and nothing found."""
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else 1.0


@dataclass(slots=True)
class Mistake:
    """One false positive or false negative, with what a developer needs to see why."""

    kind: str
    """``"false positive"`` or ``"false negative"``."""
    reply_id: str
    reply: str
    quote: str | None
    rule: str | None
    labels: tuple[str, ...]
    predicted: tuple[str, ...]
    suppressed: list[tuple[str, str, str]] = field(default_factory=list)
    """``(rule, quote, why)`` of matches for the id that the scorer set aside."""

    def to_dict(self) -> dict[str, Any]:
        """Return the mistake as JSON-ready data."""
        return {
            "kind": self.kind,
            "reply_id": self.reply_id,
            "reply": self.reply,
            "quote": self.quote,
            "rule": self.rule,
            "labels": list(self.labels),
            "predicted": list(self.predicted),
            "suppressed": [{"rule": r, "quote": q, "why": w} for r, q, w in self.suppressed],
        }


@dataclass(slots=True)
class Result:
    """What one engine scored on one labelled file."""

    counts: dict[str, Counts]
    replies: int
    rulesets: list[str]
    mistakes: dict[str, list[Mistake]]
    unknown_labels: dict[str, int]
    unknown_predictions: dict[str, int]

    def micro(self) -> Counts:
        """The counts of every id pooled together."""
        pooled = Counts()
        for c in self.counts.values():
            pooled.tp += c.tp
            pooled.fp += c.fp
            pooled.fn += c.fn
        return pooled

    def macro_f1(self) -> float:
        """The mean of the per-id F1 figures."""
        return sum(c.f1 for c in self.counts.values()) / len(self.counts)

    def below(self, target: float = TARGET_F1) -> list[str]:
        """The ids whose F1 is under ``target``, in the guide's order."""
        return [m for m in ALL_IDS if self.counts[m].f1 < target]


@dataclass(slots=True)
class Coverage:
    """What one engine found in one unlabelled file: how often it found nothing, and each id."""

    replies: int
    no_move: int
    """Replies with none of the 13 positive moves (flags aside)."""
    nothing: int
    """Replies with no id at all, move or flag."""
    found: dict[str, int]
    rulesets: list[str]

    def share(self, count: int) -> float | None:
        """``count`` as a share of the replies, or None when there were none."""
        return count / self.replies if self.replies else None


# --- reading ---------------------------------------------------------------------------


def data_files(paths: Sequence[str]) -> list[Path]:
    """Return the files to read: those given, else ``$ROLEPLAY_DATA``, else the shared data."""
    if paths:
        chosen = [Path(p) for p in paths]
    else:
        env = os.environ.get("ROLEPLAY_DATA")
        chosen = [Path(env)] if env else [DEFAULT_DATA]
    files: list[Path] = []
    for path in chosen:
        if path.is_dir():
            found = sorted(path.glob("*.jsonl"))
            if not found:
                raise DataError(f"no *.jsonl files in {path}")
            files.extend(found)
        elif path.is_file() or str(path) == "-":
            files.append(path)
        else:
            raise DataError(f"no such file or directory: {path}")
    return files


def read_file(path: Path, tuned_on: Iterable[str] = TUNED_ON) -> DataFile:
    """Read the replies of one file (``-`` is standard input).

    A file is labelled when its records carry ``labels``, and unlabelled when none does; a
    file that mixes the two is an error, since its figures would mean nothing.
    """
    try:
        lines = sys.stdin.readlines() if str(path) == "-" else path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read: {exc}") from None
    examples: list[Example] = []
    with_labels: str | None = None
    without_labels: str | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{where}: not JSON: {exc.msg}") from None
        if not isinstance(obj, dict):
            raise DataError(f"{where}: expected a JSON object")
        reply = obj.get("reply")
        customer = obj.get("customer")
        evidence = obj.get("evidence", {})
        if not isinstance(reply, str):
            raise DataError(f"{where}: 'reply' must be a string")
        if customer is not None and not isinstance(customer, str):
            raise DataError(f"{where}: 'customer' must be a string")
        if not isinstance(evidence, dict):
            raise DataError(f"{where}: 'evidence' must be an object")
        labels: frozenset[str] | None = None
        if "labels" in obj:
            raw = obj["labels"]
            if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
                raise DataError(f"{where}: 'labels' must be a list of ids")
            labels = frozenset(raw)
            with_labels = with_labels or where
        else:
            without_labels = without_labels or where
        if with_labels and without_labels:
            other = without_labels if labels is not None else with_labels
            raise DataError(
                f"{where}: {'has' if labels is not None else 'no'} 'labels', unlike {other}: "
                "a file is either labelled or not"
            )
        examples.append(
            Example(
                id=str(obj.get("id", where)),
                reply=reply,
                customer=customer,
                labels=labels,
                evidence={str(k): str(v) for k, v in evidence.items()},
                where=where,
            )
        )
    name = "standard input" if str(path) == "-" else path.name
    return DataFile(
        path=path,
        examples=tuple(examples),
        labelled=with_labels is not None,
        tuned_on=name in set(tuned_on),
    )


def order(files: Sequence[DataFile]) -> list[DataFile]:
    """Return the files tuned on first, then the labelled ones not tuned on, then unlabelled."""
    return sorted(files, key=lambda d: (not d.labelled, d.labelled and not d.tuned_on))


# --- engines ---------------------------------------------------------------------------


def offered_engines(analyse: Callable[..., Any]) -> tuple[str, ...]:
    """Return the engines ``analyse`` offers, or ``("current",)`` when it takes no ``engine``.

    The names come from the ``engine`` parameter's ``Literal`` annotation when there is one,
    else from :data:`KNOWN_ENGINES`; either way in the order of :data:`KNOWN_ENGINES` first.
    """
    try:
        parameters = inspect.signature(analyse).parameters
    except (TypeError, ValueError):
        return (CURRENT,)
    if "engine" not in parameters:
        return (CURRENT,)
    names: tuple[str, ...] = KNOWN_ENGINES
    try:
        hint = typing.get_type_hints(analyse).get("engine")
    except (NameError, TypeError):
        hint = None
    if hint is not None and typing.get_origin(hint) is typing.Literal:
        names = tuple(str(a) for a in typing.get_args(hint))
    known = [n for n in KNOWN_ENGINES if n in names]
    return tuple(known + [n for n in names if n not in known])


def bind_engine(analyse: Callable[..., Any], engine: str) -> Analyser:
    """Return ``analyse`` with ``engine`` fixed; the current engine is called as it is."""
    if engine == CURRENT:
        return lambda reply, customer: analyse(reply, customer)
    return lambda reply, customer: analyse(reply, customer, engine=engine)


def choose_engines(offered: Sequence[str], asked: Sequence[str]) -> list[str]:
    """Return the engines to run: those asked for (comma lists allowed), else all offered."""
    if not asked:
        return list(offered)
    chosen: list[str] = []
    for item in asked:
        for name in (part.strip() for part in item.split(",")):
            if not name:
                continue
            if name not in offered:
                raise UsageError(
                    f"engine {name!r} is not offered by the installed analyse; "
                    f"it offers {', '.join(offered)}"
                )
            if name not in chosen:
                chosen.append(name)
    if not chosen:
        raise UsageError("--engine names no engine")
    return chosen


# --- measuring -------------------------------------------------------------------------


def _call(analyse: Analyser, example: Example) -> Any:
    try:
        return analyse(example.reply, example.customer)
    except Exception as exc:
        exc.add_note(f"while analysing reply {example.id!r} ({example.where})")
        raise


def measure(examples: Sequence[Example], analyse: Analyser) -> Result:
    """Score every labelled example with ``analyse`` and count agreements per id."""
    known = set(ALL_IDS)
    counts = {move_id: Counts() for move_id in ALL_IDS}
    mistakes: dict[str, list[Mistake]] = {move_id: [] for move_id in ALL_IDS}
    rulesets: list[str] = []
    unknown_labels: dict[str, int] = {}
    unknown_predictions: dict[str, int] = {}

    for example in examples:
        analysis = _call(analyse, example)
        ruleset = str(analysis.ruleset)
        if ruleset not in rulesets:
            rulesets.append(ruleset)
        gold = example.labels or frozenset()
        predicted = set(analysis.ids)
        for move_id in gold - known:
            unknown_labels[move_id] = unknown_labels.get(move_id, 0) + 1
        for move_id in predicted - known:
            unknown_predictions[move_id] = unknown_predictions.get(move_id, 0) + 1
        labels = tuple(m for m in ALL_IDS if m in gold)
        found = tuple(m for m in ALL_IDS if m in predicted)

        for move_id in ALL_IDS:
            said, truth = move_id in predicted, move_id in gold
            if said and truth:
                counts[move_id].tp += 1
            elif said:
                counts[move_id].fp += 1
                first = analysis.first_evidence(move_id)
                mistakes[move_id].append(
                    Mistake(
                        kind="false positive",
                        reply_id=example.id,
                        reply=example.reply,
                        quote=first.quote if first is not None else None,
                        rule=first.rule if first is not None else None,
                        labels=labels,
                        predicted=found,
                    )
                )
            elif truth:
                counts[move_id].fn += 1
                suppressed = [
                    (e.rule, e.quote, str(getattr(e, "note", "")))
                    for e in getattr(analysis, "suppressed", ())
                    if e.move == move_id
                ]
                mistakes[move_id].append(
                    Mistake(
                        kind="false negative",
                        reply_id=example.id,
                        reply=example.reply,
                        quote=example.evidence.get(move_id),
                        rule=None,
                        labels=labels,
                        predicted=found,
                        suppressed=suppressed,
                    )
                )

    return Result(
        counts=counts,
        replies=len(examples),
        rulesets=rulesets,
        mistakes=mistakes,
        unknown_labels=unknown_labels,
        unknown_predictions=unknown_predictions,
    )


def cover(examples: Sequence[Example], analyse: Analyser) -> Coverage:
    """Score every (unlabelled) example and count what was found, and how often nothing was."""
    found = {move_id: 0 for move_id in ALL_IDS}
    no_move = nothing = 0
    rulesets: list[str] = []
    for example in examples:
        analysis = _call(analyse, example)
        ruleset = str(analysis.ruleset)
        if ruleset not in rulesets:
            rulesets.append(ruleset)
        ids = set(analysis.ids)
        if not ids & set(MOVES):
            no_move += 1
        if not ids:
            nothing += 1
        for move_id in ids & found.keys():
            found[move_id] += 1
    return Coverage(
        replies=len(examples), no_move=no_move, nothing=nothing, found=found, rulesets=rulesets
    )


@dataclass(slots=True)
class Run:
    """Every figure of one run: each file, measured by each engine."""

    engines: list[str]
    files: list[DataFile]
    results: dict[tuple[str, str], Result]
    """``(file key, engine)`` → figures, for labelled files."""
    coverage: dict[tuple[str, str], Coverage]
    """``(file key, engine)`` → coverage, for unlabelled files."""

    @property
    def baseline(self) -> str:
        """The engine the others are compared with: the first."""
        return self.engines[0]


def _key(data: DataFile) -> str:
    return str(data.path)


def run(files: Sequence[DataFile], analyse: Callable[..., Any], engines: Sequence[str]) -> Run:
    """Measure every file with every engine."""
    results: dict[tuple[str, str], Result] = {}
    coverage: dict[tuple[str, str], Coverage] = {}
    for engine in engines:
        bound = bind_engine(analyse, engine)
        for data in files:
            if data.labelled:
                results[_key(data), engine] = measure(data.examples, bound)
            else:
                coverage[_key(data), engine] = cover(data.examples, bound)
    return Run(engines=list(engines), files=list(files), results=results, coverage=coverage)


# --- text ------------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    """Three decimals, or a dash for a figure that is undefined."""
    return "-" if value is None else f"{value:.3f}"


def _delta(value: float, base: float) -> str:
    return f"{value - base:+.3f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"


def _rulesets(runs: Iterable[Result | Coverage]) -> str:
    seen: list[str] = []
    for r in runs:
        seen.extend(x for x in r.rulesets if x not in seen)
    return ", ".join(seen) if seen else "unknown (no replies scored)"


_ID_WIDTH = max(len("micro average"), len("macro F1 (16 ids)"), *(len(m) for m in ALL_IDS)) + 1
_GROUP = 23  # " P" 7, " R" 7, " F1" 7 and two spaces between groups


def render_header(result: Run) -> str:
    """Return the run's header: the engines, and each file with its role."""
    lines = [
        "Scorer accuracy, file by file"
        + (
            f", engine beside engine (baseline {result.baseline};"
            " Δ = the engine's F1 minus the baseline's)"
            if len(result.engines) > 1
            else f" (engine: {result.baseline})"
        ),
        "",
        "engines:",
    ]
    for engine in result.engines:
        runs = [r for (_, e), r in {**result.results, **result.coverage}.items() if e == engine]
        lines.append(f"  {engine:<8} ruleset {_rulesets(runs)}")
    lines.append("")
    lines.append("files (figures on a file the rules were tuned on flatter them):")
    width = max(len(d.name) for d in result.files)
    for data in result.files:
        lines.append(f"  {data.name:<{width}}  {len(data.examples):>5} replies  {data.role}")
    held_out = [d.name for d in result.files if d.labelled and not d.tuned_on]
    if held_out:
        lines.append("")
        lines.append(
            textwrap.fill(
                "not tuned on (judge a change by these): " + ", ".join(held_out),
                width=100,
                subsequent_indent="  ",
            )
        )
    return "\n".join(lines)


def render_file(result: Run, data: DataFile) -> str:
    """Return one labelled file's table: per id, each engine's P, R, F1, and Δ F1."""
    engines = result.engines
    per_engine = [result.results[_key(data), e] for e in engines]
    base = per_engine[0]
    delta = len(engines) > 1
    group = [
        f"{'P':>7}{'R':>7}{'F1':>7}" + (f"{'ΔF1':>8}" if delta and i else "")
        for i in range(len(engines))
    ]
    names = [f"{e:^{len(g)}}" for e, g in zip(engines, group, strict=True)]
    top = f"{'':<{_ID_WIDTH}} {'':>7}  " + "  ".join(names)
    header = f"{'id':<{_ID_WIDTH}} {'support':>7}  " + "  ".join(group)
    lines = [
        f"== {data.name}: {base.replies} replies; {data.role}",
        "",
        top.rstrip(),
        header,
        "-" * len(header),
    ]

    def row(name: str, support: str, cells: list[Counts], show_pr: bool = True) -> str:
        parts = []
        for i, c in enumerate(cells):
            p = _fmt(c.precision) if show_pr else ""
            r = _fmt(c.recall) if show_pr else ""
            cell = f"{p:>7}{r:>7}{_fmt(c.f1):>7}"
            if delta and i:
                cell += f"{_delta(c.f1, cells[0].f1):>8}"
            parts.append(cell)
        return f"{name:<{_ID_WIDTH}} {support:>7}  " + "  ".join(parts)

    for move_id in ALL_IDS:
        cells = [r.counts[move_id] for r in per_engine]
        mark = "*" if any(c.f1_by_convention for c in cells) else ""
        lines.append(row(move_id + mark, str(cells[0].support), cells))
    lines.append("-" * len(header))
    micro = [r.micro() for r in per_engine]
    lines.append(row("micro average", str(micro[0].support), micro))
    macro_cells = []
    for i, r in enumerate(per_engine):
        cell = f"{'':>7}{'':>7}{_fmt(r.macro_f1()):>7}"
        if delta and i:
            cell += f"{_delta(r.macro_f1(), base.macro_f1()):>8}"
        macro_cells.append(cell)
    lines.append(
        f"{f'macro F1 ({len(ALL_IDS)} ids)':<{_ID_WIDTH}} {'':>7}  " + "  ".join(macro_cells)
    )
    below = [f"{e}: {len(r.below())}" for e, r in zip(engines, per_engine, strict=True)]
    lines.append(f"ids with F1 below {TARGET_F1}: " + ", ".join(below))

    for engine, r in zip(engines, per_engine, strict=True):
        conventional = [m for m in ALL_IDS if r.counts[m].f1_by_convention]
        if conventional:
            lines.append(
                textwrap.fill(
                    f"* {engine}: no support and no predictions, so F1 counts as 1.000 in the "
                    "macro average: " + ", ".join(conventional),
                    width=100,
                    subsequent_indent="  ",
                )
            )
        if len(r.rulesets) > 1:
            lines.append(f"note: {engine} reported more than one ruleset version during the run")
        for label, unknown in (
            ("labels in the data", r.unknown_labels),
            (f"ids {engine} reported", r.unknown_predictions),
        ):
            if unknown:
                names_ = ", ".join(f"{k} ({v})" for k, v in sorted(unknown.items()))
                lines.append(f"note: {label} that are not in moves.py were ignored: {names_}")
    return "\n".join(lines)


def render_coverage(result: Run, data: DataFile) -> str:
    """Return one unlabelled file's coverage: no-move share, then each id's share, per engine."""
    engines = result.engines
    per_engine = [result.coverage[_key(data), e] for e in engines]
    delta = len(engines) > 1
    width = max(_ID_WIDTH, len("nothing (no move, no flag)") + 1)
    head = [f"{e:>9}" + (f"{'Δ':>8}" if delta and i else "") for i, e in enumerate(engines)]
    header = f"{'share of replies with':<{width}}  " + "  ".join(head)
    lines = [
        f"== {data.name}: {per_engine[0].replies} replies; {data.role}",
        "",
        header,
        "-" * len(header),
    ]

    def row(name: str, counts: list[int]) -> str:
        cells = []
        for i, (cov, n) in enumerate(zip(per_engine, counts, strict=True)):
            share = cov.share(n)
            cell = f"{_pct(share):>9}"
            if delta and i:
                base = per_engine[0].share(counts[0])
                d = "-" if share is None or base is None else f"{100 * (share - base):+.1f}"
                cell += f"{d:>8}"
            cells.append(cell)
        return f"{name:<{width}}  " + "  ".join(cells)

    lines.append(row("no move (of the 13 moves)", [c.no_move for c in per_engine]))
    lines.append(row("nothing (no move, no flag)", [c.nothing for c in per_engine]))
    lines.append("-" * len(header))
    for move_id in ALL_IDS:
        lines.append(row(move_id, [c.found[move_id] for c in per_engine]))
    return "\n".join(lines)


def render_summary(result: Run) -> str:
    """Return the closing table: per file and engine, macro F1 and ids below the target."""
    width = max(len("file"), *(len(d.name) for d in result.files))
    delta = len(result.engines) > 1
    groups = [
        f"{e + ' F1':>10}{'below':>6}" + (f"{'Δ':>8}" if delta and i else "")
        for i, e in enumerate(result.engines)
    ]
    header = f"{'file':<{width}} {'tuned on?':<10} {'replies':>7}  " + "  ".join(groups)
    lines = [
        "",
        f"Summary: macro F1 per engine, and under 'below' how many of the 16 ids have F1 under"
        f" {TARGET_F1};",
        "for an unlabelled file, the share of replies with no move.",
        header,
        "-" * len(header),
    ]
    for data in result.files:
        tuned = "unlabelled" if not data.labelled else ("yes" if data.tuned_on else "no")
        cells = []
        if data.labelled:
            rs = [result.results[_key(data), e] for e in result.engines]
            for i, r in enumerate(rs):
                cell = f"{_fmt(r.macro_f1()):>10}{len(r.below()):>6}"
                if delta and i:
                    cell += f"{_delta(r.macro_f1(), rs[0].macro_f1()):>8}"
                cells.append(cell)
        else:
            cs = [result.coverage[_key(data), e] for e in result.engines]
            for i, c in enumerate(cs):
                cell = f"{_pct(c.share(c.no_move)):>10}{'':>6}"
                if delta and i:
                    s, b = c.share(c.no_move), cs[0].share(cs[0].no_move)
                    d = "-" if s is None or b is None else f"{100 * (s - b):+.1f}"
                    cell += f"{d:>8}"
                cells.append(cell)
        lines.append(
            (
                f"{data.name:<{width}} {tuned:<10} {len(data.examples):>7}  " + "  ".join(cells)
            ).rstrip()
        )
    return "\n".join(lines)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _wrap(text: str, label: str) -> str:
    """Return ``text`` on one logical line, wrapped at 100 columns after ``label``."""
    return textwrap.fill(
        " ".join(text.split()),
        width=100,
        initial_indent=label,
        subsequent_indent=" " * len(label),
    )


def render_errors(result: Result, title: str) -> str:
    """Return every false positive and false negative, grouped by id, as text."""
    lines: list[str] = ["", title, "=" * len(title)]
    for move_id in ALL_IDS:
        found = result.mistakes[move_id]
        fps = [x for x in found if x.kind == "false positive"]
        fns = [x for x in found if x.kind == "false negative"]
        lines.append("")
        lines.append(
            f"## {move_id}: {_plural(len(fps), 'false positive')},"
            f" {_plural(len(fns), 'false negative')}"
        )
        for mistake in fps + fns:
            lines.append("")
            lines.append(f"  {mistake.kind.upper()}  {mistake.reply_id}")
            lines.append(_wrap(mistake.reply, "    reply:    "))
            if mistake.kind == "false positive":
                quote = "(no evidence given)" if mistake.quote is None else repr(mistake.quote)
                lines.append(f"    fired:    {quote}  by rule {mistake.rule or '?'}")
                lines.append(f"    labelled: {', '.join(mistake.labels) or '(none)'}")
            else:
                quote = "(no quote in the data)" if mistake.quote is None else repr(mistake.quote)
                lines.append(f"    labelled: {quote}")
                lines.append(f"    scorer:   {', '.join(mistake.predicted) or '(nothing)'}")
                for rule, text, why in mistake.suppressed:
                    reason = f" ({why})" if why else ""
                    lines.append(f"    set aside: {text!r}  by rule {rule}{reason}")
    return "\n".join(lines)


def render(result: Run, with_errors: bool) -> str:
    """Return the whole report as text: header, a table per file, errors, summary."""
    parts = [render_header(result)]
    for data in result.files:
        parts.append("")
        parts.append(render_file(result, data) if data.labelled else render_coverage(result, data))
    if with_errors:
        for data in result.files:
            if not data.labelled:
                continue
            for engine in result.engines:
                parts.append(
                    render_errors(
                        result.results[_key(data), engine],
                        f"Errors by id: {data.name}, engine {engine}",
                    )
                )
    parts.append(render_summary(result))
    return "\n".join(parts)


# --- JSON ------------------------------------------------------------------------------


def _figures(c: Counts) -> dict[str, Any]:
    return {
        "support": c.support,
        "tp": c.tp,
        "fp": c.fp,
        "fn": c.fn,
        "precision": c.precision,
        "recall": c.recall,
        "f1": c.f1,
    }


def to_json(result: Run, with_errors: bool) -> dict[str, Any]:
    """Return the figures (and, if asked, the errors) as JSON-ready data."""
    files: list[dict[str, Any]] = []
    for data in result.files:
        entry: dict[str, Any] = {
            "file": str(data.path),
            "name": data.name,
            "replies": len(data.examples),
            "labelled": data.labelled,
            "tuned_on": data.tuned_on if data.labelled else None,
            "role": data.role,
            "engines": {},
        }
        for engine in result.engines:
            if data.labelled:
                r = result.results[_key(data), engine]
                figures: dict[str, Any] = {
                    "ruleset": r.rulesets[0] if len(r.rulesets) == 1 else r.rulesets,
                    "ids": {
                        m: {
                            **_figures(r.counts[m]),
                            "f1_by_convention": r.counts[m].f1_by_convention,
                        }
                        for m in ALL_IDS
                    },
                    "micro": _figures(r.micro()),
                    "macro_f1": r.macro_f1(),
                    "below_target": r.below(),
                    "unknown_labels": r.unknown_labels,
                    "unknown_predictions": r.unknown_predictions,
                }
                if with_errors:
                    figures["errors"] = {m: [x.to_dict() for x in r.mistakes[m]] for m in ALL_IDS}
            else:
                c = result.coverage[_key(data), engine]
                figures = {
                    "ruleset": c.rulesets[0] if len(c.rulesets) == 1 else c.rulesets,
                    "no_move": c.no_move,
                    "no_move_share": c.share(c.no_move),
                    "nothing": c.nothing,
                    "nothing_share": c.share(c.nothing),
                    "found": c.found,
                    "found_share": {m: c.share(n) for m, n in c.found.items()},
                }
            entry["engines"][engine] = figures
        files.append(entry)
    return {
        "engines": result.engines,
        "baseline": result.baseline,
        "target_f1": TARGET_F1,
        "macro_f1_note": "an id with no support and no predictions counts as F1 1.0",
        "files": files,
    }


# --- command line ----------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(
        prog="accuracy.py",
        description=(
            "Measure the scorer's per-move precision, recall and F1 on each labelled file, "
            "engine beside engine, and its coverage of unlabelled files. Prints figures; "
            "asserts nothing."
        ),
        epilog=(
            f"Default data: every *.jsonl in $ROLEPLAY_DATA if set, else in {DEFAULT_DATA}. "
            "An id with no support and no predictions counts as F1 1.0 in the macro average."
        ),
    )
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="JSON-lines files (or directories of them) of replies; '-' reads stdin",
    )
    parser.add_argument(
        "--engine",
        action="append",
        default=[],
        metavar="NAME",
        help=(
            "an engine to run (repeat, or a comma list; the first is the baseline); default: "
            "every engine the installed analyse offers"
        ),
    )
    parser.add_argument(
        "--tuned-on",
        action="append",
        default=None,
        metavar="NAME",
        help=f"a file name the rules were tuned on (repeat); default: {', '.join(TUNED_ON)}",
    )
    parser.add_argument(
        "--errors",
        action="store_true",
        help="also list each false positive and false negative, per id, with the evidence",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the figures as JSON instead of tables"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures; return the exit status."""
    args = build_parser().parse_args(argv)
    tuned_on = TUNED_ON if args.tuned_on is None else tuple(args.tuned_on)
    try:
        files = order([read_file(path, tuned_on) for path in data_files(args.files)])
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    empty = [str(d.path) for d in files if not d.examples]
    if empty:
        print("error: no replies in " + ", ".join(empty), file=sys.stderr)
        return 1

    from roleplay.core.analyse import analyse
    from roleplay.core.errors import RoleplayError

    try:
        engines = choose_engines(offered_engines(analyse), args.engine)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        result = run(files, analyse, engines)
    except RoleplayError as exc:
        # The scorer's own errors (its rules failed to load, say) are reported, not traced.
        for line in [*str(exc).splitlines(), *getattr(exc, "__notes__", [])]:
            print(f"error: {line}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(to_json(result, args.errors), indent=2, ensure_ascii=False))
    else:
        print(render(result, args.errors))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        # The reader went away (``... | head``): nothing left to say, and nothing wrong.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
