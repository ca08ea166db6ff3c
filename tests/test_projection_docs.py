"""The projections examples tell the truth: docs/api.md's Python examples run as written
and print what the page says, and every command of docs/projections.md (its console
blocks, and live.py as the page shows it) runs in order in an empty folder and prints
what is shown (tests/doc_console.py; SCORELEDGER_DOCS_UPDATE=1 rewrites the shown
output)."""

from __future__ import annotations

import re
from pathlib import Path

from doc_console import check_page, page_steps
from test_ledger_docs import DOC, END, run_blocks

PAGE = Path(__file__).resolve().parents[1] / "docs" / "projections.md"


def projection_examples() -> list[str]:
    text = DOC.read_text(encoding="utf-8").split(END)[1]
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_the_projection_examples_run_and_print_what_the_page_says(tmp_path: Path, monkeypatch):
    blocks = projection_examples()
    assert len(blocks) >= 4
    monkeypatch.chdir(tmp_path)
    run_blocks(blocks, "docs/api.md (projections)")


def test_every_command_of_the_projections_page_prints_what_is_shown(tmp_path: Path) -> None:
    commands = [step.command for step in page_steps(PAGE.read_text(encoding="utf-8"))]
    assert len(commands) >= 12 and "python live.py" in commands
    check_page(PAGE, tmp_path)
