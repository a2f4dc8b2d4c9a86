"""The oracle: what every command must do with any input, and the name of each failure.

Every command, whatever it was given, must:

- exit 0, 1 or 2 (or the narrower set its :class:`~fuzzlib.case.Call` names);
- let no exception escape and print no traceback;
- finish within its timeout and its memory limit;
- write every message on one line, each in a shape a person or an editor can use:
  ``file:line:col: message`` (a problem in a file), ``error: …``, ``warning: …``,
  ``note: …``, ``written to …``, or click's usage error (``Usage: …`` / ``Try …`` /
  ``Error: …``);
- when it fails (exit 1) over a file it was given (``Call.about``), name that file with a
  line and a column inside it;
- go on serving a good scenario beside a bad one (``Call.expect_out`` and the ``control``
  calls, which must exit 0).

For transcripts there is one more rule: a debrief or a report that calls an edited
transcript intact ("verified"), while the part its hash chain protects differs from the
original, is an undetected edit.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fuzzlib.case import CASE, Call, Case, Outcome, Run
from fuzzlib.harness import last_line_of as last_line
from fuzzlib.transcripts import content, parse, rehash

KINDS: tuple[str, ...] = (
    "traceback",
    "hang",
    "memory",
    "crash",
    "exit-code",
    "unpositioned",
    "undetected-edit",
    "good-file-lost",
)
"""Every kind of failure, in the order the benchmark prints them."""

POSITIONED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<message>\S.*)$")
"""``file:line:col: message``, as editors and linters read it."""

_ONE_LINE_SHAPES = (
    POSITIONED,
    re.compile(r"^(error|warning|note): \S"),
    re.compile(r"^written to \S"),
    re.compile(r"^Error: \S"),
    re.compile(r"^Try '.+' for help\.$"),
)
_USAGE = re.compile(r"^Usage: \S")


@dataclass(frozen=True, slots=True)
class Failure:
    """One way one command failed the oracle."""

    kind: str
    call: int
    """The index of the command in its case."""
    command: str
    """The subcommand (``validate``, ``debrief``…), ``analyse`` or ``roleplay``."""
    detail: str
    """One line a person can read: the traceback's last line, the offending message…"""
    signature: str
    """The failure's class, the same for every input and command it shows in, for grouping."""


def command_name(call: Call) -> str:
    """The subcommand a call runs (``validate``, ``score``…), or ``analyse`` or ``roleplay``."""
    if call.kind != "cli":
        return call.kind
    from roleplay.cli import cli

    known = cli.commands  # type: ignore[attr-defined]
    return next((a for a in call.argv if a in known), "roleplay")


def _generalise(text: str, root: Path | None = None) -> str:
    """Take out what varies between inputs of one class: paths, numbers, quoted values."""
    if root is not None:
        text = text.replace(str(root), CASE)
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "…", text)
    text = re.sub(r"(\{case\}|/)[^\s:,)]*", "PATH", text)
    text = re.sub(r"\d+", "N", text)
    return text[:120]


def _frames(trace: str) -> list[str]:
    """Each frame of a traceback as ``package/module.py:function``."""
    found = re.findall(r'File "([^"]+)", line \d+, in (\S+)', trace)
    out = []
    for file, function in found:
        parts = Path(file).parts
        short = "/".join(parts[-2:]) if "roleplay" not in parts else _after(parts, "roleplay")
        out.append(f"{short}:{function}")
    return out


def _after(parts: tuple[str, ...], name: str) -> str:
    index = len(parts) - 1 - parts[::-1].index(name)
    return "/".join(parts[index:])


def trace_signature(trace: str) -> str:
    """A traceback's class: the exception type, the innermost roleplay frame, the last frame."""
    end = last_line(trace)
    kind = end.split(":", 1)[0]
    frames = _frames(trace)
    ours = [f for f in frames if f.startswith("roleplay/") and "/cli.py:main" not in f]
    where = ours[-1] if ours else "?"
    deepest = frames[-1] if frames else "?"
    return f"{kind} at {where}" + (f" (raised in {deepest})" if deepest != where else "")


def _lines_of(case: Case, path: str, root: Path) -> int | None:
    """How many lines the case's file at ``path`` has, or None when it is not a file of ours."""
    prefix = f"{root}/"
    if not path.startswith(prefix):
        return None
    entry = case.entry(path[len(prefix) :])
    if entry is None or entry.kind != "file":
        return None
    text = entry.content.decode("utf-8", "replace")
    return max(entry.content.count(b"\n"), len(text.splitlines())) + 1


def _regular(case: Case, about: str, root: Path) -> bool:
    """Whether ``about`` is a regular file of the case or a folder holding only those."""
    relative = about.replace(CASE, str(root))[len(str(root)) + 1 :]
    entry = case.entry(relative)
    if entry is not None:
        return entry.kind == "file"
    inside = [e for e in case.entries if e.path.startswith(relative + "/")]
    return all(e.kind == "file" for e in inside)


