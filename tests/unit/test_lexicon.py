"""The cue rules load as data, prove themselves against their examples, and say what is wrong.

The rules are token and dependency patterns over the parse (``lexicon/*.yaml``, word classes
in ``classes.yaml``); these tests edit a copy of the bundled files as a tutor would."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from roleplay.core.analyse import analyse
from roleplay.core.lexicon import bundled_lexicon_dir, compile_lexicon, load_lexicon
from roleplay.core.moves import ALL_IDS
from roleplay.core.validate import check_examples


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEPLAY_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A copy of the bundled rule files that a test may edit."""
    folder = tmp_path / "lexicon"
    shutil.copytree(bundled_lexicon_dir(), folder)
    return folder


def test_every_bundled_rule_passes_its_own_examples() -> None:
    lexicon, problems = compile_lexicon()
    assert problems == []
    assert lexicon is not None
    assert [str(p) for p in check_examples(lexicon)] == []


def test_every_move_and_flag_has_rules() -> None:
    moves = {rule.move for rule in load_lexicon().rules if rule.rule.counts}
    assert moves == set(ALL_IDS)


def test_every_rule_carries_examples_both_ways_or_is_a_blocker() -> None:
    for compiled in load_lexicon().rules:
        assert compiled.rule.examples.match, compiled.rule.id


def test_the_version_changes_when_a_rule_file_changes(rules: Path) -> None:
    before, _ = compile_lexicon(rules)
    path = rules / "thank.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# a tutor's note\n", encoding="utf-8")
    after, _ = compile_lexicon(rules)
    assert before is not None and after is not None
    assert before.version != after.version
    assert before.version.split("+")[0] == after.version.split("+")[0]


def _append_example(folder: Path, file: str, rule_id: str, kind: str, text: str) -> int:
    """Add an example under a rule and return its 1-based line number."""
    path = folder / file
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index(f"  - id: {rule_id}")
    at = next(i for i in range(start, len(lines)) if lines[i].strip() == f"{kind}:")
    lines.insert(at + 1, f'        - "{text}"')
    path.write_text("\n".join(lines), encoding="utf-8")
    return at + 2


def test_a_should_match_example_that_misses_is_reported_at_its_line(rules: Path) -> None:
    line = _append_example(rules, "thank.yaml", "thank.thanks", "match", "Cheerio then.")
    lexicon, problems = compile_lexicon(rules)
    assert problems == [] and lexicon is not None
    found = check_examples(lexicon)
    assert len(found) == 1
    assert (found[0].line, found[0].code) == (line, "example-missed")
    assert found[0].file.endswith("thank.yaml")
    assert "thank.thanks" in found[0].message


def test_a_should_not_match_example_that_fires_is_reported(rules: Path) -> None:
    _append_example(rules, "thank.yaml", "thank.thanks", "no_match", "Thanks for waiting.")
    lexicon, _ = compile_lexicon(rules)
    assert lexicon is not None
    assert [p.code for p in check_examples(lexicon)] == ["example-fired"]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


THANKS = "      - [{LOWER: {IN: [thank, thanks, thankyou, thanx, thx, ty]}}]"
"""The first pattern of ``thank.thanks``, which the tests below edit."""


def _line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def test_a_pattern_spacy_refuses_is_reported_with_its_line(rules: Path) -> None:
    path = rules / "thank.yaml"
    line = _line_of(path, THANKS)
    _replace(path, THANKS, "      - [{LOWER: {IN: [thank, thanks]}, SHAPE_OF: x}]")
    lexicon, problems = compile_lexicon(rules)
    assert lexicon is None
    assert [(p.file, p.line, p.code) for p in problems] == [(str(path), line, "bad-pattern")]
    assert "thank.thanks" in problems[0].message


def test_a_regular_expression_spacy_cannot_compile_is_reported_at_its_line(rules: Path) -> None:
    path = rules / "thank.yaml"
    line = _line_of(path, THANKS)
    _replace(path, THANKS, '      - [{LOWER: {REGEX: "^thank(s"}}]')
    lexicon, problems = compile_lexicon(rules)
    assert lexicon is None
    assert [(p.line, p.code) for p in problems] == [(line, "bad-pattern")]


def test_a_bad_language_file_is_reported_at_its_line(rules: Path) -> None:
    path = rules / "language.yaml"
    version = next(
        ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith("version:")
    )
    line = _line_of(path, version)
    _replace(path, version, "version: [2026]")

    lexicon, problems = compile_lexicon(rules)

    assert lexicon is None
    assert [(p.file, p.line) for p in problems] == [(str(path), line)]
    assert "version" in problems[0].message


