"""The command line: parses arguments, calls the domain core, prints, picks the exit code.

Exit codes follow ``design.md``: 0 on success, 1 on a user error (a bad file, bad input)
with one ``error: …`` line per problem on stderr and no traceback, 2 on bad usage. Heavy
imports stay inside the commands that need them, so ``roleplay score "…"`` starts fast.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from queue import Empty, Queue
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

import click

from roleplay.core.errors import InputError, InvalidFileError, RoleplayError, UnknownIdError
from roleplay.core.settings import PLAYTHROUGH_SEED, PLAYTHROUGHS

if TYPE_CHECKING:
    from roleplay.core.analysis import Analysis, Evidence
    from roleplay.core.frameworks import Framework
    from roleplay.core.library import ScenarioLibrary
    from roleplay.core.problems import Problem
    from roleplay.core.review import Review
    from roleplay.core.roster import Roster
    from roleplay.core.scenario import LoadedScenario, Scenario

_SURROGATE = re.compile("[\ud800-\udfff]")

MAX_LINE_BYTES = 8 * 1024 * 1024
"""A replies-file line longer than this is refused rather than read into memory whole."""


def _fail(message: str) -> NoReturn:
    """Print one ``error: …`` line and exit 1: the answer to every user error.

    A newline in the message (from a file name or a value) is shown as ``\\n``, so the
    error stays on one line.
    """
    from roleplay.core.problems import one_line

    click.echo(f"error: {one_line(message)}", err=True)
    sys.exit(1)


def _folder_option(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Check a ``--scenarios`` folder as soon as it is given, the same way for every command."""
    if value is None:
        return None
    from roleplay.core.files import folder_problem

    why = folder_problem(value)
    if why is not None:
        _fail(f"{value}: {why}")
    return value


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="roleplay", message="roleplay %(version)s")
@click.option(
    "--scenarios",
    "folder",
    type=click.Path(path_type=Path),
    callback=_folder_option,
    help="With no command: also offer the scenarios in this folder (a tutor's own).",
)
@click.pass_context
def cli(ctx: click.Context, folder: Path | None) -> None:
    """Practise handling a customer complaint, and see exactly why each reply scored as it did.

    Every judgement names the rule that made it and quotes the learner's own words. With no
    command, on a terminal, opens the app on the scenario picker.
    """
    if ctx.invoked_subcommand is not None:
        return
    if not _can_run_app():
        click.echo(ctx.get_help())
        return
    from roleplay.core.settings import signed_in_learner
    from roleplay.tui.app import make_app

    _run_app(make_app(scenarios=folder, learner=signed_in_learner()))


def _can_run_app() -> bool:
    """Whether the app can take over the screen: a terminal both ways, or textual-serve's driver.

    Piped or in CI, ``roleplay`` prints its commands instead of waiting on a screen no one sees.
    Under ``roleplay serve`` the app's input and output are pipes to the server, and
    textual-serve names its web driver in ``TEXTUAL_DRIVER``.
    """
    if os.environ.get("TEXTUAL_DRIVER"):
        return True
    return sys.stdin.isatty() and sys.stdout.isatty()


def _run_app(app: Any) -> None:
    """Run the Textual app until the learner quits; exit with its code if it failed."""
    app.run()
    if isinstance(app.return_code, int) and app.return_code:
        sys.exit(app.return_code)


def _framework(framework_id: str | None) -> Framework | None:
    if framework_id is None:
        return None
    from roleplay.core.frameworks import get_framework

    try:
        return get_framework(framework_id)
    except UnknownIdError as exc:
        _fail(f"unknown framework '{exc.given}'; known frameworks: {', '.join(exc.known)}")


def _check_scenario(scenario_id: str | None) -> Scenario | None:
    """The scenario named with ``--scenario`` (an id or a path), or None when none was."""
    if scenario_id is None:
        return None
    return _load_scenario(scenario_id, None).scenario


def _score_record(
    analysis: Analysis, framework: Framework | None, scenario: Scenario | None = None
) -> dict[str, Any]:
    from roleplay.core.frameworks import coverage

    record = analysis.to_dict()
    if scenario is not None:
        from roleplay.core.facts import reply_facts

        facts = reply_facts(analysis.reply, analysis, scenario)
        record["findings"] = [f.to_dict() for f in facts.findings]
    if framework is not None:
        cov = coverage(framework, [analysis])
        record["framework"] = {
            "id": framework.id,
            "steps": [{"id": s.id, "met": s.met} for s in cov.steps],
            "score": cov.score,
        }
    return record


