"""How coherent the customer is: seeded random play-throughs of every scenario, per scenario.

Plays N play-throughs of each scenario (default: the bundled ones), each reply drawn at
random from the scenario's own self-tests and model answers and from a pool of learner-style
replies (``rubrics/play_replies.yaml``, plus the labelled replies in ``../shared/data`` when
they are there), and prints, per scenario, the customer lines read and the share that

- ask for something the learner had already given (``asks-for-met``),
- repeat a line said earlier in the same attempt (``repeats``),

and how many conversations had not ended after 12 replies (``no-end``). It prints figures
and asserts nothing. The seed makes every figure repeatable.

    .venv/bin/python benchmarks/coherence.py [-n 50] [--seed 2026] [--examples 3] [SCENARIO ...]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from roleplay.core.library import ScenarioLibrary
from roleplay.core.playthrough import DEFAULT_SEED, play_throughs

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def shared_replies() -> list[str]:
    """The labelled replies in ``../shared/data`` (none when the folder is not there)."""
    found: list[str] = []
    for name in ("agent-replies.jsonl", "agent-replies-2.jsonl", "learner-replies.jsonl"):
        path = SHARED / name
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    found.append(json.loads(line)["reply"])
    return found


def main() -> None:
    """Play, read and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", help="scenario ids or files (default: all)")
    parser.add_argument("-n", type=int, default=50, help="play-throughs per scenario")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--examples", type=int, default=0, help="issues to quote per scenario")
    args = parser.parse_args()

    library = ScenarioLibrary.load()
    wanted = args.scenarios or [s.scenario.id for s in library.all()]
    extra = shared_replies()
    print(f"seed {args.seed}, {args.n} play-throughs a scenario, pool +{len(extra)} shared")
    print(f"{'scenario':<22} {'lines':>6} {'asks-met':>9} {'repeats':>8} {'no-end':>7}")
    total_lines = total_asks = total_repeats = total_noend = 0
    for ref in wanted:
        loaded = library.find(ref)
        report = play_throughs(loaded.scenario, count=args.n, seed=args.seed, extra=extra)
        asks, repeats, noend = (
            report.count("asks-for-met"),
            report.count("repeats"),
            report.count("no-end"),
        )
        share = report.lines or 1
        print(
            f"{loaded.scenario.id:<22} {report.lines:>6} {asks / share:>8.1%} "
            f"{repeats / share:>7.1%} {noend:>7}"
        )
        for issue in report.issues[: args.examples]:
            print(f"    [{issue.code}] at '{issue.node}': {issue.message(args.seed)}")
        total_lines += report.lines
        total_asks += asks
        total_repeats += repeats
        total_noend += noend
    share = total_lines or 1
    print(
        f"{'all':<22} {total_lines:>6} {total_asks / share:>8.1%} "
        f"{total_repeats / share:>7.1%} {total_noend:>7}"
    )


if __name__ == "__main__":
    main()