def terminal_lines(text: str) -> list[str]:
    """The lines a terminal (or an editor reading ``file:line:col``) shows: split at newlines.

    Not ``str.splitlines``, which also splits at characters such as U+0085 and U+2028 that a
    terminal prints within the line.
    """
    return [line.removesuffix("\r") for line in text.split("\n")]


def _problem_code(line: str) -> str:
    """The ``[code]`` a problem line ends with, or its first words when it has none."""
    found = re.search(r"\[([a-z-]+)\]$", line.strip())
    return f"[{found.group(1)}]" if found else _generalise(line.removeprefix("error: "))[:60]


def _check_messages(
    case: Case, index: int, call: Call, outcome: Outcome, root: Path
) -> list[Failure]:
    failures: list[Failure] = []
    name = command_name(call)
    lines = terminal_lines(outcome.stderr)
    in_usage = False
    for line in lines:
        if not line.strip():
            in_usage = False
            continue
        if _USAGE.match(line):
            in_usage = True
            continue
        if in_usage and line[:1].isspace():
            continue
        in_usage = False
        if any(shape.match(line) for shape in _ONE_LINE_SHAPES):
            found = POSITIONED.match(line)
            if found and not _inside(case, found, root):
                detail = f"position outside the file: {line[:200]}"
                failures.append(
                    Failure("unpositioned", index, name, detail, "a position outside the file")
                )
            continue
        detail = f"not a one-line message: {line[:200]!r}"
        failures.append(Failure("unpositioned", index, name, detail, "a message of two lines"))
        break
    if outcome.code == 1 and call.about is not None:
        about = call.about.replace(CASE, str(root))
        named = [
            m
            for m in map(POSITIONED.match, lines)
            if m and (m["file"] == about or m["file"].startswith(about + "/"))
        ]
        mentioned = any(about in line for line in lines)
        if not named and not (mentioned and not _regular(case, call.about, root)):
            first = next((line for line in lines if line.strip()), "(nothing on stderr)")
            detail = f"exit 1 without naming the file with a line and column: {first[:200]}"
            signature = f"exit 1 without the file's line and column: {_generalise(first, root)}"
            failures.append(Failure("unpositioned", index, name, detail, signature))
    return failures


def _inside(case: Case, found: re.Match[str], root: Path) -> bool:
    """Whether a position names a real line and column of the case's file (when it is ours),
    or ``0:0``, which roleplay writes for a problem of the file as a whole (too large, say)."""
    if found["line"] == "0" and found["col"] == "0":
        return True
    total = _lines_of(case, found["file"], root)
    if total is None:
        return True
    line, col = int(found["line"]), int(found["col"])
    return 1 <= line <= total + 1 and col >= 1


def find_trace(outcome: Outcome) -> str | None:
    """The traceback a command let out: the exception that escaped, or one it printed."""
    if outcome.error is not None:
        return outcome.error
    for stream in (outcome.stderr, outcome.stdout):
        at = stream.find("Traceback (most recent call last)")
        if at >= 0:
            return stream[at:]
    return None


def judge_call(case: Case, index: int, outcome: Outcome, root: Path) -> list[Failure]:
    """Every way one command of ``case`` failed the oracle (an empty list when it passed)."""
    call = case.calls[index]
    name = command_name(call)
    if outcome.fate == "skipped":
        return []
    if outcome.fate in ("hang", "memory", "crash"):
        detail = last_line(outcome.error or outcome.stderr) or f"no answer in {call.timeout:g} s"
        return [Failure(outcome.fate, index, name, detail[:200], outcome.fate)]
    trace = find_trace(outcome)
    if trace is not None:
        end = last_line(trace)
        kind = "memory" if end.startswith("MemoryError") else "traceback"
        return [Failure(kind, index, name, end[:200], trace_signature(trace))]
    failures: list[Failure] = []
    if outcome.code not in call.codes:
        kind = "good-file-lost" if call.codes == frozenset({0}) else "exit-code"
        first = next((line for line in outcome.stderr.splitlines() if line.strip()), "")
        detail = f"exit {outcome.code}: {first[:200]}"
        signature = f"exit {outcome.code}: {_problem_code(first)}"
        failures.append(Failure(kind, index, name, detail, signature))
    if call.expect_out is not None and call.expect_out not in outcome.stdout:
        detail = f"{call.expect_out!r} missing from the output"
        failures.append(Failure("good-file-lost", index, name, detail, "no longer listed"))
    failures.extend(_check_messages(case, index, call, outcome, root))
    return failures


# --------------------------------------------------------------------------- transcripts


def claims_intact(integrity: Any) -> bool:
    """Whether an integrity verdict says the transcript is as it was saved.

    Only a plain "verified" (or "signed … and verified") claims that; an ``EDITED``,
    ``unsigned`` or ``damaged`` verdict does not.
    """
    if isinstance(integrity, dict):
        if "ok" in integrity:
            return integrity["ok"] is True and not integrity.get("problems")
        integrity = integrity.get("status") or integrity.get("text") or ""
    if not isinstance(integrity, str):
        return False
    text = integrity.strip().lower()
    return text.startswith("verified") or text.startswith("signed with a centre key and verified")