@cli.command()
@click.argument("text", required=False)
@click.option(
    "--jsonl",
    "jsonl",
    type=click.Path(dir_okay=False, allow_dash=True),
    help='Score replies from a JSONL file of {"id", "reply", "customer"?} objects ("-" for stdin).',
)
@click.option("--framework", "framework_id", help="Also report a model's steps (LATER, HEAT, …).")
@click.option(
    "--scenario", "scenario_id", help="The scenario the replies belong to (an id or a path)."
)
@click.option("--customer", help="The customer's message that TEXT answers.")
@click.option("--json", "as_json", is_flag=True, help="Print TEXT's result as JSON.")
@click.option("--explain", is_flag=True, help="Also show matches that did not count, and why.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="With --jsonl: how many processes score the replies (default: every core).",
)
def score(
    text: str | None,
    jsonl: str | None,
    framework_id: str | None,
    scenario_id: str | None,
    customer: str | None,
    as_json: bool,
    explain: bool,
    jobs: int | None,
) -> None:
    """Analyse replies without a conversation: which moves and red flags each makes, and why."""
    if (text is None) == (jsonl is None):
        raise click.UsageError("give either TEXT or --jsonl FILE, not both and not neither")
    framework = _framework(framework_id)
    scenario = _check_scenario(scenario_id)
    from roleplay.core.analyse import analyse

    try:
        if jsonl is not None:
            _score_jsonl(jsonl, framework, explain, scenario, jobs or _default_jobs())
            return
        assert text is not None
        analysis = analyse(_clean(text), _clean(customer) if customer is not None else None)
    except InvalidFileError as exc:
        _print_problems(exc.problems)
        _fail("the cue rules are broken; run 'roleplay validate' for details")
    record = _score_record(analysis, framework, scenario)
    if as_json:
        if not explain:
            record.pop("matches", None)
        else:
            record["set_aside"] = [_explained(e) for e in analysis.suppressed]
            record["matches"] = [_explained(e) for e in analysis.evidence]
        click.echo(json.dumps(record, ensure_ascii=False))
        return
    click.echo(_readable(analysis, record, explain))


def _explained(evidence: Evidence) -> dict[str, Any]:
    """One match as JSON for ``--explain``, with what a parse rule matched when it was one."""
    out = evidence.to_dict()
    if evidence.detail:
        out["matched"] = evidence.detail
    return out


def _readable(analysis: Analysis, record: dict[str, Any], explain: bool) -> str:
    """Format one analysis for a person: each id with its rule and quoted words."""
    lines: list[str] = []
    for heading, ids in (("Moves", analysis.moves), ("Red flags", analysis.flags)):
        lines.append(f"{heading}: {', '.join(ids) if ids else 'none'}")
        for move_id in ids:
            for ev in analysis.evidence_for(move_id):
                lines.append(f'  {move_id:<17} "{_one_line(ev.quote)}"  [{ev.rule}]')
                if explain and ev.detail:
                    lines.append(f"  {'':<17} matched: {ev.detail}")
    framework = record.get("framework")
    if framework:
        met = sum(1 for s in framework["steps"] if s["met"])
        lines.append(
            f"Framework {framework['id']}: {met} of {len(framework['steps'])} steps "
            f"in this reply ({framework['score']}/100)"
        )
        for step in framework["steps"]:
            lines.append(f"  [{'x' if step['met'] else ' '}] {step['id']}")
    if explain and analysis.suppressed:
        lines.append("Set aside (did not count):")
        for ev in analysis.suppressed:
            lines.append(f'  {ev.move:<17} "{_one_line(ev.quote)}"  [{ev.rule}]: {ev.note}')
            if ev.detail:
                lines.append(f"  {'':<17} matched: {ev.detail}")
    if analysis.truncated:
        lines.append(f"Note: {analysis.truncation_note()}.")
    lines.append(f"Rule set {analysis.ruleset}")
    return "\n".join(lines)


