"""Running a case's commands with a time and a memory limit, in-process or as real processes.

Most commands run in-process, through click's test runner and ``roleplay.cli.main`` (the
same entry point as the ``roleplay`` script), which is hundreds of times faster than
starting a process per command. They run inside a :class:`Worker`: a child process with
an address-space limit (``RLIMIT_AS``), watched by its parent, which kills it when one
command runs past its timeout and counts that command as a hang. A ``MemoryError``, or
the worker dying, counts as a failure too, and a fresh worker takes over.

:func:`run_processes` runs the same commands as real ``roleplay`` processes with the same
limits, for a sample of the inputs: it catches what only a real process shows (output
encoding, exit codes set by the interpreter, interrupted pipes).

No command serves for long: in the worker, ``serve`` binds its address on a throwaway port
and returns as soon as it listens.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path

from fuzzlib.case import CASE, Call, Case, Entry, Outcome, Run

MEMORY_LIMIT = 2 * 1024**3
"""The address space one worker or command may use: 2 GiB."""

MAX_ARGUMENT = 128 * 1024
"""The longest single argument Linux passes to a program (``MAX_ARG_STRLEN``)."""

PROCESS_START = 10.0
"""Seconds a real process is given to start, on top of its command's timeout."""

_SCRUBBED = ("ROLEPLAY_CENTRE_KEY", "ROLEPLAY_CENTRE_KEY_FILE", "TEXTUAL_DRIVER")
"""Variables of the fuzzer's own environment that would change what the commands do."""


def private_environment(home: Path) -> dict[str, str]:
    """Variables that keep every file roleplay writes (data, cache, settings) under ``home``."""
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "share"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_STATE_HOME": str(home / "state"),
        "ROLEPLAY_DATA_DIR": str(home / "data"),
        "ROLEPLAY_CACHE_DIR": str(home / "cache" / "roleplay"),
    }


# --------------------------------------------------------------------------- files


def materialise(case: Case, root: Path) -> None:
    """Create ``root`` and every entry of ``case`` in it."""
    root.mkdir(parents=True, exist_ok=True)
    for entry in case.entries:
        _create(entry, root)


def _create(entry: Entry, root: Path) -> None:
    path = root / entry.path
    path.parent.mkdir(parents=True, exist_ok=True)
    if entry.kind == "dir":
        path.mkdir(exist_ok=True)
    elif entry.kind == "fifo":
        os.mkfifo(path)
    elif entry.kind == "symlink":
        path.symlink_to(entry.target.replace(CASE, str(root)))
    else:
        path.write_bytes(entry.content)


def remove(root: Path) -> None:
    """Remove a case's folder, whatever it holds (FIFOs and symlinks included)."""
    shutil.rmtree(root, ignore_errors=True)


# --------------------------------------------------------------------------- in-process


def invoke(
    argv: tuple[str, ...] | list[str], stdin: bytes = b"", env: Mapping[str, str] | None = None
) -> Outcome:
    """Run ``roleplay ARGV`` in this process, as the script would, and capture what it did.

    An exception that escapes ``main`` (a traceback a user would see) is kept, formatted,
    in :attr:`Outcome.error`.
    """
    from click.testing import CliRunner

    from roleplay.cli import main

    runner = CliRunner()
    started = time.perf_counter()
    code: int | None = 0
    error: str | None = None
    extra = ""
    with runner.isolation(input=stdin, env=dict(env or {})) as (out, err, _mixed):
        try:
            main(list(argv))
        except SystemExit as exc:
            if isinstance(exc.code, int) or exc.code is None:
                code = exc.code or 0
            else:
                code, extra = 1, f"{exc.code}\n"
        except BaseException:  # everything that escapes is what the oracle looks for
            code = None
            error = traceback.format_exc()
        finally:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
                sys.stderr.flush()
        stdout = out.getvalue().decode("utf-8", "replace")
        stderr = err.getvalue().decode("utf-8", "replace") + extra
    return Outcome(code, stdout, stderr, error, time.perf_counter() - started)


def _analyse(call: Call) -> Outcome:
    from roleplay.core.analyse import analyse

    started = time.perf_counter()
    try:
        analyse(call.text, call.customer)
    except BaseException:
        return Outcome(None, error=traceback.format_exc(), seconds=time.perf_counter() - started)
    return Outcome(0, seconds=time.perf_counter() - started)


