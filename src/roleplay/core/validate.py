"""``roleplay validate``: every problem in scenario, rubric and cue-rule files, as values.

A file is recognised by what it holds: a mapping with ``nodes`` is a scenario; one with
``steps`` is a complaint-handling model (rubric); one with ``rules`` is a move's cue rules;
one with ``replacements`` is the shared language file of a rule set; one with ``laws`` is
the legislation catalogue and one with ``reactions`` (and no ``nodes``) the default customer
reactions. A folder is checked file by file. A rule set is also proved against its own
examples, as ChatScript's ``:verify`` proves a bot: a rule whose should-match example does
not fire, or whose should-not-match example does, is reported at that example's line, and
so is a rule with no should-match example (nothing shows it can ever fire). A scenario is
linted (:mod:`roleplay.core.lint`), its self-tests are played, and the nodes, branches and
default reactions they do not reach come back as ``untested`` warnings.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import BaseModel

from roleplay.core.analyse import fired_rules_many
from roleplay.core.debrief import scorecard
from roleplay.core.dialogue import REACTION_ORDER, ReactionFile, Session
from roleplay.core.files import is_file, path_kind, yaml_files
from roleplay.core.frameworks import load_framework_dir, load_framework_file, rubrics_dir
from roleplay.core.legislation import load_catalogue
from roleplay.core.lexicon import LANGUAGE_FILE, Lexicon, bundled_lexicon_dir, compile_lexicon
from roleplay.core.library import bundled_folder
from roleplay.core.lint import check_scenario_file
from roleplay.core.marking import MarkingPointFile
from roleplay.core.needs import NeedCatalogue
from roleplay.core.parse_rules import CLASSES_FILE, MoveFile
from roleplay.core.playthrough import DEFAULT_PLAYTHROUGHS, DEFAULT_SEED, PlayReplies
from roleplay.core.problems import Problem, has_errors
from roleplay.core.scenario import BANDS, NeedKind
from roleplay.core.source import SourceMap, load_yaml, validate_model


def debrief_score(session: Session, framework: str) -> int:
    """The debrief's 0–100 score of a played self-test, for its ``expect.score`` range."""
    return scorecard(session, framework).score.total


def check_examples(lexicon: Lexicon) -> list[Problem]:
    """Prove every rule of ``lexicon`` against its own should- and should-not-match examples,
    as the scorer reads them."""
    problems: list[Problem] = []
    every = [
        (example, compiled.rule.examples.customer)
        for compiled in lexicon.rules
        for example in (*compiled.rule.examples.match, *compiled.rule.examples.no_match)
    ]
    # Every example parsed in one batch: one at a time, parsing was most of validate's time.
    fired = dict(zip(every, fired_rules_many(every, lexicon), strict=True))
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
            if rule.id not in fired[(example, rule.examples.customer)]:
                problems.append(
                    Problem(
                        compiled.file,
                        *compiled.position("examples", "match", i),
                        "example-missed",
                        f"rule '{rule.id}' does not fire on its should-match example: {example!r}",
                    )
                )
        for i, example in enumerate(rule.examples.no_match):
            if rule.id in fired[(example, rule.examples.customer)]:
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
    lexicon, problems = compile_lexicon(folder)
    if lexicon is None:
        return problems
    return check_examples(lexicon)


def _check_lone_rule_file(file: Path, data: object, smap: SourceMap) -> list[Problem]:
    """Check a move's rule file, or a word-class file, that stands outside a rule folder.

    It is checked as it would run: in a copy of the bundled rule set, in place of the
    bundled file for the same move (or of the bundled word classes), so its classes resolve
    and its examples are proved.
    """
    if _kind(data) == "classes":
        name = CLASSES_FILE
    else:
        model, problems = validate_model(MoveFile, data, smap)
        if model is None:
            return problems
        name = f"{model.move}.yaml"
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for bundled in bundled_lexicon_dir().glob("*.yaml"):
            shutil.copyfile(bundled, folder / bundled.name)
        target = folder / name
        shutil.copyfile(file, target)
        found = _check_rule_folder(folder)
    # Problems in the copy are the lone file's own: give them back its real name.
    return [replace(p, file=str(file)) for p in found if Path(p.file) == target]


