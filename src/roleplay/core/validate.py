"""``roleplay validate``: every problem in rubric and cue-rule files, as values.

A file is recognised by what it holds: a mapping with ``steps`` is a complaint-handling
model (rubric); one with ``rules`` is a move's cue rules; one with ``replacements`` is the
shared language file of a rule set. A folder is checked file by file. A rule set is also
proved against its own examples, as ChatScript's ``:verify`` proves a bot: a rule whose
should-match example does not fire, or whose should-not-match example does, is reported at
that example's line, and so is a rule with no should-match example (nothing shows it can
ever fire).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from roleplay.core.analyse import fired_rules
from roleplay.core.frameworks import load_framework_dir, load_framework_file, rubrics_dir
from roleplay.core.lexicon import (
    Lexicon,
    MoveFile,
    bundled_lexicon_dir,
    compile_lexicon,
)
from roleplay.core.problems import Problem
from roleplay.core.source import SourceMap, load_yaml, validate_model


def check_examples(lexicon: Lexicon) -> list[Problem]:
    """Prove every rule of ``lexicon`` against its own should- and should-not-match examples."""
    problems: list[Problem] = []
    for compiled in lexicon.rules:
        rule = compiled.rule
        if not rule.examples.match:
            problems.append(
                Problem(
                    compiled.file,
                    *compiled.position(),
                    "no-example",
                    f"rule '{rule.id}' has no should-match example, so nothing shows it can fire",
                )
            )
        for i, example in enumerate(rule.examples.match):
            if rule.id not in fired_rules(example, lexicon):
                problems.append(
                    Problem(
                        compiled.file,
                        *compiled.position("examples", "match", i),
                        "example-missed",
                        f"rule '{rule.id}' does not fire on its should-match example: {example!r}",
                    )
                )
        for i, example in enumerate(rule.examples.no_match):
            if rule.id in fired_rules(example, lexicon):
                problems.append(
                    Problem(
                        compiled.file,
                        *compiled.position("examples", "no_match", i),
                        "example-fired",
                        f"rule '{rule.id}' fires on its should-not-match example: {example!r}",
                    )
                )
    return problems


def _check_rule_folder(folder: Path) -> list[Problem]:
    lexicon, problems = compile_lexicon(folder, use_cache=False)
    if lexicon is None:
        return problems
    return check_examples(lexicon)


def _check_lone_rule_file(file: Path, data: object, smap: SourceMap) -> list[Problem]:
    """Check a move's rule file that stands outside a rule folder.

    It is checked as it would run: in a copy of the bundled rule set, in place of the
    bundled file for the same move, so its macros resolve and its examples are proved.
    """
    model, problems = validate_model(MoveFile, data, smap)
    if model is None:
        return problems
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for bundled in bundled_lexicon_dir().glob("*.yaml"):
            shutil.copyfile(bundled, folder / bundled.name)
        target = folder / f"{model.move}.yaml"
        shutil.copyfile(file, target)
        found = _check_rule_folder(folder)
    # Problems in the copy are the lone file's own: give them back its real name.
    return [replace(p, file=str(file)) for p in found if Path(p.file) == target]


def _kind(data: object) -> str:
    if not isinstance(data, dict):
        return "unknown"
    if "steps" in data:
        return "rubric"
    if "rules" in data:
        return "rules"
    if "replacements" in data:
        return "language"
    return "unknown"


def validate_paths(paths: Sequence[Path]) -> tuple[list[Problem], int]:
    """Validate the given files and folders (default: every bundled file).

    Returns every problem found and the number of files checked.
    """
    if not paths:
        rubric_problems = load_framework_dir(rubrics_dir())[1]
        rule_folder = bundled_lexicon_dir()
        checked = len(list(rubrics_dir().glob("*.yaml"))) + len(list(rule_folder.glob("*.yaml")))
        return rubric_problems + _check_rule_folder(rule_folder), checked
    problems: list[Problem] = []
    checked = 0
    rule_folders: set[Path] = set()
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")))
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), 0, 0, "io", "no such file or folder"))
    for file in files:
        checked += 1
        data, smap, found = load_yaml(file)
        if data is None:
            problems.extend(found or [Problem(str(file), 1, 1, "empty", "the file is empty")])
            continue
        kind = _kind(data)
        if kind == "rubric":
            # Loading again reports the file's own problems (duplicate keys included) with
            # those of the model, so one mistake never hides another.
            problems.extend(load_framework_file(file)[1])
        elif kind in ("rules", "language"):
            if (file.parent / "language.yaml").is_file():
                rule_folders.add(file.parent)
            elif kind == "rules":
                problems.extend(found)
                problems.extend(_check_lone_rule_file(file, data, smap))
            else:
                problems.append(
                    Problem(
                        str(file),
                        1,
                        1,
                        "unknown-kind",
                        "a language file must be named language.yaml",
                    )
                )
        else:
            problems.extend(found)
            problems.append(
                Problem(
                    str(file),
                    1,
                    1,
                    "unknown-kind",
                    "not a rubric (no 'steps') or a cue-rule file (no 'rules')",
                )
            )
    for folder in sorted(rule_folders):
        problems.extend(_check_rule_folder(folder))
    return problems, checked
