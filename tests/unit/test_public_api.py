"""The small public API of ``roleplay``: what it exports, and that it works."""

from __future__ import annotations

import importlib

import pytest

import roleplay

PUBLIC_NAMES = {
    "Analysis",
    "Evidence",
    "Framework",
    "RoleplayError",
    "analyse",
    "coverage",
    "get_framework",
}
"""The names ``roleplay`` exports; changing them is a change to the public surface."""


def test_all_lists_exactly_the_public_names() -> None:
    """``__all__`` neither drops a name users rely on nor grows one by accident."""
    assert set(roleplay.__all__) == PUBLIC_NAMES
    assert len(roleplay.__all__) == len(set(roleplay.__all__))


@pytest.mark.parametrize("name", sorted(PUBLIC_NAMES))
def test_each_public_name_can_be_imported(name: str) -> None:
    """``from roleplay import NAME`` works for every exported name."""
    module = importlib.import_module("roleplay")

    assert getattr(module, name) is not None
    namespace: dict[str, object] = {}
    exec(f"from roleplay import {name}", namespace)
    assert namespace[name] is getattr(roleplay, name)


def test_star_import_gives_exactly_the_public_names() -> None:
    """``from roleplay import *`` brings in the public names and nothing else."""
    namespace: dict[str, object] = {}
    exec("from roleplay import *", namespace)

    assert set(namespace) - {"__builtins__"} == PUBLIC_NAMES


def test_analyse_finds_thanks_and_quotes_it() -> None:
    """The one-line use of the API: ``roleplay.analyse`` credits a thank-you with its words."""
    analysis = roleplay.analyse("Thank you for waiting.")

    assert isinstance(analysis, roleplay.Analysis)
    assert "thank" in analysis.moves
    assert analysis.flags == ()
    evidence = analysis.first_evidence("thank")
    assert isinstance(evidence, roleplay.Evidence)
    assert evidence.quote.startswith("Thank you")
    assert analysis.reply[evidence.start : evidence.end] == evidence.quote
