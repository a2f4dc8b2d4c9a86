"""How fast the scorer is, in-process and as the ``roleplay score`` command.

Builds N replies (``--n``, default 10,000) by cycling the replies of the labelled data files
(every ``*.jsonl`` in ``$ROLEPLAY_DATA`` or ``<repo>/../shared/data``; a small built-in list
of varied replies when there are none), pins itself to one CPU core where the system allows
it (``os.sched_setaffinity``, inherited by the subprocesses it starts, else ``taskset``), and
prints these figures. It asserts nothing.

(a) in-process throughput
    replies analysed per second by ``analyse(reply, customer)`` in a plain loop over the N
    replies, on one core, after every source reply has been analysed once (warm: the rules
    are loaded and their patterns compiled). The scorer remembers the analyses of short
    replies it has seen, so each of the N replies is made distinct with a reference number
    (" (ref 123)") and nothing is answered from memory; the same N replies analysed a second
    time are shown beside it as "repeated", which is what re-scoring a cohort costs.
    Beside it: the bare spaCy pipeline's own rate on the same number of distinct replies
    (``nlp.pipe`` over the raw texts, no normalising and no rules), the floor the parse
    rules cannot beat, with the scorer's rate as a share of it.
(b) latency of one call
    the median and the 99th percentile (nearest rank) of the time of a single ``analyse``
    call, in milliseconds, each call timed with ``time.perf_counter_ns``; the slowest call
    too; and the same in this process's CPU time (``time.process_time_ns``), which other
    programs sharing the core do not inflate. The median is what a learner feels after
    pressing Enter; p99 is the worst they will usually see.
(c) batch throughput of the command
    replies per second of ``roleplay score --jsonl -`` run as a whole process and fed the
    N replies on standard input, from starting the process to its exit, so the start-up is
    included; the figure with the cold start of (d) taken off is shown beside it. This is
    what an assessor re-scoring a cohort waits for.
(d) cold start
    the median, over 7 runs, of the wall time of ``roleplay score "I'm so sorry your parcel
    is late."`` as a whole process, in milliseconds; the bare interpreter's start-up
    (``python -c pass``) is shown beside it as the floor no import can go under.
(e) growth with length
    the time to analyse one reply of about 10 kB, 100 kB and 1 MB (a varied paragraph
    repeated), each in a fresh, warmed-up interpreter with a time limit, and the time per kB
    (1 kB = 1,000 bytes of UTF-8). A scorer that is linear in the length keeps the per-kB
    figure flat; the "vs 10 kB" column shows by how much it grows.
(f) batches beside the bare pipeline, file by file
    for the agent and learner files (``agent-replies.jsonl``, ``learner-replies.jsonl``):
    the bare spaCy pipeline's own rate and the scorer's, analysing the same replies in
    batches of 32 with ``analyse_many`` as ``roleplay score --jsonl`` does, side by side,
    with the scorer's share of the pipeline's rate, and the scorer one reply at a time.
    These rates are per second of this process's CPU time, so other programs sharing the
    core do not count.

Examples::

    python benchmarks/speed.py
    python benchmarks/speed.py --n 2000 --json
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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

COLD_START_TEXT = "I'm so sorry your parcel is late."
COLD_START_RUNS = 7
GROWTH_SIZES_KB = (10, 100, 1000)

BUILT_IN_REPLIES: tuple[tuple[str, str | None], ...] = (
    ("I'm so sorry your parcel is late.", "Where is my parcel? It was due on Monday."),
    (
        "Thank you for letting us know, and I'm really sorry the boiler failed again the day "
        "after the service. Leave this with me: I'll book an engineer for tomorrow morning "
        "and call you by 5pm today to confirm the time.",
        "Your engineer serviced my boiler on Monday and it broke on Tuesday. We have no heat.",
    ),
    (
        "So just to check I've got this right: you were charged twice for the same order? "
        "Could you tell me the last four digits of the card?",
        "You've taken the money twice!",
    ),
    (
        "Under our 30-day returns policy you can send it back for a full refund. A courier "
        "will collect it within two working days and the refund follows in 3-5 days.",
        "The jacket doesn't fit and I want my money back.",
    ),
    (
        "I can imagine how stressful that was with guests arriving. I'm escalating this to "
        "my team leader now, and I'll feed it back to the store manager so it doesn't happen "
        "again.",
        "The cake I ordered for the party never arrived.",
    ),
    (
        "You should have checked the size guide. There's nothing I can do about it.",
        "These shoes are too small.",
    ),
    ("I'm sorry you feel that way.", "This is the worst service I have ever had."),
    (
        "The Consumer Rights Act 2015 gives you the right to a repair or replacement, and "
        "for data protection reasons I need to confirm your postcode first.",
        "The washing machine stopped working after three weeks.",
    ),
    (
        "Calm down, please. It's only a few days late and the courier's fault, not ours.",
        "I've waited a week for this!",
    ),
    (
        "Sorry for the wait. Let me check what happened with the courier, and I'll email you "
        "once it's dispatched. Is the delivery address still 12 High Street?",
        "Still no sign of my order.",
    ),
    (
        "@customer We're aware of the issue with the app and our team is working on a fix. "
        "Sign out, then back in, and it should work again. ^JK",
        "Your app keeps crashing when I try to pay.",
    ),
    ("OK.", "Hello?"),
)
"""Varied replies (with the customer's message) used when no data files are found."""

GROWTH_PARAGRAPH: tuple[str, ...] = (
    "Thank you for getting in touch about your order, and I'm really sorry it arrived damaged.",
    "I can see the courier marked it as delivered on Tuesday afternoon.",
    "I can imagine how frustrating that was, especially with guests arriving at the weekend.",
    "Could you tell me whether the box itself was damaged, or only the item inside?",
    "The delay came from a system fault at our depot on Friday.",
    "Leave this with me: I'll look into what happened and arrange a replacement today.",
    "Under our 30-day returns policy you can also choose a full refund instead.",
    "If you're still unhappy you can refer this to the ombudsman.",
    "I'll feed this back to the warehouse team so it doesn't happen again.",
    "I'll call you tomorrow before noon to confirm the new delivery slot.",
    "You'll get an email from me once it's dispatched, usually within two working days.",
    "In the meantime, please keep the packaging in case the courier asks to see it.",
)
"""Sentences repeated to build the long replies of figure (e)."""


class DataError(Exception):
    """A data file cannot be read; carries a one-line message."""


@dataclass(frozen=True, slots=True)
class Pinning:
    """How this process and its subprocesses are kept to one core."""

    description: str
    prefix: tuple[str, ...] = ()
    """A command prefix such as ``taskset -c 0`` for subprocesses, when pinning needs one."""
    cpu: int | None = None

    def preexec(self) -> Callable[[], None] | None:
        """Return a function that pins a child process before it runs, where possible."""
        if self.cpu is None or not hasattr(os, "sched_setaffinity"):
            return None
        cpu = self.cpu
        return lambda: os.sched_setaffinity(0, {cpu})


def pin_to_one_core(cpu: int | None, enabled: bool) -> Pinning:
    """Pin this process to one core and say how subprocesses will be pinned."""
    if not enabled:
        return Pinning("not pinned (--no-pin)")
    if hasattr(os, "sched_setaffinity"):
        allowed = os.sched_getaffinity(0)
        target = cpu if cpu is not None else min(allowed)
        try:
            os.sched_setaffinity(0, {target})
        except OSError as exc:
            return Pinning(f"not pinned (sched_setaffinity to CPU {target} failed: {exc})")
        return Pinning(f"CPU {target} (os.sched_setaffinity, also for subprocesses)", cpu=target)
    taskset = shutil.which("taskset")
    if taskset:
        target = cpu if cpu is not None else 0
        return Pinning(
            f"subprocesses on CPU {target} via taskset; this process not pinned",
            prefix=(taskset, "-c", str(target)),
        )
    return Pinning("not pinned (no sched_setaffinity or taskset on this system)")


def data_files(data: str | None) -> list[Path]:
    """Return the data files: ``--data``, else ``$ROLEPLAY_DATA``, else the shared data."""
    chosen = Path(data or os.environ.get("ROLEPLAY_DATA") or DEFAULT_DATA)
    if chosen.is_dir():
        return sorted(chosen.glob("*.jsonl"))
    if chosen.is_file():
        return [chosen]
    return []


def read_replies(files: Sequence[Path]) -> list[tuple[str, str | None]]:
    """Return ``(reply, customer)`` for every line of ``files`` that has a reply."""
    replies: list[tuple[str, str | None]] = []
    for path in files:
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DataError(f"{path}: cannot read: {exc}") from None
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}:{number}: not JSON: {exc.msg}") from None
            if isinstance(obj, dict) and isinstance(obj.get("reply"), str):
                customer = obj.get("customer")
                replies.append((obj["reply"], customer if isinstance(customer, str) else None))
    return replies


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Return the nearest-rank percentile of already sorted values."""
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def distinct_batch(
    replies: Sequence[tuple[str, str | None]], n: int, tag: str
) -> list[tuple[str, str | None]]:
    """N replies cycled from ``replies``, each made distinct by a reference number."""
    cycled = itertools.islice(itertools.cycle(replies), n)
    return [(f"{reply} (ref {tag}{i})", customer) for i, (reply, customer) in enumerate(cycled)]


def in_process(
    analyse: Callable[..., Any], replies: Sequence[tuple[str, str | None]], n: int
) -> dict[str, Any]:
    """Figures (a) and (b): warm throughput and the latency of single calls."""
    batch = distinct_batch(replies, n, "a")
    distinct = list(dict.fromkeys(replies))
    # Every source reply once first, so that loading the rules and compiling the patterns
    # they reach is not counted.
    analyse(*BUILT_IN_REPLIES[0])
    start = time.perf_counter()
    ruleset = ""
    for reply, customer in distinct:
        ruleset = str(analyse(reply, customer).ruleset)
    first_sight = time.perf_counter() - start

    start = time.perf_counter()
    for reply, customer in batch:
        analyse(reply, customer)
    warm = time.perf_counter() - start

    start = time.perf_counter()
    for reply, customer in batch:
        analyse(reply, customer)
    repeated = time.perf_counter() - start

    # The same replies through the bare spaCy pipeline (no normalising, no rules), for scale.
    from roleplay.core.parse import run_pipeline

    texts = [reply for reply, _customer in distinct_batch(replies, n, "p")]
    start = time.perf_counter()
    run_pipeline(texts)
    bare = time.perf_counter() - start

    timings: list[int] = []
    cpu_timings: list[int] = []
    clock, cpu_clock = time.perf_counter_ns, time.process_time_ns
    for reply, customer in distinct_batch(replies, n, "b"):
        t0, c0 = clock(), cpu_clock()
        analyse(reply, customer)
        timings.append(clock() - t0)
        cpu_timings.append(cpu_clock() - c0)
    timings.sort()
    cpu_timings.sort()
    ms = [t / 1e6 for t in timings]
    cpu_ms = [t / 1e6 for t in cpu_timings]
    return {
        "ruleset": ruleset,
        "distinct_replies": len(distinct),
        "first_sight_seconds": first_sight,
        "first_sight_per_second": len(distinct) / first_sight if first_sight else None,
        "warm_seconds": warm,
        "warm_per_second": n / warm if warm else None,
        "repeated_seconds": repeated,
        "repeated_per_second": n / repeated if repeated else None,
        "pipeline_seconds": bare,
        "pipeline_per_second": n / bare if bare else None,
        "median_ms": statistics.median(ms),
        "p99_ms": percentile(ms, 0.99),
        "max_ms": ms[-1],
        "mean_ms": statistics.fmean(ms),
        "cpu_median_ms": statistics.median(cpu_ms),
        "cpu_p99_ms": percentile(cpu_ms, 0.99),
    }


PER_FILE = ("agent-replies.jsonl", "learner-replies.jsonl")
"""The files whose replies figure (f) scores in batches beside the bare pipeline."""

BATCH = 32
"""Replies analysed together in figure (f), as ``roleplay score --jsonl`` batches them."""


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    """Run ``work`` and return its wall time and this process's CPU time, in seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def per_file(files: Sequence[Path]) -> list[dict[str, Any]]:
    """Figure (f): per file, the bare pipeline and the scorer's batches on the same replies.

    Each reply is made distinct with a reference number, and each measure gets replies of
    its own, so neither is answered from memory. Rates are per second of CPU time of this
    process (on a shared machine, wall time also counts other programs on the core).
    """
    from roleplay.core.analyse import analyse, analyse_many
    from roleplay.core.parse import run_pipeline

    rows: list[dict[str, Any]] = []
    for path in files:
        if path.name not in PER_FILE:
            continue
        replies = read_replies([path])
        if not replies:
            continue
        n = len(replies)
        texts = [reply for reply, _customer in distinct_batch(replies, n, "f")]
        bare_wall, bare_cpu = _timed(lambda texts=texts: run_pipeline(texts))
        ours = distinct_batch(replies, n, "g")

        def batches(ours: list[tuple[str, str | None]] = ours) -> None:
            for k in range(0, len(ours), BATCH):
                analyse_many(ours[k : k + BATCH])

        ours_wall, ours_cpu = _timed(batches)
        single = distinct_batch(replies, n, "h")
        one_wall, one_cpu = _timed(lambda single=single: [analyse(r, c) for r, c in single])
        rows.append(
            {
                "file": path.name,
                "replies": n,
                "pipeline_per_second": n / bare_cpu,
                "batch_per_second": n / ours_cpu,
                "one_by_one_per_second": n / one_cpu,
                "share": bare_cpu / ours_cpu,
                "wall_seconds": {"pipeline": bare_wall, "batch": ours_wall, "one": one_wall},
            }
        )
    return rows


