"""How well the scorer finds each move and red flag in labelled replies.

Runs ``roleplay.core.analyse.analyse(reply, customer)`` in-process on every labelled reply
and compares the ids it reports with the ids a person gave the reply by the labelling guide
(``docs/moves.md``). By default it reads every ``*.jsonl`` file in ``<repo>/../shared/data``
(or in ``$ROLEPLAY_DATA``, a directory or a file). Each line of a file is one object::

    {"id", "customer", "reply", "labels": [ids], "evidence": {"<id>": "<quoted words>"}}

It prints figures and asserts nothing. What each figure means:

support
    how many replies carry the id as a label (the labelled positives).
TP, true positives
    replies the scorer gave the id and the labeller did too.
FP, false positives
    replies the scorer gave the id but the labeller did not.
FN, false negatives
    replies the labeller gave the id but the scorer did not.
precision
    TP / (TP + FP): of the replies the scorer gave the id, the share that were right.
    Shown as "-" when the scorer never gave the id.
recall
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
replies
    how many labelled replies were scored.
ruleset
    the version of the cue rules the scorer reported (``Analysis.ruleset``), so the figures
    can be tied to the rules that produced them.

``--errors`` lists, for each id, every false positive (the reply, and the words and rule
that fired) and every false negative (the reply, and the words the labeller quoted), plus
any matches the scorer found but set aside (negated, quoted, hypothetical...), so that a
developer can see why. ``--json`` prints the same figures (and errors) as JSON.

Examples::

    python benchmarks/accuracy.py
    python benchmarks/accuracy.py --errors
    python benchmarks/accuracy.py my-replies.jsonl --json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
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

from roleplay.core.moves import ALL_IDS  # noqa: E402


class DataError(Exception):
    """A data file is missing or a line in it cannot be read; carries a one-line message."""


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled reply from a data file."""

    id: str
    reply: str
    customer: str | None
    labels: frozenset[str]
    evidence: dict[str, str]
    where: str
    """``file:line`` of the example, for error messages."""


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
    """Everything the benchmark measured."""

    files: list[Path]
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


def read_examples(files: Iterable[Path]) -> list[Example]:
    """Read every labelled reply in ``files`` (``-`` is standard input)."""
    examples: list[Example] = []
    for path in files:
        try:
            lines = (
                sys.stdin.readlines() if str(path) == "-" else path.read_text("utf-8").splitlines()
            )
        except (OSError, UnicodeDecodeError) as exc:
            raise DataError(f"{path}: cannot read: {exc}") from None
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
            labels = obj.get("labels", [])
            evidence = obj.get("evidence", {})
            customer = obj.get("customer")
            if not isinstance(reply, str):
                raise DataError(f"{where}: 'reply' must be a string")
            if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
                raise DataError(f"{where}: 'labels' must be a list of ids")
            if not isinstance(evidence, dict):
                raise DataError(f"{where}: 'evidence' must be an object")
            if customer is not None and not isinstance(customer, str):
                raise DataError(f"{where}: 'customer' must be a string")
            examples.append(
                Example(
                    id=str(obj.get("id", where)),
                    reply=reply,
                    customer=customer,
                    labels=frozenset(labels),
                    evidence={str(k): str(v) for k, v in evidence.items()},
                    where=where,
                )
            )
    return examples


def measure(examples: Sequence[Example], analyse: Callable[..., Any]) -> Result:
    """Score every example with ``analyse`` and count agreements per id."""
    known = set(ALL_IDS)
    counts = {move_id: Counts() for move_id in ALL_IDS}
    mistakes: dict[str, list[Mistake]] = {move_id: [] for move_id in ALL_IDS}
    rulesets: list[str] = []
    unknown_labels: dict[str, int] = {}
    unknown_predictions: dict[str, int] = {}

    for example in examples:
        try:
            analysis = analyse(example.reply, example.customer)
        except Exception as exc:
            exc.add_note(f"while analysing reply {example.id!r} ({example.where})")
            raise
        ruleset = str(analysis.ruleset)
        if ruleset not in rulesets:
            rulesets.append(ruleset)
        predicted = set(analysis.ids)
        for move_id in example.labels - known:
            unknown_labels[move_id] = unknown_labels.get(move_id, 0) + 1
        for move_id in predicted - known:
            unknown_predictions[move_id] = unknown_predictions.get(move_id, 0) + 1
        labels = tuple(m for m in ALL_IDS if m in example.labels)
        found = tuple(m for m in ALL_IDS if m in predicted)

        for move_id in ALL_IDS:
            said, truth = move_id in predicted, move_id in example.labels
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
        files=[],
        counts=counts,
        replies=len(examples),
        rulesets=rulesets,
        mistakes=mistakes,
        unknown_labels=unknown_labels,
        unknown_predictions=unknown_predictions,
    )


def _fmt(value: float | None) -> str:
    """Three decimals, or a dash for a figure that is undefined."""
    return "-" if value is None else f"{value:.3f}"


def _ruleset_text(result: Result) -> str:
    return ", ".join(result.rulesets) if result.rulesets else "unknown (no replies scored)"


