"""Mutations a hostile or careless user makes to YAML, JSON and text, driven by one ``Random``.

Everything here takes a :class:`random.Random` (hypothesis hands in its own, so it can
shrink a failure; the benchmark hands in a seeded one) and a :class:`Limits`, and is
deterministic given both.

YAML is mutated structure-aware: the file is parsed, its tree is changed (keys dropped,
duplicated or renamed, values swapped for values of another type or for values taken from
elsewhere in the same file, mappings emptied, subtrees shared as anchors and aliases,
explicit tags with bad values, bad dates, huge numbers, deep nesting, odd text) and dumped
again; then, sometimes, the text itself is damaged (cut off, a byte flipped, tabs, a BOM,
invalid UTF-8, CRLF line ends). Anything PyYAML cannot dump (a bad tag, a 5,000-digit
number, 100,000 levels of nesting) goes in as :class:`Raw` text.
"""

from __future__ import annotations

import copy
import datetime
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

# --------------------------------------------------------------------------- limits


@dataclass(frozen=True, slots=True)
class Limits:
    """How far the generators may go: the suite keeps inputs small, the benchmark does not."""

    max_text: int
    """The longest string or reply made, in characters."""
    max_repeat: int
    """The most copies of one list item."""
    max_depth: int
    """The deepest nesting written as text."""
    special_files: bool
    """Whether FIFOs and ``/dev/zero`` may be used: each one that blocks costs a timeout."""
    timeout: float
    """Seconds one command may take before it counts as a hang: far above any real command
    (validating every bundled rule takes about 5 s), so a loaded machine is not a hang."""


SUITE_LIMITS = Limits(
    max_text=20_000, max_repeat=200, max_depth=3_000, special_files=False, timeout=30.0
)
"""What the tests draw: every input small enough that a case takes a fraction of a second."""

BENCH_LIMITS = Limits(
    max_text=1_000_000, max_repeat=5_000, max_depth=200_000, special_files=True, timeout=30.0
)
"""What the benchmark draws: rarely, very large inputs and special files too."""


def size(rng: random.Random, limit: int) -> int:
    """A length up to ``limit``, usually small: each power of ten is as likely as the next."""
    if limit <= 1:
        return limit
    exponent = rng.uniform(0, len(str(limit)) - 1 + rng.random())
    return max(1, min(limit, int(10**exponent)))


# --------------------------------------------------------------------------- odd text

ODD_STRINGS: tuple[str, ...] = (
    "",
    " ",
    "\t",
    "\n",
    "first line\nsecond line",
    "a\r\nb",
    "trailing\n",
    "x" * 300,
    "é",
    "\u202eevil",
    "\u200b",
    "\ufeffbom",
    "😀👍🏽‍",
    "\x00",
    "\x1b[31mred\x1b[0m",
    "\x7f\x85\u2028\u2029",
    "\ud800",
    "\udcff",
    "{{ 7*7 }}",
    "{% raw %}",
    "<script>alert(1)</script>",
    "&amp; <b>",
    "%s%s%n",
    "{0}",
    "../../../etc/passwd",
    "/dev/null",
    "late-parcel",
    "LATER",
    "null",
    "~",
    "yes",
    "no",
    "on",
    "0x1F",
    "1e9",
    "-",
    "--help",
    "#",
    ": ",
    "key: value",
    "'",
    '"',
    "\\",
    "a\u0301" * 20,
    "İstanbul ß ﬃ Ⅻ",
    "نعم",
    "中文",
    "sorry",
    "I am so sorry, I will refund you today.",
)
"""Strings that have broken parsers, renderers and terminals before."""


def odd_string(rng: random.Random, limits: Limits) -> str:
    """One odd string: a known troublemaker, random code points, or something long."""
    pick = rng.random()
    if pick < 0.5:
        return rng.choice(ODD_STRINGS)
    if pick < 0.75:
        return random_text(rng, size(rng, 200))
    if pick < 0.9:
        return rng.choice(("x", "sorry, ", "\n", "é", "😀", "a b ")) * size(rng, limits.max_text)
    return rng.choice(ODD_STRINGS) + random_text(rng, size(rng, 40)) + rng.choice(ODD_STRINGS)


