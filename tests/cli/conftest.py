"""Running the real ``roleplay`` command, as a user does, with a cache of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
"""The root of the checkout, where ``rubrics/`` lives."""

DEFAULT_TIMEOUT = 60.0
"""Seconds one command may take before the test fails as a hang."""

Run = Callable[..., subprocess.CompletedProcess[str]]
"""Run ``roleplay`` with the given arguments; keyword ``input``, ``timeout`` and ``cwd``."""


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The root of the checkout: relative paths such as ``rubrics/later.yaml`` start here."""
    return REPO


@pytest.fixture(scope="session")
def roleplay_command() -> list[str]:
    """The installed ``roleplay`` script beside this Python, or ``python -m roleplay``."""
    folder = Path(sys.executable).parent
    for name in ("roleplay", "roleplay.exe"):
        script = folder / name
        if script.is_file() and os.access(script, os.X_OK):
            return [str(script)]
    return [sys.executable, "-m", "roleplay"]


@pytest.fixture(scope="session")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The user's environment, with the rule cache moved into a temporary folder."""
    env = dict(os.environ)
    env["ROLEPLAY_CACHE_DIR"] = str(tmp_path_factory.mktemp("roleplay-cache"))
    env["ROLEPLAY_DATA_DIR"] = str(tmp_path_factory.mktemp("roleplay-data"))
    env.pop("ROLEPLAY_CENTRE_KEY", None)
    env.pop("ROLEPLAY_CENTRE_KEY_FILE", None)
    return env


@pytest.fixture
def run(roleplay_command: list[str], cli_env: dict[str, str]) -> Run:
    """Return a function that runs ``roleplay ARGS…`` and gives back its exit code and output."""

    def _run(
        *args: str,
        input: str | bytes | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        cwd: Path | str = REPO,
    ) -> subprocess.CompletedProcess[str]:
        stdin = input.encode("utf-8") if isinstance(input, str) else input
        done = subprocess.run(
            [*roleplay_command, *args],
            input=stdin if stdin is not None else b"",
            capture_output=True,
            timeout=timeout,
            env=cli_env,
            cwd=cwd,
            check=False,
        )
        return subprocess.CompletedProcess(
            done.args,
            done.returncode,
            done.stdout.decode("utf-8", errors="replace"),
            done.stderr.decode("utf-8", errors="replace"),
        )

    return _run
