"""Options every report command shares: --format, --output FILE and --lang."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from ledger.errors import LedgerError

from .render.labels import LANGS


def add_output_options(p: argparse.ArgumentParser, formats: list[str]) -> None:
    """--format (first of `formats` by default), --output FILE, --lang en|zh."""
    p.add_argument(
        "--format",
        choices=formats,
        default=formats[0],
        help=f"output format: {', '.join(formats)} (default {formats[0]})",
    )
    p.add_argument(
        "--output",
        metavar="FILE",
        help="write to FILE instead of standard output (required for xlsx)",
    )
    add_lang_option(p)


def add_lang_option(p: argparse.ArgumentParser) -> None:
    """--lang en|zh: the labels' language (default: the locale's)."""
    p.add_argument(
        "--lang",
        choices=LANGS,
        help="label language (default: Chinese when the locale is Chinese, else English)",
    )


def emit(args: argparse.Namespace, text: str) -> None:
    """Write a rendered report to --output FILE, or standard output."""
    emit_by(args, lambda out: out.write(text))


def emit_by(args: argparse.Namespace, write: Callable[[TextIO], object]) -> None:
    """Have `write` write a report, piece by piece, to --output FILE (UTF-8, line ends as
    written), or standard output. A regular FILE is written under a temporary name beside
    it and renamed into place when complete: a report that fails part-way (stored damage
    found while its lines are read) leaves FILE as it was, never half a report."""
    if args.output in (None, "-"):
        write(sys.stdout)
        return
    target = Path(os.path.realpath(args.output))
    try:
        if target.exists() and not target.is_file():  # a device or a pipe: in place
            with open(target, "w", encoding="utf-8", newline="") as out:
                write(out)
        else:
            _write_replacing(target, write)
    except OSError as exc:
        raise LedgerError(f"--output {args.output}: cannot write ({exc.strerror})") from None


def _write_replacing(target: Path, write: Callable[[TextIO], object]) -> None:
    temporary = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with open(temporary, "w", encoding="utf-8", newline="") as out:
            write(out)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def verbose_log(args: argparse.Namespace) -> Callable[[str], None] | None:
    """With --verbose: a line on stderr saying whether a board came from a kept projection
    or a replay of the log (projections.score's `log`)."""
    if not getattr(args, "verbose", False):
        return None
    return lambda text: print(f"scoreledger: {text}", file=sys.stderr)
