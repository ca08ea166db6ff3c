"""docs/api.md's projections examples run as written and print what the page says."""

from __future__ import annotations

import re
from pathlib import Path

from test_ledger_docs import DOC, END, run_blocks


def projection_examples() -> list[str]:
    text = DOC.read_text(encoding="utf-8").split(END)[1]
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_the_projection_examples_run_and_print_what_the_page_says(tmp_path: Path, monkeypatch):
    blocks = projection_examples()
    assert len(blocks) >= 4
    monkeypatch.chdir(tmp_path)
    run_blocks(blocks, "docs/api.md (projections)")
