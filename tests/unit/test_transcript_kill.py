"""A learner's attempt survives the process being killed outright after a reply."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from roleplay.core.transcript import ResumeError, load_transcript, resume, verify

REPO = Path(__file__).resolve().parents[2]
SCENARIO_FILE = REPO / "scenarios" / "late-parcel.yaml"

FIRST = (
    "I'm really sorry your order hasn't arrived, Mrs Shah. Could you confirm the delivery "
    "address for me so I can check with the courier?"
)
SECOND = (
    "Thank you. I'll open a trace with the courier under our lost parcel procedure, and as the "
    "refund is above what I can authorise I'm passing it to my team leader now, who will call "
    "you within the hour."
)
"""The scenario's own 'good path': the second reply ends the conversation."""

CHILD = """
import sys, time
from pathlib import Path
from roleplay.core.library import ScenarioLibrary
from roleplay.core.transcript import Attempt

attempt = Attempt.start(ScenarioLibrary().find(sys.argv[1]), "Sam Patel", folder=Path(sys.argv[2]))
attempt.step(sys.argv[3])
print("STEPPED", flush=True)
time.sleep(120)
"""
"""The learner's side: start an attempt, answer once, then sit waiting for the customer."""

WAIT_SECONDS = 30.0


def _wait_for_line(process: subprocess.Popen[bytes], wanted: bytes) -> bytes:
    """Read the child's output until ``wanted`` appears, failing rather than hanging."""
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + WAIT_SECONDS
    seen = b""
    try:
        while wanted not in seen:
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(timeout=left):
                pytest.fail(f"the child never said {wanted!r}; it said {seen!r}")
            chunk = os.read(process.stdout.fileno(), 4096)
            if not chunk:
                pytest.fail(f"the child exited before {wanted!r}; it said {seen!r}")
            seen += chunk
    finally:
        selector.close()
    return seen


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_an_attempt_killed_after_a_reply_loses_nothing_and_resumes(tmp_path: Path) -> None:
    folder = tmp_path / "attempts"
    env = dict(os.environ)
    env["ROLEPLAY_DATA_DIR"] = str(tmp_path / "data")
    env["ROLEPLAY_CACHE_DIR"] = str(tmp_path / "cache")
    env.pop("ROLEPLAY_CENTRE_KEY", None)
    env.pop("ROLEPLAY_CENTRE_KEY_FILE", None)
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(SCENARIO_FILE), str(folder), FIRST],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        _wait_for_line(process, b"STEPPED")
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=WAIT_SECONDS) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        assert process.stdout is not None
        process.stdout.close()

    (path,) = folder.glob("*.json")
    saved = load_transcript(path)
    assert len(saved.turns) == 1
    assert saved.turns[0].reply == FIRST
    assert verify(saved).ok

    attempt = resume(path, key=None)
    attempt.step(SECOND)

    assert attempt.outcome == "escalated_correctly"
    assert attempt.finished
    final = load_transcript(path)
    assert final.replies == (FIRST, SECOND)
    assert final.outcome == "escalated_correctly"
    assert verify(final).ok


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_an_attempt_open_in_another_process_is_refused_until_that_process_dies(
    tmp_path: Path,
) -> None:
    """A second window is told the attempt is open elsewhere; a killed window blocks nothing."""
    folder = tmp_path / "attempts"
    env = dict(os.environ)
    env["ROLEPLAY_DATA_DIR"] = str(tmp_path / "data")
    env["ROLEPLAY_CACHE_DIR"] = str(tmp_path / "cache")
    env.pop("ROLEPLAY_CENTRE_KEY", None)
    env.pop("ROLEPLAY_CENTRE_KEY_FILE", None)
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(SCENARIO_FILE), str(folder), FIRST],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        _wait_for_line(process, b"STEPPED")
        (path,) = folder.glob("*.json")
        with pytest.raises(ResumeError, match=rf"open in another window \(process {process.pid}\)"):
            resume(path, key=None)
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=WAIT_SECONDS) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        assert process.stdout is not None
        process.stdout.close()

    assert list(folder.glob(".*.lock")), "the killed window left its lock file behind"
    with resume(path, key=None) as attempt:
        attempt.step(SECOND)
    final = load_transcript(path)
    assert final.replies == (FIRST, SECOND)
    assert verify(final).ok