def find_roleplay() -> str | None:
    """Return the ``roleplay`` executable beside this interpreter, else on PATH."""
    here = Path(sys.executable).parent
    for name in ("roleplay", "roleplay.exe"):
        candidate = here / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("roleplay")


def run_timed(
    command: Sequence[str], pinning: Pinning, stdin: bytes | None, timeout: float
) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    """Run a command pinned to the core, and return its wall time in seconds and result."""
    start = time.perf_counter()
    done = subprocess.run(
        [*pinning.prefix, *command],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        preexec_fn=pinning.preexec(),
        check=False,
    )
    return time.perf_counter() - start, done


def _stderr_line(done: subprocess.CompletedProcess[bytes]) -> str:
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else "(no message)"


def cold_start(roleplay: str, pinning: Pinning, timeout: float) -> dict[str, Any]:
    """Figure (d): the wall time of one ``roleplay score TEXT`` process, and the floor."""
    runs: list[float] = []
    problem = None
    for _ in range(COLD_START_RUNS):
        seconds, done = run_timed([roleplay, "score", COLD_START_TEXT], pinning, None, timeout)
        if done.returncode != 0:
            problem = f"exit {done.returncode}: {_stderr_line(done)}"
        elif not done.stdout.strip():
            problem = "printed nothing"
        runs.append(seconds * 1000)
    floor = [
        run_timed([sys.executable, "-c", "pass"], pinning, None, timeout)[0] * 1000
        for _ in range(COLD_START_RUNS)
    ]
    return {
        "median_ms": statistics.median(runs),
        "min_ms": min(runs),
        "max_ms": max(runs),
        "runs": len(runs),
        "interpreter_median_ms": statistics.median(floor),
        "failed": problem is not None,
        "problem": problem,
    }