_RANGES: tuple[tuple[int, int], ...] = (
    (0x20, 0x7E),
    (0x00, 0x1F),
    (0x7F, 0x9F),
    (0xA0, 0x24F),
    (0x300, 0x36F),
    (0x370, 0x3FF),
    (0x590, 0x6FF),
    (0x900, 0x97F),
    (0x2000, 0x206F),
    (0x3000, 0x30FF),
    (0x4E00, 0x4E80),
    (0xD800, 0xDFFF),
    (0xE000, 0xE0FF),
    (0xFE00, 0xFEFF),
    (0xFFF0, 0xFFFF),
    (0x1F300, 0x1F6FF),
    (0xE0000, 0xE007F),
    (0x10FF00, 0x10FFFF),
)
"""Code point ranges to draw from: ASCII, controls, combining marks, scripts written right to
left, joiners and bidi controls, CJK, lone surrogates, private use, specials, emoji, tags."""


def random_text(rng: random.Random, length: int, surrogates: bool = True) -> str:
    """Random text of ``length`` characters from all over Unicode (ASCII most often)."""
    out: list[str] = []
    for _ in range(length):
        low, high = _RANGES[0] if rng.random() < 0.5 else rng.choice(_RANGES)
        code = rng.randint(low, high)
        if not surrogates and 0xD800 <= code <= 0xDFFF:
            code = 0xFFFD
        out.append(chr(code))
    return "".join(out)


# --------------------------------------------------------------------------- YAML trees


@dataclass(frozen=True, slots=True)
class Raw:
    """YAML text put into a tree as it is: a bad tag, a huge number, deep nesting."""

    text: str


@dataclass(slots=True)
class Pairs:
    """A mapping written as its list of pairs, so a key can appear twice."""

    items: list[tuple[Any, Any]]


_PLACEHOLDER = "zqraw{}zq"

RAW_VALUES: tuple[str, ...] = (
    "!!int abc",
    "!!int 0x",
    "!!int ''",
    "!!float abc",
    "!!float 1e",
    "!!bool maybe",
    "!!timestamp junk",
    "!!timestamp 2024-13-45",
    "!!timestamp 2024-01-01T99:99:99",
    "!!null x",
    "!!binary '###'",
    "!!set {a}",
    "!!set [a]",
    "!!omap [a]",
    "!!omap {a: b}",
    "!!pairs 5",
    "!!map [a]",
    "!!seq {a: b}",
    "!!str",
    "!!merge x",
    "!!value x",
    "!custom x",
    "!!python/object:os.system x",
    "!!python/name:os.system ''",
    "!<tag:yaml.org,2002:int> 12x",
    "!<!> x",
    "2024-13-45",
    "2024-02-30",
    "0000-00-00",
    "2024-01-01 25:61:61",
    "2024-1-1T1:1:1.99999999999999Z",
    "9999-12-31T23:59:59+99:99",
    "1e400",
    "-1e400",
    ".nan",
    ".inf",
    "-.inf",
    "0x",
    "0o8",
    "0b102",
    "1_0",
    "0x" + "f" * 200,
    "190:20:30",
    "*undefined",
    "&anchor",
    "? complex",
    "[a, b",
    "{a: b",
    "|",
    ">",
    "'unterminated",
    '"\\x"',
    '"\\ud800"',
    '"\\U0010FFFF\\U00110000"',
    "@reserved",
    "`reserved",
    "%",
    "=",
    "<<",
)
"""YAML value text that PyYAML either refuses or turns into something unexpected."""


def huge_number(rng: random.Random, limits: Limits) -> Raw:
    """A whole number of 19 to many thousands of digits (Python refuses over 4,300 by default)."""
    digits = rng.choice((19, 20, 400, 4300, 4301, 5000, max(5000, size(rng, limits.max_depth))))
    sign = rng.choice(("", "-", "+"))
    return Raw(sign + "9" * digits)