def _kind(data: object) -> str:
    if not isinstance(data, dict):
        return "unknown"
    if "steps" in data:
        return "rubric"
    if "nodes" in data:
        return "scenario"
    if "rules" in data:
        return "rules"
    if "classes" in data:
        return "classes"
    if "replacements" in data:
        return "language"
    if "laws" in data:
        return "legislation"
    if "reactions" in data:
        return "reactions"
    if "marking_points" in data:
        return "marking_points"
    if "kinds" in data:
        return "needs"
    if "play_replies" in data:
        return "play_replies"
    return "unknown"


def _check_model_file(path: Path, model: type[BaseModel]) -> list[Problem]:
    """A bundled data file's own problems and those of the model it must fit."""
    data, smap, problems = load_yaml(path)
    if data is None:
        return problems or [Problem(str(path), 1, 1, "empty", "the file is empty")]
    problems.extend(validate_model(model, data, smap)[1])
    return problems


def _check_needs_file(path: Path) -> list[Problem]:
    """Check the needs rubric: its shape, and a default test for every kind but ``other``."""
    problems = _check_model_file(path, NeedCatalogue)
    if has_errors(problems):
        return problems
    data, smap, _found = load_yaml(path)
    model, _more = validate_model(NeedCatalogue, data, smap)
    assert model is not None
    for kind in NeedKind:
        defaults = model.kinds.get(kind)
        if defaults is None:
            line, col = smap.locate(("kinds",))
            message = f"kind '{kind.value}' is missing: every kind of need needs its defaults"
            problems.append(Problem(smap.file, line, col, "missing-kind", message))
        elif defaults.met_by is None and kind is not NeedKind.OTHER:
            line, col = smap.locate(("kinds", kind.value))
            message = f"kind '{kind.value}' needs 'met_by': what meets a need of this kind"
            problems.append(Problem(smap.file, line, col, "missing-met-by", message))
    return problems


def check_reactions_file(path: Path) -> list[Problem]:
    """Check a default-reactions file: its shape, one entry per reaction the engine knows,
    and lines written only for mood bands that exist (or ``default``)."""
    data, smap, problems = load_yaml(path)
    if data is None:
        return problems or [Problem(str(path), 1, 1, "empty", "the file is empty")]
    model, found = validate_model(ReactionFile, data, smap)
    problems.extend(found)
    if model is None:
        return problems
    for reaction_id, reaction in model.reactions.items():
        if reaction_id not in REACTION_ORDER:
            line, col = smap.locate(("reactions", reaction_id))
            known = ", ".join(REACTION_ORDER)
            message = f"'{reaction_id}' is not a reaction the engine knows; known: {known}"
            problems.append(Problem(smap.file, line, col, "unknown-reaction", message))
        if isinstance(reaction.say, dict):
            bands = {b.value for b in BANDS} | {"default"}
            for band in reaction.say:
                if band not in bands:
                    line, col = smap.locate(("reactions", reaction_id, "say", band))
                    message = f"'{band}' is not a mood band; use one of {', '.join(sorted(bands))}"
                    problems.append(Problem(smap.file, line, col, "unknown-band", message))
    for reaction_id in REACTION_ORDER:
        if reaction_id not in model.reactions:
            line, col = smap.locate(("reactions",))
            message = f"reaction '{reaction_id}' is missing: the engine needs every default"
            problems.append(Problem(smap.file, line, col, "missing-reaction", message))
    return problems


def _check_scenarios(files: Sequence[Path], plays: Plays) -> list[Problem]:
    """Check each scenario file, and that no two of the files share a scenario id."""
    problems: list[Problem] = []
    owners: dict[str, Path] = {}
    for file in files:
        loaded, found = check_scenario_file(
            file, score=debrief_score, playthroughs=plays.count, seed=plays.seed
        )
        problems.extend(found)
        if loaded is None:
            continue
        other = owners.setdefault(loaded.scenario.id, file)
        if other != file:
            line, col = _id_position(file)
            message = f"scenario id '{loaded.scenario.id}' is already used by {other}"
            problems.append(Problem(str(file), line, col, "duplicate-id", message))
    return problems


