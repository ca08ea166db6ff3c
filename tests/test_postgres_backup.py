"""Backups of a PostgreSQL ledger (issue 12 item 2, docs/postgres.md): ``pg_dump`` then
``pg_restore`` into another database keeps a ledger that verifies with the same head, the
same recorded_by and its guards; a restore does not pass the rows through the guards
(pg_dump creates triggers after loading data), so nothing is re-stamped."""

from __future__ import annotations

import shutil
import subprocess
from urllib.parse import unquote, urlsplit

import pytest

from backends import Server, with_database
from ledger import Ledger


def _libpq_args(url: str) -> list[str]:
    parts = urlsplit(url)
    args = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    return [*args, "-U", unquote(parts.username)] if parts.username else args


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_pg_dump_and_pg_restore_keep_a_ledger_that_verifies(
    pg_server: Server, base_events, tmp_path, cli
):
    url = pg_server.new_url("dumped")
    schema = url.rsplit("%3D", 1)[-1]
    with Ledger.open(url, create=True) as ledger:
        ledger.append_many(base_events)
        head, owner = ledger.head(), ledger.recorded_by
    dump = tmp_path / "ledger.dump"
    conn_args = _libpq_args(pg_server.url)
    subprocess.run(
        ["pg_dump", *conn_args, "-Fc", "-n", schema, "-f", str(dump), pg_server.database],
        check=True,
        capture_output=True,
    )
    restored_db = f"{pg_server.database}_restored"
    with pg_server.connect(pg_server.admin_url) as conn:
        conn.execute(f'CREATE DATABASE "{restored_db}"')
    try:
        subprocess.run(
            ["pg_restore", *conn_args, "-d", restored_db, str(dump)],
            check=True,
            capture_output=True,
        )
        restored = url.replace(f"/{pg_server.database}?", f"/{restored_db}?")
        assert restored != url and restored.startswith(with_database(pg_server.url, restored_db))
        result = cli("verify", restored)
        assert (result.returncode, result.stdout) == (0, f"OK: 7 events, head hash {head.hash}\n")
        with Ledger.open(restored) as copy:
            assert copy.head() == head
            assert set(copy.recorded_by_seq(range(1, 8)).values()) == {owner}
            copy.append({"type": "activity", "at": "2016-03-09", "unit": "gulou",
                         "activity": "meeting"})  # fmt: skip
            assert copy.verify().ok
        with pg_server.connect(restored) as conn, pytest.raises(Exception, match="append-only"):
            conn.execute("DELETE FROM events")
    finally:
        with pg_server.connect(pg_server.admin_url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{restored_db}" WITH (FORCE)')