def deep(rng: random.Random, limits: Limits) -> Raw:
    """Nesting written as flow text, from a little to ``limits.max_depth`` levels."""
    depth = rng.choice((10, 100, 999, 1000, 1001, size(rng, limits.max_depth)))
    opener, closer = rng.choice((("[", "]"), ("{a: ", "}"), ("[{a: ", "}]")))
    return Raw(opener * depth + "x" + closer * depth)


def alias_bomb(rng: random.Random) -> object:
    """A tree whose parts are shared so that it dumps as anchors and aliases (a YAML bomb)."""
    width = rng.choice((2, 3, 9, 10))
    levels = rng.choice((2, 5, 9, 12))
    node: object = ["lol"] * width
    for _ in range(levels):
        node = [node] * width
    return node


def odd_value(rng: random.Random, limits: Limits, pool: list[Any]) -> Any:
    """A value of a surprising type, size or form for wherever it is put."""
    pick = rng.random()
    if pick < 0.25:
        return Raw(rng.choice(RAW_VALUES))
    if pick < 0.35:
        return huge_number(rng, limits)
    if pick < 0.40:
        return deep(rng, limits)
    if pick < 0.60:
        return odd_string(rng, limits)
    if pick < 0.70 and pool:
        return copy.deepcopy(rng.choice(pool))
    return rng.choice(
        (
            0,
            -1,
            1,
            -(2**63),
            2**63,
            10**18,
            1.5,
            -0.0,
            float("inf"),
            float("nan"),
            True,
            False,
            None,
            datetime.date(2024, 1, 1),
            datetime.datetime(2024, 1, 1, 12, 0),
            {},
            [],
            [None],
            [[]],
            {"": None},
            {"a": {"b": {"c": {}}}},
            ["x"] * 3,
        )
    )


Slot = tuple[Any, Any]
"""A place in a tree: (container, key or index); the container is a dict, list or Pairs."""


def _slots(tree: Any) -> list[Slot]:
    """Every place in ``tree`` a value sits, each shared container visited once."""
    out: list[Slot] = []
    seen: set[int] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            for key in list(node):
                out.append((node, key))
                stack.append(node[key])
        elif isinstance(node, list):
            for index, item in enumerate(node):
                out.append((node, index))
                stack.append(item)
        elif isinstance(node, Pairs):
            for index, (_, value) in enumerate(node.items):
                out.append((node, index))
                stack.append(value)
    return out


def _get(slot: Slot) -> Any:
    container, key = slot
    return container.items[key][1] if isinstance(container, Pairs) else container[key]


def _set(slot: Slot, value: Any) -> None:
    container, key = slot
    if isinstance(container, Pairs):
        container.items[key] = (container.items[key][0], value)
    else:
        container[key] = value


def _scalars(tree: Any) -> list[Any]:
    """The file's own scalars (ids, text, numbers): values that make plausible mutations."""
    values = [_get(s) for s in _slots(tree)]
    return [v for v in values if isinstance(v, str | int | float | bool)]


def _mappings(tree: Any) -> list[Slot]:
    return [s for s in _slots(tree) if isinstance(_get(s), dict)]


TreeOp = Callable[[list[Any], random.Random, Limits, list[Any]], str]
"""Change the tree held in a one-item list in place; return a few words saying how."""


def _op_drop(holder: list[Any], rng: random.Random, limits: Limits, pool: list[Any]) -> str:
    slots = _slots(holder)[1:]
    if not slots:
        return "nothing to drop"
    container, key = rng.choice(slots)
    if isinstance(container, Pairs):
        del container.items[key]
    else:
        del container[key]
    return f"dropped {key!r}"


def _op_empty(holder: list[Any], rng: random.Random, limits: Limits, pool: list[Any]) -> str:
    slots = [s for s in _slots(holder) if isinstance(_get(s), dict | list)]
    if not slots:
        return "nothing to empty"
    slot = rng.choice(slots)
    value = rng.choice(({}, [], None, "", Raw("{}"), Raw("~")))
    _set(slot, value)
    return f"emptied {slot[1]!r} to {value!r}"


def _op_retype(holder: list[Any], rng: random.Random, limits: Limits, pool: list[Any]) -> str:
    slot = rng.choice(_slots(holder))
    value = odd_value(rng, limits, pool)
    _set(slot, value)
    return f"{slot[1]!r} = {_brief(value)}"