def _one_line(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _clean(text: str) -> str:
    """Replace lone surrogates (half an emoji pair, undecodable bytes) with U+FFFD.

    They can arrive through valid JSON escapes or the command line, and cannot be written
    out as UTF-8; one character for one keeps every evidence offset true.
    """
    return _SURROGATE.sub("\ufffd", text)


def _lines(source: str) -> Iterator[tuple[int, str]]:
    """Yield (line number, text) from a file or stdin, tolerating invalid UTF-8 bytes.

    A line too long to read is reported as an :class:`InputError` carrying its own number.
    """
    stream: io.BufferedReader | io.BytesIO
    if source == "-":
        stream = sys.stdin.buffer  # type: ignore[assignment]
    else:
        try:
            stream = open(source, "rb")  # noqa: SIM115 - closed in finally
        except OSError as exc:
            _fail(f"{source}: cannot read: {exc.strerror or exc}")
    try:
        number = 0
        while True:
            raw = stream.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            number += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                limit = MAX_LINE_BYTES // (1024 * 1024)
                raise InputError(f"{number}: line is longer than {limit} MB")
            yield number, raw.decode("utf-8", errors="replace")
    finally:
        if source != "-":
            stream.close()


BATCH_LINES = 32
"""Replies scored together: parsed in one batch, and handed to a worker process at once."""


def _default_jobs() -> int:
    """Every core this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_Item = tuple[int, Any, str, "str | None"]
"""One line to score: its number, its id, the reply and the customer's message."""

_Scored = tuple[str, str]
"""One scored line: the JSON line to write, and a note for stderr ("" for none)."""

_worker: tuple[Framework | None, Scenario | None, bool, str] | None = None
"""What a worker process scores with: the framework, the scenario, --explain, the input's name."""


def _start_worker(
    framework: Framework | None, scenario: Scenario | None, explain: bool, name: str
) -> None:
    """Set up a worker process of ``score --jsonl --jobs N``.

    Ctrl+C is left to the parent, which stops the workers: a worker never prints a
    traceback of its own.
    """
    import signal

    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker = (framework, scenario, explain, name)


def _score_batch_in_worker(items: list[_Item]) -> list[_Scored]:
    assert _worker is not None
    return _score_batch(items, *_worker)


def _score_batch(
    items: list[_Item],
    framework: Framework | None,
    scenario: Scenario | None,
    explain: bool,
    name: str,
) -> list[_Scored]:
    """Score a batch of lines, in order: one JSON line each, and a note for a long reply."""
    from roleplay.core.analyse import analyse_many

    analyses = analyse_many([(reply, customer) for _n, _id, reply, customer in items])
    out: list[_Scored] = []
    for (number, line_id, _reply, _customer), analysis in zip(items, analyses, strict=True):
        note = ""
        if analysis.truncated:
            note = f"note: {name}:{number}: {analysis.truncation_note()}"
        record = {"id": line_id, **_score_record(analysis, framework, scenario)}
        if not explain:
            record.pop("matches", None)
        out.append((json.dumps(record, ensure_ascii=False) + "\n", note))
    return out


def _read_items(source: str, name: str) -> Iterator[_Item]:
    """Yield every reply of a JSONL file in order; raise InputError at the first bad line."""
    from roleplay.core.jsontext import read_json

    number = 0
    try:
        for number, line in _lines(source):
            if number == 1:
                line = line.removeprefix("\ufeff")  # a byte-order mark is not part of the JSON
            if not line.strip():
                continue
            item, problem = read_json(line, name, first_line=number, what="the line")
            if problem is not None:
                raise InputError(f"{problem.message} (at column {problem.col})")
            if not isinstance(item, dict):
                raise InputError('each line must be a JSON object with a "reply"')
            reply = item.get("reply")
            if not isinstance(reply, str):
                raise InputError('the object has no "reply" string')
            customer = item.get("customer")
            customer = _clean(customer) if isinstance(customer, str) else None
            line_id = item.get("id", number)
            line_id = _clean(line_id) if isinstance(line_id, str) else line_id
            yield number, line_id, _clean(reply), customer
    except InputError as exc:
        message = str(exc)
        where, _, rest = message.partition(": ")
        if where.isdigit():  # raised while reading: the error names its own line
            raise InputError(f"{name}:{where}: {rest}") from None
        raise InputError(f"{name}:{number or 1}: {message}") from None


def _batches(items: Iterator[_Item], size: int) -> Iterator[list[_Item]]:
    """Group the items into lists of at most ``size``: as many as have been read so far.

    A thread reads ahead, so a large file is scored in full batches while a program that
    feeds one reply and waits for its answer gets it at once. The lines before a bad one
    come as a last batch, then the bad line's error is raised.
    """
    queue: Queue[tuple[str, Any]] = Queue(maxsize=size * 8)

    def read() -> None:
        try:
            for item in items:
                queue.put(("item", item))
        except BaseException as exc:  # handed over, and raised again where it is read
            queue.put(("error", exc))
        else:
            queue.put(("end", None))

    threading.Thread(target=read, name="roleplay-score-reader", daemon=True).start()
    kind, value = queue.get()
    while True:
        batch: list[_Item] = []
        while kind == "item" and len(batch) < size:
            batch.append(value)
            try:
                kind, value = queue.get_nowait()
            except Empty:
                kind = "wait"
        if batch:
            yield batch
        if kind == "end":
            return
        if kind == "error":
            raise value
        if kind == "wait":
            kind, value = queue.get()


def _score_jsonl(
    source: str,
    framework: Framework | None,
    explain: bool,
    scenario: Scenario | None = None,
    jobs: int = 1,
) -> None:
    """Score every line of a JSONL file, in order, in ``jobs`` processes.

    Every line before a bad one is written before the bad one is reported, however many
    processes score them.
    """
    from roleplay.core.analyse import analyse_many

    name = "<stdin>" if source == "-" else source
    analyse_many([("", None)])  # the rules load here, so broken rules stop the run at once
    stop: InputError | None = None

    def good_batches() -> Iterator[list[_Item]]:
        nonlocal stop
        try:
            yield from _batches(_read_items(source, name), BATCH_LINES)
        except InputError as exc:
            stop = exc

    batches = good_batches()
    for batch in batches:
        if jobs > 1 and len(batch) == BATCH_LINES:
            # Lines come faster than one process scores them: the workers take over.
            rest = itertools.chain([batch], batches)
            _score_in_processes(rest, framework, scenario, explain, name, jobs)
            break
        _write_scored(_score_batch(batch, framework, scenario, explain, name))
    if stop is not None:
        _fail(str(stop))


def _write_scored(scored: list[_Scored]) -> None:
    out: TextIO = sys.stdout
    for line, note in scored:
        if note:
            click.echo(note, err=True)
        out.write(line)
    out.flush()


def _score_in_processes(
    batches: Iterable[list[_Item]],
    framework: Framework | None,
    scenario: Scenario | None,
    explain: bool,
    name: str,
    jobs: int,
) -> None:
    """Score the batches in ``jobs`` worker processes, writing the results in input order.

    The workers start from this process as it is (``fork``, where there is one), with the
    rules and the language model already loaded.
    """
    import multiprocessing

    from roleplay.core.analyse import warm_up

    warm_up()  # loaded once here, the model is shared by every forked worker
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with context.Pool(
        jobs, initializer=_start_worker, initargs=(framework, scenario, explain, name)
    ) as pool:
        for scored in pool.imap(_score_batch_in_worker, batches):
            _write_scored(scored)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--warnings/--no-warnings",
    "show_warnings",
    default=None,
    help="List warnings one a line (default: for the paths given; for the bundled files "
    "they are only counted).",
)
@click.option(
    "--playthroughs",
    type=click.IntRange(0, 1000),
    default=PLAYTHROUGHS,
    show_default=True,
    help="Random play-throughs of each scenario, read for lines that ask for what was "
    "given, repeat, or never end (0: none).",
)
@click.option(
    "--seed",
    type=int,
    default=PLAYTHROUGH_SEED,
    show_default=True,
    help="The seed of the play-throughs; each warning names it, so they can be replayed.",
)
def validate(
    paths: tuple[str, ...], show_warnings: bool | None, playthroughs: int, seed: int
) -> None:
    """Check scenario, rubric and cue-rule files (default: all bundled).

    Scenarios are linted (unreachable nodes, dead ends, undefined references), their
    self-tests played, and they are played at random from a seed, every customer line read;
    cue rules are proved against their examples. Each problem is printed as
    file:line:col: message. Warnings do not fail; exits 1 if any problem is an error.
    """
    from roleplay.core.problems import Severity
    from roleplay.core.validate import Plays, validate_paths

    problems, checked = validate_paths([Path(p) for p in paths], Plays(playthroughs, seed))
    errors = [p for p in problems if p.severity is Severity.ERROR]
    warnings = [p for p in problems if p.severity is Severity.WARNING]
    listed = bool(paths) if show_warnings is None else show_warnings
    _print_problems([p for p in problems if listed or p.severity is Severity.ERROR])
    summary = f"{checked} file(s) checked: {_count(len(errors), 'error')}, "
    summary += _count(len(warnings), "warning")
    if warnings and not listed:
        summary += " (list them with --warnings)"
    click.echo(summary)
    if errors:
        sys.exit(1)