def batch_process(
    roleplay: str,
    replies: Sequence[tuple[str, str | None]],
    n: int,
    pinning: Pinning,
    timeout: float,
    start_up_ms: float | None,
) -> dict[str, Any]:
    """Figure (c): ``roleplay score --jsonl -`` fed N replies on standard input."""
    lines = []
    for i, (reply, customer) in enumerate(distinct_batch(replies, n, "c")):
        obj: dict[str, Any] = {"id": f"r{i}", "reply": reply}
        if customer is not None:
            obj["customer"] = customer
        lines.append(json.dumps(obj, ensure_ascii=False))
    payload = ("\n".join(lines) + "\n").encode("utf-8")
    seconds, done = run_timed([roleplay, "score", "--jsonl", "-"], pinning, payload, timeout)
    out_lines = [x for x in done.stdout.decode("utf-8", "replace").splitlines() if x.strip()]
    problem = None
    failed = done.returncode != 0
    if failed:
        problem = f"exit {done.returncode}: {_stderr_line(done)}"
    elif len(out_lines) != n:
        problem = f"wrote {len(out_lines)} lines for {n} replies"
    net = seconds - start_up_ms / 1000 if start_up_ms is not None else None
    return {
        "seconds": seconds,
        "per_second": n / seconds if seconds else None,
        "per_second_without_start_up": n / net if net and net > 0 else None,
        "output_lines": len(out_lines),
        "failed": failed,
        "problem": problem,
    }