def _id_position(file: Path) -> tuple[int, int]:
    """The position of a scenario file's ``id`` (or of its start when that is unknown)."""
    _data, smap, _problems = load_yaml(file)
    return smap.locate(("id",))


@dataclass(frozen=True, slots=True)
class Plays:
    """How many seeded random play-throughs each scenario gets, and the seed."""

    count: int = DEFAULT_PLAYTHROUGHS
    seed: int = DEFAULT_SEED


def validate_paths(paths: Sequence[Path], plays: Plays | None = None) -> tuple[list[Problem], int]:
    """Validate the given files and folders (default: every bundled file).

    Returns every problem found and the number of files checked. Each scenario is also
    played ``plays.count`` times at random from ``plays.seed`` (see
    :mod:`roleplay.core.playthrough`).
    """
    plays = plays or Plays()
    if not paths:
        return _validate_bundled(plays)
    problems: list[Problem] = []
    checked = 0
    rule_folders: set[Path] = set()
    scenario_files: list[Path] = []
    files: list[Path] = []
    for path in paths:
        kind = path_kind(path)
        if kind == "folder":
            inside = yaml_files(path)
            if not inside:
                message = "no .yaml or .yml files in this folder, so nothing was checked"
                problems.append(Problem(str(path), 0, 0, "io", message))
            files.extend(inside)
        elif kind == "missing":
            problems.append(Problem(str(path), 0, 0, "io", "no such file or folder"))
        else:
            # Reading says why anything else (a pipe, a name too long) cannot be checked.
            files.append(path)
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
        elif kind in ("rules", "classes", "language"):
            if is_file(file.parent / LANGUAGE_FILE):
                # Checked with the rule set it belongs to, once for the whole folder.
                rule_folders.add(file.parent)
            elif kind != "language":
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
        elif kind == "scenario":
            scenario_files.append(file)
        elif kind == "legislation":
            problems.extend(load_catalogue(file)[1])
        elif kind == "reactions":
            problems.extend(check_reactions_file(file))
        elif kind == "marking_points":
            problems.extend(found)
            problems.extend(validate_model(MarkingPointFile, data, smap)[1])
        elif kind == "needs":
            problems.extend(_check_needs_file(file))
        elif kind == "play_replies":
            problems.extend(_check_model_file(file, PlayReplies))
        else:
            problems.extend(found)
            problems.append(
                Problem(
                    str(file),
                    1,
                    1,
                    "unknown-kind",
                    "not a rubric (no 'steps'), a scenario (no 'nodes'), "
                    "a cue-rule file (no 'rules') or a word-class file (no 'classes')",
                )
            )
    problems.extend(_check_scenarios(scenario_files, plays))
    for folder in sorted(rule_folders):
        problems.extend(_check_rule_folder(folder))
    return problems, checked


def _validate_bundled(plays: Plays) -> tuple[list[Problem], int]:
    """Check every bundled file: models, cue rules with their examples, the legislation
    catalogue, the default reactions, the marking points, and every scenario with its
    self-tests."""
    rubrics = rubrics_dir()
    problems = load_framework_dir(rubrics)[1]
    rule_folder = bundled_lexicon_dir()
    problems.extend(_check_rule_folder(rule_folder))
    catalogue = rubrics / "legislation.yaml"
    reactions = rubrics / "reactions.yaml"
    problems.extend(load_catalogue(catalogue)[1])
    problems.extend(check_reactions_file(reactions))
    points = rubrics / "marking_points.yaml"
    data, smap, found = load_yaml(points)
    problems.extend(found)
    if data is not None:
        problems.extend(validate_model(MarkingPointFile, data, smap)[1])
    problems.extend(_check_needs_file(rubrics / "needs.yaml"))
    problems.extend(_check_model_file(rubrics / "play_replies.yaml", PlayReplies))
    scenario_files = yaml_files(bundled_folder())
    problems.extend(_check_scenarios(scenario_files, plays))
    checked = (
        len(list(rubrics.glob("*.yaml")))
        + len(list(rule_folder.glob("*.yaml")))
        + len(scenario_files)
    )
    return problems, checked
