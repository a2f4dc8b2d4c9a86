"""Fuzz roleplay at scale: the fuzz tests' generators and oracle, tens of thousands of times.

For each surface (scenario, rubric and cue-rule files, replies, transcripts, command-line
arguments: see ``tests/fuzz/fuzzlib/surfaces.py``) it draws N inputs, runs each one's
commands in worker processes (in-process through ``roleplay.cli.main``, each worker with a
2 GiB address-space limit and every command with a timeout), runs every K-th input as real
``roleplay`` processes too, and prints per surface:

inputs            inputs drawn and run
tracebacks        inputs where an exception escaped to the user
hangs             inputs where a command outlived its timeout
memory            inputs where a command ran out of its 2 GiB
crashes           inputs where the process died (a signal, the worker lost)
unpositioned      inputs with a message that is not one line of a known shape, or a bad file
                  refused without its name, line and column
undetected edits  transcripts edited in a protected field that a debrief or report still
                  calls intact ("verified")
exit codes        inputs where a command exited with a code other than 0, 1 or 2
good file lost    inputs where a good scenario beside a bad one stopped working

then every distinct failure class (the exception and where it was raised, or the shape of
the message) with its count and the first input that showed it. ``--keep DIR`` writes the
first few inputs of each class to a folder each, with a README saying how to reproduce it;
``--only I`` re-runs one input and explains it. Every count should be 0. It asserts nothing.

Input I of surface S under seed X is ``random.Random(f"{X}:{S}:{I}")``, so any input can
be drawn again on any machine.

Examples::

    python benchmarks/fuzz.py --n 10000
    python benchmarks/fuzz.py --n 2000 --surface rules --jobs 2 --keep /tmp/fuzz-failures
    python benchmarks/fuzz.py --surface transcripts --seed 7 --only 1234
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "fuzz"))

from fuzzlib.case import CASE, Case, Run  # noqa: E402
from fuzzlib.harness import Worker, materialise, run_processes  # noqa: E402
from fuzzlib.mutate import BENCH_LIMITS, Limits  # noqa: E402
from fuzzlib.oracle import Failure, explain, judge  # noqa: E402
from fuzzlib.surfaces import SURFACES, bases, bundled  # noqa: E402

COLUMNS = {
    "traceback": "tracebacks",
    "hang": "hangs",
    "memory": "memory",
    "crash": "crashes",
    "unpositioned": "unpositioned",
    "undetected-edit": "undetected edits",
    "exit-code": "exit codes",
    "good-file-lost": "good file lost",
}
"""Each failure kind of :data:`fuzzlib.oracle.KINDS` and its column heading, in print order."""

KEEP_PER_CLASS = 3
"""How many inputs of one failure class ``--keep`` writes out."""


@dataclass
class Tally:
    """What one surface's inputs gave: counts per kind, and each failure class."""

    inputs: int = 0
    seconds: float = 0.0
    kinds: Counter[str] = field(default_factory=Counter)
    classes: Counter[tuple[str, str]] = field(default_factory=Counter)
    first: dict[tuple[str, str], int] = field(default_factory=dict)
    commands: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    errors: int = 0
    """Inputs the fuzzer itself failed to draw or judge (a bug in the fuzzer, not roleplay)."""
    kept: Counter[tuple[str, str]] = field(default_factory=Counter)


def draw(surface: str, seed: str, index: int, limits: Limits) -> Case:
    """Input ``index`` of ``surface`` under ``seed``: the same on every machine."""
    return SURFACES[surface](random.Random(f"{seed}:{surface}:{index}"), limits)


def check(case: Case, worker: Worker, real: bool) -> tuple[Run, list[Failure]]:
    """Run a case in the worker (and as real processes when ``real``); every failure found."""
    run = worker.run(case)
    failures = judge(case, run)
    if real:
        processes = run_processes(case)
        failures += [
            replace(f, signature=f"{f.signature} [process]") for f in judge(case, processes)
        ]
    return run, failures


def keep(
    folder: Path, surface: str, index: int, case: Case, run: Run, failures: list[Failure]
) -> None:
    """Write a failing input to its own folder, with a README saying how to reproduce it."""
    where = folder / f"{surface}-{index}"
    materialise(case, where)
    lines = [explain(case, run, failures), "", "Reproduce, from this folder's parent:"]
    for call in case.calls:
        lines.append("  " + call.describe().replace(CASE, str(where)))
    lines.append("")
    lines.append(f"or: python benchmarks/fuzz.py --surface {surface} --seed <seed> --only {index}")
    text = "\n".join(lines) + "\n"
    (where / "README.txt").write_text(text, encoding="utf-8", errors="backslashreplace")