def long_reply(size_bytes: int) -> str:
    """Return a reply of about ``size_bytes`` bytes: the varied paragraph, repeated."""
    sentences: list[str] = []
    total = 0
    for i, sentence in enumerate(itertools.cycle(GROWTH_PARAGRAPH)):
        if total >= size_bytes:
            break
        # A paragraph break after every pass keeps the text like a long real message.
        piece = sentence + (
            "\n\n" if i % len(GROWTH_PARAGRAPH) == len(GROWTH_PARAGRAPH) - 1 else " "
        )
        sentences.append(piece)
        total += len(piece.encode("utf-8"))
    return "".join(sentences).rstrip()


def _growth_child(size_kb: int) -> int:
    """Inside the fresh interpreter of figure (e): warm up, time the long reply, print JSON."""
    from roleplay.core.analyse import analyse

    analyse(BUILT_IN_REPLIES[1][0], BUILT_IN_REPLIES[1][1])
    text = long_reply(size_kb * 1000)
    customer = "My order arrived damaged and nobody has called me back."
    runs: list[float] = []
    while True:
        start = time.perf_counter()
        analyse(text, customer)
        runs.append(time.perf_counter() - start)
        if len(runs) >= 5 or sum(runs) > 1.0:
            break
    json.dump({"bytes": len(text.encode("utf-8")), "runs": runs}, sys.stdout)
    return 0


