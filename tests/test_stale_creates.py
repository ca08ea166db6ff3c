"""A create killed outright leaves its hidden staging file; a later open cleans it up.

A new SQLite ledger is made under ``.NAME.HOST.PID-XXXXXXXX.creating`` and linked into
place at its first commit (ledger.sqlite_files). A SIGKILL before that gives the process
no chance to remove it, so the next create or open of that ledger removes the staging
files of processes that no longer run on this machine, and keeps a live process's (its
create in progress) and another machine's (a shared folder: its processes are not ours
to see). Real subprocesses, killed for real.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ledger import Ledger
from ledger.sqlite_files import remove_stale, this_host

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and signal 0 are POSIX")

REGISTER = {"id": "u-gl", "type": "unit_registered", "at": "2016-01-01", "unit": "gulou",
            "name": "鼓楼区总工会", "kind": "county"}  # fmt: skip


def _scoreledger(*args: object) -> list[str]:
    return [sys.executable, "-m", "scoreledger", *map(str, args)]


def _run(*args: object) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(_scoreledger(*args), capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def _events(path: Path, count: int) -> Path:
    activity = {"type": "activity", "at": "2016-03-05", "unit": "gulou", "activity": "meeting"}
    lines = [json.dumps(REGISTER)] + [json.dumps({"id": f"a{i}", **activity}) for i in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _staged(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if ".creating" in name)


def _kill_mid_create(folder: Path, source: Path) -> int:
    """Start an import that creates folder/new.sqlite and SIGKILL it while its staging
    file exists (before its first commit puts the ledger in place); its PID."""
    proc = subprocess.Popen(
        _scoreledger("import", folder / "new.sqlite", source),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not _staged(folder):
            assert proc.poll() is None, "the import ended before its staging file was seen"
            assert time.monotonic() < deadline, "no staging file within 60 s"
            time.sleep(0.002)
        time.sleep(0.05)  # well inside the append transaction of 20,000 events
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    return proc.pid


@pytest.fixture
def killed(tmp_path: Path) -> tuple[Path, int]:
    """A folder in which a create of new.sqlite was killed outright, and its PID."""
    folder = tmp_path / "ledgers"
    folder.mkdir()
    pid = _kill_mid_create(folder, _events(tmp_path / "big.jsonl", 20_000))
    left = _staged(folder)
    assert not (folder / "new.sqlite").exists()
    assert left and left[0].startswith(f".new.sqlite.{this_host()}.{pid}-")
    return folder, pid


def test_a_later_create_removes_what_a_killed_create_left(killed: tuple[Path, int], tmp_path):
    folder, _ = killed
    done = _run("import", folder / "new.sqlite", _events(tmp_path / "small.jsonl", 3))
    assert done.returncode == 0, done.stderr
    assert os.listdir(folder) == ["new.sqlite"]  # no staging file, no -wal or -shm of one
    assert _run("verify", folder / "new.sqlite").stdout.startswith("OK: 4 events")


def test_a_later_open_removes_it_too(killed: tuple[Path, int], tmp_path):
    folder, _ = killed
    # Meanwhile the ledger was made elsewhere and put in place: reading it cleans up.
    made = tmp_path / "made.sqlite"
    with Ledger.open(made, create=True) as ledger:
        ledger.append(REGISTER)
    shutil.copy(made, folder / "new.sqlite")
    assert _run("verify", folder / "new.sqlite").returncode == 0
    assert os.listdir(folder) == ["new.sqlite"]


def test_a_live_create_and_another_machines_are_kept(tmp_path: Path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # its PID now names no process
    host = this_host()
    names = {
        "live": f".new.sqlite.{host}.{os.getpid()}-0123abcd.creating",  # this test: running
        "elsewhere": f".new.sqlite.another-host.{gone.pid}-0123abcd.creating",
        "gone": f".new.sqlite.{host}.{gone.pid}-0123abcd.creating",
        "gone, earlier form": f".new.sqlite.{gone.pid}-0123abcd.creating",
        "another ledger's": f".old.sqlite.{host}.{gone.pid}-0123abcd.creating",
    }
    for name in names.values():
        (tmp_path / name).write_bytes(b"")
    (tmp_path / f"{names['gone']}-wal").write_bytes(b"")
    removed = remove_stale(tmp_path / "new.sqlite")
    assert sorted(p.name for p in removed) == sorted([names["gone"], names["gone, earlier form"]])
    assert sorted(os.listdir(tmp_path)) == sorted(
        [names["live"], names["elsewhere"], names["another ledger's"]]
    )