def _op_pool(holder: list[Any], rng: random.Random, limits: Limits, pool: list[Any]) -> str:
    slots = [s for s in _slots(holder) if isinstance(_get(s), str | int | float | bool)]
    if not slots or not pool:
        return "no scalars"
    slot = rng.choice(slots)
    value = rng.choice(pool)
    _set(slot, value)
    return f"{slot[1]!r} = {_brief(value)} (from the file)"


def _op_graft(holder: list[Any], rng: random.Random, limits: Limits, pool: list[Any]) -> str:
    slots = _slots(holder)
    target = rng.choice(slots)
    source = _get(rng.choice(slots))
    shared = rng.random() < 0.5
    _set(target, source if shared else copy.deepcopy(source))
    return f"{target[1]!r} = {'alias of' if shared else 'copy of'} another part"


def _op_duplicate_key(
    holder: list[Any], rng: random.Random, limits: Limits, pool: list[Any]
) -> str:
    slots = [s for s in _mappings(holder) if _get(s)]
    if not slots:
        return "no mapping"
    slot = rng.choice(slots)
    mapping = _get(slot)
    items = list(mapping.items())
    key, value = rng.choice(items)
    again = value if rng.random() < 0.5 else odd_value(rng, limits, pool)
    items.insert(rng.randint(0, len(items)), (key, again))
    _set(slot, Pairs(items))
    return f"duplicated key {key!r}"


def _op_rename_key(holder: list[Any], rng: random.Random, limits: Limits, pool: list[Any]) -> str:
    slots = [s for s in _mappings(holder) if _get(s)]
    if not slots:
        return "no mapping"
    mapping = _get(rng.choice(slots))
    old = rng.choice(list(mapping))
    new: Any = rng.choice(
        (
            old + "s" if isinstance(old, str) else old,
            odd_string(rng, limits),
            Raw(rng.choice(RAW_VALUES)),
            Raw("? [a, b]"),
            1,
            None,
            True,
            1.5,
            datetime.date(2024, 1, 1),
            Raw("2024-13-45"),
            rng.choice(pool) if pool else "x",
        )
    )
    try:
        mapping[new] = mapping.pop(old)
    except TypeError:
        return "unhashable key"
    return f"renamed {old!r} to {_brief(new)}"


def _op_add_key(holder: list[Any], rng: random.Random, limits: Limits, pool: list[Any]) -> str:
    slots = _mappings(holder)
    if not slots:
        return "no mapping"
    mapping = _get(rng.choice(slots))
    key = rng.choice(("extra", "unknown_field", "id", "nodes", "steps", "rules", "x" * 300))
    mapping[key] = odd_value(rng, limits, pool)
    return f"added key {key!r}"


def _op_list(holder: list[Any], rng: random.Random, limits: Limits, pool: list[Any]) -> str:
    slots = [s for s in _slots(holder) if isinstance(_get(s), list) and _get(s)]
    if not slots:
        return "no list"
    items: list[Any] = _get(rng.choice(slots))
    how = rng.choice(("repeat", "drop", "shuffle", "reverse", "insert", "double"))
    if how == "repeat":
        times = size(rng, limits.max_repeat)
        items.extend([rng.choice(items)] * times)
    elif how == "drop":
        del items[rng.randrange(len(items))]
    elif how == "shuffle":
        rng.shuffle(items)
    elif how == "reverse":
        items.reverse()
    elif how == "insert":
        items.insert(rng.randint(0, len(items)), odd_value(rng, limits, pool))
    else:
        items.extend(copy.deepcopy(items))
    return f"list {how}"


def _op_nest(holder: list[Any], rng: random.Random, limits: Limits, pool: list[Any]) -> str:
    slot = rng.choice(_slots(holder))
    value = _get(slot)
    for _ in range(rng.randint(1, 30)):
        value = [value] if rng.random() < 0.5 else {"a": value}
    _set(slot, value)
    return f"nested {slot[1]!r}"


