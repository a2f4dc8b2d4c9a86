"""Running the ``roleplay`` command as a user does, with a cache of its own.

Most tests run the command line in this process (``run``): the same ``main`` the installed
script calls, with its own arguments, standard streams, environment and working folder, so
each call costs milliseconds rather than the seconds a new Python with spaCy takes. Tests of
what only a real process shows (exit on a signal, file permissions from the umask, a pipe
closed early, what a fresh interpreter imports) use ``run_process``.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

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


def _exit_code(exc: SystemExit, stderr: io.TextIOBase) -> int:
    """The exit status a process would have had for ``exc``, as Python itself reports it."""
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=stderr)
    return 1


def _in_process(
    args: Sequence[str], stdin: bytes, env: dict[str, str], cwd: Path | str
) -> subprocess.CompletedProcess[str]:
    """Call ``roleplay.cli.main`` here, with the streams, environment and folder of a process.

    An exception that escapes ``main`` is printed as the traceback a user would see, with
    exit status 1, so a test that forbids tracebacks fails on it as it would on a process.
    """
    from roleplay.cli import main

    overrides: dict[str, str | None] = {key: None for key in os.environ if key not in env}
    overrides.update(env)
    before = Path.cwd()
    with CliRunner().isolation(input=stdin, env=overrides) as (out, err, _mixed):
        os.chdir(cwd)
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = _exit_code(exc, sys.stderr)
        except Exception:
            traceback.print_exc()
            code = 1
        finally:
            os.chdir(before)
            for stream in (sys.stdout, sys.stderr):
                if not stream.closed:
                    stream.flush()
        stdout, stderr = out.getvalue(), err.getvalue()
    return subprocess.CompletedProcess(
        ["roleplay", *args],
        code,
        stdout.decode("utf-8", errors="replace"),
        stderr.decode("utf-8", errors="replace"),
    )


@pytest.fixture
def run(cli_env: dict[str, str]) -> Run:
    """Return a function that runs ``roleplay ARGS…`` in this process: exit code and output.

    ``timeout`` is accepted for the same calls as ``run_process`` and ignored here.
    """

    def _run(
        *args: str,
        input: str | bytes | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        cwd: Path | str = REPO,
    ) -> subprocess.CompletedProcess[str]:
        del timeout
        stdin = input.encode("utf-8") if isinstance(input, str) else input
        return _in_process(args, stdin or b"", cli_env, cwd)

    return _run


@pytest.fixture
def run_process(roleplay_command: list[str], cli_env: dict[str, str]) -> Run:
    """Return a function that runs the installed ``roleplay ARGS…`` as a new process."""

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