def test_a_folder_named_like_a_rule_file_is_a_problem_not_a_crash(rules: Path) -> None:
    (rules / "extra.yaml").mkdir()

    lexicon, problems = compile_lexicon(rules)

    assert lexicon is None
    assert [(p.file, p.code) for p in problems] == [(str(rules / "extra.yaml"), "io")]
    assert "is a folder" in problems[0].message


def test_an_unknown_class_and_an_unknown_move_are_reported(rules: Path) -> None:
    _replace(rules / "thank.yaml", THANKS, '      - [{LOWER: "$thank_wordz"}]')
    _replace(rules / "dismiss.yaml", "suppresses: [thank,", "suppresses: [thnak,")
    lexicon, problems = compile_lexicon(rules)
    assert lexicon is None
    assert {p.code for p in problems} == {"unknown-class", "schema"}


def test_a_word_yaml_reads_as_true_or_false_is_refused(rules: Path) -> None:
    """Unquoted "no" is YAML's false: the rule would never see the word."""
    _replace(rules / "thank.yaml", THANKS, "      - [{LOWER: no}, {LOWER: thanks}]")
    _lexicon, problems = compile_lexicon(rules)
    assert [p.code for p in problems] == ["yes-no-word"]


def test_a_duplicate_rule_id_is_reported(rules: Path) -> None:
    _replace(rules / "thank.yaml", "id: thank.appreciate", "id: thank.thanks")
    _lexicon, problems = compile_lexicon(rules)
    assert [p.code for p in problems] == ["duplicate-rule"]


def test_a_tutor_can_add_a_cue_without_touching_python(rules: Path) -> None:
    reply = "Ta very much for bearing with us."
    assert not analyse(reply, lexicon=compile_lexicon(rules)[0]).has("thank")
    _replace(
        rules / "thank.yaml",
        THANKS,
        THANKS + "\n      - [{LOWER: ta}, {LOWER: {IN: [very, so]}}, {LOWER: much}]",
    )
    lexicon, problems = compile_lexicon(rules)
    assert problems == [] and lexicon is not None
    found = analyse(reply, lexicon=lexicon)
    assert found.has("thank")
    assert found.first_evidence("thank").rule == "thank.thanks"  # type: ignore[union-attr]


def test_a_tutor_can_widen_a_word_class_for_every_rule_that_names_it(rules: Path) -> None:
    """Adding a word to a class in ``classes.yaml`` reaches every rule that names it."""
    reply = "I'll recompense you for the ruined dinner today."
    before = analyse(reply, lexicon=compile_lexicon(rules)[0])
    assert not before.has("resolve")
    _replace(rules / "classes.yaml", "[refund, repay,", "[refund, recompense, repay,")
    lexicon, problems = compile_lexicon(rules)
    assert problems == [] and lexicon is not None
    assert analyse(reply, lexicon=lexicon).has("resolve")


def test_a_pronoun_counts_as_a_hand_over_only_when_someone_was_named_for_it() -> None:
    fetch = "Yes, I'm getting her now, please sit down."
    assert "escalate" in analyse(fetch, "I want to see the practice manager. Now.").ids
    assert "escalate" not in analyse(fetch, "My son is feeling faint.").ids
    assert "escalate" not in analyse(fetch).ids
    named = "The supervisor knows the ticket rules; I'm going to fetch her now."
    assert "escalate" in analyse(named).ids


def test_a_rule_that_refers_to_an_unknown_class_is_reported_where_it_is(rules: Path) -> None:
    path = rules / "escalate.yaml"
    text = path.read_text(encoding="utf-8")
    assert "refers_to: escalation_people" in text
    path.write_text(text.replace("refers_to: escalation_people", "refers_to: bosses", 1), "utf-8")
    lexicon, problems = compile_lexicon(rules)
    assert lexicon is None
    [problem] = [p for p in problems if p.code == "unknown-class"]
    assert problem.file == str(path) and "'bosses'" in problem.message
    assert problem.line == 1 + text.splitlines().index("    refers_to: escalation_people")


def test_a_dependency_node_whose_attributes_are_not_a_mapping_is_reported_not_raised(
    rules: Path,
) -> None:
    path = rules / "resolve.yaml"
    text = path.read_text(encoding="utf-8")
    broken = text.replace(
        "RIGHT_ATTRS: {LEMMA: {IN: [have, borrow]}, ACTOR: customer}}", 'RIGHT_ATTRS: "have"}', 1
    )
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    lexicon, problems = compile_lexicon(rules)
    assert lexicon is None
    assert [p.code for p in problems] == ["bad-pattern"]
    assert problems[0].file.endswith("resolve.yaml") and problems[0].line > 1
