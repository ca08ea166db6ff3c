"""The command line's help (issue 13.6): every command and option explained, an example for
every command that really runs, and did-you-mean on mistyped commands, options, codes,
ruleset ids and unit ids — each a one-line error with exit status 2."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scoreledger.cli import build_parser
from scoreledger.cli_help import EXAMPLES, subcommands
from vocabulary.suggest import close_match, did_you_mean

COMMANDS = dict(subcommands(build_parser()))


def test_every_command_has_examples_and_every_argument_a_help_line() -> None:
    assert set(COMMANDS) <= set(EXAMPLES), f"no example for {set(COMMANDS) - set(EXAMPLES)}"
    for name, parser in COMMANDS.items():
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                assert all(a.help for a in action._choices_actions), name
                continue
            shown = action.option_strings or [action.metavar or action.dest]
            assert action.help and action.help != argparse.SUPPRESS, f"{name} {shown}: no help"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_shows_the_examples(cli, name: str) -> None:
    out = cli(*name.split(), "--help")
    assert out.returncode == 0
    assert "examples:\n" in out.stdout
    for example in EXAMPLES[name]:
        assert f"  {example}\n" in out.stdout


def test_every_example_runs_in_order_in_an_empty_folder(tmp_path: Path) -> None:
    # The examples are written to be pasted in order; `scoreledger` is this checkout's.
    define = f'scoreledger() {{ "{sys.executable}" -m scoreledger "$@"; }}'
    seen: set[str] = set()
    for name, examples in EXAMPLES.items():
        for example in examples:
            if example in seen:
                continue
            seen.add(example)
            proc = subprocess.run(
                ["bash", "-c", f"set -e -o pipefail\n{define}\n{example}"],
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=120,
                env={**os.environ, "COLUMNS": "80"},
                check=False,
            )
            assert proc.returncode == 0, f"{name}: {example}\n{proc.stderr}"
            assert "Traceback" not in proc.stderr
    assert (tmp_path / "circular.xlsx").stat().st_size > 0
    assert (tmp_path / "score.csv").read_text(encoding="utf-8-sig").startswith("ruleset,")


def test_close_match_ignores_case_and_leaves_far_words_alone() -> None:
    assert close_match("Adoption", ["adoption", "activity"]) == "adoption"
    assert close_match("shahekuo", ["shahekou", "ganjingzi"]) == "shahekou"
    assert close_match("bogus", ["adoption", "activity"]) is None
    assert close_match(None, ["adoption"]) is None
    assert did_you_mean("adoption", ["adoption"]) == ""  # the word itself: nothing to add
    assert did_you_mean("adoptoin", ["adoption"]) == "; did you mean 'adoption'?"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from scoreledger.demo import run_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    with open(os.devnull, "w") as sink:
        run_demo(str(path), sink)
    return path


Q3 = ("--ruleset", "dalian-2011", "--period", "2011Q3")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("scor",), "usage: argument COMMAND: invalid choice: 'scor'; did you mean 'score'? "),
        (("--verison",), "usage: unrecognized arguments: --verison; did you mean '--version'?"),
        (("rules", "shwo"), "invalid choice: 'shwo'; did you mean 'show'? (choose from"),
        (("score", "DB", *Q3, "--formt", "json"), "score: unrecognized arguments: --formt json; "
         "did you mean '--format'? (see --help)"),
        (("explain", "DB", *Q3, "--unit", "shahekou", "--lnag", "zh", "--ouput", "x"),
         "did you mean '--lang', '--output'?"),
        (("score", "DB", *Q3, "--format", "jsn"), "--format: invalid choice: 'jsn'; did you mean"
         " 'json'? (choose from 'text', 'json', 'csv', 'xlsx')"),
        (("score", "DB", "--ruleset", "dalain-2011", "--period", "2011Q3"),
         "nor a revision file; did you mean 'dalian-2011'?"),
        (("explain", "DB", *Q3, "--unit", "shahekuo"),
         "unit 'shahekuo': not a registered unit under dalian-2011 for 2011Q3; "
         "did you mean 'shahekou'?"),
        (("score", "DB", *Q3, "--unit", "nobody"), "not a registered unit under dalian-2011 for "
         "2011Q3\n"),
    ],
)  # fmt: skip
def test_usage_mistakes_name_the_closest_choice(cli, demo: Path, args, line: str) -> None:
    out = cli(*(str(demo) if a == "DB" else a for a in args))
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.count("\n") == 1 and out.stderr.startswith("scoreledger: ")
    assert line in out.stderr


@pytest.mark.parametrize(
    ("event", "line"),
    [
        ({"type": "adoptoin", "info": "x", "outlet": "city.union.bulletin", "unit": "shahekou"},
         "type: unknown type \"adoptoin\"; expected one of unit_registered, unit_changed, "
         "submission, adoption,"),
        ({"type": "adoption", "info": "x", "outlet": "city.union.bulletn", "unit": "shahekou"},
         "city.union.internal; did you mean 'city.union.bulletin'?"),
        ({"type": "instruction", "info": "x", "level": "city_unoin", "unit": "shahekou"},
         "level: unknown leader level 'city_unoin'; expected one of central, acftu, province, "
         "province_union, city, city_union; did you mean 'city_union'?"),
        ({"type": "adoption", "info": "x", "outlet": "city.union.bulletin", "unit": "shahekuo"},
         "unit: unit 'shahekuo' is not registered earlier in the log or this import; "
         "did you mean 'shahekou'?"),
        ({"type": "adoption", "info": "x", "outlet": "city.union.bulletin", "unti": "shahekou"},
         "unti: unknown field; did you mean 'unit'?"),
        ({"type": "activity", "unit": "shahekou", "activity": "meetign"},
         "did you mean 'meeting'?"),
    ],
)  # fmt: skip
def test_mistyped_codes_and_units_in_events(cli, demo: Path, tmp_path: Path, write_jsonl,
                                            event, line: str) -> None:  # fmt: skip
    path = write_jsonl(tmp_path / "bad.jsonl", [{"id": "bad-1", "at": "2011-07-01", **event}])
    out = cli("import", demo, path)
    assert out.returncode == 2
    first, rest = out.stderr.split("\n", 1)
    assert first.startswith(f"scoreledger: {path}:1: ")
    assert line in first
    assert rest == "scoreledger: nothing was appended\n"
