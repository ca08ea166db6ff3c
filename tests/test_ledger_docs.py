"""docs/api.md runs as written: its ledger examples, in order, print what the page says."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"
END = "<!-- end of the ledger examples"


def examples() -> list[str]:
    text = DOC.read_text(encoding="utf-8").split(END)[0]
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def expected_output(block: str) -> list[str]:
    """Comment lines right after a print (or after such a comment) are the printed output."""
    out, after_print = [], False
    for line in block.splitlines():
        stripped = line.strip()
        if after_print and stripped.startswith("# "):
            out.append(stripped[2:])
            continue
        after_print = "print(" in line
    return out


def matches(expected: str, actual: str) -> bool:
    """An expected line, where "…" stands for any text (hashes, times)."""
    pattern = ".*".join(re.escape(part) for part in expected.split("…"))
    return re.fullmatch(pattern, actual) is not None


def run_blocks(blocks: list[str], label: str) -> None:
    """Run code blocks in order in one namespace; each must print what its comments say."""
    namespace: dict[str, object] = {"__name__": "docs_api"}
    for number, block in enumerate(blocks, start=1):
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            exec(compile(block, f"{label} block {number}", "exec"), namespace)
        actual = buffer.getvalue().splitlines()
        expected = expected_output(block)
        assert len(actual) == len(expected), (number, actual, expected)
        for want, got in zip(expected, actual, strict=True):
            if not matches(want, got):
                pytest.fail(f"{label} block {number}: expected {want!r}, printed {got!r}")


def test_the_ledger_examples_run_and_print_what_the_page_says(tmp_path: Path, monkeypatch):
    blocks = examples()
    assert len(blocks) >= 6
    monkeypatch.chdir(tmp_path)
    run_blocks(blocks, "docs/api.md")
