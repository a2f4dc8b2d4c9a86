"""The cue rules load as data, prove themselves against their examples, and say what is wrong."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from roleplay.core.analyse import analyse
from roleplay.core.index import read_starts, write_starts
from roleplay.core.lexicon import bundled_lexicon_dir, compile_lexicon, load_lexicon
from roleplay.core.moves import ALL_IDS
from roleplay.core.validate import check_examples


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEPLAY_CACHE_DIR", str(tmp_path / "cache"))


REGEX_THANK = Path(__file__).parent / "data" / "regex_thank.yaml"
"""The thank rules as regular expressions, as they were before thank became parse rules:
what these tests edit to prove the regular-expression loader, until that engine goes."""


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A copy of the bundled rule files that a test may edit, with thank as cue rules."""
    folder = tmp_path / "lexicon"
    shutil.copytree(bundled_lexicon_dir(), folder)
    (folder / "parse" / "thank.yaml").unlink()
    shutil.copyfile(REGEX_THANK, folder / "thank.yaml")
    return folder


def test_every_bundled_rule_passes_its_own_examples() -> None:
    lexicon, problems = compile_lexicon(use_cache=False)
    assert problems == []
    assert lexicon is not None
    assert [str(p) for p in check_examples(lexicon)] == []


def test_every_move_and_flag_has_rules() -> None:
    lexicon = load_lexicon()
    parsed = lexicon.parse.rules if lexicon.parse is not None else ()
    moves = {rule.move for rule in (*lexicon.rules, *parsed) if rule.rule.counts}
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
    lexicon, problems = compile_lexicon(rules, use_cache=False)
    assert problems == [] and lexicon is not None
    found = check_examples(lexicon)
    assert len(found) == 1
    assert (found[0].line, found[0].code) == (line, "example-missed")
    assert found[0].file.endswith("thank.yaml")
    assert "thank.thanks" in found[0].message


def test_a_should_not_match_example_that_fires_is_reported(rules: Path) -> None:
    _append_example(rules, "thank.yaml", "thank.thanks", "no_match", "Thanks for waiting.")
    lexicon, _ = compile_lexicon(rules, use_cache=False)
    assert lexicon is not None
    assert [p.code for p in check_examples(lexicon)] == ["example-fired"]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_broken_pattern_is_reported_with_its_line(rules: Path) -> None:
    _replace(rules / "thank.yaml", '- "thank you"', '- "thank (you"')
    lexicon, problems = compile_lexicon(rules, use_cache=False)
    assert lexicon is None
    assert [p.code for p in problems] == ["bad-pattern"]
    assert problems[0].line > 1 and problems[0].file.endswith("thank.yaml")


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("thank{4294967295}", "repetition count is too large"),
        ("(" * 500 + "thank you" + ")" * 500, "groups are nested 500 deep"),
    ],
    ids=["huge-repetition", "500-nested-groups"],
)
def test_a_pattern_the_engine_would_choke_on_is_reported_at_its_line(
    rules: Path, pattern: str, words: str
) -> None:
    path = rules / "thank.yaml"
    line = path.read_text(encoding="utf-8").splitlines().index('      - "thank you"') + 1
    _replace(path, '- "thank you"', f'- "{pattern}"')

    lexicon, problems = compile_lexicon(rules, use_cache=False)

    assert lexicon is None
    assert [(p.line, p.code) for p in problems] == [(line, "bad-pattern")]
    assert words in problems[0].message


def test_a_bad_pattern_in_the_language_file_is_reported_at_its_line(rules: Path) -> None:
    path = rules / "language.yaml"
    line = path.read_text(encoding="utf-8").splitlines().index("negation:") + 2
    _replace(path, 'negation:\n  - "not"', 'negation:\n  - "not{4294967295}"')

    lexicon, problems = compile_lexicon(rules, use_cache=False)

    assert lexicon is None
    assert [(p.file, p.line, p.code) for p in problems] == [(str(path), line, "bad-pattern")]
    assert problems[0].message.startswith("negation: ")


def test_a_folder_named_like_a_rule_file_is_a_problem_not_a_crash(rules: Path) -> None:
    (rules / "extra.yaml").mkdir()

    lexicon, problems = compile_lexicon(rules, use_cache=False)

    assert lexicon is None
    assert [(p.file, p.code) for p in problems] == [(str(rules / "extra.yaml"), "io")]
    assert "is a folder" in problems[0].message


