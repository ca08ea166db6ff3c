"""Fuzzing the command line (issue 11.9): random argument lists drawn from the real parser
(its subcommands, options and choices, read from ``build_parser()`` so a new command or
option is fuzzed the day it is added) and from values a hand types, wrong ones included,
run in-process through ``scoreledger.cli.main``: the exit status is never 3 and nothing
prints a traceback.

Each example runs in a fresh folder holding a small ledger, a revision file, JSON Lines
files good and bad, a text file and an empty file; ``-`` reads a small standard input.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ledger import Ledger
from ledger.events import EVENT_TYPES
from scoreledger.cli import build_parser, main

BASE = [
    {"id": "u-city", "type": "unit_registered", "at": "2016-01-04", "unit": "city",
     "name": "市总工会", "kind": "city"},
    {"id": "u-gulou", "type": "unit_registered", "at": "2016-01-04", "unit": "gulou",
     "name": "鼓楼区总工会", "kind": "county", "parent": "city"},
    {"id": "s1", "type": "submission", "at": "2016-03-01T09:00", "unit": "gulou",
     "info": "GL-1", "title": "鼓楼区推进职工书屋建设"},
    {"id": "a1", "type": "adoption", "at": "2016-03-02", "info": "GL-1",
     "outlet": "city.union.bulletin"},
]  # fmt: skip
FILES = {
    "events.jsonl": '{"id": "x1", "type": "activity", "at": "2016-05-01", "unit": "gulou",'
    ' "activity": "meeting"}\n',
    "bad.jsonl": '{"type": "activity", "at": "2016-13-01", "unit": "moon"}\n{not json\n',
    "rev.toml": 'id = "fuzz-r1"\nextends = "dalian-2011"\n[override."submission"]\npoints = "1"\n',
    "notes.txt": "not a database\n" * 10,
    "empty.sqlite": "",
}

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=10)
_DB = ["base.sqlite", "base.sqlite", "missing.sqlite", "notes.txt", "empty.sqlite", ".",
       "rev.toml", "postgresql://nobody@127.0.0.1:1/none", "sub/dir/new.sqlite"]  # fmt: skip
#: Values by an argument's dest; any other argument draws from all of them and _TEXT.
VALUES: dict[str, list[str]] = {
    "db": _DB,
    "files": ["events.jsonl", "bad.jsonl", "-", "missing.jsonl", "notes.txt", "rev.toml",
              "rows.csv", "book.xlsx", "old.xls", "."],
    "ruleset": ["dalian-2011", "jiangsu-2016", "changzhou-2016", "suzhou-2015",
                "county-targets", "rev.toml", "bad.jsonl", "dalian", "", "missing.toml"],
    "period": ["2016", "2016Q1", "2016H2", "2016-03", "2011", "2011Q3", "0000", "0000Q1",
               "9999Q4", "2016Q5", "2016-13", "2016H3", "", "20161", "-2016", "２０１６"],
    "as_of": ["2016-12-31T00:00:00Z", "2016-12-31", "2016-12-31T23:59:59+08:00",
              "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "now", "",
              "2016-02-30T00:00:00", "1e9"],
    "unit": ["gulou", "city", "nobody", "", "GULOU", "鼓楼"],
    "output": ["out.xlsx", "out.csv", "out.json", "-", "sub/none/out.xlsx", ".",
               "base.sqlite", "notes.txt"],
    "recorded_by": ["clerk", "", " clerk", "a\nb", "x" * 101, "办公室"],
    "encoding": ["utf-8", "gbk", "utf-16", "latin-1", "nope"],
    "types": [*EVENT_TYPES, "bogus", ""],
    "batch_events": ["1", "0", "-1", "x", "1000000000000", "2.5"],
    "expect": ["1:" + "0" * 64, "4:abc", "0:", "x", "99999999999999999999:00"],
    "anchors": ["rev.toml", "missing.txt", "notes.txt", "events.jsonl"],
}  # fmt: skip
VALUES["against"] = VALUES["ruleset"]
VALUES["against_as_of"] = VALUES["as_of"]
VALUES["src"] = VALUES["dst"] = _DB
ALL_VALUES = sorted({v for values in VALUES.values() for v in values})


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> Iterator[Any]:
    """(command words, its parser) of every command that takes no further subcommand."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
    for action in subs:
        for name, sub in action.choices.items():
            yield from _commands(sub, (*path, name))


