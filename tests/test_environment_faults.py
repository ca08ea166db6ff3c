"""A lock held too long, a read-only file, folder or medium, a full disk, a damaged file
(issue 11.6): each is one line naming the file and what happened (exit 2), nothing is
appended, and a ledger that cannot be written can still be verified, scored and exported.

The tests run as root, for whom permission bits mean nothing, so read-only here is real:
an immutable file or folder (``chattr +i``) or a read-only bind mount; a full disk is a
small tmpfs. Mounts are made in a mount namespace of their own (``unshare -m``), so none
outlives its test. Where the container allows neither, the test says so and skips.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ledger import Ledger
from ledger.errors import InputError, Location
from scenario_helpers import pad_and_checkpoint

SCORE = ("--ruleset", "dalian-2011", "--period", "2016")
FOLDER = "its folder cannot be written (SQLite keeps its -wal and -shm files there)"


def _run(*args: Any, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m scoreledger ARGS` in a real subprocess; never a traceback."""
    proc = subprocess.run(
        [sys.executable, "-m", "scoreledger", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def _events(db: Path) -> int:
    with Ledger.open(db) as ledger:
        return len(ledger)


# -- namespaces and immutable files ---------------------------------------------------


def _in_namespace(
    mount: str, folder: Path, commands: list[tuple[Any, ...]]
) -> list[subprocess.CompletedProcess[str]]:
    """Run CLI commands in a mount namespace where `mount` (a shell line, $M the folder)
    was run first; each command's output is kept outside the namespace."""
    out = folder.parent / f"{folder.name}-results"
    out.mkdir()
    lines = ["set -e", f"M={shlex.quote(str(folder))}", mount, "set +e"]
    for i, args in enumerate(commands):
        argv = " ".join(shlex.quote(str(a)) for a in (sys.executable, "-m", "scoreledger", *args))
        lines.append(f'{argv} >"{out}/{i}.out" 2>"{out}/{i}.err"; echo $? >"{out}/{i}.rc"')
    lines.append(f'ls -A "$M" >"{out}/ls"')
    setup = subprocess.run(
        ["unshare", "-m", "sh", "-c", "\n".join(lines)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert setup.returncode == 0, setup.stderr
    results = []
    for i, args in enumerate(commands):
        rc = int((out / f"{i}.rc").read_text())
        stdout, stderr = (out / f"{i}.out").read_text(), (out / f"{i}.err").read_text()
        assert "Traceback" not in stderr, stderr
        results.append(subprocess.CompletedProcess(args, rc, stdout, stderr))
    results.append(subprocess.CompletedProcess(("ls",), 0, (out / "ls").read_text(), ""))
    return results


@pytest.fixture(scope="module")
def namespaces(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Skip unless this machine lets the tests mount in a namespace of their own."""
    where = tmp_path_factory.mktemp("probe")
    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1): cannot make a read-only mount or a small disk")
    probe = subprocess.run(
        ["unshare", "-m", "mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        pytest.skip(f"cannot mount in a namespace here: {probe.stderr.strip()}")


@pytest.fixture
def immutable() -> Iterator[Any]:
    """``immutable(path)`` makes a file or folder immutable until the test ends."""
    made: list[Path] = []

    def make(path: Path) -> Path:
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"chattr +i is not allowed here: {done.stderr.strip()}")
        made.append(path)
        return path

    yield make
    for path in reversed(made):
        subprocess.run(["chattr", "-i", str(path)], check=True)


# -- a lock held past the timeout ------------------------------------------------------


def test_a_lock_held_past_the_timeout_is_named_and_readers_still_read(base_db: Path, tmp_path):
    events = tmp_path / "e.jsonl"
    events.write_text(
        '{"id": "late", "type": "activity", "at": "2016-05-01", "unit": "gulou",'
        ' "activity": "meeting"}\n'
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", (
            "import sqlite3, sys\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN EXCLUSIVE')\n"
            "print('held', flush=True)\n"
            "sys.stdin.read()\n"
        ), str(base_db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        started = time.monotonic()
        result = _run("import", base_db, events, env={"SCORELEDGER_LOCK_TIMEOUT": "0.5"})
        waited = time.monotonic() - started
        verify = _run("verify", base_db)  # WAL: a reader does not wait for the writer
    finally:
        holder.communicate("", timeout=30)
    assert result.returncode == 2
    assert result.stderr == (
        f"scoreledger: {base_db}: locked by another process (waited 0.5 s); "
        "nothing was appended; try again\n"
    )
    assert waited >= 0.5
    assert verify.returncode == 0 and verify.stdout.startswith("OK: 7 events")
    assert _events(base_db) == 7
    assert _run("import", base_db, events).returncode == 0  # the lock gone, it appends


def test_a_lock_timeout_that_is_not_seconds_is_refused(base_db: Path):
    result = _run("verify", base_db, env={"SCORELEDGER_LOCK_TIMEOUT": "soon"})
    assert result.returncode == 2
    assert result.stderr == (
        "scoreledger: SCORELEDGER_LOCK_TIMEOUT: expected seconds from 0 to 86400, got 'soon'\n"
    )


# -- read-only file, folder, medium ----------------------------------------------------


def _readers_work(results: list[subprocess.CompletedProcess[str]]) -> None:
    verify, export, score, explain = results[:4]
    assert (verify.returncode, verify.stderr) == (0, ""), verify.stderr
    assert verify.stdout.startswith("OK: 7 events")
    assert (export.returncode, len(export.stdout.splitlines())) == (0, 7), export.stderr
    assert score.returncode == 0 and "gulou" in score.stdout, score.stderr
    assert explain.returncode == 0 and "act1" in explain.stdout, explain.stderr


def _refused(result: subprocess.CompletedProcess[str], db: Path, why: str) -> None:
    assert result.returncode == 2
    assert result.stderr == f"scoreledger: {db}: read-only: {why}; nothing was appended\n"


def _commands(db: Path, events: Path) -> list[tuple[Any, ...]]:
    return [
        ("verify", db),
        ("export", db),
        ("score", db, *SCORE),
        ("explain", db, *SCORE, "--unit", "gulou"),
        ("import", db, events),
    ]


@pytest.fixture
def one_event(tmp_path: Path) -> Path:
    path = tmp_path / "one.jsonl"
    path.write_text(
        '{"id": "new", "type": "activity", "at": "2016-05-01", "unit": "gulou",'
        ' "activity": "meeting"}\n'
    )
    return path


def test_a_ledger_on_a_read_only_medium_is_read_and_refuses_appends(
    namespaces: None, tmp_path: Path, make_base, one_event: Path
):
    folder = tmp_path / "medium"
    folder.mkdir()
    db = make_base(folder / "base.sqlite")
    before = db.read_bytes()
    ro = 'mount --bind "$M" "$M" && mount -o remount,bind,ro "$M" "$M"'
    *results, listing = _in_namespace(ro, folder, _commands(db, one_event))
    _readers_work(results)
    _refused(results[4], db, "on a read-only file system")
    assert listing.stdout == "base.sqlite\n"  # no -wal, -shm or journal could be left
    assert db.read_bytes() == before


def test_an_immutable_ledger_file_is_read_and_refuses_appends(
    base_db: Path, one_event: Path, immutable
):
    immutable(base_db)
    results = [_run(*command) for command in _commands(base_db, one_event)]
    _readers_work(results)
    _refused(results[4], base_db, "the file cannot be written")
    assert _events(base_db) == 7


def test_a_ledger_in_a_read_only_folder_is_read_and_refuses_appends(
    tmp_path: Path, make_base, one_event: Path, immutable
):
    folder = tmp_path / "locked"
    folder.mkdir()
    db = make_base(folder / "base.sqlite")
    immutable(folder)
    results = [_run(*command) for command in _commands(db, one_event)]
    _readers_work(results)
    _refused(results[4], db, FOLDER)
    new = _run("import", folder / "new.sqlite", one_event)
    assert new.returncode == 2
    assert new.stderr == (
        f"scoreledger: {folder / 'new.sqlite'}: cannot create it: {FOLDER}; nothing was appended\n"
    )
    assert sorted(p.name for p in folder.iterdir()) == ["base.sqlite"]


# -- a full disk -----------------------------------------------------------------------


def test_a_full_disk_is_named_and_nothing_is_appended(namespaces: None, tmp_path: Path, make_base):
    base = make_base(tmp_path / "base.sqlite")
    big = tmp_path / "big.jsonl"
    with open(big, "w", encoding="utf-8") as out:
        for i in range(3000):
            out.write(
                f'{{"id": "big{i}", "type": "activity", "at": "2016-05-01", "unit": "gulou",'
                f' "activity": "meeting", "note": "{"填充" * 100}"}}\n'
            )
    disk = tmp_path / "disk"
    disk.mkdir()
    db = disk / "base.sqlite"
    small = f'mount -t tmpfs -o size=512k tmpfs "$M" && cp {shlex.quote(str(base))} "$M"/'
    new, unit = disk / "new.sqlite", tmp_path / "unit.jsonl"
    unit.write_text(
        '{"id": "u", "type": "unit_registered", "at": "2016-01-04", "unit": "gulou",'
        ' "name": "鼓楼区总工会", "kind": "county"}\n'
    )
    commands = [("import", db, big), ("verify", db), ("export", db), ("import", new, unit, big)]
    full, verify, count, create, listing = _in_namespace(small, disk, commands)
    assert full.returncode == 2
    assert full.stderr == (
        f"scoreledger: {db}: disk full (SQLite: database or disk is full); nothing was "
        "appended; free some space and try again\n"
    )
    assert verify.returncode == 0 and verify.stdout.startswith("OK: 7 events"), verify
    assert len(count.stdout.splitlines()) == 7
    assert create.returncode == 2
    assert create.stderr == full.stderr.replace(str(db), str(new))
    assert listing.stdout == "base.sqlite\n"  # the failed create left nothing


# -- a create that fails ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "why"),
    [
        (None, "cannot read: No such file or directory"),
        (['{"type": "activity", "at": "2016-05-01", "unit": "nowhere", "activity": "meeting"}'],
         "unit 'nowhere' is not registered"),
    ],
)  # fmt: skip
def test_a_failed_create_leaves_nothing_behind(tmp_path: Path, lines: list[str] | None, why):
    source = tmp_path / "in.jsonl"
    if lines is not None:
        source.write_text("\n".join(lines) + "\n")
    folder = tmp_path / "ledgers"
    folder.mkdir()
    result = _run("import", folder / "new.sqlite", source)
    assert result.returncode == 2
    assert why in result.stderr
    assert list(folder.iterdir()) == []


def test_a_create_that_succeeds_is_whole_when_it_appears(tmp_path: Path, base_events):
    """The new file is staged under a hidden name and appears with its first commit."""
    db = tmp_path / "new.sqlite"
    with Ledger.open(db, create=True) as ledger:
        assert not db.exists()
        staged = [p.name for p in tmp_path.iterdir() if p.name.endswith(".creating")]
        assert len(staged) == 1 and staged[0].startswith(".new.sqlite.")
        ledger.append_many(base_events)
        assert db.exists()
        assert _events(db) == 7  # another reader sees it, whole
        ledger.append({"type": "activity", "at": "2016-05-01", "unit": "gulou",
                       "activity": "meeting"})  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.sqlite"]
    assert _run("verify", db).stdout.startswith("OK: 8 events")
    with Ledger.open(tmp_path / "empty.sqlite", create=True):
        pass
    assert _run("verify", tmp_path / "empty.sqlite").stdout.startswith("OK: 0 events")


def test_two_creators_of_one_file_both_land_in_it(tmp_path: Path, base_events):
    """Both staged before either committed: the second's events are appended to the
    first's ledger, checked against it (duplicates counted, conflicts refused with their
    own locations), and its staging file is gone."""
    db = tmp_path / "new.sqlite"
    first, second = Ledger.open(db, create=True), Ledger.open(db, create=True)
    with first, second:
        first.append_many(base_events[:4])
        result = second.append_many([*base_events[:2], base_events[4]])
        assert (result.appended, result.duplicates, result.first_seq) == (1, 2, 5)
        assert second.get("s1") is not None and len(second) == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.sqlite"]
    assert _run("verify", db).stdout.startswith("OK: 5 events")

    db2 = tmp_path / "other.sqlite"
    first, second = Ledger.open(db2, create=True), Ledger.open(db2, create=True)
    clash = {**base_events[0], "name": "另一个"}
    with first, second:
        first.append_many(base_events[:4])
        loc = Location("clash.jsonl", 3)
        with pytest.raises(InputError) as refused:
            second.append_many([(loc, clash)])
    assert str(refused.value).startswith("clash.jsonl:3: id: id 'u-city' is already recorded")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.sqlite", "other.sqlite"]
    assert _events(db2) == 4


# -- a damaged file --------------------------------------------------------------------


def _damage_one_old_page(db: Path) -> None:
    """Break one leaf page in the middle of the events table: an append touches only the
    table's last page and the indexes, so without a check it would succeed."""
    page = pad_and_checkpoint(db)
    with sqlite3.connect(db) as conn:
        leaves = [
            row[0]
            for row in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = 'events' AND pagetype = 'leaf' "
                "ORDER BY pageno"
            )
        ]
    conn.close()
    data = bytearray(db.read_bytes())
    data[(leaves[len(leaves) // 2] - 1) * page] = 0xFF  # no b-tree page has this type
    db.write_bytes(bytes(data))


def test_import_refuses_a_malformed_file_that_verify_calls_damaged(base_db: Path, one_event: Path):
    _damage_one_old_page(base_db)
    before = base_db.read_bytes()
    result = _run("import", base_db, one_event)
    assert result.returncode == 2
    assert result.stderr == (
        f"scoreledger: {base_db}: malformed: the database file is damaged (SQLite: database "
        "disk image is malformed); run verify; nothing was appended\n"
    )
    assert base_db.read_bytes() == before
    verify = _run("verify", base_db)
    assert verify.returncode == 1 and verify.stdout.startswith("DAMAGED")
