"""Fixtures shared by the unit tests."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture
def private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Give a test its own data and cache folders and no centre key, so attempts it saves
    and analyses it caches never meet another test's or the user's."""
    monkeypatch.setenv("ROLEPLAY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ROLEPLAY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ROLEPLAY_CENTRE_KEY", raising=False)
    monkeypatch.delenv("ROLEPLAY_CENTRE_KEY_FILE", raising=False)


BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _import_benchmark(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"{name}_benchmark", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def import_benchmark() -> Callable[[str], ModuleType]:
    """Import ``benchmarks/<name>.py`` as a module, for the tests of a benchmark script."""
    return _import_benchmark
