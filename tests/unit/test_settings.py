"""The settings the app remembers: a damaged file is forgotten, never a crash at start-up."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from roleplay.core.settings import load_settings, save_settings


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A settings folder of the test's own."""
    monkeypatch.setenv("ROLEPLAY_CONFIG_DIR", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"learner": ' + b"9" * 5000 + b"}",
        b'{"learner": "Asha',
        b"\xff\xfe",
    ],
    ids=["nested-100000-deep", "5000-digit-number", "cut-off", "not-utf-8"],
)
def test_a_damaged_settings_file_is_forgotten(config: Path, content: bytes) -> None:
    (config / "settings.json").write_bytes(content)

    assert load_settings() == {}
    save_settings(learner="Asha Patel")
    assert load_settings() == {"learner": "Asha Patel"}


def test_settings_written_by_an_editor_with_a_byte_order_mark_are_read(config: Path) -> None:
    (config / "settings.json").write_bytes(b'\xef\xbb\xbf{"learner": "Asha Patel"}')

    assert load_settings() == {"learner": "Asha Patel"}


def test_saving_cleans_up_after_an_interrupted_save(config: Path) -> None:
    left = config / ".roleplay-settings.json.x1y2z3w4.tmp"
    left.write_text('{"learn', encoding="utf-8")
    an_hour_ago = time.time() - 3600
    os.utime(left, (an_hour_ago, an_hour_ago))

    save_settings(mode="assessment")

    assert sorted(p.name for p in config.iterdir()) == ["settings.json"]
