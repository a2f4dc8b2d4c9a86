"""Complaint-handling models as data: loading, lookup, schema and coverage of a conversation."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from roleplay.core import frameworks
from roleplay.core.analysis import Analysis, Evidence
from roleplay.core.errors import InvalidFileError, UnknownIdError
from roleplay.core.frameworks import (
    Framework,
    Step,
    bundled_frameworks,
    coverage,
    framework_schema,
    get_framework,
    load_framework_file,
)
from roleplay.core.moves import MOVES

RUBRICS = Path(__file__).resolve().parents[2] / "rubrics"
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

GOOD = """\
id: MINI
title: A small model
source: 001_fa4cc0127f8cc454.txt
quote: Listen, then resolve.
description: Listen first, then put it right.
steps:
  - id: listen
    title: Listen
    moves: [listen, acknowledge]
    description: Show you have heard.
    example: So the parcel never came?
  - id: resolve
    title: Resolve
    moves: [resolve]
    description: Put it right.
    example: I'll refund you today.
"""


def write(tmp_path: Path, text: str, name: str = "mini.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def turn(*found: tuple[str, int, str]) -> Analysis:
    """An analysis of one reply making each ``(move, start, quote)`` given."""
    evidence = tuple(
        Evidence(move, f"test.{move}", start, start + len(quote), quote)
        for move, start, quote in sorted(found, key=lambda f: f[1])
    )
    made = tuple(m for m in MOVES if any(e.move == m for e in evidence))
    return Analysis("a reply", made, (), evidence, "test-1")


NOTHING = turn()


MODEL_FILES = [
    p for p in sorted(RUBRICS.glob("*.yaml")) if p.stem in {"later", "heat", "aarl", "airl", "lerf"}
]


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: p.name)
def test_every_bundled_model_loads_with_no_problems(path: Path) -> None:
    framework, problems = load_framework_file(path)

    assert [str(p) for p in problems] == []
    assert framework is not None


def test_the_five_syllabus_models_are_bundled() -> None:
    assert set(bundled_frameworks()) == {"LATER", "HEAT", "AARL", "AIRL", "LERF"}


@pytest.mark.parametrize(
    ("framework_id", "step_ids"),
    [
        ("LATER", ["listen", "apologise", "thank", "explain", "resolve"]),
        ("HEAT", ["hear", "empathise", "apologise", "take_ownership"]),
        ("AARL", ["acknowledge", "apologise", "resolve", "learn"]),
        ("AIRL", ["acknowledge", "investigate", "resolve", "learn"]),
        ("LERF", ["listen", "empathise", "resolve", "follow_up"]),
    ],
)
def test_each_model_lists_its_steps_in_the_order_of_its_name(
    framework_id: str, step_ids: list[str]
) -> None:
    assert [s.id for s in get_framework(framework_id).steps] == step_ids


def test_heat_hear_is_met_by_listening_or_acknowledging() -> None:
    heat = get_framework("HEAT")

    assert heat.step("hear").moves == ("listen", "acknowledge")
    assert "ownership" in heat.step("take_ownership").moves


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the syllabus seeds are not beside this checkout")
@pytest.mark.parametrize("framework_id", ["LATER", "HEAT", "AARL", "AIRL", "LERF"])
def test_each_model_quotes_its_seed_verbatim(framework_id: str) -> None:
    framework = get_framework(framework_id)

    seed = (SEEDS / framework.source).read_text(encoding="utf-8")

    assert framework.quote in seed


def test_lookup_ignores_case() -> None:
    assert get_framework("heat") is get_framework("HEAT")
    assert get_framework(" Later ").id == "LATER"


def test_unknown_framework_lists_the_known_ids() -> None:
    with pytest.raises(UnknownIdError) as caught:
        get_framework("STAR")

    assert caught.value.known == ("AARL", "AIRL", "HEAT", "LATER", "LERF")
    assert str(caught.value) == "unknown framework 'STAR'; known: AARL, AIRL, HEAT, LATER, LERF"


def test_a_good_rubric_file_loads(tmp_path: Path) -> None:
    framework, problems = load_framework_file(write(tmp_path, GOOD))

    assert problems == []
    assert framework is not None
    assert framework.steps[0].moves == ("listen", "acknowledge")


def test_unknown_move_is_reported_at_its_list_item_with_a_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("moves: [resolve]", "moves: [resolve, apologize]"))

    framework, problems = load_framework_file(path)

    assert framework is None
    assert [str(p) for p in problems] == [
        f"{path}:14:22: steps[1].moves[1]: 'apologize' is not a known move; "
        "did you mean 'apologise'? [schema]"
    ]


def test_a_red_flag_cannot_meet_a_step(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("moves: [resolve]", "moves: [blame]"))

    _, problems = load_framework_file(path)

    assert [(p.line, p.col) for p in problems] == [(14, 13)]
    assert "'blame' is a red flag, not a move" in problems[0].message


def test_duplicate_key_in_a_rubric_is_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path, GOOD.replace("    title: Resolve\n", "    title: Resolve\n    title: Fix\n")
    )

    framework, problems = load_framework_file(path)

    assert framework is None
    assert [(p.line, p.col, p.code) for p in problems] == [(14, 5, "duplicate-key")]


def test_syntax_error_in_a_rubric_is_reported_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("moves: [resolve]", "moves: [resolve"))

    framework, problems = load_framework_file(path)

    assert framework is None
    assert len(problems) == 1
    assert problems[0].code == "yaml-syntax"
    assert problems[0].line == 15


def test_missing_field_points_at_the_step(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("    example: I'll refund you today.\n", ""))

    _, problems = load_framework_file(path)

    assert [str(p) for p in problems] == [
        f"{path}:12:5: steps[1]: missing required field 'example' [schema]"
    ]


def test_repeated_step_id_points_at_the_second_one(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("  - id: resolve", "  - id: listen"))

    _, problems = load_framework_file(path)

    assert [(p.line, p.col, p.message) for p in problems] == [
        (12, 5, "steps[1].id: step id 'listen' is already used by steps[0]")
    ]


def test_a_model_needs_at_least_one_step(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.split("steps:")[0] + "steps: []\n")

    _, problems = load_framework_file(path)

    assert [(p.line, p.message) for p in problems] == [(6, "steps: needs at least 1 item")]


def test_blank_text_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("description: Put it right.", "description: '  '"))

    _, problems = load_framework_file(path)

    assert [(p.line, p.message) for p in problems] == [
        (15, "steps[1].description: must not be empty")
    ]


def test_every_mistake_in_a_rubric_is_reported_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("title: A small model\n", "").replace("[resolve]", "[resolv]")
    path = write(tmp_path, text.replace("id: listen", "id: Listen Up"))

    _, problems = load_framework_file(path)

    assert [p.line for p in problems] == [1, 6, 13]


def test_an_unreadable_rubric_is_a_problem(tmp_path: Path) -> None:
    framework, problems = load_framework_file(tmp_path / "missing.yaml")

    assert framework is None
    assert [p.code for p in problems] == ["io"]


def test_a_broken_bundled_rubric_raises_with_every_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, GOOD.replace("[resolve]", "[resolv]"), "a.yaml")
    write(tmp_path, "id: [\n", "b.yaml")
    monkeypatch.setattr(frameworks, "rubrics_dir", lambda: tmp_path)
    bundled_frameworks.cache_clear()
    try:
        with pytest.raises(InvalidFileError) as caught:
            bundled_frameworks()
    finally:
        bundled_frameworks.cache_clear()

    assert [Path(p.file).name for p in caught.value.problems] == ["a.yaml", "b.yaml"]


def test_two_rubrics_with_the_same_id_are_a_problem(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD.replace("id: MINI", "id: mini"), "b.yaml")

    found, problems = frameworks.load_framework_dir(tmp_path)

    assert list(found) == ["MINI"]
    assert [(Path(p.file).name, p.code) for p in problems] == [("b.yaml", "duplicate-id")]


def test_a_framework_cannot_be_changed_once_loaded() -> None:
    later = get_framework("LATER")

    with pytest.raises(ValidationError):
        later.title = "Something else"  # type: ignore[misc]


def test_a_step_needs_a_known_move_when_built_in_code() -> None:
    with pytest.raises(ValidationError):
        Step(id="x", title="X", moves=("listening",), description="d", example="e")


def test_the_json_schema_describes_steps_and_their_moves() -> None:
    schema = framework_schema()

    assert "steps" in schema["properties"]
    assert set(schema["required"]) >= {"id", "title", "steps"}
    step = schema["$defs"]["Step"]
    assert step["properties"]["moves"]["items"]["enum"] == list(MOVES)
    assert step["additionalProperties"] is False
    assert schema == {"$schema": schema["$schema"], **Framework.model_json_schema()}


def test_steps_are_met_at_their_first_turn_with_its_words() -> None:
    later = get_framework("LATER")
    analyses = [
        turn(("listen", 0, "Which size did you order?")),
        turn(("apologise", 0, "I'm sorry"), ("thank", 10, "thank you")),
        turn(("apologise", 0, "Sorry again"), ("resolve", 12, "I'll refund you")),
    ]

    result = coverage(later, analyses)

    by_id = {s.id: s for s in result.steps}
    assert by_id["listen"].first_turn == 1
    assert by_id["apologise"].first_turn == 2
    assert by_id["apologise"].evidence is not None
    assert by_id["apologise"].evidence.quote == "I'm sorry"
    assert by_id["explain"].met is False
    assert by_id["explain"].first_turn is None
    assert by_id["explain"].evidence is None
    assert by_id["resolve"].first_turn == 3
    assert result.in_order is True
    assert result.score == 80


def test_a_step_met_by_either_move_quotes_the_earlier_words() -> None:
    heat = get_framework("HEAT")
    reply = turn(("listen", 30, "When did it arrive?"), ("acknowledge", 0, "I can see it broke"))

    result = coverage(heat, [reply])

    hear = result.steps[0]
    assert (hear.met, hear.first_turn) == (True, 1)
    assert hear.evidence is not None
    assert hear.evidence.quote == "I can see it broke"


def test_steps_met_in_a_later_turn_than_a_later_step_are_out_of_order() -> None:
    aarl = get_framework("AARL")
    analyses = [
        turn(("resolve", 0, "I'll refund you")),
        turn(("apologise", 0, "I'm sorry")),
    ]

    result = coverage(aarl, analyses)

    assert result.in_order is False
    assert result.score == 50


def test_steps_in_one_reply_are_in_order_whatever_their_order_inside_it() -> None:
    """ "I'm sorry, your refund is late" apologises and acknowledges at once: the order of
    the model is judged across turns, not inside a sentence (issue 10)."""
    aarl = get_framework("AARL")
    together = turn(("apologise", 0, "I'm sorry"), ("acknowledge", 10, "your refund is late"))

    assert coverage(aarl, [together]).in_order is True


def test_only_putting_things_right_before_hearing_the_customer_is_out_of_order() -> None:
    """Within the opening half (acknowledge, apologise) any order across turns is fine; a
    remedy before the acknowledgement is not."""
    aarl = get_framework("AARL")
    opening_swapped = [
        turn(("apologise", 0, "I'm sorry")),
        turn(("acknowledge", 0, "Your refund is late"), ("resolve", 20, "I've refunded it")),
    ]
    remedy_first = [
        turn(("resolve", 0, "I've refunded it")),
        turn(("acknowledge", 0, "Your refund was late")),
    ]

    assert coverage(aarl, opening_swapped).in_order is True
    assert coverage(aarl, remedy_first).in_order is False


def test_an_apology_a_turn_after_the_opening_is_still_in_order() -> None:
    """Opening by naming the problem and looking into it, then apologising a turn later, is
    the order examiners expect; only a remedy before any hearing is out of order."""
    aarl = get_framework("AARL")
    analyses = [
        turn(("acknowledge", 0, "I can see your bill jumped"), ("resolve", 30, "I've re-billed")),
        turn(("apologise", 0, "I'm so sorry")),
    ]

    assert coverage(aarl, analyses).in_order is True


def test_unmet_steps_do_not_break_the_order() -> None:
    aarl = get_framework("AARL")
    analyses = [
        turn(("acknowledge", 0, "Your refund is late")),
        turn(("learn", 0, "I'll feed back")),
    ]

    assert coverage(aarl, analyses).in_order is True


def test_an_empty_conversation_meets_nothing_and_scores_zero() -> None:
    result = coverage(get_framework("LERF"), [])

    assert [s.met for s in result.steps] == [False] * 4
    assert (result.in_order, result.score) == (True, 0)


def test_score_is_the_share_of_steps_met_rounded() -> None:
    later = get_framework("LATER")
    two_of_five = [turn(("thank", 0, "Thanks")), NOTHING, turn(("explain", 0, "It was late"))]
    heat = get_framework("HEAT")
    all_four = [
        turn(
            ("listen", 0, "What happened?"),
            ("empathise", 20, "how stressful"),
            ("apologise", 40, "I'm sorry"),
            ("ownership", 60, "Leave it with me"),
        )
    ]

    assert coverage(later, two_of_five).score == 40
    assert coverage(heat, all_four).score == 100


def test_coverage_as_json_quotes_evidence_or_null() -> None:
    lerf = get_framework("LERF")
    result = coverage(lerf, [NOTHING, turn(("follow_up", 5, "I'll call you Friday"))])

    assert result.to_dict() == {
        "id": "LERF",
        "steps": [
            {"id": "listen", "title": "Listen", "met": False, "first_turn": None, "evidence": None},
            {
                "id": "empathise",
                "title": "Empathise",
                "met": False,
                "first_turn": None,
                "evidence": None,
            },
            {
                "id": "resolve",
                "title": "Resolve",
                "met": False,
                "first_turn": None,
                "evidence": None,
            },
            {
                "id": "follow_up",
                "title": "Follow up",
                "met": True,
                "first_turn": 2,
                "evidence": "I'll call you Friday",
            },
        ],
        "in_order": True,
        "score": 25,
    }