def _count(number: int, noun: str) -> str:
    return f"{number or 'no'} {noun}{'' if number == 1 else 's'}"


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, with each brief.")
@click.option(
    "--scenarios",
    "folder",
    type=click.Path(path_type=Path),
    callback=_folder_option,
    help="Also list the scenarios in this folder (a tutor's own).",
)
def list_scenarios(as_json: bool, folder: Path | None) -> None:
    """List the scenarios: id, title, sector, channel and difficulty.

    A file that cannot be loaded is reported on stderr and left out of the list.
    """
    scenarios = [loaded.scenario for loaded in _library(folder).all()]
    if as_json:
        records = [
            {
                "id": s.id,
                "title": s.title,
                "sector": s.sector,
                "channel": s.channel.value,
                "difficulty": s.difficulty.value,
                "brief": s.brief,
            }
            for s in scenarios
        ]
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
    else:
        rows = [("ID", "TITLE", "SECTOR", "CHANNEL", "DIFFICULTY")]
        rows += [(s.id, s.title, s.sector, s.channel.value, s.difficulty.value) for s in scenarios]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            click.echo("  ".join([*cells, row[-1]]))


def _library(folder: Path | None) -> ScenarioLibrary:
    """The bundled scenarios and ``folder``'s, read now; each file set aside is reported.

    One broken file never stops the others: its problems are printed as
    ``file:line:col: message`` and the command goes on with the scenarios that loaded.
    """
    from roleplay.core.library import ScenarioLibrary

    library = ScenarioLibrary.load(folder)
    _report_set_aside(library)
    return library


