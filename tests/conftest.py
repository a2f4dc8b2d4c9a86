"""Fixtures for the whole suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def cache_of_the_suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep what the suite caches (large YAML files read, analyses) in a folder of its own,
    never in the user's cache; tests that need a cache of their own set another."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ROLEPLAY_CACHE_DIR", str(tmp_path_factory.mktemp("suite-cache")))
        yield
