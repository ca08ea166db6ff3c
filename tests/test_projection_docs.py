"""docs/api.md's projections examples run as written and print what the page says."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from test_ledger_docs import DOC, END, expected_output, matches


def projection_examples() -> list[str]:
    import re

    text = DOC.read_text(encoding="utf-8").split(END)[1]
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_the_projection_examples_run_and_print_what_the_page_says(tmp_path: Path, monkeypatch):
    blocks = projection_examples()
    assert len(blocks) >= 4
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "docs_api_projections"}
    for number, block in enumerate(blocks, start=1):
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            exec(compile(block, f"docs/api.md projections block {number}", "exec"), namespace)
        actual = buffer.getvalue().splitlines()
        expected = expected_output(block)
        assert len(actual) == len(expected), (number, actual, expected)
        for want, got in zip(expected, actual, strict=True):
            if not matches(want, got):
                pytest.fail(f"docs/api.md block {number}: expected {want!r}, printed {got!r}")
