"""docs/architecture.md names only what exists: every dotted name of ours in backticks
resolves to a module or an attribute, every source path to a file, and every name it says
is registered in a table (`EVENT_TYPES` of `ledger/events.py`) is defined there."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
LAYERS = ("vocabulary", "rules", "ledger", "projections", "scoreledger", "scoreledger_start")
OURS = "|".join(LAYERS)


def _resolve(dotted: str) -> object:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            found = getattr(found, name)
        return found
    raise ModuleNotFoundError(dotted)


def test_every_dotted_name_exists() -> None:
    names = set(re.findall(rf"`((?:{OURS})(?:\.\w+)+)`", DOC.read_text("utf-8")))
    assert len(names) >= 30
    missing = []
    for name in sorted(names):
        try:
            _resolve(name)
        except (ImportError, AttributeError):
            missing.append(name)
    assert missing == []


def test_every_source_path_exists() -> None:
    text = DOC.read_text("utf-8")
    paths = set(re.findall(rf"`((?:src/)?(?:{OURS})/[\w/]*\.py)`", text))
    assert len(paths) >= 10
    for path in paths:
        assert (ROOT / "src" / path.removeprefix("src/")).is_file(), path
    for test in re.findall(r"`(tests/\w+\.py)`", text):
        assert (ROOT / test).is_file(), test


def test_each_named_table_is_defined_in_the_file_named_with_it() -> None:
    # "`NAME` of `path`", "`path` 的 `NAME`" and "registered in `NAME`" after a path.
    text = DOC.read_text("utf-8")
    pairs = re.findall(r"`([A-Z_]\w*)`\s+of\s+`([\w/]+\.py)`", text)
    pairs += [(name, path) for path, name in re.findall(r"`([\w/]+\.py)` 的 `([A-Z_]\w*)`", text)]
    pairs += [
        (name, path)
        for path, name in re.findall(r"`([\w/]+\.py)`[^`]*?registered\s+in\s+`([A-Z_]+)`", text)
    ]
    assert len(pairs) >= 8
    for name, path in pairs:
        source = (ROOT / "src" / path).read_text("utf-8")
        assert re.search(rf"^{name}\b", source, re.M), f"{name} is not defined in {path}"