def _report_set_aside(library: ScenarioLibrary) -> None:
    """Print the problems of the files a library set aside (once it has read its folders)."""
    if not library.is_read:
        return
    _print_problems(library.problems)
    files = library.set_aside()
    if files:
        count = f"{len(files)} scenario file{'s' if len(files) != 1 else ''}"
        click.echo(f"note: {count} set aside because of the problems above", err=True)


def _load_scenario(ref: str, folder: Path | None) -> LoadedScenario:
    """Find a scenario by path, or by id among the bundled ones and ``folder``'s.

    A broken file elsewhere in the folders does not stop a good scenario from loading:
    it is reported and set aside.
    """
    from roleplay.core.library import ScenarioLibrary

    library = ScenarioLibrary(folder)
    try:
        loaded = library.find(ref)
    except InvalidFileError as exc:
        _print_problems(exc.problems)
        _fail(f"cannot load scenario '{ref}'; run 'roleplay validate {ref}' for details")
    except UnknownIdError as exc:
        _report_set_aside(library)
        _fail(f"unknown scenario '{ref}'; known: {', '.join(exc.known) or 'none'}")
    _report_set_aside(library)
    return loaded


@cli.command()
@click.argument("scenario_ref", metavar="SCENARIO")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mermaid", "dot"]),
    default="mermaid",
    show_default=True,
    help="Mermaid (for Markdown) or Graphviz DOT (for 'dot -Tsvg').",
)
@click.option(
    "--scenarios",
    "folder",
    type=click.Path(path_type=Path),
    callback=_folder_option,
    help="Also look for SCENARIO's id in this folder (a tutor's own).",
)
def graph(scenario_ref: str, fmt: str, folder: Path | None) -> None:
    """Draw a scenario's branching graph (SCENARIO is an id or a path)."""
    loaded = _load_scenario(scenario_ref, folder)
    from roleplay.render.graph import render_graph

    click.echo(render_graph(loaded.scenario, "dot" if fmt == "dot" else "mermaid"), nl=False)


@cli.command()
@click.argument("kind", type=click.Choice(["scenario", "rubric", "lexicon"]), default="rubric")
def schema(kind: str) -> None:
    """Print the JSON Schema of a file kind, generated from the models that validate it."""
    if kind == "scenario":
        from roleplay.core.scenario import scenario_schema

        click.echo(json.dumps(scenario_schema(), indent=2, ensure_ascii=False))
    elif kind == "rubric":
        from roleplay.core.frameworks import framework_schema

        click.echo(json.dumps(framework_schema(), indent=2, ensure_ascii=False))
    else:
        from roleplay.core.parse_rules import MoveFile

        click.echo(json.dumps(MoveFile.model_json_schema(), indent=2, ensure_ascii=False))


@cli.command("centre-key")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Keep the key in this file (default: centre.key in roleplay's settings folder).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace a key file that exists: transcripts signed with the old key can then no "
    "longer be checked here.",
)
@click.option("--show", is_flag=True, help="Also print the key itself (keep it secret).")
def centre_key_command(out: Path | None, force: bool, show: bool) -> None:
    """Make a new centre key and keep it in a file only you can read.

    Transcripts saved where the key is set are signed: nobody without the key can edit one
    and make it check out again. Copy the file to every machine of the centre and set
    ROLEPLAY_CENTRE_KEY_FILE to its path there. The key itself is not printed unless asked.
    """
    import shlex

    from roleplay.core.keys import KEY_FILE_ENV, create_key_file, default_key_file, new_key
    from roleplay.core.transcript import key_fingerprint

    path = (out or default_key_file()).absolute()
    key = new_key()
    create_key_file(path, key, force=force)
    lines = [
        f"A new centre key is in {path} (only you can read it).",
        f"Its fingerprint is {key_fingerprint(key)}: transcripts signed with it name this.",
        "",
        "On every machine of the centre, copy the file there (readable only by the account "
        f"that runs roleplay) and set {KEY_FILE_ENV} to its path, for instance:",
        f"  export {KEY_FILE_ENV}={shlex.quote(str(path))}    (Linux, macOS: in ~/.profile)",
        f'  setx {KEY_FILE_ENV} "{path}"    (Windows)',
        "Keep a copy somewhere safe: a transcript signed with a lost key cannot be checked.",
    ]
    if show:
        lines += ["", f"The key: {key}"]
    click.echo("\n".join(lines))


def _warn_about_the_key_file() -> None:
    """Warn (without stopping) when the centre key file can be read by other users."""
    from roleplay.core.keys import key_file_warning

    warning = key_file_warning()
    if warning is not None:
        click.echo(f"warning: {warning}", err=True)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; every expected failure becomes an ``error:`` line, not a traceback."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="roleplay")
    except InvalidFileError as exc:
        _print_problems(exc.problems)
        count = len(exc.problems)
        _fail(f"cannot go on: {count} problem{'s' if count != 1 else ''} above")
    except RoleplayError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (``roleplay score --jsonl f | head``): nothing left to say.
        sys.stderr.close()
        sys.exit(0)