def _op_bomb(holder: list[Any], rng: random.Random, limits: Limits, pool: list[Any]) -> str:
    slot = rng.choice(_slots(holder))
    _set(slot, alias_bomb(rng))
    return f"alias bomb at {slot[1]!r}"


def _op_merge(holder: list[Any], rng: random.Random, limits: Limits, pool: list[Any]) -> str:
    slots = _mappings(holder)
    if len(slots) < 2:
        return "no mappings"
    target_slot = rng.choice(slots)
    target = _get(target_slot)
    source = _get(rng.choice(slots)) if rng.random() < 0.7 else odd_value(rng, limits, pool)
    _set(target_slot, Pairs([(Raw("<<"), source), *target.items()]))
    return "merge key"


TREE_OPS: tuple[TreeOp, ...] = (
    _op_drop,
    _op_empty,
    _op_retype,
    _op_retype,
    _op_pool,
    _op_pool,
    _op_graft,
    _op_duplicate_key,
    _op_rename_key,
    _op_add_key,
    _op_list,
    _op_nest,
    _op_bomb,
    _op_merge,
)


def _brief(value: Any) -> str:
    text = repr(value.text) if isinstance(value, Raw) else repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, taught to write :class:`Pairs` (keys may repeat)."""


def _represent_pairs(dumper: yaml.SafeDumper, data: Pairs) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items)


_Dumper.add_representer(Pairs, _represent_pairs)


def _lower(tree: Any, raws: list[str], memo: dict[int, Any]) -> Any:
    """Copy ``tree`` with every :class:`Raw` replaced by a placeholder, keeping what is shared."""
    if isinstance(tree, Raw):
        raws.append(tree.text)
        return _PLACEHOLDER.format(len(raws) - 1)
    if isinstance(tree, dict | list | Pairs):
        if id(tree) in memo:
            return memo[id(tree)]
        if isinstance(tree, dict):
            out_dict: dict[Any, Any] = {}
            memo[id(tree)] = out_dict
            for key, value in tree.items():
                out_dict[_lower(key, raws, memo)] = _lower(value, raws, memo)
            return out_dict
        if isinstance(tree, list):
            out_list: list[Any] = []
            memo[id(tree)] = out_list
            out_list.extend(_lower(item, raws, memo) for item in tree)
            return out_list
        pairs = Pairs([])
        memo[id(tree)] = pairs
        pairs.items.extend((_lower(k, raws, memo), _lower(v, raws, memo)) for k, v in tree.items)
        return pairs
    return tree


def dump_yaml(tree: Any, rng: random.Random) -> str:
    """Write a (mutated) tree as YAML text, in block or flow style, :class:`Raw` text as is."""
    raws: list[str] = []
    lowered = _lower(tree, raws, {})
    text = yaml.dump(
        lowered,
        Dumper=_Dumper,
        allow_unicode=rng.random() < 0.7,
        sort_keys=False,
        default_flow_style=rng.choice((False, False, None, True)),
        width=rng.choice((80, 4096)),
    )
    # Replace from the highest number down, so that placeholder 1 never eats part of 12.
    for index in range(len(raws) - 1, -1, -1):
        text = text.replace(_PLACEHOLDER.format(index), raws[index])
    return text


def mutate_tree(
    tree: Any, rng: random.Random, limits: Limits, ops: tuple[TreeOp, ...] = TREE_OPS
) -> tuple[Any, list[str]]:
    """Apply one to four tree mutations; return the new tree and what was done."""
    pool = _scalars(tree)
    holder = [tree]
    done: list[str] = []
    for _ in range(1 + int(rng.random() * rng.random() * 4)):
        done.append(rng.choice(ops)(holder, rng, limits, pool))
    return holder[0], done


# --------------------------------------------------------------------------- bytes

_INSERTS: tuple[bytes, ...] = (
    b"\t",
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xef\xbb\xbf",
    b"\r",
    b"\n",
    b"\xe2\x80\xa8",
    b":",
    b": ",
    b"- ",
    b"---\n",
    b"...\n",
    b"{",
    b"[",
    b"&a ",
    b"*a",
    b"!",
    b"'",
    b'"',
    b"#",
    b"|",
    b"? ",
    b"%YAML 1.1\n",
    b"%TAG ! tag:x,2000:\n",
)


def mutate_bytes(data: bytes, rng: random.Random, limits: Limits) -> tuple[bytes, str]:
    """Damage a file's bytes the way editors, transfers and crashes do; say how."""
    how = rng.choice(
        (
            "truncate",
            "flip",
            "insert",
            "delete",
            "bom",
            "utf16",
            "crlf",
            "cr",
            "tabs",
            "swap-lines",
            "duplicate-line",
            "indent",
            "long-line",
            "empty",
            "blank",
            "latin1",
            "repeat",
        )
    )
    n = len(data)
    if how == "truncate" and n:
        at = rng.randrange(n)
        return data[:at], f"cut off at byte {at}"
    if how == "flip" and n:
        at = rng.randrange(n)
        return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1 :], how
    if how == "insert":
        at = rng.randint(0, n)
        piece = rng.choice(_INSERTS)
        return data[:at] + piece + data[at:], f"inserted {piece!r}"
    if how == "delete" and n:
        at = rng.randrange(n)
        return data[:at] + data[at + size(rng, 50) :], how
    if how == "bom":
        return b"\xef\xbb\xbf" + data, how
    if how == "utf16":
        return data.decode("utf-8", "replace").encode(rng.choice(("utf-16", "utf-32"))), how
    if how == "crlf":
        return data.replace(b"\n", b"\r\n"), how
    if how == "cr":
        return data.replace(b"\n", b"\r"), how
    if how == "latin1":
        return data.decode("utf-8", "replace").encode("latin-1", "replace"), how
    if how == "empty":
        return b"", how
    if how == "blank":
        return rng.choice((b" ", b"\n\n", b"# only a comment\n", b"---\n", b"~\n", b"[]\n")), how
    if how == "repeat":
        return data + b"\n---\n" + data, "two documents"
    lines = data.split(b"\n")
    at = rng.randrange(len(lines))
    if how == "tabs":
        stripped = lines[at].lstrip(b" ")
        lines[at] = b"\t" * max(1, (len(lines[at]) - len(stripped)) // 2) + stripped
    elif how == "swap-lines":
        other = rng.randrange(len(lines))
        lines[at], lines[other] = lines[other], lines[at]
    elif how == "duplicate-line":
        lines.insert(at, lines[at])
    elif how == "indent":
        lines[at] = b" " * rng.choice((1, 3, 7)) + lines[at]
    else:
        lines[at] = lines[at] + b"a" * size(rng, limits.max_text)
    return b"\n".join(lines), how


def mutate_yaml(text: str, rng: random.Random, limits: Limits) -> tuple[bytes, str]:
    """A mutated YAML file: the tree changed and dumped, the bytes damaged, or both."""
    original = text.encode("utf-8")
    if rng.random() < 0.2:
        data, how = mutate_bytes(original, rng, limits)
        return data, f"bytes: {how}"
    tree, done = mutate_tree(yaml.safe_load(text), rng, limits)
    out = dump_yaml(tree, rng).encode("utf-8", "surrogatepass")
    if rng.random() < 0.15:
        out, how = mutate_bytes(out, rng, limits)
        done.append(f"bytes: {how}")
    return out, "; ".join(done)


# --------------------------------------------------------------------------- JSON


def dump_json(tree: Any, rng: random.Random) -> str:
    """Write a (mutated) JSON tree, :class:`Raw` text as is, indented or not."""
    raws: list[str] = []

    def lower(node: Any) -> Any:
        if isinstance(node, Raw):
            raws.append(node.text)
            return _PLACEHOLDER.format(len(raws) - 1)
        if isinstance(node, dict):
            return {key: lower(value) for key, value in node.items()}
        if isinstance(node, list):
            return [lower(item) for item in node]
        return node

    text = json.dumps(
        lower(tree),
        indent=rng.choice((None, 2, 2, 1)),
        ensure_ascii=rng.random() < 0.5,
        allow_nan=True,
    )
    for index in range(len(raws) - 1, -1, -1):
        text = text.replace(f'"{_PLACEHOLDER.format(index)}"', raws[index])
    return text
