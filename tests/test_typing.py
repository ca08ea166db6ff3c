"""Types: every package ships ``py.typed``, so an embedder's type checker reads our hints."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = sorted(p.parent.name for p in (ROOT / "src").glob("*/__init__.py"))

#: One typed function per package, and what an embedder's checker must see for it.
EMBEDDER = {
    "vocabulary": ("vocabulary.codes.outlet_level", "def (outlet: str) -> Literal['central']"),
    "rules": ("rules.catalog.load", "rules.model.PointsRuleset | rules.model.ChecklistRuleset"),
    "ledger": ("ledger.jsonl.read_jsonl", "typing.Iterator["),
    "projections": ("projections.numbers.fmt", "Overload(def (value: decimal.Decimal)"),
    "scoreledger": ("scoreledger.cli.build_parser", "def () -> argparse.ArgumentParser"),
}


def test_every_package_is_declared_typed() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = data["tool"]["setuptools"]["package-data"]
    assert PACKAGES == sorted(EMBEDDER)
    for package in PACKAGES:
        assert (ROOT / "src" / package / "py.typed").is_file(), package
        assert "py.typed" in package_data.get(package, []), package


def test_mypy_checks_src_strictly() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert config["files"] == ["src"] and config["strict"] is True
    assert config["python_version"] == "3.11"


def test_an_embedders_checker_reads_our_hints(tmp_path: Path) -> None:
    """mypy, run outside the project on code that imports us, sees each package's types
    (and the codes' Literal types).

    Without ``py.typed`` it would skip the package ("missing library stubs or py.typed
    marker") and every name would be Any.
    """
    pytest.importorskip("mypy")
    lines = [f"import {name.rsplit('.', 1)[0]}" for name, _ in EMBEDDER.values()]
    lines += [f"reveal_type({name})" for name, _ in EMBEDDER.values()]
    # A code is a Literal: a checker refuses an outlet that CONTRACT §2 does not list.
    lines += ["import datetime, ledger.events", "ledger.events.Adoption(id='a', info='i',"]
    lines += ["    at=datetime.datetime.now(datetime.UTC), outlet='nowhere.at.all')"]
    (tmp_path / "embedder.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "mypy.ini").write_text("[mypy]\n", encoding="utf-8")  # not our pyproject's
    command = [sys.executable, "-m", "mypy", "--no-incremental", "--config-file", "mypy.ini"]
    done = subprocess.run(
        [*command, "--python-executable", sys.executable, "embedder.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    revealed = [line for line in done.stdout.splitlines() if "Revealed type" in line]
    assert "import-untyped" not in done.stdout, done.stdout
    assert len(revealed) == len(EMBEDDER), done.stdout
    for line, (name, expected) in zip(revealed, EMBEDDER.values(), strict=True):
        assert expected in line, (name, line)
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1, done.stdout
    assert 'Argument "outlet" to "Adoption" has incompatible type' in errors[0], errors
    assert '"nowhere.at.all"' in errors[0] or "'nowhere.at.all'" in errors[0], errors
