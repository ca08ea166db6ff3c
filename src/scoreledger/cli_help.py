"""Help for the command line: an example for every command, and did-you-mean on usage errors.

The examples are commands a newcomer can paste in order in an empty folder (the first
makes ``demo.sqlite``); ``tests/test_cli_help.py`` runs every one of them.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn

from ledger.errors import LedgerError
from vocabulary.suggest import close_match, did_you_mean

#: Examples per command ("rules show" for a nested one), in the order they run.
EXAMPLES: dict[str, tuple[str, ...]] = {
    "demo": ("scoreledger demo demo.sqlite",),
    "export": ("scoreledger export demo.sqlite > events.jsonl",),
    "template": (
        "scoreledger template --output records.xlsx",
        "scoreledger template --output units.csv unit_registered",
    ),
    "import": (
        "scoreledger import copy.sqlite events.jsonl",
        "scoreledger import copy.sqlite - < events.jsonl  # again: every event a duplicate",
        "scoreledger import copy.sqlite records.xlsx units.csv  # filled templates",
    ),
    "copy": (
        "scoreledger copy demo.sqlite backup.sqlite  # the same seq, times and hashes",
        "scoreledger copy events.jsonl restored.sqlite  # from an export",
    ),
    "verify": (
        "scoreledger verify demo.sqlite",
        "scoreledger circular demo.sqlite --ruleset dalian-2011 --period 2011Q3 > circular.txt",
        "scoreledger verify demo.sqlite --anchors circular.txt  # still holds its head?",
    ),
    "rules": ("scoreledger rules list", "scoreledger rules show dalian-2011"),
    "rules list": ("scoreledger rules list",),
    "rules show": (
        "scoreledger rules show dalian-2011",
        "scoreledger rules show jiangsu-2016 --format json",
        "scoreledger rules show suzhou-2015 --lang zh",
    ),
    "score": (
        "scoreledger score demo.sqlite --ruleset dalian-2011 --period 2011Q3",
        "scoreledger score demo.sqlite --ruleset dalian-2011 --period 2011Q1..2011Q3 "
        "--format csv --output score.csv",
    ),
    "explain": (
        "scoreledger explain demo.sqlite --ruleset dalian-2011 --period 2011Q3 --unit shahekou",
        "scoreledger explain demo.sqlite --ruleset suzhou-2015 --period 2015 --unit gusu "
        "--format json",
    ),
    "diff": (
        "scoreledger diff demo.sqlite --period 2016 --ruleset jiangsu-2016 "
        "--against changzhou-2016",
        "scoreledger diff demo.sqlite --period 2016H2 --ruleset jiangsu-2016 "
        "--against changzhou-2016 --format json",
    ),
    "circular": (
        "scoreledger circular demo.sqlite --ruleset dalian-2011 --period 2011Q1..2011Q3 --lang zh",
        "scoreledger circular demo.sqlite --ruleset dalian-2011 --period 2011 "
        "--format xlsx --output circular.xlsx",
    ),
    "projections": (
        "scoreledger projections demo.sqlite",
        "scoreledger projections demo.sqlite --rebuild --ruleset dalian-2011 --period 2011Q3",
    ),
}

#: The main help's epilog: where a newcomer starts.
START = (
    "scoreledger demo demo.sqlite",
    "scoreledger explain demo.sqlite --ruleset dalian-2011 --period 2011Q3 --unit shahekou",
    "scoreledger COMMAND --help  # every option of one command, with examples",
)


class Formatter(argparse.HelpFormatter):
    """argparse's formatter, except that an ``examples:`` epilog keeps its lines."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def epilog(examples: Sequence[str]) -> str:
    return "examples:\n" + "\n".join(f"  {example}" for example in examples)


def subcommands(
    parser: argparse.ArgumentParser, prefix: str = ""
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every (nested) subcommand as ``("rules show", parser)``, depth first."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield prefix + name, sub
                yield from subcommands(sub, f"{prefix}{name} ")


def add_examples(parser: argparse.ArgumentParser) -> None:
    """Put each command's examples (EXAMPLES) in its help's epilog."""
    parser.formatter_class = Formatter
    parser.epilog = epilog(START)
    for name, sub in subcommands(parser):
        sub.formatter_class = Formatter
        if name in EXAMPLES:
            sub.epilog = epilog(EXAMPLES[name])


class UsageError(LedgerError):
    """Bad arguments: reported as one line, exit 2."""


_INVALID_CHOICE = re.compile(r"invalid choice: (?P<value>'[^']*'|\"[^\"]*\") \(choose from ")


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line instead of a usage block, with the
    closest command, option or choice when one is close (``scor`` -> ``score``)."""

    def error(self, message: str) -> NoReturn:
        where = self.prog.removeprefix("scoreledger").strip() or "usage"
        found = _INVALID_CHOICE.search(message)
        if found:
            choices = re.findall(r"'([^']*)'", message[found.end() :])
            hint = did_you_mean(found["value"][1:-1], choices)
            message = message[: found.end("value")] + hint + message[found.end("value") :]
        raise UsageError(f"{where}: {message} (see --help)")

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        # Extras are reported by the main parser, which no longer knows which subcommand
        # they were given to: find it, to say which of its options was meant.
        given = list(sys.argv[1:] if args is None else args)
        first = given[0].partition("=")[0] if given else ""
        if first.startswith("-") and not any(o.startswith(first) for o in _options(self)):
            # An unknown option before the command (--verison): argparse would only say
            # that the command is missing.
            self.error(f"unrecognized arguments: {first}{did_you_mean(first, _options(self))}")
        ns, extras = self.parse_known_args(given, namespace)
        if extras:
            chosen = _chosen(self, ns)
            options = _options(chosen)
            meant = [close_match(x.partition("=")[0], options) for x in extras if x[:1] == "-"]
            hints = ", ".join(repr(option) for option in meant if option)
            hint = f"; did you mean {hints}?" if hints else ""
            chosen.error(f"unrecognized arguments: {' '.join(extras)}{hint}")
        return ns


def _chosen(parser: argparse.ArgumentParser, ns: argparse.Namespace) -> argparse.ArgumentParser:
    """The (innermost) subcommand's parser that `ns` was parsed with."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            name: Any = getattr(ns, action.dest, None)
            if name in action.choices:
                return _chosen(action.choices[name], ns)
    return parser


def _options(parser: argparse.ArgumentParser) -> list[str]:
    return [option for action in parser._actions for option in action.option_strings]
