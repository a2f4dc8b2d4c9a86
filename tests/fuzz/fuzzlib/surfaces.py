"""One generator per surface a user can reach; each turns a ``Random`` into a :class:`Case`.

``SURFACES`` maps each surface's name to its generator:

- ``scenarios``: a bundled scenario, mutated; checked by ``validate FILE``, by ``run FILE``,
  and inside a ``--scenarios`` folder beside a good scenario (``fuzz-control``) that
  ``list``, ``run``, ``graph``, ``debrief`` and ``report`` must go on using.
- ``rubrics``: a bundled model (or the legislation, reactions or marking-points file),
  mutated; checked by ``validate FILE``.
- ``rules``: a bundled cue-rule file, mutated, its patterns too (huge repetition counts,
  hundreds of nested groups, bad or exotic regular expressions, catastrophic backtracking
  with an example to trip it); checked by ``validate`` alone or inside a copy of the rule
  folder.
- ``replies``: odd text through ``analyse()`` and ``score TEXT``, ``score --jsonl -`` and
  ``run SCENARIO --replies FILE``.
- ``transcripts``: a real transcript (made by ``roleplay run … --format json --out``),
  edited or damaged; checked by ``debrief`` beside the untouched original and by ``report``
  over both.
- ``arguments``: random combinations of the real commands and options, read from the
  click group itself, with odd values.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import random
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
import yaml

from fuzzlib.case import CASE, Call, Case, Entry
from fuzzlib.harness import invoke, remove
from fuzzlib.mutate import (
    ODD_STRINGS,
    TREE_OPS,
    Limits,
    Raw,
    dump_yaml,
    mutate_bytes,
    mutate_tree,
    mutate_yaml,
    odd_string,
    random_text,
    size,
)
from fuzzlib.transcripts import mutate_transcript

CONTROL_ID = "fuzz-control"
"""The id of the good scenario that sits beside a mutated one in a ``--scenarios`` folder."""

CENTRE_KEY = "fuzz-centre-key-0123456789abcdef"
"""The centre key a signed base transcript is made and checked with."""

REPLIES: tuple[str, ...] = (
    "I'm so sorry your parcel hasn't arrived, that must be really frustrating.",
    "Could you tell me your order number so I can look into it?",
    "I will trace it with the courier today and call you back by 5pm.",
    "I can refund the delivery charge now under our next-day delivery promise.",
    "Thank you for your patience, and for telling us.",
)
"""Replies that move a scenario along, for ``run`` and the transcripts."""


# --------------------------------------------------------------------------- bundled files


@functools.cache
def bundled() -> dict[str, dict[str, str]]:
    """The text of every bundled scenario, rubric-folder file and cue-rule file, by kind."""
    from roleplay.core.frameworks import rubrics_dir
    from roleplay.core.lexicon import bundled_lexicon_dir
    from roleplay.core.library import bundled_folder

    def texts(folder: Path) -> dict[str, str]:
        return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.yaml"))}

    return {
        "scenarios": texts(bundled_folder()),
        "rubrics": texts(rubrics_dir()),
        "rules": texts(bundled_lexicon_dir()),
    }


@functools.cache
def control_scenario() -> bytes:
    """A good scenario with an id of its own: a bundled one, renamed ``fuzz-control``."""
    text = bundled()["scenarios"]["cancelled-train.yaml"]
    return text.replace("id: cancelled-train", f"id: {CONTROL_ID}", 1).encode("utf-8")


@functools.cache
def bases() -> dict[str, bytes]:
    """Real transcripts to edit, made by ``roleplay run … --format json --out`` in-process.

    ``late-parcel`` and ``short`` are unsigned; ``signed`` is made with :data:`CENTRE_KEY`;
    ``control`` is an attempt of the ``fuzz-control`` scenario.
    """
    scratch = Path(tempfile.mkdtemp(prefix="roleplay-fuzz-bases-"))
    try:
        (scratch / "folder").mkdir()
        (scratch / "folder" / "control.yaml").write_bytes(control_scenario())
        (scratch / "replies.txt").write_text("\n".join(REPLIES) + "\n", encoding="utf-8")
        (scratch / "one.txt").write_text(REPLIES[0] + "\n", encoding="utf-8")
        env = {
            "ROLEPLAY_CACHE_DIR": str(scratch / "cache"),
            "ROLEPLAY_DATA_DIR": str(scratch / "data"),
            "ROLEPLAY_CENTRE_KEY": None,
            "ROLEPLAY_CENTRE_KEY_FILE": None,
        }
        plans = {
            "late-parcel": (["late-parcel", "--learner", "Asha Patel"], {}),
            "short": (["broadband-outage", "--replies", str(scratch / "one.txt")], {}),
            "signed": (["late-parcel"], {"ROLEPLAY_CENTRE_KEY": CENTRE_KEY}),
            "control": ([CONTROL_ID, "--scenarios", str(scratch / "folder")], {}),
        }
        made: dict[str, bytes] = {}
        for name, (args, more) in plans.items():
            out = scratch / f"{name}.json"
            replies = [] if "--replies" in args else ["--replies", str(scratch / "replies.txt")]
            argv = ["run", *args, *replies, "--format", "json", "--out", str(out)]
            done = invoke(argv, env={**env, **more})  # type: ignore[dict-item]
            if done.code != 0:
                raise RuntimeError(f"cannot make the {name} transcript: {done.stderr}{done.error}")
            made[name] = out.read_bytes()
        return made
    finally:
        remove(scratch)


# --------------------------------------------------------------------------- scenarios


def _yaml_entry(path: str, content: bytes, rng: random.Random, limits: Limits) -> Entry:
    """The mutated file itself; now and then a folder or a special file under its name."""
    pick = rng.random()
    if pick < 0.01:
        return Entry(path, "dir")
    if limits.special_files and pick < 0.013:
        return Entry(path, "fifo")
    if limits.special_files and pick < 0.016:
        return Entry(path, "symlink", target="/dev/zero")
    return Entry(path, content=content)


def _special(entry: Entry) -> str:
    """What a special entry stands in for the mutated file, for the case's label."""
    if entry.kind == "dir":
        return " (as a folder)"
    if entry.kind == "fifo":
        return " (as a FIFO with no writer)"
    if entry.kind == "symlink":
        return f" (as a link to {entry.target})"
    return ""


