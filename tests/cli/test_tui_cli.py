"""The app's commands on the command line: ``roleplay``, ``play`` and ``serve``.

These run the real command as a subprocess (the ``run`` fixture of ``conftest.py``), whose
standard input is not a terminal: the app itself never takes over the screen here, so what
is checked is everything around it, and that the command line stays light to start.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]

PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(
    name for name in sys.modules
    if name.split(".")[0] in {"textual", "textual_serve", "aiohttp", "rich"}
)))
"""


@pytest.mark.parametrize("module", ["roleplay.cli", "roleplay.serve"])
def test_importing_the_command_line_loads_no_textual(module: str) -> None:
    """``roleplay score`` must not pay for the TUI: textual loads only in play and serve."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, module],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_help_lists_play_and_serve(run_process: Run) -> None:
    result = run_process("--help")
    assert result.returncode == 0
    commands = result.stdout.split("Commands:", 1)[-1]
    assert "play" in commands and "serve" in commands
    assert "--scenarios" in result.stdout


def test_bare_roleplay_off_a_terminal_prints_the_commands(run_process: Run, tmp_path: Path) -> None:
    result = run_process("--scenarios", str(tmp_path))
    assert result.returncode == 0
    assert "Commands:" in result.stdout


def test_bare_roleplay_with_a_missing_scenarios_folder_is_an_error(run: Run) -> None:
    result = run("--scenarios", "no-such-folder")
    assert result.returncode == 1
    assert result.stderr == "error: no-such-folder: no such folder\n"


def test_play_an_unknown_scenario_is_an_error(run: Run) -> None:
    result = run("play", "nope")
    assert result.returncode == 1
    assert result.stderr.startswith("error: unknown scenario 'nope'")
    assert "Traceback" not in result.stderr


def test_play_an_unknown_model_is_an_error(run: Run) -> None:
    result = run("play", "late-parcel", "--framework", "NOPE")
    assert result.returncode == 1
    assert result.stderr.startswith("error: unknown framework 'NOPE'")


def test_play_an_unknown_mode_is_bad_usage(run: Run) -> None:
    result = run("play", "late-parcel", "--mode", "exam")
    assert result.returncode == 2
    assert "'exam' is not one of" in result.stderr


def test_play_off_a_terminal_says_how_to_play_headless(run_process: Run) -> None:
    result = run_process("play", "late-parcel", "--learner", "Sam")
    assert result.returncode == 1
    assert "needs an interactive terminal" in result.stderr
    assert "roleplay run" in result.stderr


def test_serve_help_names_the_host_and_port(run: Run) -> None:
    result = run("serve", "--help")
    assert result.returncode == 0
    assert "--host" in result.stdout and "127.0.0.1" in result.stdout
    assert "--port" in result.stdout


def test_serve_refuses_a_port_out_of_range(run: Run) -> None:
    result = run("serve", "--port", "70000")
    assert result.returncode == 2


def test_serve_a_missing_scenarios_folder_is_an_error(run: Run) -> None:
    result = run("serve", "--scenarios", "no-such-folder")
    assert result.returncode == 1
    assert result.stderr == "error: no-such-folder: no such folder\n"
