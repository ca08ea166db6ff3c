"""A foreign module under one of our import names is named at start-up (issue 9.6).

Each test runs the real entry points (the ``scoreledger`` console script, ``python -m
scoreledger``, ``python -m ledger``) in a subprocess with a folder put first on PYTHONPATH
that holds a fake package under one of our names, with a dist-info folder saying which
distribution installed it, as pip leaves one.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import scoreledger_start

SRC = Path(__file__).resolve().parents[1] / "src"
SCRIPT = Path(sys.executable).parent / "scoreledger"
ENTRY_POINTS = {
    "console script": [str(SCRIPT)],
    "python -m scoreledger": [sys.executable, "-m", "scoreledger"],
    "python -m ledger": [sys.executable, "-m", "ledger"],
}
# Python itself imports the package that -m names before any code of ours runs, so a
# foreign `scoreledger` under `python -m scoreledger` (or `ledger` under `python -m ledger`)
# is the foreign package's own __main__: only the console script can see those two.
BLIND = {("python -m scoreledger", "scoreledger"), ("python -m ledger", "ledger")}
CASES = [
    (entry, name)
    for entry in ENTRY_POINTS
    for name in scoreledger_start.OUR_NAMES
    if (entry, name) not in BLIND
]


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def fake_package(root: Path, name: str, dist: str | None, version: str = "0.4") -> Path:
    """A package `name` under `root` whose import leaves a file behind (so a test sees that
    it never ran), and, when `dist` is given, the dist-info pip would have written for it."""
    init = root / name / "__init__.py"
    init.parent.mkdir(parents=True, exist_ok=True)
    init.write_text(
        f"open({str(root / 'imported')!r}, 'w').close()\nraise ImportError('foreign {name}')\n",
        encoding="utf-8",
    )
    if dist is not None:
        info = root / f"{dist}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8"
        )
        data = init.read_bytes()
        (info / "RECORD").write_text(
            f"{name}/__init__.py,{_record_hash(data)},{len(data)}\n"
            f"{info.name}/METADATA,,\n{info.name}/RECORD,,\n",
            encoding="utf-8",
        )
    return init


def run(argv: list[str], pythonpath: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [*argv, *args], capture_output=True, text=True, env=env, check=False, cwd=pythonpath
    )


def test_the_console_script_is_the_start_up() -> None:
    assert SCRIPT.is_file(), "the scoreledger console script is not installed beside python"
    assert "from scoreledger_start import main" in SCRIPT.read_text(encoding="utf-8")


@pytest.mark.parametrize(("entry", "name"), CASES)
def test_a_foreign_package_is_named_with_its_distribution(
    tmp_path: Path, entry: str, name: str
) -> None:
    init = fake_package(tmp_path, name, dist=f"{name}-elsewhere")
    proc = run(ENTRY_POINTS[entry], tmp_path, "verify", str(tmp_path / "x.sqlite"))
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        f"scoreledger: the module {name!r} ({init}) belongs to the distribution "
        f"'{name}-elsewhere 0.4', not scoreledger: pip uninstall {name}-elsewhere, "
        "then pip install --force-reinstall scoreledger\n"
    )
    assert not (tmp_path / "imported").exists(), "the foreign package was imported"


def test_a_module_no_distribution_claims_is_named_as_such(tmp_path: Path) -> None:
    init = fake_package(tmp_path, "rules", dist=None)
    proc = run(ENTRY_POINTS["console script"], tmp_path, "--version")
    assert proc.returncode == 2
    assert proc.stderr == (
        f"scoreledger: the module 'rules' ({init}) is not scoreledger's and no installed "
        "distribution claims it: take it off the path (PYTHONPATH, the current folder), "
        "or pip install --force-reinstall scoreledger\n"
    )


def test_of_two_distributions_that_list_the_file_the_one_whose_hash_matches_owns_it(
    tmp_path: Path,
) -> None:
    # What `pip install rules` over another distribution's rules/ leaves: both RECORDs list
    # rules/__init__.py; only the last writer's hash matches the file.
    init = fake_package(tmp_path, "rules", dist="rules")
    stale = tmp_path / "oldrules-0.1.dist-info"
    stale.mkdir()
    (stale / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: oldrules\nVersion: 0.1\n", encoding="utf-8"
    )
    (stale / "RECORD").write_text(
        f"rules/__init__.py,{_record_hash(b'older text')},10\n", encoding="utf-8"
    )
    proc = run(ENTRY_POINTS["console script"], tmp_path, "--help")
    assert proc.stderr.splitlines() == [
        f"scoreledger: the module 'rules' ({init}) belongs to the distribution 'rules 0.4', "
        "not scoreledger: pip uninstall rules, then pip install --force-reinstall scoreledger"
    ]


def _run_copy_without(tmp_path: Path, removed: str) -> subprocess.CompletedProcess[str]:
    """`python -m scoreledger --version` from a copy of src/ without `removed`."""
    copy = tmp_path / "src"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    target = copy / removed
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    # -S: no site-packages, so only the copy holds our names (the editable install's path
    # entry would find the real src/rules).
    return subprocess.run(
        [sys.executable, "-S", "-m", "scoreledger", "--version"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(copy)},
        check=False,
    )


def test_a_missing_package_of_ours_is_named(tmp_path: Path) -> None:
    proc = _run_copy_without(tmp_path, "rules")
    assert (proc.returncode, proc.stderr) == (
        2,
        "scoreledger: the module 'rules' is missing: pip install --force-reinstall scoreledger\n",
    )


def test_a_package_of_ours_without_its_init_is_named(tmp_path: Path) -> None:
    # What `pip uninstall rules` leaves after rules overwrote our rules/__init__.py: the
    # folder with our other files, a namespace package to Python.
    proc = _run_copy_without(tmp_path, "rules/__init__.py")
    assert (proc.returncode, proc.stderr) == (
        2,
        f"scoreledger: the package 'rules' ({tmp_path / 'src' / 'rules'}) has no __init__.py: "
        "pip install --force-reinstall scoreledger\n",
    )


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_the_normal_run_is_unaffected(tmp_path: Path, entry: str) -> None:
    proc = run(ENTRY_POINTS[entry], tmp_path, "--version")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.startswith("scoreledger ")


def test_the_check_imports_none_of_our_packages() -> None:
    # The check reads files; it must not run the code it is checking.
    code = (
        "import sys, scoreledger_start as s\n"
        "assert s.check() == [], s.check()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in s.OUR_NAMES))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout == "[]\n"


def test_every_package_of_ours_carries_the_marker() -> None:
    for name in scoreledger_start.OUR_NAMES:
        module = __import__(name)
        assert module.__distribution__ == "scoreledger", name
