"""How long an assessor waits: ``roleplay run`` of one scenario and ``roleplay report`` over
a cohort, both timed as whole processes. It prints figures and asserts nothing.

(a) run
    the median and slowest wall time, over ``--runs`` runs, of ``roleplay run SCENARIO
    --replies FILE --format json`` for each bundled scenario's first self-test.
(b) generating the cohort
    ``--n`` transcripts (default 1,000), each made by ``roleplay run`` itself (so each is a
    real transcript of a real process), cycling through every bundled scenario's self-tests
    with the learner's name varied, two processes at a time; the total time is shown.
(c) report
    the wall time of ``roleplay report DIR`` (CSV) and ``roleplay report DIR --format html``
    over the whole cohort, and the transcripts per second that makes; the first report
    starts with an empty cache of analyses (a folder of its own), the others find every
    reply's analysis there, as a second report of the same cohort does. ``--cohort DIR``
    reports on transcripts made before (by ``--keep``) instead of making new ones.

Examples::

    python benchmarks/cohort.py
    python benchmarks/cohort.py --n 200 --keep /tmp/cohort
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from roleplay.core.library import bundled_scenarios  # noqa: E402


def roleplay() -> list[str]:
    """The ``roleplay`` command beside this Python, else ``python -m roleplay``."""
    script = Path(sys.executable).parent / "roleplay"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "roleplay"]


def timed(args: Sequence[str]) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    start = time.perf_counter()
    done = subprocess.run(list(args), capture_output=True, check=False)
    return time.perf_counter() - start, done


def scripts(folder: Path) -> list[tuple[str, Path]]:
    """One replies file per self-test of every bundled scenario."""
    out: list[tuple[str, Path]] = []
    for scenario_id, loaded in sorted(bundled_scenarios().items()):
        for i, test in enumerate(loaded.scenario.tests):
            path = folder / f"{scenario_id}-{i}.txt"
            path.write_text("\n".join(r.replace("\n", " ") for r in test.replies) + "\n", "utf-8")
            out.append((scenario_id, path))
    return out


def run_args(scenario_id: str, replies: Path) -> list[str]:
    """The arguments of one headless run, JSON out."""
    return ["run", scenario_id, "--replies", str(replies), "--format", "json"]


def reports(command: list[str], cohort: Path, work: Path) -> None:
    """Figure (c): report the cohort, first with an empty cache of analyses, then again."""
    count = sum(1 for _ in cohort.rglob("*.json"))
    for fmt, cache in (("csv", "empty cache"), ("csv", "cached"), ("html", "cached")):
        out = work / f"report.{fmt}"
        report = [*command, "report", str(cohort), "--format", fmt, "--out", str(out)]
        seconds, done = timed(report)
        state = "ok" if done.returncode == 0 else f"failed: {done.stderr.decode()[-200:]}"
        rate = count / seconds
        print(f"(c) roleplay report DIR --format {fmt:<4} ({cache:<11}) {seconds:6.2f} s ", end="")
        print(f"for {count:,} transcripts ({rate:,.0f} a second) {state}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="transcripts in the cohort")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per scenario for (a)")
    parser.add_argument("--keep", type=Path, help="keep the cohort in this folder")
    parser.add_argument("--cohort", type=Path, help="report on this folder of transcripts")
    args = parser.parse_args(argv)
    command = roleplay()
    work = Path(tempfile.mkdtemp(prefix="roleplay-cohort-"))
    # The reports' cache of analyses starts empty, in a folder of the benchmark's own.
    os.environ["ROLEPLAY_CACHE_DIR"] = str(work / "cache")
    try:
        if args.cohort is not None:
            reports(command, args.cohort, work)
            return 0
        plays = scripts(work)
        count = len(bundled_scenarios())
        print(f"Cohort benchmark: {len(plays)} scripted attempts over {count} scenarios\n")
        firsts: dict[str, Path] = {}
        for scenario_id, path in plays:
            firsts.setdefault(scenario_id, path)
        print("(a) roleplay run SCENARIO --replies FILE --format json, whole process")
        for scenario_id, path in firsts.items():
            times = []
            for _ in range(args.runs):
                seconds, done = timed([*command, *run_args(scenario_id, path)])
                if done.returncode != 0:
                    print(f"    {scenario_id}: failed: {done.stderr.decode()[-200:]}")
                    break
                times.append(seconds * 1000)
            if times:
                median, slowest = statistics.median(times), max(times)
                print(f"    {scenario_id:<20} median {median:6.0f} ms   slowest {slowest:6.0f} ms")
        cohort = args.keep or work / "cohort"
        cohort.mkdir(parents=True, exist_ok=True)
        jobs = [
            (scenario_id, path, cohort / f"attempt-{i:04d}.json", f"Learner {i % 97:02d}")
            for i, (scenario_id, path) in zip(range(args.n), itertools.cycle(plays), strict=False)
        ]

        def make(job: tuple[str, Path, Path, str]) -> int:
            scenario_id, path, out, learner = job
            extra = ["--out", str(out), "--learner", learner]
            _seconds, done = timed([*command, *run_args(scenario_id, path), *extra])
            return done.returncode

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=2) as pool:
            codes = list(pool.map(make, jobs))
        generated = time.perf_counter() - start
        made = sum(1 for code in codes if code == 0)
        print(f"\n(b) generated {made:,} of {len(jobs):,} transcripts with roleplay run")
        print(f"    in {generated:.1f} s, two at a time\n")
        reports(command, cohort, work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