def _self_test(call: Call) -> Outcome:
    """Misbehave on purpose, so the tests can prove the harness notices each failure."""
    action = call.text
    if action == "sleep":
        time.sleep(3600)
    if action == "allocate":
        try:
            hog = bytearray(4 * MEMORY_LIMIT)
        except MemoryError:
            return Outcome(None, error=traceback.format_exc())
        del hog
    if action == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    if action == "raise":
        try:
            raise ValueError("deliberate")
        except ValueError:
            return Outcome(None, error=traceback.format_exc())
    return Outcome(0, stderr=call.stdin.decode("utf-8", "replace"))


def run_call(call: Call, root: Path) -> Outcome:
    """Run one command of a case in this process, in the case's folder."""
    if call.kind == "analyse":
        return _analyse(call)
    if call.kind == "self-test":
        return _self_test(call)
    here = os.getcwd()
    os.chdir(root)
    try:
        return invoke(call.expand(root), call.stdin, call.environment())
    finally:
        os.chdir(here)


# --------------------------------------------------------------------------- the worker


def _limit_memory(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class _Listening(Exception):
    """Raised in place of serving once the server has bound its address."""


def _quiet_server() -> None:
    """Make ``serve`` stop as soon as it listens: every check up to binding runs for real.

    The address is bound on a throwaway port (0), so parallel workers never collide and
    nothing stays listening; a host that cannot be bound still fails as it would for a user.
    """
    from roleplay.serve.server import RoleplayServer

    serve = RoleplayServer.serve

    def listening() -> None:
        raise _Listening

    def serve_once(self: RoleplayServer, debug: bool = False) -> None:
        self.port = 0
        self.on_listening = listening
        with contextlib.suppress(_Listening):
            serve(self, debug)

    RoleplayServer.serve = serve_once  # type: ignore[method-assign]


def _worker_main(conn_in: Connection, conn_out: Connection, home: Path) -> None:
    """Run cases sent by the parent until it goes away; report each command as it starts."""
    for name in _SCRUBBED:
        os.environ.pop(name, None)
    os.environ.update(private_environment(home))
    _quiet_server()
    import roleplay.cli  # noqa: F401 - loaded once, before the first timed command

    while True:
        try:
            case, root_text = conn_in.recv()
        except (EOFError, OSError):
            return
        root = Path(root_text)
        materialise(case, root)
        fresh_start = False
        for index, call in enumerate(case.calls):
            conn_out.send(("start", index))
            outcome = run_call(call, root)
            if outcome.error and last_line_of(outcome.error).startswith("MemoryError"):
                outcome = replace(outcome, fate="memory")
                fresh_start = True
            conn_out.send(("done", index, outcome))
            if fresh_start:
                break
        remove(root)
        conn_out.send(("end", fresh_start))
        if fresh_start:
            return


def last_line_of(trace: str) -> str:
    """The last non-blank line of a traceback: the exception and its message."""
    lines = [line for line in trace.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def worker_entry() -> None:
    """The worker process's entry point: ``python -c`` calls it with its pipes and home."""
    read_fd, write_fd, home = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    with contextlib.suppress(BrokenPipeError):  # the parent gave up on a hang and went on
        _worker_main(
            Connection(read_fd, writable=False), Connection(write_fd, readable=False), home
        )


class Worker:
    """A child process that runs cases in-process, killed and replaced when one hangs.

    It is a plain ``python`` process started with its own pipes (not a multiprocessing
    child, which would import the parent's main script again). Use as a context manager,
    or call :meth:`close` when done.
    """

    RECYCLE_AFTER = 500
    """Cases one worker runs before a fresh one takes over, so that what one input left in
    memory (caches grow with every distinct reply) never counts against a later one."""

    def __init__(self, memory: int = MEMORY_LIMIT) -> None:
        self.memory = memory
        self.home = Path(tempfile.mkdtemp(prefix="roleplay-fuzz-"))
        self._process: subprocess.Popen[bytes] | None = None
        self._to: Connection | None = None
        self._from: Connection | None = None
        self._count = 0
        self._cases_started = 0

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _start(self) -> tuple[Connection, Connection]:
        fresh = self._cases_started < self.RECYCLE_AFTER
        if self._to is not None and self._from is not None and self._alive() and fresh:
            return self._to, self._from
        self._stop()
        down_read, down_write = os.pipe()
        up_read, up_write = os.pipe()
        env = dict(os.environ)
        here = str(Path(__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
        memory = self.memory
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from fuzzlib.harness import worker_entry; worker_entry()",
                str(down_read),
                str(up_write),
                str(self.home),
            ],
            pass_fds=(down_read, up_write),
            env=env,
            preexec_fn=lambda: _limit_memory(memory),
        )
        os.close(down_read)
        os.close(up_write)
        self._to = Connection(down_write, readable=False)
        self._from = Connection(up_read, writable=False)
        self._cases_started = 0
        return self._to, self._from

    def _alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _stop(self) -> None:
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait(10)
        for conn in (self._to, self._from):
            if conn is not None:
                conn.close()
        self._process = self._to = self._from = None

    def close(self) -> None:
        """Stop the worker and remove its folder."""
        self._stop()
        remove(self.home)

    def run(self, case: Case) -> Run:
        """Run every command of ``case``; a command that outlives its timeout is a hang."""
        to_worker, from_worker = self._start()
        self._count += 1
        self._cases_started += 1
        root = self.home / f"case-{self._count}"
        to_worker.send((case, str(root)))
        outcomes: list[Outcome] = []
        deadline = 120.0 if self._cases_started == 1 else 30.0
        while True:
            if not from_worker.poll(deadline):
                outcomes.append(Outcome(None, seconds=deadline, fate="hang"))
                self._stop()
                break
            try:
                message = from_worker.recv()
            except (EOFError, OSError):
                code = self._process.wait(10) if self._process is not None else None
                outcomes.append(Outcome(None, stderr=f"the worker died ({code})", fate="crash"))
                self._stop()
                break
            if message[0] == "start":
                deadline = case.calls[message[1]].timeout
            elif message[0] == "done":
                outcomes.append(message[2])
                deadline = 30.0
            else:
                if message[1]:
                    self._stop()
                break
        outcomes.extend(
            Outcome(None, fate="skipped") for _ in range(len(case.calls) - len(outcomes))
        )
        if self._to is None:
            remove(root)
        return Run(root, tuple(outcomes))


# --------------------------------------------------------------------------- real processes


def roleplay_command() -> list[str]:
    """The installed ``roleplay`` script beside this Python, or ``python -m roleplay``."""
    script = Path(sys.executable).parent / "roleplay"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "roleplay"]


def _arg_bytes(arg: str) -> bytes:
    """An argument as the bytes a shell would pass (undecodable bytes back as they came)."""
    try:
        return arg.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return arg.encode("utf-8", "surrogatepass")


@contextlib.contextmanager
def _scratch() -> Iterator[Path]:
    home = Path(tempfile.mkdtemp(prefix="roleplay-fuzz-proc-"))
    try:
        yield home
    finally:
        remove(home)


def run_processes(case: Case, command: list[str] | None = None) -> Run:
    """Run the case's command-line calls as real ``roleplay`` processes, with the same limits.

    ``analyse`` and self-test calls have no command of their own, ``serve`` would listen
    on a real port, and no system passes an argument over 128 KiB or one holding NUL: those
    are skipped.
    """
    command = command or roleplay_command()
    outcomes: list[Outcome] = []
    with _scratch() as home:
        root = home / "case"
        materialise(case, root)
        env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
        env.update(private_environment(home))
        for call in case.calls:
            too_long = any(len(_arg_bytes(a)) >= MAX_ARGUMENT or "\0" in a for a in call.argv)
            if call.kind != "cli" or "serve" in call.argv or too_long:
                outcomes.append(Outcome(None, fate="skipped"))
                continue
            outcomes.append(_one_process(command, call, root, {**env, **call.environment()}))
    return Run(root, tuple(outcomes))


def _one_process(command: list[str], call: Call, root: Path, env: dict[str, str]) -> Outcome:
    preexec: Callable[[], None] = lambda: _limit_memory(MEMORY_LIMIT)  # noqa: E731
    started = time.perf_counter()
    with subprocess.Popen(
        [*command, *(_arg_bytes(a) for a in call.expand(root))],  # type: ignore[list-item]
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=root,
        env=env,
        preexec_fn=preexec,
        start_new_session=True,
    ) as process:
        try:
            out, err = process.communicate(call.stdin, timeout=call.timeout + PROCESS_START)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
            return Outcome(
                None,
                out.decode("utf-8", "replace"),
                err.decode("utf-8", "replace"),
                seconds=time.perf_counter() - started,
                fate="hang",
            )
    stdout = out.decode("utf-8", "replace")
    stderr = err.decode("utf-8", "replace")
    seconds = time.perf_counter() - started
    code = process.returncode
    if code < 0:
        return Outcome(None, stdout, stderr, seconds=seconds, fate="crash")
    if "MemoryError" in stderr and "Traceback" in stderr:
        return Outcome(code, stdout, stderr, seconds=seconds, fate="memory")
    return Outcome(code, stdout, stderr, seconds=seconds)
