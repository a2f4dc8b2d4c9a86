"""``analyse_many``: scoring many replies at once gives exactly what scoring each one gives."""

from __future__ import annotations

from pathlib import Path

import yaml

from roleplay.core.analyse import _MEMO, analyse, analyse_many

CASES = Path(__file__).parent / "cases" / "families.yaml"


def _replies() -> list[tuple[str, str | None]]:
    """Real and written replies of every family, with odd ones no rule was written for."""
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    pairs = [(str(case["reply"]), case.get("customer")) for case in cases]
    odd = [
        ("", None),
        ("   \n\t", None),
        ("im realy sory, ill check the tracking and ring you back", "Where is it?"),
        ("sorry, " * 2_000, None),  # longer than the reply cap: scored on its first part
        ("😡 sorry \x00 thanks \ud83d", None),
        ("Thank you.\n\nI'll refund it today.\nSorry again.", "I want my money back"),
    ]
    return pairs + odd


def test_a_batch_gives_the_same_analyses_as_one_reply_at_a_time() -> None:
    """Every field, evidence and set-aside match alike, in input order, duplicates included."""
    pairs = _replies()
    pairs = pairs + pairs[:5]  # a reply twice in one batch is answered twice

    _MEMO.clear()
    batch = analyse_many(pairs)
    _MEMO.clear()
    one_by_one = [analyse(reply, customer) for reply, customer in pairs]

    assert len(batch) == len(pairs)
    assert batch == one_by_one
    assert sum(1 for a in batch if a.ids) > 20  # the comparison is not between empty analyses


def test_an_empty_batch_is_an_empty_list() -> None:
    assert analyse_many([]) == []


def test_rules_fired_in_a_batch_are_those_fired_one_reply_at_a_time() -> None:
    """``roleplay validate`` proves every rule's examples in one batch, with the same result."""
    from roleplay.core.analyse import fired_rules, fired_rules_many
    from roleplay.core.lexicon import load_lexicon

    lexicon = load_lexicon()
    examples = [
        (example, compiled.rule.examples.customer)
        for compiled in lexicon.rules
        for example in (*compiled.rule.examples.match, *compiled.rule.examples.no_match)
    ]
    examples += [("", None), ("  ", "Where is my parcel?"), examples[0]]

    batch = fired_rules_many(examples, lexicon)

    assert batch == [
        fired_rules(example, lexicon, customer=customer) for example, customer in examples
    ]
    assert sum(1 for fired in batch if fired) > len(examples) // 2
