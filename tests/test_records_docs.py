"""docs/records.md tells the truth: its column table is the template's, and every command
it shows prints what it shows (hashes aside: they seal the wall-clock time of recording)."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

from ledger.events import EVENT_TYPES
from scoreledger.records.code_lists import required_fields
from scoreledger.records.columns import columns_of, header_text, type_label

DOC = Path(__file__).resolve().parents[1] / "docs" / "records.md"
HASH = re.compile(r"\b[0-9a-f]{64}\b")


def test_the_column_table_is_the_templates() -> None:
    text = DOC.read_text(encoding="utf-8")
    for kind in EVENT_TYPES:
        required = required_fields(kind)
        cells = [
            f"**{header_text(f)}**" if f in required else header_text(f)
            for f in columns_of([kind], with_type=False)
        ]
        assert f"| {type_label(kind)} | {', '.join(cells)} |" in text, kind


def _steps(text: str) -> list[tuple[str, str]]:
    """(command, shown output) of every ``$`` line of the console blocks, heredocs whole."""
    steps: list[tuple[str, str]] = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        lines = block.splitlines()
        i = 0
        while i < len(lines):
            command = lines[i].removeprefix("$ ")
            i += 1
            heredoc = re.search(r"<<'(\w+)'", command)
            if heredoc:
                end = lines.index(heredoc[1], i)
                command = "\n".join([command, *lines[i : end + 1]])
                i = end + 1
            shown = []
            while i < len(lines) and not lines[i].startswith("$ "):
                shown.append(lines[i])
                i += 1
            steps.append((command, "\n".join(shown)))
    return steps


def test_every_command_shown_prints_what_is_shown(tmp_path: Path) -> None:
    shim = tmp_path / "bin" / "scoreledger"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m scoreledger "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}"}
    env["PYTHONUNBUFFERED"] = "1"  # stderr and stdout in the order they are written
    steps = _steps(DOC.read_text(encoding="utf-8"))
    assert len(steps) >= 7
    for command, shown in steps:
        proc = subprocess.run(
            ["bash", "-c", f"exec 2>&1\n{command}"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            check=False,
        )
        printed = proc.stdout.decode().replace("\r\n", "\n").rstrip("\n")
        assert HASH.sub("HASH", printed) == HASH.sub("HASH", shown), command