def render_table(result: Result) -> str:
    """Return the per-id table, the averages and the footnotes as text."""
    width = max(len("micro average"), *(len(m) for m in ALL_IDS))
    header = (
        f"{'id':<{width + 1}} {'support':>7} {'TP':>5} {'FP':>5} {'FN':>5}"
        f" {'precision':>9} {'recall':>7} {'F1':>7}"
    )
    lines = [
        f"Scorer accuracy: {result.replies} replies, ruleset {_ruleset_text(result)}",
        *(f"  data: {'standard input' if str(p) == '-' else p}" for p in result.files),
        "",
        header,
        "-" * len(header),
    ]
    for move_id in ALL_IDS:
        c = result.counts[move_id]
        name = move_id + ("*" if c.f1_by_convention else "")
        lines.append(
            f"{name:<{width + 1}} {c.support:>7} {c.tp:>5} {c.fp:>5} {c.fn:>5}"
            f" {_fmt(c.precision):>9} {_fmt(c.recall):>7} {_fmt(c.f1):>7}"
        )
    lines.append("-" * len(header))
    m = result.micro()
    lines.append(
        f"{'micro average':<{width + 1}} {m.support:>7} {m.tp:>5} {m.fp:>5} {m.fn:>5}"
        f" {_fmt(m.precision):>9} {_fmt(m.recall):>7} {_fmt(m.f1):>7}"
    )
    lines.append(
        f"{f'macro F1 ({len(ALL_IDS)} ids)':<{width + 1}} {'':>7} {'':>5} {'':>5} {'':>5}"
        f" {'':>9} {'':>7} {_fmt(result.macro_f1()):>7}"
    )
    lines.append("")
    lines.append(f"replies: {result.replies}    ruleset: {_ruleset_text(result)}")

    conventional = [m for m in ALL_IDS if result.counts[m].f1_by_convention]
    if conventional:
        lines.append("")
        lines.append(
            textwrap.fill(
                "* no support and no predictions, so F1 counts as 1.000 in the macro average: "
                + ", ".join(conventional),
                width=100,
                subsequent_indent="  ",
            )
        )
    if len(result.rulesets) > 1:
        lines.append("note: the scorer reported more than one ruleset version during the run")
    for label, unknown in (
        ("labels in the data", result.unknown_labels),
        ("ids the scorer reported", result.unknown_predictions),
    ):
        if unknown:
            names = ", ".join(f"{k} ({v})" for k, v in sorted(unknown.items()))
            lines.append(f"note: {label} that are not in moves.py were ignored: {names}")
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


def render_errors(result: Result) -> str:
    """Return every false positive and false negative, grouped by id, as text."""
    lines: list[str] = ["", "Errors by id", "============"]
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


def to_json(result: Result, with_errors: bool) -> dict[str, Any]:
    """Return the figures (and, if asked, the errors) as JSON-ready data."""

    def figures(c: Counts) -> dict[str, Any]:
        return {
            "support": c.support,
            "tp": c.tp,
            "fp": c.fp,
            "fn": c.fn,
            "precision": c.precision,
            "recall": c.recall,
            "f1": c.f1,
        }

    data: dict[str, Any] = {
        "files": [str(p) for p in result.files],
        "replies": result.replies,
        "ruleset": result.rulesets[0] if len(result.rulesets) == 1 else result.rulesets,
        "ids": {
            move_id: {
                **figures(result.counts[move_id]),
                "f1_by_convention": result.counts[move_id].f1_by_convention,
            }
            for move_id in ALL_IDS
        },
        "micro": figures(result.micro()),
        "macro_f1": result.macro_f1(),
        "macro_f1_note": "an id with no support and no predictions counts as F1 1.0",
        "unknown_labels": result.unknown_labels,
        "unknown_predictions": result.unknown_predictions,
    }
    if with_errors:
        data["errors"] = {
            move_id: [m.to_dict() for m in result.mistakes[move_id]] for move_id in ALL_IDS
        }
    return data


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(
        prog="accuracy.py",
        description=(
            "Measure the scorer's per-move precision, recall and F1 on labelled replies. "
            "Prints figures; asserts nothing."
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
        help="JSON-lines files (or directories of them) of labelled replies; '-' reads stdin",
    )
    parser.add_argument(
        "--errors",
        action="store_true",
        help="also list each false positive and false negative, per id, with the evidence",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the figures as JSON instead of a table"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        files = data_files(args.files)
        examples = read_examples(files)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not examples:
        print("error: no labelled replies in " + ", ".join(map(str, files)), file=sys.stderr)
        return 1

    from roleplay.core.analyse import analyse
    from roleplay.core.errors import RoleplayError

    try:
        result = measure(examples, analyse)
    except RoleplayError as exc:
        # The scorer's own errors (its rules failed to load, say) are reported, not traced.
        for line in [*str(exc).splitlines(), *getattr(exc, "__notes__", [])]:
            print(f"error: {line}", file=sys.stderr)
        return 1
    result.files = files
    if args.json:
        print(json.dumps(to_json(result, args.errors), indent=2, ensure_ascii=False))
    else:
        print(render_table(result))
        if args.errors:
            print(render_errors(result))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        # The reader went away (``... | head``): nothing left to say, and nothing wrong.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
