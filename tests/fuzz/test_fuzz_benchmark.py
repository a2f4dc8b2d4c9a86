"""``benchmarks/fuzz.py`` runs and prints its figures, so it cannot rot unnoticed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_fuzz_benchmark_prints_a_row_of_counts_per_surface(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "fuzz.py"),
            "--n",
            "3",
            "--surface",
            "rubrics",
            "--surface",
            "arguments",
            "--jobs",
            "1",
            "--real-every",
            "0",
            "--small",
            "--keep",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    table = done.stdout.split("\n\n")[-1].splitlines()
    header, *rows = [line.split() for line in table]
    assert header[:3] == ["surface", "inputs", "tracebacks"]
    assert [row[:2] for row in rows] == [["rubrics", "3"], ["arguments", "3"]]
