"""Reading a file a person names: only regular files, never more than the limit, never a hang."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from roleplay.core.files import (
    MAX_FILE_BYTES,
    folder_problem,
    path_kind,
    path_problem,
    read_file,
)
from roleplay.core.problems import Problem

HANG = 30.0
"""Seconds after which a read that has not returned is taken for a hang."""

TOO_LONG = "x" * 300
"""A file name longer than any file system allows (ENAMETOOLONG)."""

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
needs_dev_zero = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")


def _read_in_thread(path: Path) -> bytes | Problem | None:
    """Read ``path`` in a thread; None if it has not returned after ``HANG`` seconds."""
    found: list[bytes | Problem] = []
    worker = threading.Thread(target=lambda: found.append(read_file(path)), daemon=True)
    worker.start()
    worker.join(HANG)
    return found[0] if found else None


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"id: x\n")

    assert read_file(path) == b"id: x\n"


def test_a_folder_is_a_problem(tmp_path: Path) -> None:
    folder = tmp_path / "rules.yaml"
    folder.mkdir()

    found = read_file(folder)

    assert isinstance(found, Problem)
    assert (found.file, found.line, found.col, found.code) == (str(folder), 0, 0, "io")
    assert "is a folder" in found.message


@needs_fifo
def test_a_named_pipe_with_no_writer_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)

    found = _read_in_thread(fifo)

    assert found is not None, "reading a named pipe hung"
    assert isinstance(found, Problem) and "named pipe" in found.message


@needs_dev_zero
def test_a_link_to_an_endless_device_is_refused_without_reading_it(tmp_path: Path) -> None:
    link = tmp_path / "scenario.yaml"
    link.symlink_to("/dev/zero")

    found = _read_in_thread(link)

    assert isinstance(found, Problem) and "is a device" in found.message


def test_a_file_over_the_limit_is_refused_and_the_limit_named(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 1))

    found = read_file(path)

    assert isinstance(found, Problem)
    assert found.code == "too-large"
    assert "5 MB" in found.message


def test_a_smaller_limit_can_be_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "small.json"
    path.write_bytes(b"12345")

    assert read_file(path, limit=5) == b"12345"
    assert isinstance(read_file(path, limit=4), Problem)


def test_a_name_too_long_for_the_system_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    path = tmp_path / TOO_LONG

    found = read_file(path)

    assert isinstance(found, Problem)
    assert "file name too long" in found.message
    assert path_kind(path) == "unreadable"
    assert folder_problem(path) == "cannot open the folder: file name too long"
    assert path_problem(path) == "cannot open: file name too long"


def test_what_is_at_a_path_is_named_without_raising(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("x", encoding="utf-8")

    assert path_kind(tmp_path / "a.yaml") == "file"
    assert path_kind(tmp_path) == "folder"
    assert path_kind(tmp_path / "missing") == "missing"
    assert path_kind(tmp_path / "a.yaml" / "below") == "missing"
    assert folder_problem(tmp_path / "missing") == "no such folder"
    assert folder_problem(tmp_path / "a.yaml") == "not a folder"
    assert folder_problem(tmp_path) is None
    assert path_problem(tmp_path / "missing") == "no such file or folder"
