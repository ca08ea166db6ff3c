"""Shared fixtures: run the real CLI in a subprocess, write JSON Lines, a small base ledger."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from backends import ENV, SKIP_REASON, Backend, Server, required

#: Seven events most ledger tests start from; seq = position + 1.
BASE_EVENTS: list[dict[str, Any]] = [
    {"id": "u-city", "type": "unit_registered", "at": "2016-01-04", "unit": "city",
     "name": "市总工会", "kind": "city"},
    {"id": "u-gulou", "type": "unit_registered", "at": "2016-01-04", "unit": "gulou",
     "name": "鼓楼区总工会", "kind": "county", "parent": "city"},
    {"id": "u-xuanwu", "type": "unit_registered", "at": "2016-01-04", "unit": "xuanwu",
     "name": "玄武区总工会", "kind": "county"},
    {"id": "u-office", "type": "unit_registered", "at": "2016-01-04", "unit": "office",
     "name": "办公室", "kind": "department", "department": "office"},
    {"id": "s1", "type": "submission", "at": "2016-03-01T09:00", "unit": "gulou",
     "info": "GL-1", "title": "鼓楼区推进职工书屋建设"},
    {"id": "act1", "type": "activity", "at": "2016-03-02", "unit": "gulou",
     "activity": "meeting"},
    {"id": "r1", "type": "retraction", "at": "2016-03-03", "target": "act1",
     "reason": "recorded twice"},
]  # fmt: skip


def _run(
    *args: str | os.PathLike[str], stdin: bytes | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m scoreledger ARGS` in a real subprocess; never a traceback on stderr."""
    proc = subprocess.run(
        [sys.executable, "-m", "scoreledger", *map(str, args)],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    out = subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode()
    )
    assert "Traceback" not in out.stderr, out.stderr
    return out


@pytest.fixture(scope="session")
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the command line: ``cli("import", db, file, stdin=b"...", cwd=tmp_path)``."""
    return _run


def _write(path: Path, lines: Iterable[dict[str, Any] | str | bytes]) -> Path:
    """Write a JSON Lines file; dicts are encoded, str/bytes lines are written verbatim."""
    with open(path, "wb") as out:
        for line in lines:
            if isinstance(line, dict):
                line = json.dumps(line, ensure_ascii=False)
            out.write((line.encode() if isinstance(line, str) else line) + b"\n")
    return path


@pytest.fixture(scope="session")
def write_jsonl() -> Callable[[Path, Iterable[dict[str, Any] | str | bytes]], Path]:
    return _write


def _make_base(path: Any) -> Any:
    from ledger import Ledger

    with Ledger.open(path, create=True) as ledger:
        ledger.append_many(BASE_EVENTS)
    return path


@pytest.fixture
def base_events() -> list[dict[str, Any]]:
    """A fresh copy of BASE_EVENTS (tests import fixtures, never conftest: the properties
    folder has a conftest of its own, and whichever loads first owns the name)."""
    return copy.deepcopy(BASE_EVENTS)


@pytest.fixture(scope="session")
def make_base() -> Callable[[Path], Path]:
    """Write a ledger file holding BASE_EVENTS (through the API: fast)."""
    return _make_base


@pytest.fixture
def base_db(tmp_path: Path) -> Path:
    """A ledger file holding BASE_EVENTS."""
    return _make_base(tmp_path / "base.sqlite")


@pytest.fixture
def base_ledger(backend: Backend) -> str:
    """A ledger holding BASE_EVENTS on each backend (its path or URL)."""
    return str(_make_base(backend.new("base")))


# -- backends: SQLite files and a real PostgreSQL server (tests/backends.py) -------------


@pytest.fixture(scope="session")
def pg_server(request: pytest.FixtureRequest) -> Server:
    """The test session's database on the server of SCORELEDGER_TEST_POSTGRES."""
    url = os.environ.get(ENV)
    if not url:
        if required():
            pytest.fail(f"{SKIP_REASON}, and CI requires the PostgreSQL tests")
        pytest.skip(SKIP_REASON)
    server = Server(url)
    request.addfinalizer(server.drop)
    return server


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """Each test that takes it runs twice: on SQLite files and on PostgreSQL schemas."""
    server = request.getfixturevalue("pg_server") if request.param == "postgres" else None
    return Backend(request.param, tmp_path, server)


def _uses_postgres(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    on_pg = callspec is not None and callspec.params.get("backend") == "postgres"
    return on_pg or "pg_server" in getattr(item, "fixturenames", ())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Under CI a PostgreSQL test that skipped (for whatever reason) fails the run."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and required() and _uses_postgres(item):
        report.outcome = "failed"
        report.longrepr = f"a PostgreSQL test skipped under CI: {report.longrepr}"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def module_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Backend:
    """``backend`` for a module's shared ledgers (built once per backend)."""
    server = request.getfixturevalue("pg_server") if request.param == "postgres" else None
    return Backend(request.param, tmp_path_factory.mktemp("shared"), server)