def fuzz_surface(
    surface: str, args: argparse.Namespace, limits: Limits, lock: threading.Lock
) -> Tally:
    """Draw and check ``args.n`` inputs of one surface across ``args.jobs`` workers."""
    tally = Tally()
    counter = iter(range(args.n))
    started = time.perf_counter()
    last_report = [started]

    def work() -> None:
        with Worker() as worker:
            while True:
                with lock:
                    index = next(counter, None)
                if index is None:
                    return
                try:
                    case = draw(surface, args.seed, index, limits)
                    real = args.real_every > 0 and index % args.real_every == 0
                    run, failures = check(case, worker, real)
                except Exception:  # a bug in the fuzzer: say so, and go on with the next input
                    with lock:
                        tally.errors += 1
                        print(f"fuzzer error on {surface} input {index}:", file=sys.stderr)
                        traceback.print_exc()
                    continue
                with lock:
                    tally.inputs += 1
                    for kind in {f.kind for f in failures}:
                        tally.kinds[kind] += 1
                    for failure in failures:
                        key = (failure.kind, failure.signature)
                        tally.classes[key] += 1
                        tally.first.setdefault(key, index)
                        tally.commands.setdefault(key, set()).add(failure.command)
                    fresh = {(f.kind, f.signature) for f in failures}
                    if args.keep and any(tally.kept[k] < KEEP_PER_CLASS for k in fresh):
                        for k in fresh:
                            tally.kept[k] += 1
                        try:
                            keep(args.keep, surface, index, case, run, failures)
                        except OSError as exc:
                            print(f"cannot keep {surface} input {index}: {exc}", file=sys.stderr)
                    now = time.perf_counter()
                    if now - last_report[0] > 15:
                        last_report[0] = now
                        failing = sum(tally.kinds.values())
                        print(
                            f"  {surface}: {tally.inputs}/{args.n} inputs, {now - started:.0f} s, "
                            f"{failing} failures so far",
                            file=sys.stderr,
                            flush=True,
                        )

    threads = [threading.Thread(target=work) for _ in range(max(1, args.jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.seconds = time.perf_counter() - started
    return tally


def print_table(tallies: dict[str, Tally]) -> None:
    """The counts per surface, one row each: every figure should be 0."""
    headings = ["surface", "inputs", *COLUMNS.values(), "seconds"]
    rows = [headings]
    for surface, tally in tallies.items():
        cells = [surface, str(tally.inputs)]
        for kind in COLUMNS:
            if kind == "undetected-edit" and surface != "transcripts":
                cells.append("-")
            else:
                cells.append(str(tally.kinds[kind]))
        cells.append(f"{tally.seconds:.0f}")
        rows.append(cells)
    widths = [max(len(row[i]) for row in rows) for i in range(len(headings))]
    for row in rows:
        print(
            "  ".join(
                cell.rjust(w) if i else cell.ljust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def print_classes(tallies: dict[str, Tally], seed: str) -> None:
    """Every distinct failure class, most frequent first, with the first input that showed it."""
    for surface, tally in tallies.items():
        if tally.errors:
            print(f"{surface}: the fuzzer failed on {tally.errors} inputs (see above)")
        if not tally.classes:
            continue
        print(f"{surface}: {len(tally.classes)} distinct failure classes")
        for (kind, signature), count in tally.classes.most_common():
            first = tally.first[(kind, signature)]
            commands = ", ".join(sorted(tally.commands[(kind, signature)]))
            print(f"  {count:6d}  {kind:<15}  {signature}")
            print(
                f"          in: {commands}; first: --surface {surface} --seed {seed} --only {first}"
            )


def only(args: argparse.Namespace, limits: Limits) -> None:
    """Re-run one input and explain what it did."""
    for surface in args.surface:
        case = draw(surface, args.seed, args.only, limits)
        with Worker() as worker:
            run, failures = check(case, worker, args.real_every > 0)
        print(repr(case))
        if failures:
            print(explain(case, run, failures))
        else:
            print("passed")
        for call, outcome in zip(case.calls, run.outcomes, strict=True):
            print(f"\n$ {call.describe()}")
            print(f"  exit {outcome.code} ({outcome.fate}, {outcome.seconds:.2f} s)")
            if outcome.stderr.strip():
                print("  stderr: " + outcome.stderr.strip()[:2000].replace("\n", "\n          "))
            if outcome.error:
                print("  " + outcome.error.strip().replace("\n", "\n  "))
        if args.keep:
            keep(args.keep, surface, args.only, case, run, failures)


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments, fuzz each surface asked for, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="inputs per surface (10,000)")
    parser.add_argument(
        "--surface",
        action="append",
        choices=sorted(SURFACES),
        help="a surface to fuzz (repeatable; default: all)",
    )
    parser.add_argument("--seed", default="0", help="the seed every input is drawn from (0)")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (one per core)"
    )
    parser.add_argument("--keep", type=Path, help="write failing inputs to this folder")
    parser.add_argument(
        "--timeout",
        type=float,
        default=BENCH_LIMITS.timeout,
        help=f"seconds a command may take before it is a hang ({BENCH_LIMITS.timeout:g})",
    )
    parser.add_argument(
        "--real-every",
        type=int,
        default=200,
        help="also run every K-th input as real processes (200; 0 never)",
    )
    parser.add_argument("--only", type=int, help="re-run input I alone and explain it")
    parser.add_argument(
        "--small", action="store_true", help="draw the small inputs the test suite draws"
    )
    args = parser.parse_args(argv)
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(errors="backslashreplace")  # type: ignore[attr-defined]
    args.surface = args.surface or list(SURFACES)
    from fuzzlib.mutate import SUITE_LIMITS

    limits = replace(SUITE_LIMITS if args.small else BENCH_LIMITS, timeout=args.timeout)
    bundled()
    bases()
    if args.only is not None:
        only(args, limits)
        return
    print(
        f"fuzzing {', '.join(args.surface)}: {args.n} inputs each, seed {args.seed}, "
        f"{args.jobs} jobs, {args.timeout:g} s a command, every {args.real_every}th input "
        "also as real processes",
        file=sys.stderr,
    )
    lock = threading.Lock()
    tallies: dict[str, Tally] = {}
    for surface in args.surface:
        tallies[surface] = fuzz_surface(surface, args, limits, lock)
        print_table({surface: tallies[surface]})  # each surface's figures as soon as it is done
        print_classes({surface: tallies[surface]}, args.seed)
        print(flush=True)
    if len(tallies) > 1:
        print_table(tallies)


if __name__ == "__main__":
    main()
