"""The import's progress bar: drawn on a terminal only (a real pty), never leaving residue
behind the line that follows; piped, standard error stays empty."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scoreledger.cli_progress import MIN_ITEMS

ROWS = MIN_ITEMS + 2000


def _events(tmp_path: Path, write_jsonl: Any) -> Path:
    unit = {"id": "u", "type": "unit_registered", "at": "2016-01-01", "unit": "g", "name": "G",
            "kind": "county"}  # fmt: skip
    rows = [
        {"id": f"a{i}", "type": "activity", "at": "2016-01-02", "unit": "g", "activity": "meeting"}
        for i in range(ROWS - 1)
    ]
    return write_jsonl(tmp_path / "big.jsonl", [unit, *rows])  # type: ignore[no-any-return]


def test_piped_import_writes_nothing_to_stderr(tmp_path: Path, cli: Any, write_jsonl: Any) -> None:
    proc = cli("import", tmp_path / "db.sqlite", _events(tmp_path, write_jsonl))
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert proc.stdout.startswith(f"appended {ROWS}, duplicates 0\n")


def _on_pty(*args: object) -> tuple[int, str, str]:
    """Run the CLI with standard error on a pseudo-terminal: (status, stdout, the terminal)."""
    master, slave = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "scoreledger", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=slave,
        env={**os.environ, "COLUMNS": "80"},
    )
    os.close(slave)
    seen = b""
    while True:
        try:
            block = os.read(master, 4096)
        except OSError:  # the child closed its end (EIO on Linux)
            break
        if not block:
            break
        seen += block
    os.close(master)
    assert proc.stdout is not None
    out = proc.stdout.read().decode()
    return proc.wait(timeout=120), out, seen.decode()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_terminal_import_draws_a_bar_that_ends_cleanly(tmp_path: Path, write_jsonl: Any) -> None:
    status, out, terminal = _on_pty(
        "import", tmp_path / "db.sqlite", _events(tmp_path, write_jsonl)
    )
    assert status == 0 and out.startswith(f"appended {ROWS}, duplicates 0\n")
    assert "importing" in terminal and "100%" in terminal
    # Each redraw returns to the line's start and rewrites all of it; the last one is the
    # full bar, then the line ends: what is printed after starts on a fresh line.
    frames = [f for f in terminal.split("\r") if f.strip("\x1b[?25lh\n")]
    assert len(frames) >= 2
    last = frames[-1].replace("\x1b[?25l", "").replace("\x1b[?25h", "")
    assert last.startswith("importing") and last.rstrip().endswith("100%")
    assert terminal.endswith("\n")
    widths = {len(f.replace("\x1b[?25l", "").replace("\x1b[?25h", "").rstrip("\n")) for f in frames}
    assert len(widths) == 1, widths  # no frame shorter than the one before: no residue


def test_small_import_on_a_terminal_draws_nothing(tmp_path: Path, write_jsonl: Any) -> None:
    path = write_jsonl(tmp_path / "one.jsonl", [
        {"id": "u", "type": "unit_registered", "at": "2016-01-01", "unit": "g", "name": "G",
         "kind": "county"}])  # fmt: skip
    status, _, terminal = _on_pty("import", tmp_path / "db.sqlite", path)
    assert status == 0 and terminal == ""