def scenario_case(rng: random.Random, limits: Limits) -> Case:
    """A mutated scenario, alone and in a folder beside a good one."""
    name, text = rng.choice(sorted(bundled()["scenarios"].items()))
    content, label = mutate_yaml(text, rng, limits)
    if rng.random() < 0.1:
        name = name.replace(".yaml", rng.choice((".yml", ".YAML", ". yaml")))
    mutated = _yaml_entry(name, content, rng, limits)
    in_folder = Entry(f"folder/{mutated.path}", mutated.kind, mutated.content, mutated.target)
    entries = (
        mutated,
        in_folder,
        Entry("folder/control.yaml", content=control_scenario()),
        Entry("control.json", content=bases()["control"]),
        Entry("replies.txt", content=("\n".join(REPLIES) + "\n").encode()),
    )
    file, folder = f"{CASE}/{mutated.path}", f"{CASE}/folder"
    replies = f"{CASE}/replies.txt"
    scenarios = ("--scenarios", folder)
    calls = (
        # A few play-throughs exercise them on every mutated scenario; more only cost time.
        Call(("validate", file, "--playthroughs", "3"), about=file),
        Call(("run", file, "--replies", replies, "--format", "json"), about=file),
        Call(("score", "--scenario", file, "--", _argv_text(reply_text(rng, limits))), about=file),
        Call(("list", *scenarios), codes=frozenset({0, 1}), about=folder, expect_out=CONTROL_ID),
        Call(("run", CONTROL_ID, *scenarios, "--replies", replies), codes=frozenset({0})),
        Call(("graph", CONTROL_ID, *scenarios), codes=frozenset({0})),
        Call(("debrief", f"{CASE}/control.json", *scenarios), codes=frozenset({0})),
        Call(("report", f"{CASE}/control.json", *scenarios), codes=frozenset({0})),
    )
    return Case("scenarios", f"{name}{_special(mutated)}: {label}", entries, calls)