def test_an_unknown_macro_and_an_unknown_move_are_reported(rules: Path) -> None:
    _replace(rules / "thank.yaml", '- "thank you"', '- "thank {yuo}"')
    _replace(rules / "dismiss.yaml", "suppresses: [thank,", "suppresses: [thnak,")
    lexicon, problems = compile_lexicon(rules, use_cache=False)
    assert lexicon is None
    assert {p.code for p in problems} == {"unknown-macro", "schema"}


def test_a_pattern_that_matches_nothing_at_all_is_refused(rules: Path) -> None:
    _replace(rules / "thank.yaml", '- "thank you"', '- "(?:thank you)?"')
    _lexicon, problems = compile_lexicon(rules, use_cache=False)
    assert [p.code for p in problems] == ["empty-pattern"]


def test_a_duplicate_rule_id_is_reported(rules: Path) -> None:
    _replace(rules / "thank.yaml", "id: thank.appreciate", "id: thank.thanks")
    _lexicon, problems = compile_lexicon(rules, use_cache=False)
    assert [p.code for p in problems] == ["duplicate-rule"]


def test_a_tutor_can_add_a_cue_without_touching_python(rules: Path) -> None:
    reply = "Ta very much for bearing with us."
    assert not analyse(reply, lexicon=compile_lexicon(rules)[0]).has("thank")
    _replace(rules / "thank.yaml", '- "thank you"', '- "thank you"\n      - "ta very much"')
    lexicon, problems = compile_lexicon(rules)
    assert problems == [] and lexicon is not None
    found = analyse(reply, lexicon=lexicon)
    assert found.has("thank")
    assert found.first_evidence("thank").rule == "thank.thanks"  # type: ignore[union-attr]


def test_a_damaged_cache_is_ignored(tmp_path: Path) -> None:
    first, _ = compile_lexicon()
    for cached in (tmp_path / "cache").glob("*.json"):
        cached.write_text("{not json", encoding="utf-8")
    second, problems = compile_lexicon()
    assert problems == [] and first is not None and second is not None
    reply = "I'm so sorry, I'll refund you today."
    assert analyse(reply, lexicon=first).ids == analyse(reply, lexicon=second).ids


def test_an_edited_cache_is_ignored_and_rebuilt(tmp_path: Path) -> None:
    """Filing every rule under a start no reply has would silence it: the edit is not trusted."""
    replies = (
        "I'm so sorry, I'll refund you today.",
        "Thank you for waiting; I understand how frustrating this is.",
        "That's not our fault, you should have read the terms.",
    )
    reference, _ = compile_lexicon(use_cache=False)
    compile_lexicon()
    (cached,) = (tmp_path / "cache").glob("*.json")
    written = json.loads(cached.read_text(encoding="utf-8"))
    edited = json.loads(cached.read_text(encoding="utf-8"))
    edited["starts"] = {pattern: ["zzz "] for pattern in edited["starts"]}
    cached.write_text(json.dumps(edited), encoding="utf-8")

    scored, problems = compile_lexicon()

    assert problems == [] and reference is not None and scored is not None
    for reply in replies:
        assert analyse(reply, lexicon=scored) == analyse(reply, lexicon=reference), reply
    assert json.loads(cached.read_text(encoding="utf-8")) == written, "rebuilt"


def test_a_cache_of_other_patterns_is_ignored(tmp_path: Path) -> None:
    """Even with its own digest right, a cache must hold exactly the patterns of the rules."""
    reference, _ = compile_lexicon(use_cache=False)
    compile_lexicon()
    (cached,) = (tmp_path / "cache").glob("*.json")
    ruleset = json.loads(cached.read_text(encoding="utf-8"))["ruleset"]
    starts = read_starts(cached, ruleset)
    assert starts is not None
    other: dict[str, frozenset[str] | None] = {p: frozenset({"zzz "}) for p in list(starts)[1:]}
    write_starts(cached, ruleset, other)

    scored, _ = compile_lexicon()

    reply = "I'm so sorry, I'll refund you today."
    assert scored is not None and reference is not None
    assert analyse(reply, lexicon=scored) == analyse(reply, lexicon=reference)