def growth(pinning: Pinning, timeout: float) -> list[dict[str, Any]]:
    """Figure (e): the time of one long reply at each size, each in a fresh interpreter."""
    rows: list[dict[str, Any]] = []
    for size_kb in GROWTH_SIZES_KB:
        command = [sys.executable, str(Path(__file__).resolve()), "--_growth-child", str(size_kb)]
        row: dict[str, Any] = {"target_kb": size_kb}
        try:
            _, done = run_timed(command, pinning, None, timeout)
        except subprocess.TimeoutExpired:
            row["problem"] = f"took longer than {timeout:g} s"
            rows.append(row)
            continue
        if done.returncode != 0:
            row["problem"] = f"exit {done.returncode}: {_stderr_line(done)}"
            rows.append(row)
            continue
        measured = json.loads(done.stdout)
        ms = statistics.median(measured["runs"]) * 1000
        row.update(
            bytes=measured["bytes"],
            runs=len(measured["runs"]),
            ms=ms,
            ms_per_kb=ms / (measured["bytes"] / 1000),
        )
        rows.append(row)
    base = rows[0].get("ms_per_kb") if rows else None
    for row in rows:
        if base and "ms_per_kb" in row:
            row["vs_first"] = row["ms_per_kb"] / base
    return rows


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} replies/s"