# --------------------------------------------------------------------------- rubrics


def rubric_case(rng: random.Random, limits: Limits) -> Case:
    """A mutated model, legislation, reactions or marking-points file.

    The legislation catalogue's misstatements are regular expressions, so they get the
    cue rules' pattern mutations too.
    """
    name, text = rng.choice(sorted(bundled()["rubrics"].items()))
    if name == "legislation.yaml" and rng.random() < 0.5:
        content, label = _mutate_patterns(text, rng, limits)
    else:
        content, label = mutate_yaml(text, rng, limits)
    entry = _yaml_entry(name, content, rng, limits)
    file = f"{CASE}/{entry.path}"
    calls = (Call(("validate", file), about=file),)
    return Case("rubrics", f"{name}{_special(entry)}: {label}", (entry,), calls)


# --------------------------------------------------------------------------- cue rules

BAD_PATTERNS: tuple[str, ...] = (
    "a{1000000000}",
    "a{4294967296}",
    "(?:a{1000}){1000}",
    "sorry{65535}",
    "(" * 500 + "a" + ")" * 500,
    "(?:" * 500 + "a" + ")" * 500,
    "(?:" * 100 + "a" + ")" * 100,
    "(",
    ")",
    "[",
    "[z-a]",
    "*",
    "+a",
    "a**",
    "\\",
    "\\8",
    "\\x",
    "\\u12",
    "\\N{NOT A NAME}",
    "\\p{L}",
    "(?P<x>a)",
    "(?P=x)",
    "(?<=a+)b",
    "(?(1)a|b)",
    "(?i)sorry",
    "sorry(?i)",
    "(?x) # comment",
    "(?#comment)",
    "(?:)",
    "",
    " ",
    "^",
    "$",
    "\\b",
    ".*",
    "|",
    "sorry|",
    "a{,}",
    "a{2,1}",
    "[[:alpha:]]",
    "{i}",
    "{i}" * 50,
    "{unknown}",
    "{",
    "}",
    "\x00",
    "\ud800",
    "(?=a)b",
    "(?!)",
    "\\Z",
    "\\A",
    "a{0}",
    "[^\\W\\d]",
    "(?s:.)",
    "(?a)sorry",
    "a*+",
    "(?>a+)b",
    "(a)\\1",
    "[\\s\\S]",
    "(?<!x)",
    "sorry" * 2000,
)
"""Patterns a tutor might write by mistake or on purpose: too big, bad, empty or exotic."""

BACKTRACKING: tuple[tuple[str, str], ...] = (
    ("(a*)*b", "a" * 40),
    ("(a|a)*$", "a" * 40 + "!"),
    ("(.*a){25}", "a" * 40),
    ("(?:sorry ?)*sorry!", "sorry " * 40),
    ("([a-z]+ ?)+x", "abc " * 30),
)
"""Patterns that backtrack exponentially, each with a should-match example that trips it."""