def _read_replies(source: str) -> list[str]:
    """Read learner replies: one a line, or a YAML list (a ``.yaml`` file or ``- `` lines).

    A file must be a regular file of at most ``MAX_FILE_BYTES``; a pipe is read with ``-``.
    """
    from roleplay.core.files import MAX_FILE_BYTES, path_kind, read_file, size_text
    from roleplay.core.problems import Problem

    if source == "-":
        raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            _fail(f"<stdin>: more than {size_text(MAX_FILE_BYTES)} of replies")
    else:
        read = read_file(source)
        if isinstance(read, Problem):
            hint = "; to read replies from a pipe, use '--replies -'"
            _fail(f"{source}: {read.message}" + (hint if path_kind(source) == "other" else ""))
        raw = read
    text = _clean(raw.decode("utf-8", errors="replace"))
    if source.endswith((".yaml", ".yml")) or text.lstrip().startswith("- "):
        from roleplay.core.source import load_yaml

        data, _smap, problems = load_yaml(source, text)
        if problems:
            _print_problems(problems)
            _fail(f"{source}: not a YAML list of replies")
        if not isinstance(data, list) or not all(isinstance(r, str) for r in data):
            _fail(f"{source}: expected a YAML list of replies (text)")
        replies = [r for r in data if r.strip()]
    else:
        replies = [line for line in text.splitlines() if line.strip()]
    if not replies:
        _fail(f"{source}: no replies in the file")
    return replies


def _note_truncated(turns: Sequence[Any]) -> None:
    """Say on stderr which turns' replies were too long to score whole."""
    for turn in turns:
        if turn.analysis.truncated:
            click.echo(f"note: turn {turn.number}: {turn.analysis.truncation_note()}", err=True)


def _write(text: str, out: Path | None) -> None:
    """Print, or write ``text`` to ``out`` atomically and say where it went.

    A lone surrogate (which only an edited file can carry) is written as U+FFFD, since no
    UTF-8 output can hold it.
    """
    text = _SURROGATE.sub("\ufffd", text)
    if out is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    from roleplay.core.files import export_target
    from roleplay.core.transcript import write_atomic

    target = export_target(out)
    if isinstance(target, str):
        _fail(f"{out}: cannot write: {target}")
    try:
        write_atomic(target, text.encode("utf-8"), private=False)
    except OSError as exc:
        _fail(f"{out}: cannot write: {exc.strerror or exc}")
    from roleplay.core.problems import one_line

    click.echo(one_line(f"written to {out}"), err=True)


def _render(done: Review, fmt: str) -> str:
    """The review of an attempt as JSON, HTML or Markdown: one review, every view."""
    if fmt == "json":
        from roleplay.render.json import dumps, review_json

        return dumps(review_json(done))
    if fmt == "html":
        from roleplay.render.html import scorecard_html

        return scorecard_html(done)
    from roleplay.render.markdown import scorecard_markdown

    return scorecard_markdown(done)


_ROSTER_OPTION = click.option(
    "--roster",
    "roster_file",
    type=click.Path(path_type=Path),
    help="The roster file (default: serve/roster.json in roleplay's data folder).",
)

_SCENARIOS_OPTION = click.option(
    "--scenarios",
    "folder",
    type=click.Path(path_type=Path),
    callback=_folder_option,
    help="Also look for scenario ids in this folder (a tutor's own).",
)


@cli.command()
@click.argument("scenario_ref", metavar="SCENARIO")
@click.option(
    "--replies",
    "replies_file",
    required=True,
    help="The learner's replies: one a line, or a YAML list ('-' for stdin).",
)
@click.option(
    "--framework", "framework_id", help="The model to score against (default: the scenario's)."
)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "md", "html"]), default="md", show_default=True
)
@click.option("--out", type=click.Path(path_type=Path), help="Write to this file instead.")
@click.option("--learner", default="learner", show_default=True, help="The learner's name.")
@_SCENARIOS_OPTION
def run(
    scenario_ref: str,
    replies_file: str,
    framework_id: str | None,
    fmt: str,
    out: Path | None,
    learner: str,
    folder: Path | None,
) -> None:
    """Play a scenario headless with scripted replies; print the transcript and scorecard.

    The JSON it writes is itself a transcript that 'debrief' and 'report' accept.
    """
    import tempfile

    from roleplay.core.review import review_live
    from roleplay.core.transcript import Attempt, centre_key

    loaded = _load_scenario(scenario_ref, folder)
    framework = _framework(framework_id)
    replies = _read_replies(replies_file)
    _warn_about_the_key_file()
    with (
        tempfile.TemporaryDirectory(prefix="roleplay-run-") as scratch,
        Attempt.start(
            loaded,
            learner,
            framework=framework.id if framework else None,
            folder=scratch,
        ) as attempt,
    ):
        used = 0
        for reply in replies:
            if attempt.finished:
                break
            attempt.step(reply)
            used += 1
        data = attempt.data()
        done = review_live(attempt, key=centre_key())
    _note_truncated(done.card.turns)
    unused = len(replies) - used
    extra: dict[str, Any] = {}
    if unused:
        extra["unused_replies"] = unused
        were = "reply was" if unused == 1 else "replies were"
        click.echo(
            f"note: the conversation ended at turn {used}; {unused} {were} not used", err=True
        )
    if fmt == "json":
        from roleplay.render.json import dumps, run_json

        _write(dumps({**run_json(done, data), **extra}), out)
    else:
        _write(_render(done, fmt), out)