def _line(label: str, figure: str, detail: str = "") -> str:
    """One figure: its label, the figure aligned in a column, and any detail after it."""
    return f"{label:<44} {figure:<18} {detail}".rstrip()


def render(report: dict[str, Any]) -> str:
    """Return the figures as text."""
    a = report["in_process"]
    n = report["n"]
    lines = [
        f"Scorer speed: ruleset {a['ruleset']}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}",
        f"  pinning: {report['pinning']}",
        f"  replies: {n:,} built by cycling {a['distinct_replies']} source replies"
        f" from {report['source']},",
        "           each made distinct with a reference number so none is answered from memory",
        "",
        _line(
            "(a) in-process throughput, warm",
            _rate(a["warm_per_second"]),
            f"({n:,} replies in {a['warm_seconds']:.2f} s)",
        ),
        _line(
            "    bare spaCy pipeline, the same replies",
            _rate(a["pipeline_per_second"]),
            f"({n:,} replies in {a['pipeline_seconds']:.2f} s; scorer at "
            f"{a['warm_per_second'] / a['pipeline_per_second']:.0%} of it)",
        ),
        _line(
            "    the same replies again",
            _rate(a["repeated_per_second"]),
            f"({n:,} replies in {a['repeated_seconds']:.2f} s)",
        ),
        _line(
            "    first sight, patterns still compiling",
            _rate(a["first_sight_per_second"]),
            f"({a['distinct_replies']:,} replies in {a['first_sight_seconds']:.2f} s)",
        ),
        _line(
            "(b) one analyse call",
            f"median {a['median_ms']:.3f} ms",
            f"p99 {a['p99_ms']:.3f} ms, slowest {a['max_ms']:.3f} ms",
        ),
        _line(
            "    in CPU time of this process",
            f"median {a['cpu_median_ms']:.3f} ms",
            f"p99 {a['cpu_p99_ms']:.3f} ms (other programs on the core not counted)",
        ),
    ]
    c = report.get("process")
    d = report.get("cold_start")
    if c is None or d is None:
        lines.append(_line("(c) roleplay score --jsonl -, whole process", "skipped:"))
        lines.append(f"    {report['skipped']}")
        lines.append(_line("(d) cold start of roleplay score TEXT", "skipped"))
    else:
        lines.append(
            _line(
                "(c) roleplay score --jsonl -, whole process",
                "failed" if c["failed"] else _rate(c["per_second"]),
                f"({n:,} replies in {c['seconds']:.2f} s, start-up included)",
            )
        )
        if not c["failed"]:
            lines.append(
                _line(
                    "    the same without the cold start of (d)",
                    _rate(c["per_second_without_start_up"]),
                )
            )
        if c["problem"]:
            lines.append(f"    warning: {c['problem']}")
        lines.append(
            _line(
                "(d) cold start of roleplay score TEXT",
                "failed" if d["failed"] else f"median {d['median_ms']:.0f} ms",
                f"over {d['runs']} runs (min {d['min_ms']:.0f}, max {d['max_ms']:.0f})",
            )
        )
        lines.append(
            _line(
                "    bare interpreter start, for scale",
                f"median {d['interpreter_median_ms']:.0f} ms",
            )
        )
        if d["problem"]:
            lines.append(f"    warning: {d['problem']}")
    rows = report.get("per_file") or []
    lines.append(
        "(f) batches of 32 (as roleplay score --jsonl) beside the bare spaCy pipeline, "
        "per CPU second"
    )
    lines.append(
        f"    {'file':<24} {'replies':>7} {'pipeline':>10} {'scorer':>10} {'share':>6}"
        f" {'one by one':>11}"
    )
    for row in rows:
        lines.append(
            f"    {row['file']:<24} {row['replies']:>7} {row['pipeline_per_second']:>8.0f}/s"
            f" {row['batch_per_second']:>8.0f}/s {row['share']:>6.0%}"
            f" {row['one_by_one_per_second']:>9.0f}/s"
        )
    if not rows:
        lines.append(f"    skipped: none of {', '.join(PER_FILE)} among the data files")
    lines.append("(e) growth with the length of one reply")
    lines.append(f"    {'size':>10} {'time':>12} {'per kB':>12} {'vs 10 kB':>9}")
    for row in report["growth"]:
        if "problem" in row:
            lines.append(f"    {row['target_kb']:>7} kB  {row['problem']}")
            continue
        vs = row.get("vs_first")
        lines.append(
            f"    {row['bytes'] / 1000:>7.0f} kB {row['ms']:>9.1f} ms {row['ms_per_kb']:>9.3f} ms"
            f" {'-' if vs is None else f'{vs:.2f}x':>9}"
        )
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(
        prog="speed.py",
        description=(
            "Measure the scorer's speed: in-process throughput and latency, the "
            "'roleplay score' command's batch throughput and cold start, and growth with "
            "reply length. Prints figures; asserts nothing."
        ),
        epilog=(
            f"Replies come from every *.jsonl in $ROLEPLAY_DATA if set, else in {DEFAULT_DATA}, "
            "else a built-in list."
        ),
    )
    parser.add_argument(
        "--n", type=int, default=10_000, help="how many replies to time (default: 10000)"
    )
    parser.add_argument(
        "--data", metavar="PATH", help="a data file or directory to take the replies from"
    )
    parser.add_argument(
        "--cpu", type=int, help="the core to pin to (default: the lowest this process may use)"
    )
    parser.add_argument("--no-pin", action="store_true", help="do not pin to one core")
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        help="seconds any one subprocess may take before it is stopped (default: 300)",
    )
    parser.add_argument(
        "--growth-timeout",
        type=float,
        default=60.0,
        help="seconds each long reply of figure (e) may take before it is given up (default: 60)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--_growth-child", type=int, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args._growth_child is not None:
        return _growth_child(args._growth_child)
    if args.n < 1:
        parser.error("--n must be at least 1")

    pinning = pin_to_one_core(args.cpu, not args.no_pin)
    files = data_files(args.data)
    try:
        replies = read_replies(files)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    source = ", ".join(map(str, files))
    if not replies:
        replies = list(BUILT_IN_REPLIES)
        source = "the built-in list (no data files found)"

    from roleplay.core.analyse import analyse
    from roleplay.core.errors import RoleplayError

    try:
        figures = in_process(analyse, replies, args.n)
    except RoleplayError as exc:
        # The scorer's own errors (its rules failed to load, say) are reported, not traced.
        for line in str(exc).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return 1
    report: dict[str, Any] = {
        "n": args.n,
        "source": source,
        "pinning": pinning.description,
        "in_process": figures,
        "per_file": per_file(files),
    }
    roleplay = find_roleplay()
    if roleplay is None:
        report["skipped"] = "no roleplay executable beside the interpreter or on PATH"
    else:
        try:
            report["cold_start"] = cold_start(roleplay, pinning, args.timeout)
            report["process"] = batch_process(
                roleplay,
                replies,
                args.n,
                pinning,
                args.timeout,
                report["cold_start"]["median_ms"],
            )
        except subprocess.TimeoutExpired as exc:
            report.pop("cold_start", None)
            report["skipped"] = f"{' '.join(map(str, exc.cmd))} took over {exc.timeout:g} s"
    report["growth"] = growth(pinning, args.growth_timeout)

    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(render(report))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        # The reader went away (``... | head``): nothing left to say, and nothing wrong.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