def _rule_pattern_op(holder: list[Any], rng: random.Random, limits: Limits, pool: list[Any]) -> str:
    """Give a rule a bad, exotic or explosive token pattern (or a word class a bad value)."""
    tree = holder[0]
    if not isinstance(tree, dict):
        return "not a mapping"
    rules = tree.get("rules")
    if isinstance(rules, list) and rules and isinstance(rule := rng.choice(rules), dict):
        patterns = rule.setdefault("patterns", [])
        if not isinstance(patterns, list):
            return "patterns not a list"
        if rng.random() < 0.1:
            pattern, example = rng.choice(BACKTRACKING)
            patterns.append([{"LOWER": {"REGEX": pattern}}])
            examples = rule.setdefault("examples", {})
            if isinstance(examples, dict):
                examples.setdefault("match", [])
                if isinstance(examples["match"], list):
                    examples["match"].append(example)
            return f"backtracking pattern {pattern!r}"
        pattern = rng.choice(BAD_PATTERNS)
        spec: Any = rng.choice(
            (
                [{"LOWER": {"REGEX": pattern}}],
                [{"LEMMA": "$" + pattern}],
                [{"LOWER": "sorry", "OP": pattern}],
                [{rng.choice(("LEMMA", "POS", "DEP", "ACTOR")): {"IN": pattern}}],
                pattern,
                [],
            )
        )
        if patterns and rng.random() < 0.5:
            patterns[rng.randrange(len(patterns))] = spec
        else:
            patterns.append(spec)
        return f"pattern {pattern[:40]!r} as {str(spec)[:30]!r}"
    laws = tree.get("laws")
    if isinstance(laws, list) and laws and isinstance(law := rng.choice(laws), dict):
        wrongs = law.setdefault("misstatements", [])
        if not isinstance(wrongs, list):
            return "misstatements not a list"
        pattern = rng.choice((*BAD_PATTERNS, *(p for p, _ in BACKTRACKING)))
        wrongs.append({"says": pattern, "correction": "The law says otherwise."})
        return f"misstatement {pattern[:40]!r}"
    classes = tree.get("classes")
    if isinstance(classes, dict) and classes:
        name = rng.choice(sorted(classes, key=str))
        classes[name] = rng.choice((*BAD_PATTERNS, "$" + str(name), [], {"words": []}, None))
        return f"class {name!r}"
    return "no rules"


def _mutate_patterns(text: str, rng: random.Random, limits: Limits) -> tuple[bytes, str]:
    """A YAML file of cue rules or word classes, mutated with its patterns above all."""
    ops = (*TREE_OPS, *[_rule_pattern_op] * 8)
    tree, done = mutate_tree(yaml.safe_load(text), rng, limits, ops)
    content = dump_yaml(tree, rng).encode("utf-8", "surrogatepass")
    if rng.random() < 0.1:
        content, how = mutate_bytes(content, rng, limits)
        done.append(f"bytes: {how}")
    return content, "; ".join(done)


def rule_case(rng: random.Random, limits: Limits) -> Case:
    """A mutated cue-rule (or language) file, alone or inside a copy of the rule folder."""
    files = bundled()["rules"]
    name, text = rng.choice(sorted(files.items()))
    if rng.random() < 0.6:
        content, label = _mutate_patterns(text, rng, limits)
    else:
        content, label = mutate_yaml(text, rng, limits)
    alone = name != "language.yaml" and rng.random() < 0.5
    if alone:
        mutated = _yaml_entry(name, content, rng, limits)
        entries: tuple[Entry, ...] = (mutated,)
        target = about = f"{CASE}/{name}"
    else:
        mutated = _yaml_entry(f"rules/{name}", content, rng, limits)
        others = sorted((k, v) for k, v in files.items() if k != name)
        entries = (
            *(Entry(f"rules/{other}", content=body.encode("utf-8")) for other, body in others),
            mutated,
        )
        about = f"{CASE}/rules"
        target = f"{CASE}/rules/{name}" if rng.random() < 0.7 else about
    where = ("alone" if alone else "in a rule folder") + _special(mutated)
    calls = (Call(("validate", target), about=about),)
    return Case("rules", f"{name} ({where}): {label}", entries, calls)


# --------------------------------------------------------------------------- replies

CUE_WORDS: tuple[str, ...] = (
    "sorry",
    "I'm",
    "not",
    "refund",
    "I'll",
    "if",
    "you",
    "said",
    '"',
    "'",
    "?",
    "manager",
    "thanks",
    "for nothing",
    "apologise",
    "can't",
    "but",
    "your fault",
    "look into",
    "call you back",
    "policy",
    "Consumer Rights Act 2015",
    "within 30 days",
    "£50",
    "escalate",
    "😡",
    "im realy sory",
    "thx",
    "\u200b",
)
"""Words the rules react to, with the scope cues that set matches aside."""