def _json_out(outcome: Outcome) -> Any:
    try:
        return json.loads(outcome.stdout)
    except ValueError:
        return None


def _shown(card: Any) -> Any:
    """What a debrief shows of an attempt, less its verdict on integrity."""
    if not isinstance(card, dict):
        return card
    return {k: v for k, v in card.items() if k not in ("integrity", "warnings")}


def _changed_fields(before: Any, after: Any) -> list[str]:
    """The protected fields that differ, turn fields named as ``turns[].reply``."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return ["the whole file"]
    changed: list[str] = []
    for name in ("format", "id", "scenario", "framework", "learner", "mode", "started"):
        if before.get(name) != after.get(name):
            changed.append(name)
    for name in ("finished", "ruleset", "opening", "outcome", "warnings"):
        if before.get(name) != after.get(name):
            changed.append(name)
    old, new = before.get("turns"), after.get("turns")
    if old != new:
        if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
            fields = {
                f"turns[].{key}"
                for a, b in zip(old, new, strict=True)
                if isinstance(a, dict) and isinstance(b, dict)
                for key in set(a) | set(b)
                if a.get(key) != b.get(key)
            }
            changed.extend(sorted(fields) or ["turns"])
        else:
            changed.append("turns (added, removed or reshaped)")
    return changed or ["number forms"]


def judge_transcript(case: Case, run: Run) -> list[Failure]:
    """Undetected edits: a debrief or report calling an edited transcript intact."""
    roles = {call.role: i for i, call in enumerate(case.calls) if call.role}
    if "edited" not in roles:
        return []
    original = case.entry("cohort/original.json")
    edited = case.entry("cohort/attempt.json")
    if original is None or edited is None or edited.kind != "file":
        return []
    before, after = parse(original.content), parse(edited.content)
    really_edited = content(before) != content(after)
    failures: list[Failure] = []
    index = roles["edited"]
    outcome = run.outcomes[index]
    card = _json_out(outcome) if outcome.code == 0 else None
    if card is not None and claims_intact(card.get("integrity")):
        control = _json_out(run.outcomes[roles["control"]]) if "control" in roles else None
        shown_differs = control is not None and _shown(control) != _shown(card)
        if really_edited or shown_differs:
            fields = _changed_fields(before, after) if really_edited else ["what the debrief shows"]
            detail = f"says {card.get('integrity')!r} but {', '.join(fields)} changed"
            failures.append(
                Failure("undetected-edit", index, "debrief", detail, _edit_class(after))
            )
    if "report" in roles and really_edited:
        report = run.outcomes[roles["report"]]
        for row in _csv_rows(report.stdout):
            if row.get("file", "").endswith("attempt.json") and claims_intact(row.get("integrity")):
                fields = _changed_fields(before, after)
                detail = f"says {row.get('integrity')!r} but {', '.join(fields)} changed"
                failures.append(
                    Failure(
                        "undetected-edit", roles["report"], "report", detail, _edit_class(after)
                    )
                )
    return failures


def _edit_class(after: Any) -> str:
    """Whether the edited file re-hashes as anyone can without a key, or was only edited."""
    if isinstance(after, dict):
        again = copy.deepcopy(after)
        rehash(again)
        if again.get("integrity") == after.get("integrity") and again == after:
            return "called intact after an edit re-hashed without the centre key"
    return "called intact after an edit (the chain not re-hashed)"


def _csv_rows(text: str) -> list[dict[str, str]]:
    try:
        return list(csv.DictReader(io.StringIO(text)))
    except csv.Error:
        return []


# --------------------------------------------------------------------------- a whole case


def judge(case: Case, run: Run) -> list[Failure]:
    """Every failure of every command of ``case``, in order."""
    failures: list[Failure] = []
    for index, outcome in enumerate(run.outcomes):
        failures.extend(judge_call(case, index, outcome, run.root))
    failures.extend(judge_transcript(case, run))
    return failures


def explain(case: Case, run: Run, failures: list[Failure]) -> str:
    """A report of a failing case a person can act on: what was done, what went wrong, how."""
    lines = [f"{case.surface}: {case.label}"]
    for failure in failures:
        call = case.calls[failure.call]
        outcome = run.outcomes[failure.call]
        lines.append(f"  [{failure.kind}] {failure.signature}: {call.describe()}")
        lines.append(f"      {failure.detail}")
        if outcome.error:
            lines.extend("      | " + line for line in outcome.error.strip().splitlines()[-8:])
        elif outcome.stderr.strip():
            lines.extend("      | " + line for line in outcome.stderr.strip().splitlines()[:6])
    return "\n".join(lines)
