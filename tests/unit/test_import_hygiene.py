"""The domain core stays headless: no UI libraries, no printing, no reading the terminal.

As Harlequin's ``test_import_hygiene`` does, each module is imported in a fresh interpreter,
so that nothing another test imported can hide a stray dependency.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import roleplay.core

FORBIDDEN = ("textual", "rich", "jinja2", "click", "roleplay.cli")
"""What no core module may pull in: the TUI, terminal styling, templates, the CLI."""

CORE_DIR = Path(roleplay.core.__file__).resolve().parent
CORE_MODULES = sorted(
    f"roleplay.core.{info.name}" for info in pkgutil.iter_modules(roleplay.core.__path__)
)
CORE_FILES = sorted(CORE_DIR.rglob("*.py"))

PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
forbidden = json.loads(sys.argv[2])
print(json.dumps(sorted(
    name for name in sys.modules
    if any(name == f or name.startswith(f + ".") for f in forbidden)
)))
"""


def test_core_modules_are_discovered() -> None:
    """The discovery finds the core, so the checks below cannot pass by checking nothing."""
    assert {"roleplay.core.analyse", "roleplay.core.lexicon", "roleplay.core.moves"} <= set(
        CORE_MODULES
    )
    assert CORE_DIR / "analyse.py" in CORE_FILES


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_no_ui_or_cli_library(module: str) -> None:
    """Importing a core module alone loads none of textual, rich, jinja2 or click."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, module, json.dumps(FORBIDDEN)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [], f"{module} imports {done.stdout.strip()}"


def _calls_to(tree: ast.AST, names: set[str]) -> list[tuple[str, int]]:
    """Every call of a bare name in ``names`` (``print(…)``, ``input(…)``), with its line."""
    return [
        (node.func.id, node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names
    ]


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: p.relative_to(CORE_DIR).as_posix())
def test_core_source_neither_prints_nor_reads_the_terminal(path: Path) -> None:
    """Core code returns values; only the CLI and the TUI talk to the user."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    assert _calls_to(tree, {"print", "input"}) == []


def test_call_finder_spots_print_and_input() -> None:
    """The source check would catch a stray ``print`` or ``input`` if one were added."""
    tree = ast.parse("def f():\n    print('x')\n    return input('? ')\n")

    assert _calls_to(tree, {"print", "input"}) == [("print", 2), ("input", 3)]