def reply_text(rng: random.Random, limits: Limits) -> str:
    """One learner reply of any kind: plausible, odd, enormous, or many lines long."""
    pick = rng.random()
    if pick < 0.35:
        words = [rng.choice(CUE_WORDS) for _ in range(size(rng, 60))]
        return "".join(w + rng.choice((" ", " ", ", ", ". ", "\n", "  ")) for w in words)
    if pick < 0.55:
        return random_text(rng, size(rng, 400))
    if pick < 0.7:
        return odd_string(rng, limits)
    if pick < 0.8:
        phrase = rng.choice(("sorry, ", "I'm not sorry ", "refund ", "'", "if ", "a" * 50 + " "))
        return phrase * max(1, size(rng, limits.max_text) // len(phrase))
    if pick < 0.9:
        return "\n".join(rng.choice(REPLIES) for _ in range(size(rng, limits.max_text // 60)))
    reply = rng.choice(REPLIES)
    at = rng.randint(0, len(reply))
    return reply[:at] + rng.choice(ODD_STRINGS) + reply[at:]


def _argv_text(text: str) -> str:
    """Text as it can arrive on a command line: no NUL, which no operating system passes."""
    return text.replace("\x00", "")


def _jsonl(reply: str, customer: str | None, rng: random.Random, limits: Limits) -> bytes:
    """Lines for ``score --jsonl -``: this reply, good neighbours, and sometimes a bad line."""
    records: list[dict[str, Any]] = [{"id": "a", "reply": rng.choice(REPLIES)}]
    mine: dict[str, Any] = {"id": rng.choice(("b", 2, None, "", "\ud800")), "reply": reply}
    if customer is not None:
        mine["customer"] = customer
    records.insert(rng.randint(0, 1), mine)
    lines = [json.dumps(r, ensure_ascii=rng.random() < 0.8) for r in records]
    if rng.random() < 0.3:
        bad = rng.choice(
            (
                "{",
                "[]",
                '"text"',
                "{}",
                '{"reply": 5}',
                '{"reply": null}',
                '{"id": ' + "9" * 5000 + ', "reply": "hi"}',
                '{"reply": "hi", "customer": ' + "[" * 100_000 + "]" * 100_000 + "}",
                '{"reply": "\\ud800\\udfff\\u0000"}',
                '{"reply": "hi"} trailing',
                "\ufeff" + lines[0],
                "NaN",
                '{"reply": "hi", "reply": ["twice"]}',
                "",
                "   ",
            )
        )
        lines.insert(rng.randint(0, len(lines)), bad)
    end = rng.choice(("\n", "\r\n", "\n\n"))
    return (end.join(lines) + end).encode("utf-8", "surrogatepass")


def _replies_file(reply: str, rng: random.Random, limits: Limits) -> tuple[str, bytes]:
    """A replies file holding this reply: one a line, or a YAML list, sometimes damaged."""
    replies = [rng.choice(REPLIES), reply, rng.choice(REPLIES)]
    if rng.random() < 0.5:
        name = "replies.txt"
        content = "\n".join(replies).encode("utf-8", "surrogatepass")
    else:
        name = "replies.yaml"
        items: list[Any] = list(replies)
        if rng.random() < 0.3:
            items.insert(1, Raw(rng.choice(("!!int abc", "2024-13-45", "!!bool maybe", "[a"))))
        content = dump_yaml(items, rng).encode("utf-8", "surrogatepass")
    if rng.random() < 0.15:
        content, _how = mutate_bytes(content, rng, limits)
    return name, content


def reply_case(rng: random.Random, limits: Limits) -> Case:
    """One reply through the scorer in-process and through each command that reads replies."""
    reply = reply_text(rng, limits)
    customer = reply_text(rng, limits) if rng.random() < 0.3 else None
    options: list[str] = []
    if rng.random() < 0.4:
        options.append("--json")
    if rng.random() < 0.3:
        options.append("--explain")
    if rng.random() < 0.3:
        options += ["--framework", rng.choice(("LATER", "heat", "AARL"))]
    if rng.random() < 0.2:
        options += ["--scenario", rng.choice(("late-parcel", "gp-reception"))]
    if customer is not None:
        options += ["--customer", _argv_text(customer)]
    dash = ["--"] if rng.random() < 0.8 else []
    name, replies = _replies_file(reply, rng, limits)
    run_format = rng.choice(("md", "json", "html"))
    calls = (
        Call(kind="analyse", text=reply, customer=customer),
        Call(("score", *options, *dash, _argv_text(reply))),
        Call(("score", "--jsonl", "-", *options[:2]), stdin=_jsonl(reply, customer, rng, limits)),
        Call(("run", "late-parcel", "--replies", f"{CASE}/{name}", "--format", run_format)),
    )
    label = f"reply of {len(reply)} chars: {reply[:60]!r}"
    return Case("replies", label, (Entry(name, content=replies),), calls)


# --------------------------------------------------------------------------- transcripts


def transcript_case(rng: random.Random, limits: Limits) -> Case:
    """An edited or damaged transcript, debriefed beside the original and reported with it."""
    base = rng.choice(("late-parcel", "late-parcel", "short", "signed"))
    original = bases()[base]
    edited, label = mutate_transcript(original, rng, limits)
    signed = base == "signed"
    env = (("ROLEPLAY_CENTRE_KEY", CENTRE_KEY),) if signed and rng.random() < 0.7 else ()
    keyed = " (checked with the key)" if env else (" (checked without the key)" if signed else "")
    attempt = f"{CASE}/cohort/attempt.json"
    entries = (
        Entry("cohort/original.json", content=original),
        _transcript_entry(edited, rng, limits),
    )
    calls = (
        Call(
            ("debrief", f"{CASE}/cohort/original.json", "--format", "json"),
            env=env,
            codes=frozenset({0}),
            role="control",
        ),
        Call(
            ("debrief", attempt, "--format", "json"),
            env=env,
            codes=frozenset({0, 1}),
            about=attempt,
            role="edited",
        ),
        Call(
            ("report", f"{CASE}/cohort", "--format", "csv"),
            env=env,
            codes=frozenset({0}),
            expect_out="original.json",
            role="report",
        ),
    )
    return Case("transcripts", f"{base}{keyed}: {label}", entries, calls)


def _transcript_entry(content: bytes, rng: random.Random, limits: Limits) -> Entry:
    if limits.special_files and rng.random() < 0.005:
        return Entry("cohort/attempt.json", "fifo")
    return Entry("cohort/attempt.json", content=content)


# --------------------------------------------------------------------------- arguments


def _fixture_entries() -> tuple[Entry, ...]:
    """The small set of real files every argument case can point at."""
    texts = bundled()
    return (
        Entry("scenario.yaml", content=texts["scenarios"]["late-parcel.yaml"].encode()),
        Entry("rubric.yaml", content=texts["rubrics"]["later.yaml"].encode()),
        Entry("rule.yaml", content=texts["rules"]["apologise.yaml"].encode()),
        Entry("attempt.json", content=bases()["late-parcel"]),
        Entry("cohort/attempt.json", content=bases()["short"]),
        Entry("replies.txt", content=("\n".join(REPLIES) + "\n").encode()),
        Entry("replies.yaml", content=yaml.safe_dump(list(REPLIES)).encode()),
        Entry("replies.jsonl", content=b'{"id": 1, "reply": "sorry"}\n'),
        Entry("folder/control.yaml", content=control_scenario()),
        Entry("dir.yaml", "dir"),
        Entry("empty.yaml"),
        Entry("loop.yaml", "symlink", target=f"{CASE}/loop.yaml"),
        Entry("dangling.yaml", "symlink", target=f"{CASE}/nowhere/x.yaml"),
    )


_INPUT_PATHS: tuple[str, ...] = (
    f"{CASE}/scenario.yaml",
    f"{CASE}/rubric.yaml",
    f"{CASE}/rule.yaml",
    f"{CASE}/attempt.json",
    f"{CASE}/cohort",
    f"{CASE}/cohort/attempt.json",
    f"{CASE}/replies.txt",
    f"{CASE}/replies.yaml",
    f"{CASE}/replies.jsonl",
    f"{CASE}/folder",
    f"{CASE}/dir.yaml",
    f"{CASE}/empty.yaml",
    f"{CASE}/loop.yaml",
    f"{CASE}/dangling.yaml",
    f"{CASE}/nope.yaml",
    f"{CASE}/nope",
    f"{CASE}/{'n' * 300}.yaml",
    f"{CASE}/{'a' * 200}/{'b' * 200}/{'c' * 200}.yaml",
    f"{CASE}/" + "d/" * 2100 + "x.yaml",
    f"{CASE}/ünï cödé.yaml",
    f"{CASE}/\udcff.yaml",
    "/dev/null",
    "/nonexistent/x.yaml",
    "",
    ".",
    "..",
    "-",
    "~",
)
"""Paths a user can type for a file or folder to read: good, missing, odd, too long."""

_SPECIAL_PATHS: tuple[str, ...] = (f"{CASE}/fifo.yaml", f"{CASE}/zero.yaml", "/dev/zero")
"""Paths that block or never end: a FIFO with no writer, ``/dev/zero`` and a link to it."""

_OUTPUT_PATHS: tuple[str, ...] = (
    f"{CASE}/out.json",
    f"{CASE}/out.html",
    f"{CASE}/folder",
    f"{CASE}/dir.yaml",
    f"{CASE}/nowhere/out.md",
    f"{CASE}/{'n' * 300}.md",
    f"{CASE}/scenario.yaml",
    f"{CASE}/dangling.yaml",
    f"{CASE}/",
    "",
)
"""Places to write to. Only the case's own folder: never a real file or a device, since the
fuzzer runs as whoever started it (perhaps root, who may replace ``/dev/null``)."""

_IDS: tuple[str, ...] = (
    "late-parcel",
    "gp-reception",
    CONTROL_ID,
    "LATER",
    "heat",
    "AARL",
    "nope",
    "",
    " ",
    "../scenarios/late-parcel",
    "late-parcel.yaml",
)


def _flavour(param: click.Parameter) -> str:
    """Which kind of value a parameter takes, judged by its name and type."""
    name = (param.name or "").lower()
    if name in ("out", "output"):
        return "out"
    if isinstance(param.type, click.Choice):
        return "choice"
    if isinstance(param.type, click.types.IntParamType | click.types.FloatParamType):
        return "number"
    if name == "host":
        return "host"
    if any(w in name for w in ("file", "jsonl", "transcript", "path", "folder", "dir", "attempt")):
        return "path"
    if isinstance(param.type, click.Path):
        return "path"
    if "scenario" in name or "framework" in name:
        return "id"
    return "text"


def _value(param: click.Parameter, rng: random.Random, limits: Limits) -> str:
    flavour = _flavour(param)
    odd = rng.random() < 0.15
    if flavour == "out":
        return rng.choice(_OUTPUT_PATHS)
    if flavour == "choice" and not odd:
        choice = str(rng.choice(list(param.type.choices)))  # type: ignore[attr-defined]
        return choice.upper() if rng.random() < 0.1 else choice
    if flavour == "number" and not odd:
        return str(rng.choice((0, 1, -1, 80, 8000, 65535, 65536, 10**30, -(10**30))))
    if flavour == "host" and not odd:
        return rng.choice(
            ("127.0.0.1", "::1", "[::1]", "localhost", "0.0.0.0", "", "x" * 300, "a..b", "-")
        )
    if flavour == "path" or (flavour == "id" and rng.random() < 0.3):
        if limits.special_files and rng.random() < 0.02:
            return rng.choice(_SPECIAL_PATHS)
        return rng.choice(_INPUT_PATHS)
    if flavour == "id" and not odd:
        return rng.choice(_IDS)
    return _argv_text(odd_string(rng, limits) if rng.random() < 0.7 else rng.choice(REPLIES))


@functools.cache
def commands() -> dict[str, click.Command]:
    """The real subcommands of ``roleplay``, read from its click group."""
    from roleplay.cli import cli

    return dict(cli.commands)  # type: ignore[attr-defined]


def _group_params() -> Sequence[click.Parameter]:
    from roleplay.cli import cli

    return [p for p in cli.params if not (p.name or "").startswith("help")]


def _words_for(param: click.Parameter, rng: random.Random, limits: Limits) -> list[str]:
    if isinstance(param, click.Argument):
        count = rng.randint(0, 3) if param.nargs == -1 else max(1, param.nargs)
        return [_value(param, rng, limits) for _ in range(count)]
    assert isinstance(param, click.Option)
    option = rng.choice(list(param.opts) + list(param.secondary_opts))
    if param.is_flag or param.count:
        return [option]
    values = [_value(param, rng, limits) for _ in range(max(1, param.nargs))]
    if rng.random() < 0.05:
        return [f"{option}={values[0]}"]
    return [option, *values]


def argument_case(rng: random.Random, limits: Limits) -> Case:
    """A random command line from the real commands and options, with odd values."""
    argv: list[str] = []
    if rng.random() < 0.1:
        for param in rng.sample(list(_group_params()), k=1):
            argv += _words_for(param, rng, limits)
    names = sorted(commands())
    name = rng.choice([*names, *names, "", "nope"])
    if name in commands():
        argv.append(name)
        params = [p for p in commands()[name].params if not (p.name or "").startswith("help")]
        chosen = rng.sample(params, k=rng.randint(0, len(params))) if params else []
        rng.shuffle(chosen)
        for param in chosen:
            argv += _words_for(param, rng, limits)
    elif name:
        argv.append(name)
    extra = rng.random()
    if extra < 0.05:
        argv.append(rng.choice(("-h", "--help", "--version")))
    elif extra < 0.1:
        argv.insert(rng.randint(0, len(argv)), rng.choice(("--nope", "--", "-", "-x", "--=")))
    elif extra < 0.15 and len(argv) > 1:
        argv.pop()
    entries = _fixture_entries()
    if limits.special_files:
        entries += (Entry("fifo.yaml", "fifo"), Entry("zero.yaml", "symlink", target="/dev/zero"))
    stdin = rng.choice((b"", b"sorry\n", b'{"reply": "sorry"}\n', b"\xff\xfe\x00", b"- a\n- b\n"))
    if name == "validate" and "{case}" not in argv:
        # with no file, validate checks every bundled scenario and rule (tens of seconds,
        # and tests/cli covers it): here it checks the case's own files, with the same odd
        # options
        argv.append("{case}")
    call = Call(tuple(argv), stdin=stdin)
    return Case("arguments", " ".join(argv)[:200], entries, (call,))


# --------------------------------------------------------------------------- all of them

Generator = Callable[[random.Random, Limits], Case]


def _timed(generate: Generator) -> Generator:
    """The generator, with every command given the timeout of the limits it is drawn under."""

    @functools.wraps(generate)
    def timed(rng: random.Random, limits: Limits) -> Case:
        case = generate(rng, limits)
        calls = tuple(dataclasses.replace(c, timeout=limits.timeout) for c in case.calls)
        return dataclasses.replace(case, calls=calls)

    return timed


SURFACES: dict[str, Generator] = {
    "scenarios": _timed(scenario_case),
    "rubrics": _timed(rubric_case),
    "rules": _timed(rule_case),
    "replies": _timed(reply_case),
    "transcripts": _timed(transcript_case),
    "arguments": _timed(argument_case),
}
"""Every surface's generator, by name."""