@cli.command()
@click.argument("transcript", type=click.Path(path_type=Path))
@click.option("--framework", "framework_id", help="Re-score under another model.")
@click.option(
    "--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True
)
@click.option("--out", type=click.Path(path_type=Path), help="Write to this file instead.")
@_SCENARIOS_OPTION
def debrief(
    transcript: Path, framework_id: str | None, fmt: str, out: Path | None, folder: Path | None
) -> None:
    """The scorecard of a saved attempt, recomputed from its replies (under any model)."""
    from roleplay.core.analysis_cache import AnalysisCache
    from roleplay.core.review import review
    from roleplay.core.transcript import centre_key, load_transcript

    framework = _framework(framework_id)
    _warn_about_the_key_file()
    try:
        saved = load_transcript(transcript)
    except InvalidFileError as exc:
        _print_problems(exc.problems)
        _fail(f"{transcript}: not a transcript roleplay can read")
    library = _library(folder)
    cache = AnalysisCache()
    try:
        done = review(
            saved,
            framework.id if framework else None,
            library,
            key=centre_key(),
            analyser=cache.analyse,
        )
    except UnknownIdError as exc:
        if exc.kind != "scenario":
            raise
        from roleplay.core.problems import Problem
        from roleplay.core.transcript import field_position

        line, col = field_position(transcript, ("scenario", "id"))
        _print_problems([Problem(str(transcript), line, col, "unknown-scenario", str(exc))])
        _fail(f"{transcript}: its scenario is not here; name its folder with --scenarios")
    cache.save()
    _note_truncated(done.card.turns)
    if done.integrity is not None and not done.integrity.proof.counts:
        click.echo(f"warning: {transcript}: {done.integrity.text}", err=True)
    _write(_render(done, fmt), out)


@cli.command()
@click.argument("scenario_ref", metavar="SCENARIO")
@click.option(
    "--framework", "framework_id", help="The model to practise (default: the scenario's)."
)
@click.option(
    "--mode",
    type=click.Choice(["practice", "assessment"]),
    default=None,
    help="Practice (with hints) or assessment (none). Default: the last one chosen.",
)
@click.option("--learner", help="Your name (default: the name last used, else 'learner').")
@_SCENARIOS_OPTION
def play(
    scenario_ref: str,
    framework_id: str | None,
    mode: str | None,
    learner: str | None,
    folder: Path | None,
) -> None:
    """Open the app straight into a conversation (SCENARIO is an id or a path)."""
    loaded = _load_scenario(scenario_ref, folder)
    framework = _framework(framework_id)
    if learner is not None and not learner.strip():
        _fail("--learner needs a name")
    if not _can_run_app():
        _fail(
            "'roleplay play' needs an interactive terminal; to play headless, use "
            "'roleplay run SCENARIO --replies FILE'"
        )
    from roleplay.core.settings import load_settings
    from roleplay.tui.app import Choices, make_app

    settings = load_settings()
    remembered = settings.get("learner")
    name = learner or (remembered if isinstance(remembered, str) and remembered.strip() else "")
    last_mode = settings.get("mode")
    choices = Choices(
        learner=_clean(name.strip()) or "learner",
        framework=framework.id if framework else None,
        mode=mode or (last_mode if last_mode in ("practice", "assessment") else "practice"),
    )
    _run_app(make_app(scenarios=folder, start=loaded, choices=choices))


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on. Anything but this computer (127.0.0.1, ::1, localhost) "
    "lets others on the network reach the server.",
)
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="The port."
)
@_ROSTER_OPTION
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="HOST[:PORT]",
    help="Also answer to this host name (behind a reverse proxy). Repeatable.",
)
@click.option(
    "--allow-origin",
    "allow_origins",
    multiple=True,
    metavar="URL",
    help="Also accept pages from this origin, such as https://class.example.org. Repeatable.",
)
@_SCENARIOS_OPTION
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    roster_file: Path | None,
    allow_hosts: tuple[str, ...],
    allow_origins: tuple[str, ...],
    folder: Path | None,
) -> None:
    """Serve the app in a web browser, each visitor's work kept apart.

    With learners on the roster ('roleplay roster add NAME'), each signs in with their code.
    With none, each browser gets a private space of its own, kept by a cookie.
    """
    from roleplay.serve import AddressError, ServeError, serve_app

    if folder is not None and not folder.is_dir():
        _fail(f"{folder}: no such folder")
    explicit = ctx.get_parameter_source("host") is click.core.ParameterSource.COMMANDLINE
    try:
        serve_app(
            host=host,
            port=port,
            scenarios=folder,
            allow_remote=explicit,
            roster=roster_file,
            allow_hosts=allow_hosts,
            allow_origins=allow_origins,
        )
    except AddressError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except InvalidFileError as exc:
        _fail(str(exc.problems[0]))
    except ServeError as exc:
        _fail(str(exc))


