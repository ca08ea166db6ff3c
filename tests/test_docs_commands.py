"""Every command the README, the quickstart and the auditing pages show (both languages),
and the integrity page's, runs as a real subprocess, in order, in an empty folder, and
prints what the page shows.

Only what must vary between runs is normalised (``doc_console.normalised``): hashes,
recorded times, the temporary folder. When the output of a command changes on purpose,
regenerate the pages with::

    SCORELEDGER_DOCS_UPDATE=1 python -m pytest tests/test_docs_commands.py

and read the diff before committing it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from doc_console import check_page, page_steps, sections
from test_ledger_docs import run_blocks

ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    "README.md",
    "docs/quickstart.md",
    "docs/quickstart.zh.md",
    "docs/auditing.md",
    "docs/auditing.zh.md",
    "docs/integrity.md",
]
#: The first two commands of the README are CI's contract (.ci/run runs the second).
CI_COMMANDS = (
    "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/scoreledger demo",
    "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/ruff check . "
    "&& .venv/bin/ruff format --check . && .venv/bin/mypy && .venv/bin/python -m pytest",
)


@pytest.mark.parametrize("page", PAGES)
def test_every_command_shown_prints_what_is_shown(page: str, tmp_path: Path) -> None:
    doc = ROOT / page
    assert len(page_steps(doc.read_text(encoding="utf-8"))) >= 8, page
    check_page(doc, tmp_path)


def test_both_languages_show_the_same_commands() -> None:
    # The Chinese section may add --lang zh and name the recorder in Chinese; nothing else.
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    zh, en = (
        [_neutral(step.command) for step in page_steps(section)] for section in sections(text)
    )
    assert zh == en


def _neutral(command: str) -> str:
    return command.replace(" --lang zh", "").replace("信息科", "office")


def test_the_readme_starts_with_cis_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)\n```", text, re.S)
    assert tuple(blocks[:2]) == CI_COMMANDS
    assert text.index(CI_COMMANDS[1]) < text.index("## ")


def test_the_readme_python_example_runs_twice(tmp_path: Path, monkeypatch) -> None:
    """Its events carry ids: the second run appends nothing and prints the same."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "print(" in b]
    assert len(blocks) == 2  # one per language
    monkeypatch.chdir(tmp_path)
    for run in ("first run", "second run"):
        for number, block in enumerate(blocks):
            run_blocks([block], f"README.md python example {number + 1}, {run}")


def test_links_point_into_the_repository() -> None:
    """Every relative link of the README and docs/ names a file of the repository."""
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue  # a web address
            assert (doc.parent / target).is_file(), f"{doc.name}: link to {target}"
