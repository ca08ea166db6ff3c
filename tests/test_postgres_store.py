"""CONTRACT §8.1: a ledger on a PostgreSQL server, behind the same API and CLI as a file.

Against the real server of SCORELEDGER_TEST_POSTGRES (tests/backends.py); each test's
ledger is a fresh schema of the session's database.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from backends import Server, with_schema
from ledger import InputError, Ledger, LedgerError
from ledger import store as store_module

FIXED = "2026-12-02T09:00:00.000000+00:00"


def test_the_same_events_give_byte_identical_rows_and_hashes_on_both(
    pg_server: Server, tmp_path: Path, base_events, monkeypatch
):
    monkeypatch.setattr(store_module, "_now", lambda: FIXED)
    url = pg_server.new_url()
    with Ledger.open(url, create=True) as pg:
        pg.append_many(base_events)
        user = pg.recorded_by
        pg_rows = list(pg.recorder.chain_rows())
        pg_export = list(pg.export_rows())
        pg_verify = str(pg.verify())
    with Ledger.open(tmp_path / "l.sqlite", create=True, recorded_by=user) as lite:
        lite.append_many(base_events)
        assert list(lite.recorder.chain_rows()) == pg_rows
        assert list(lite.export_rows()) == pg_export
        assert str(lite.verify()) == pg_verify
    assert user == pg_server.connect().execute("SELECT session_user").fetchone()[0]
    assert [r[-1] for r in pg_rows] == [user] * len(base_events)


def test_import_creates_the_ledger_and_every_other_command_refuses_an_empty_database(
    pg_server: Server, cli, base_db: Path, tmp_path: Path
):
    url = pg_server.new_url()
    for command in (
        ["verify"],
        ["export"],
        ["score", "--ruleset", "dalian-2011", "--period", "2011"],
    ):
        result = cli(command[0], url, *command[1:])
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr == (
            f"scoreledger: {url}: no ledger in this database "
            "(only import, demo and copy create one)\n"
        )
    exported = cli("export", base_db).stdout
    source = tmp_path / "base.jsonl"
    source.write_text(exported, encoding="utf-8")
    result = cli("import", url, source)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("appended 7, duplicates 0\nseq 1…7, head hash ")
    again = cli("import", url, source)
    assert again.stdout == "appended 0, duplicates 7\n"
    verified = cli("verify", url)
    assert verified.returncode == 0
    assert verified.stdout.startswith("OK: 7 events, head hash ")


def test_a_schema_holding_other_tables_is_not_made_a_ledger(pg_server: Server, cli, tmp_path):
    url = pg_server.new_url()
    with pg_server.connect(url) as conn:
        conn.execute("CREATE TABLE payroll (id int)")
    source = tmp_path / "one.jsonl"
    source.write_text(
        '{"type":"unit_registered","at":"2016-01-04","unit":"a","name":"A","kind":"city"}\n',
        encoding="utf-8",
    )
    result = cli("import", url, source)
    assert result.returncode == 2
    assert "already holds 1 other table(s); a ledger is created only in an empty" in result.stderr
    with pg_server.connect(url) as conn:
        assert conn.execute("SELECT to_regclass('events')").fetchone() == (None,)


def test_an_events_table_of_another_kind_is_not_a_ledger(pg_server: Server):
    url = pg_server.new_url()
    with pg_server.connect(url) as conn:
        conn.execute("CREATE TABLE events (id int)")
    with pytest.raises(LedgerError, match="not a scoreledger ledger"):
        Ledger.open(url, create=True)


def test_bad_input_is_one_line_per_problem_and_appends_nothing(pg_server: Server, cli, tmp_path):
    url = pg_server.new_url()
    source = tmp_path / "bad.jsonl"
    source.write_text(
        '{"type":"unit_registered","at":"2016-01-04","unit":"a","name":"A","kind":"city"}\n'
        '{"type":"activity","at":"2016-01-05","unit":"nobody","activity":"meeting"}\n',
        encoding="utf-8",
    )
    result = cli("import", url, source)
    assert result.returncode == 2
    assert result.stderr.startswith(f"scoreledger: {source}:2: unit: ")
    with Ledger.open(url) as ledger:
        assert len(ledger) == 0


def test_recorded_by_may_only_name_the_session_user(pg_server: Server, base_events):
    url = pg_server.new_url()
    with pytest.raises(LedgerError, match=r"records its session user \(.+\); connect as 'alice'"):
        Ledger.open(url, create=True, recorded_by="alice")
    with Ledger.open(url) as ledger:  # the refused open created the (empty) ledger
        same = Ledger.open(url, recorded_by=ledger.recorded_by)
        same.append_many(base_events)
        same.close()
        assert len(ledger) == 7


def test_a_password_is_never_printed(cli, tmp_path):
    pytest.importorskip("psycopg", reason="the postgres extra is not installed")
    url = "postgresql://clerk:s3cr3t-pw@127.0.0.1:1/ledger"
    for args in (["verify", url], ["demo", url], ["export", url + "?password=s3cr3t-pw"]):
        result = cli(*args)
        assert result.returncode == 2
        assert "s3cr3t-pw" not in result.stderr + result.stdout
        assert result.stderr.startswith("scoreledger: postgresql://clerk:***@127.0.0.1:1/ledger")
        assert "cannot connect: connection failed" in result.stderr
        assert result.stderr.count("\n") == 1


def test_a_password_in_the_servers_own_message_is_scrubbed_too(pg_server: Server):
    # A secret that reaches a message by another road (here the user name) is still masked.
    from ledger.recorder_postgres import masked, scrub

    assert masked("postgresql://u:pa%3Ass@h/db?password=x&sslmode=require") == (
        "postgresql://u:***@h/db?password=***&sslmode=require"
    )
    assert scrub("failed for pa%3Ass and x") == "failed for *** and ***"


def test_without_the_driver_one_line_says_how_to_install_it(tmp_path: Path):
    code = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from scoreledger.cli import main\n"
        "sys.exit(main(['verify', 'postgresql://clerk:pw@127.0.0.1/ledger']))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr == (
        "scoreledger: a postgresql:// ledger needs the PostgreSQL driver: "
        "pip install 'scoreledger[postgres]'\n"
    )


def test_the_search_path_names_the_ledgers_schema(pg_server: Server, base_events):
    """Two ledgers in one database, one per schema, do not see each other."""
    first, second = pg_server.new_url("a"), pg_server.new_url("b")
    with Ledger.open(first, create=True) as a, Ledger.open(second, create=True) as b:
        a.append_many(base_events)
        assert (len(a), len(b)) == (7, 0)
        with pytest.raises(InputError, match="unit 'gulou' is not registered"):
            b.append({"type": "activity", "at": "2016-01-05", "unit": "gulou",
                      "activity": "meeting"})  # fmt: skip
    missing = with_schema(pg_server.url, "no_such_schema")
    with pytest.raises(LedgerError, match="the search_path names no existing schema"):
        Ledger.open(missing, create=True)
