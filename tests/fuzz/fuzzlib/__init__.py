"""Fuzzing roleplay as a hostile user would, shared by the fuzz tests and the fuzz benchmark.

The tests in ``tests/fuzz`` draw a few inputs per surface through hypothesis on every run;
``benchmarks/fuzz.py`` draws tens of thousands from the same generators and judges them by
the same oracle. Neither copies the other's code: both import this package.

- :mod:`fuzzlib.case`: what one input is (files to create, commands to run) and what
  running it gave.
- :mod:`fuzzlib.mutate`: structure-aware mutation of YAML (the parsed tree, then the text)
  and of transcripts (the JSON tree, then the text), and odd text of every kind.
- :mod:`fuzzlib.surfaces`: one generator per surface a user can reach: scenario, rubric and
  cue-rule files, replies, transcripts and command-line arguments.
- :mod:`fuzzlib.harness`: runs a case's commands in-process (click's test runner) inside a
  worker process with a time and a memory limit, or as real ``roleplay`` processes.
- :mod:`fuzzlib.oracle`: judges every command: exit 0, 1 or 2; no traceback; every message
  one line, and a bad file named with its line and column; no hang, no memory blow-up; an
  edited transcript never called intact; a good scenario beside a bad one still usable.
- :mod:`fuzzlib.strategies`: the generators as hypothesis strategies, and the settings the
  suite runs them with.
"""
