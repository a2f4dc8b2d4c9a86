"""Fixtures shared by the unit tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Give a test its own data and cache folders and no centre key, so attempts it saves
    and analyses it caches never meet another test's or the user's."""
    monkeypatch.setenv("ROLEPLAY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ROLEPLAY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ROLEPLAY_CENTRE_KEY", raising=False)
    monkeypatch.delenv("ROLEPLAY_CENTRE_KEY_FILE", raising=False)