COMMANDS = sorted(_commands(build_parser(), ()), key=lambda c: c[0])


def _value(dest: str, action: argparse.Action) -> st.SearchStrategy[str]:
    known = list(action.choices or []) + VALUES.get(dest, [])
    if action.choices:
        known += ["bogus", str(next(iter(action.choices))).upper()]
    pool = st.sampled_from(known) if known else st.sampled_from(ALL_VALUES)
    return st.integers(1, 10).flatmap(
        lambda n: pool if n <= 8 else st.sampled_from(ALL_VALUES) if n == 9 else _TEXT
    )


@st.composite
def argv(draw: st.DrawFn) -> list[str]:
    """An argument list: a real command, some of its options with values, its positionals
    (now and then one missing, one extra, an unknown option or a stray word)."""
    words, parser = draw(st.sampled_from(COMMANDS))
    out = list(words)
    options, positionals = [], []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        (options if action.option_strings else positionals).append(action)
    # Required options nearly always (else every report stops at the first missing one).
    chosen = [a for a in options if a.required and draw(st.integers(1, 12)) < 12]
    chosen += draw(st.lists(st.sampled_from(options), max_size=4)) if options else []
    chosen = draw(st.permutations(chosen))
    for action in chosen:
        out.append(draw(st.sampled_from(action.option_strings)))
        if action.nargs != 0:
            out.append(draw(_value(action.dest, action)))
    for action in positionals:
        count = {"?": draw(st.integers(0, 1)), "*": draw(st.integers(0, 2)),
                 "+": draw(st.integers(1, 2))}.get(str(action.nargs), 1)  # fmt: skip
        positionals_of = [draw(_value(action.dest, action)) for _ in range(count)]
        out.extend(positionals_of)
    roll = draw(st.integers(1, 12))
    if roll == 12 and len(out) > len(words):
        del out[draw(st.integers(len(words), len(out) - 1))]
    elif roll == 11:
        out.insert(draw(st.integers(0, len(out))), draw(st.sampled_from(["--bogus", "-x", "--"])))
    elif roll == 10:
        out.append(draw(_TEXT))
    elif roll == 9:
        out.append(draw(st.sampled_from(["--help", "--version"])))
    return out


@contextmanager
def _in_fresh_folder(template: Path) -> Iterator[Path]:
    old = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(template, tmp, dirs_exist_ok=True)
        os.chdir(tmp)
        try:
            yield Path(tmp)
        finally:
            os.chdir(old)


@contextmanager
def _streams(stdin: bytes) -> Iterator[tuple[io.TextIOWrapper, io.TextIOWrapper]]:
    saved = sys.stdin, sys.stdout, sys.stderr
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    sys.stdout, sys.stderr = out, err
    try:
        yield out, err
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8", "replace")


_TEMPLATE: list[Path] = []


def _template() -> Path:
    """The files every example starts from (made once, copied for each example)."""
    if not _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="fuzz-cli-"))
        with Ledger.open(folder / "base.sqlite", create=True) as ledger:
            ledger.append_many(BASE)
        for name, text in FILES.items():
            (folder / name).write_text(text, encoding="utf-8")
        _TEMPLATE.append(folder)
    return _TEMPLATE[0]


@given(args=argv(), stdin=st.sampled_from([b"", FILES["events.jsonl"].encode(), b"\xff\n"]))
def test_no_argument_list_ends_in_an_internal_error(args: list[str], stdin: bytes):
    with _in_fresh_folder(_template()), _streams(stdin) as (out, err):
        status = main(args)
    stderr = _text(err)
    _text(out)
    assert status != 3, (args, stderr)
    assert status in (0, 1, 2), (args, status, stderr)
    assert "Traceback" not in stderr, (args, stderr)
    if status == 2:
        assert stderr.strip(), args
