"""The packages form layers that only point down, and no module imports itself in a circle.

vocabulary ← rules ← ledger ← projections ← scoreledger (the application) ← the start-up
(``scoreledger_start``, which the console script runs, and each package's ``__main__``,
which ``python -m`` runs: entry points that nothing imports). The walk
reads every import of every module under ``src/``: at module level, inside functions,
under ``TYPE_CHECKING``, and ``importlib.import_module`` / ``__import__`` calls. An
import whose target it cannot read (a computed name) fails the test too: a layer rule
that a dynamic import can slip past is no rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
LAYERS = ("vocabulary", "rules", "ledger", "projections", "scoreledger", "scoreledger_start")
START = LAYERS[-1]


def layer(module: str) -> int:
    """The layer a module belongs to: a package's ``__main__`` is an entry point, the top."""
    if module.endswith(".__main__"):
        return LAYERS.index(START)
    return LAYERS.index(module.split(".")[0])


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {
        module_name(p): p
        for p in SRC.rglob("*.py")
        if p.relative_to(SRC).with_suffix("").parts[0] in LAYERS
    }
    assert set(LAYERS) <= set(found), "a layer package is missing"
    return found


def _absolute(name: str, level: int, here: str, is_package: bool) -> str:
    if level == 0:
        return name
    base = here.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def _dynamic(node: ast.Call) -> str | bool | None:
    """The module a call imports, None if it imports nothing, False if it cannot be read."""
    func = node.func
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if called not in ("import_module", "__import__"):
        return None
    if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        return node.args[0].value
    return False


def imports_of(name: str, path: Path, known: set[str]) -> list[tuple[str, int]]:
    """(imported module of ours, line) for every import `path` makes."""
    is_package = path.name == "__init__.py"
    out: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module or "", node.level, name, is_package)
            # `from pkg import sub` imports the submodule; `from pkg import Name` the package
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        elif isinstance(node, ast.Call):
            found = _dynamic(node)
            if found is False:
                pytest.fail(f"{name}:{node.lineno}: an import of a computed name")
            targets = [found] if found else []
        for target in targets:
            if target.split(".")[0] in LAYERS:
                out.append((target, node.lineno))
    return out


def graph() -> dict[str, list[tuple[str, int]]]:
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known) for name, path in found.items()}


def test_every_import_points_down_or_sideways_within_its_layer() -> None:
    upward = [
        f"{name}:{line} imports {target}"
        for name, edges in graph().items()
        for target, line in edges
        if layer(target) > layer(name)
    ]
    assert upward == []


def test_nothing_imports_an_entry_point() -> None:
    # The start-up layer is only run: an import of it would run its check (or python -m's
    # module) as a side effect of importing the library.
    entry = [
        f"{name}:{line} imports {target}"
        for name, edges in graph().items()
        for target, line in edges
        if layer(target) == layer(START) and layer(name) != layer(START)
    ]
    assert entry == []


def test_no_module_imports_itself_through_a_circle() -> None:
    edges = {name: {t for t, _ in targets if t != name} for name, targets in graph().items()}
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)


def test_the_walk_sees_imports_inside_functions_and_importlib_calls(tmp_path: Path) -> None:
    # The walker itself: a deferred import and an import_module call are edges.
    probe = tmp_path / "probe.py"
    probe.write_text(
        "def f():\n    from projections import api\n"
        "import importlib\nimportlib.import_module('scoreledger.cli')\n",
        encoding="utf-8",
    )
    found = imports_of("rules.probe", probe, {"projections.api", "scoreledger.cli"})
    assert [t for t, _ in found] == ["projections.api", "scoreledger.cli"]


def test_every_import_of_ours_names_a_module_that_exists() -> None:
    known = set(modules())
    missing = [
        f"{name}:{line} imports {target}"
        for name, edges in graph().items()
        for target, line in edges
        if target not in known
    ]
    assert missing == []


def test_python_dash_m_ledger_still_runs_the_command_line(tmp_path: Path) -> None:
    # CONTRACT §1: `python -m ledger` is the console script too (it execs the application).
    import subprocess
    import sys

    db = tmp_path / "d.sqlite"
    proc = subprocess.run(
        [sys.executable, "-m", "ledger", "verify", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert (
        proc.stderr.strip()
        == f"scoreledger: {db}: no such ledger file (only import and demo create one)"
    )