@cli.group(invoke_without_command=True)
@click.pass_context
def roster(ctx: click.Context) -> None:
    """The learners who may sign in to 'roleplay serve', each with their own code."""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


def _roster_path(given: Path | None) -> Path:
    from roleplay.core.roster import default_roster_path

    return given if given is not None else default_roster_path()


def _load_roster(path: Path) -> Roster:
    from roleplay.core.roster import load_roster

    try:
        return load_roster(path)
    except InvalidFileError as exc:
        _fail(str(exc.problems[0]))


def _change_roster(
    path: Path, change: Callable[[Roster], tuple[Roster, Any]]
) -> tuple[Roster, Any]:
    """Change the roster under its lock (a second command waits for the first)."""
    from roleplay.core.roster import change_roster

    try:
        return change_roster(path, change)
    except InvalidFileError as exc:
        _fail(str(exc.problems[0]))


@roster.command("add")
@click.argument("name")
@_ROSTER_OPTION
def roster_add(name: str, roster_file: Path | None) -> None:
    """Add a learner and print their code: shown this once, so give it to them now."""
    path = _roster_path(roster_file)
    changed, code = _change_roster(path, lambda found: found.add(_clean(name)))
    added = changed.learners[-1]
    click.echo(f"Added {added.name}. Their code: {code}")
    click.echo("Give it to them now: it is not kept and cannot be shown again.", err=True)


@roster.command("list")
@_ROSTER_OPTION
def roster_list(roster_file: Path | None) -> None:
    """List the learners (never their codes) and the folders their work is kept in."""
    from roleplay.core.roster import learner_home

    path = _roster_path(roster_file)
    found = _load_roster(path)
    if not found.learners:
        click.echo(f"No learners on {path}; add one with 'roleplay roster add NAME'.", err=True)
        return
    width = max(len(learner.name) for learner in found.learners)
    for learner in found.learners:
        folder = learner_home(path.absolute(), learner)
        click.echo(
            f"{learner.name:<{width}}  added {learner.added[:10]}  "
            f"code set {learner.code_set[:10]}  {folder}"
        )


@roster.command("remove")
@click.argument("name")
@_ROSTER_OPTION
def roster_remove(name: str, roster_file: Path | None) -> None:
    """Remove a learner: their code stops working at once. Their attempts are kept."""
    from roleplay.core.roster import learner_home

    path = _roster_path(roster_file)
    _, gone = _change_roster(path, lambda found: found.remove(_clean(name)))
    click.echo(f"Removed {gone.name}; their work stays in {learner_home(path.absolute(), gone)}")


@roster.command("reset-code")
@click.argument("name")
@_ROSTER_OPTION
def roster_reset_code(name: str, roster_file: Path | None) -> None:
    """Give a learner a new code (the old one stops working) and print it once."""
    path = _roster_path(roster_file)
    changed, code = _change_roster(path, lambda found: found.reset_code(_clean(name)))
    learner = changed.find(name)
    click.echo(f"New code for {learner.name if learner else name}: {code}")
    click.echo("Give it to them now: it is not kept and cannot be shown again.", err=True)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "html"]), default="csv", show_default=True
)
@click.option("--out", type=click.Path(path_type=Path), help="Write to this file instead.")
@click.option("--framework", "framework_id", help="Re-score every attempt under this model.")
@_SCENARIOS_OPTION
def report(
    paths: tuple[Path, ...],
    fmt: str,
    out: Path | None,
    framework_id: str | None,
    folder: Path | None,
) -> None:
    """One row an attempt, for a cohort: transcripts or folders of them."""
    from roleplay.core.files import path_problem
    from roleplay.core.report import report_rows
    from roleplay.render.report import report_csv, report_html

    framework = _framework(framework_id)
    _warn_about_the_key_file()
    for path in paths:
        why = path_problem(path)
        if why is not None:
            _fail(f"{path}: {why}")
    rows = report_rows(paths, framework.id if framework else None, folder, _library(folder))
    if not rows:
        _fail("no transcripts found in " + ", ".join(str(p) for p in paths))
    _write(report_csv(rows) if fmt == "csv" else report_html(rows), out)
