"""Anchors (CONTRACT §8.3, issue 11 item 1): ``verify --expect SEQ:HASH`` and ``--anchors
FILE`` catch what a hash chain alone cannot.

Whoever can write the database (the file's owner; on PostgreSQL the table's owner) can drop
the triggers, delete the last events and put the triggers back, or edit an event and
re-seal every hash after it: the chain still verifies. A head held elsewhere (a published
report's first line or its JSON ``"head"``) does not: the ledger is reported truncated or
rewritten (exit 1). Both backends, through real subprocesses.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from backends import Backend, Raw
from ledger import Ledger
from ledger.anchors import (
    Anchor,
    AnchorError,
    check_anchors,
    gather,
    parse_anchor,
    read_anchors,
)
from ledger.integrity import chain_hash
from ledger.recorder import GENESIS
from scenario_helpers import pad_and_checkpoint

BOARD = ("--ruleset", "jiangsu-2016", "--period", "2016Q1")
LATER = [
    {"id": "act2", "type": "activity", "at": "2016-03-05", "unit": "xuanwu",
     "activity": "meeting"},
    {"id": "s2", "type": "submission", "at": "2016-03-06T10:00", "unit": "xuanwu",
     "info": "XW-1", "title": "玄武区职工服务站建设"},
]  # fmt: skip
HASH = "[0-9a-f]{64}"


def ok(result: Any) -> str:
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    out: str = result.stdout
    return out


def head_of(cli: Any, where: str) -> tuple[int, str]:
    """The head a real report says it was computed from (its JSON "head")."""
    head = json.loads(ok(cli("score", where, *BOARD, "--format", "json")))["head"]
    return head["seq"], head["hash"]


def verified(cli: Any, where: str) -> str:
    """verify's OK line, which a chain alone gives whatever was done to the ledger."""
    out = ok(cli("verify", where))
    assert out.startswith("OK: ")
    return out


def short(seq: int, digest: str) -> str:
    return f"{seq}:{digest[:12]}…"


def truncate(backend: Backend, where: str, keep: int) -> None:
    """The owner's attack: drop the guards, delete every event after `keep`, recreate the
    guards exactly as the ledger made them."""
    with Raw(backend, where) as conn:
        conn.drop_guards()
        conn.execute("DELETE FROM events WHERE seq > ?", [keep])
        if backend.is_postgres:
            from ledger.schema_postgres import GUARDS as PG_GUARDS

            for name, spec in PG_GUARDS.items():
                conn.execute(f"CREATE TRIGGER {name} {spec}")
        else:
            from ledger.schema import GUARDS

            for ddl in GUARDS.values():
                conn.execute(ddl)


def rewrite(backend: Backend, where: str, seq: int, **changes: Any) -> None:
    """Edit the payload at `seq` and re-seal every hash from there on: a consistent chain."""
    with Raw(backend, where) as conn:
        rows = conn.execute(
            "SELECT seq, payload, recorded_at, recorded_by, version, prev_hash FROM events "
            "WHERE seq >= ? ORDER BY seq",
            [seq],
        ).fetchall()
        prev = rows[0][5]
        for number, payload, recorded_at, recorded_by, version, _ in rows:
            if number == seq:
                payload = json.dumps({**json.loads(payload), **changes}, ensure_ascii=False,
                                     sort_keys=True, separators=(",", ":"))  # fmt: skip
            digest = chain_hash(prev, payload, number, recorded_at, version, recorded_by)
            conn.behind_guards(
                "UPDATE events SET payload = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                [payload, prev, digest, number],
            )
            prev = digest


# -- what a chain alone passes -----------------------------------------------------------


def test_a_truncated_ledger_passes_the_chain_but_not_its_anchor(
    backend: Backend, base_ledger: str, cli
):
    seq, digest = head_of(cli, base_ledger)
    assert seq == 7
    truncate(backend, base_ledger, keep=5)
    with Raw(backend, base_ledger) as conn:
        cut_head = conn.execute("SELECT hash FROM events WHERE seq = 5").fetchone()[0]
    assert verified(cli, base_ledger) == f"OK: 5 events, head hash {cut_head}\n"
    result = cli("verify", base_ledger, "--expect", f"{seq}:{digest}")
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == (
        f"OK: 5 events, head hash {cut_head}\n"
        f"truncated: anchor {short(seq, digest)} (--expect) but the ledger ends at seq 5\n"
    )
    # An anchor inside what is left still holds: the damage is named, not guessed at.
    with Ledger.open(base_ledger) as ledger:
        report = check_anchors(ledger, [parse_anchor(f"5:{cut_head}"), parse_anchor(f"7:{digest}")])
    assert [(b.kind, b.anchor.seq) for b in report.broken] == [("truncated", 7)]


def test_a_rewrite_with_a_recomputed_chain_is_caught_at_the_anchor(
    backend: Backend, base_ledger: str, cli
):
    seq, digest = head_of(cli, base_ledger)
    rewrite(backend, base_ledger, 2, name="鼓楼区总工会（改）")
    out = verified(cli, base_ledger)
    with Raw(backend, base_ledger) as conn:
        now = conn.execute("SELECT hash FROM events WHERE seq = 7").fetchone()[0]
    assert now != digest and out == f"OK: 7 events, head hash {now}\n"
    result = cli("verify", base_ledger, "--expect", f"{seq}:{digest}")
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == (
        f"OK: 7 events, head hash {now}\n"
        f"rewritten: anchor {short(seq, digest)} (--expect) but seq 7 has hash {now[:12]}…\n"
    )


# -- the head of a published report, used as it is --------------------------------------


def test_reports_anchor_the_ledger_as_it_grows_and_catch_its_truncation(
    backend: Backend, base_ledger: str, cli, tmp_path: Path, write_jsonl
):
    seq, digest = head_of(cli, base_ledger)
    board_json = tmp_path / "board.json"
    board_json.write_text(ok(cli("score", base_ledger, *BOARD, "--format", "json")), "utf-8")
    board_txt = tmp_path / "board.txt"
    board_txt.write_text(ok(cli("score", base_ledger, *BOARD)), "utf-8")
    circular_zh = tmp_path / "通报.txt"
    circular_zh.write_text(ok(cli("circular", base_ledger, *BOARD, "--lang", "zh")), "utf-8")
    assert circular_zh.read_text("utf-8").startswith(f"链头 {seq}:{digest}\n")
    files = ("--anchors", board_json, "--anchors", board_txt, "--anchors", circular_zh)
    result = cli("verify", base_ledger, *files)
    assert ok(result).splitlines()[1:] == ["3 anchors held, the latest at seq 7 of 7"]

    ok(cli("import", base_ledger, write_jsonl(tmp_path / "later.jsonl", LATER)))
    grown = ok(cli("verify", base_ledger, *files, "--expect", f"{seq}:{digest.upper()}"))
    assert grown.splitlines()[1:] == ["4 anchors held, the latest at seq 7 of 9"]

    truncate(backend, base_ledger, keep=6)
    result = cli("verify", base_ledger, *files)
    assert (result.returncode, result.stderr) == (1, "")
    anchor = short(seq, digest)
    assert result.stdout.splitlines()[1:] == [
        f"truncated: anchor {anchor} ({board_json}) but the ledger ends at seq 6",
        f"truncated: anchor {anchor} ({board_txt}:1) but the ledger ends at seq 6",
        f"truncated: anchor {anchor} ({circular_zh}:1) but the ledger ends at seq 6",
    ]


def test_a_report_as_of_an_earlier_time_anchors_that_prefix(
    backend: Backend, base_ledger: str, cli, tmp_path: Path, write_jsonl
):
    with Ledger.open(base_ledger) as ledger:
        cut = ledger.head().recorded_at
    ok(cli("import", base_ledger, write_jsonl(tmp_path / "later.jsonl", LATER)))
    old = tmp_path / "old.txt"
    old.write_text(ok(cli("score", base_ledger, *BOARD, "--as-of", cut)), "utf-8")
    assert old.read_text("utf-8").startswith("head 7:")
    assert ok(cli("verify", base_ledger, "--anchors", old)).endswith(
        "\n1 anchor held, the latest at seq 7 of 9\n"
    )
    rewrite(backend, base_ledger, 8, activity="training")  # after the anchor: it still holds
    assert ok(cli("verify", base_ledger, "--anchors", old)).endswith(" of 9\n")
    rewrite(backend, base_ledger, 7, reason="recorded by mistake")
    result = cli("verify", base_ledger, "--anchors", old)
    assert result.returncode == 1
    assert result.stdout.splitlines()[1].startswith("rewritten: anchor 7:")
    assert f"({old}:1) but seq 7 has hash " in result.stdout


def test_a_list_of_anchors_with_comments_and_standard_input(base_ledger: str, cli, tmp_path: Path):
    with Ledger.open(base_ledger) as ledger:
        heads = {n: ledger.seq_hash(n) for n in (3, 7)}
    listing = tmp_path / "anchors.txt"
    listing.write_text(
        "\ufeff# anchors of the 2016 circulars\n\n"
        f"3:{heads[3]}   # 2016Q1 draft\n"
        f"  7:{heads[7]}\n"
        f"0:{GENESIS}\n",
        "utf-8",
    )
    out = ok(cli("verify", base_ledger, "--anchors", listing))
    assert out.splitlines()[1:] == ["3 anchors held, the latest at seq 7 of 7"]
    piped = ok(cli("verify", base_ledger, "--anchors", "-", stdin=f"7:{heads[7]}\n".encode()))
    assert piped.splitlines()[1:] == ["1 anchor held, the latest at seq 7 of 7"]
    wrong = "e" * 64
    listing.write_text(f"3:{heads[3]}\n9:{heads[7]}\n3:{wrong}\n", "utf-8")
    result = cli("verify", base_ledger, "--anchors", listing)
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout.splitlines()[1:] == [
        f"truncated: anchor {short(9, heads[7])} ({listing}:2) but the ledger ends at seq 7",
        f"rewritten: anchor {short(3, wrong)} ({listing}:3) but seq 3 has hash {heads[3][:12]}…",
    ]


def test_a_file_sqlite_cannot_read_is_damage_with_or_without_anchors(base_db: Path, cli):
    """Damaged pages: verify reports them (exit 1) and so does each anchor; never the one-line
    'malformed' error (exit 2) that the other commands give."""
    with Ledger.open(base_db) as ledger:
        anchor = f"7:{ledger.seq_hash(7)}"
    page = pad_and_checkpoint(base_db)
    data = bytearray(base_db.read_bytes())
    for start in range(page, len(data), page):
        data[start + 8 : start + 64] = b"\xa5" * 56
    base_db.write_bytes(bytes(data))
    for extra in ([], ["--expect", anchor]):
        result = cli("verify", base_db, *extra)
        assert (result.returncode, result.stderr) == (1, "")
        damaged, *anchor_lines = result.stdout.splitlines()
        assert damaged.startswith("DAMAGED at the file: SQLite cannot read the file (")
        problem = damaged.removeprefix("DAMAGED at the file: ")
        unreadable = f"unreadable: anchor {short(7, anchor[2:])} (--expect) but the ledger"
        assert anchor_lines == ([f"{unreadable} cannot be read: {problem}"] if extra else [])


# -- anchors that cannot be read: one line, exit 2, before the ledger is opened ------------

GOOD = "a" * 64


def refused(cli: Any, db: Path, anchors: Path, content: str | None = None) -> str:
    """verify's stderr with `anchors` (written with `content` first): exit 2, no output."""
    if content is not None:
        anchors.write_text(content, "utf-8")
    result = cli("verify", db, "--anchors", anchors)
    assert (result.returncode, result.stdout) == (2, "")
    stderr: str = result.stderr
    return stderr


@pytest.mark.parametrize(
    ("content", "line", "got"),
    [
        (f"7:{GOOD[:-1]}\n", 1, f"'7:{GOOD[:-1]}'"),
        (f"# ok\n7:{GOOD}\n7 {GOOD}\n", 3, f"'7 {GOOD}'"),
        (f"7:{GOOD}\n-1:{GOOD}\n", 2, f"'-1:{GOOD}'"),
        (f"7:{GOOD}\n\nhead 8:{GOOD}\n", 3, f"'head 8:{GOOD}'"),
        ("seven:abc\n", 1, "'seven:abc'"),
        (f"{'9' * 20}:{GOOD}\n", 1, f"'{'9' * 20}:{GOOD}'"),  # more than 64 bits
        ("9" * 5000 + f":{GOOD}\n", 1, "'" + "9" * 98 + "…"),  # no int() of 5,000 digits
        (f"7:{'g' * 64}\n", 1, f"'7:{'g' * 64}'"),
        ("7:ab\x1b[31m\n", 1, "'7:ab\\x1b[31m'"),
        ("ruleset,period,head," + "x" * 200 + "\n", 1, "'ruleset,period,head," + "x" * 78 + "…"),
    ],
)
def test_a_malformed_anchor_line_is_one_line_and_exit_2(
    base_db: Path, cli, tmp_path: Path, content: str, line: int, got: str
):
    bad = tmp_path / "anchors.txt"
    assert refused(cli, base_db, bad, content) == (
        f"scoreledger: {bad}:{line}: anchor: expected SEQ:HASH (a seq and 64 hex digits), "
        f"got {got}\n"
    )


def test_a_malformed_expect_names_the_option(base_db: Path, cli):
    result = cli("verify", base_db, "--expect", f"{GOOD}:7")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "scoreledger: --expect: anchor: expected SEQ:HASH (a seq and 64 hex digits), "
        f"got '{GOOD}:7'\n"
    )
    result = cli("verify", base_db, "--expect", "7:abc")
    assert result.stderr == (
        "scoreledger: --expect: anchor: expected SEQ:HASH (a seq and 64 hex digits), got '7:abc'\n"
    )


def test_an_anchors_file_that_cannot_be_read(base_db: Path, cli, tmp_path: Path):
    missing = tmp_path / "circular.txt"
    assert refused(cli, base_db, missing) == (
        f"scoreledger: cannot read anchors {missing}: No such file or directory\n"
    )
    assert refused(cli, base_db, tmp_path) == (
        f"scoreledger: cannot read anchors {tmp_path}: Is a directory\n"
    )
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("链头 7:".encode("gbk") + GOOD.encode())
    assert refused(cli, base_db, gbk) == (
        f"scoreledger: cannot read anchors {gbk}: not UTF-8 text (byte 1 is 0xc1); "
        "give a text or JSON report, or SEQ:HASH lines\n"
    )


@pytest.mark.parametrize(
    ("content", "got"),
    [
        ("", "got an empty file"),
        ("\n  \n", "got an empty file"),
        ("# nothing yet\n\n", "got only blank lines and comments"),
    ],
)
def test_an_anchors_file_without_anchors_is_refused(
    base_db: Path, cli, tmp_path: Path, content: str, got: str
):
    """An empty download or a file not yet filled in must not pass as 'every anchor held'."""
    empty = tmp_path / "anchors.txt"
    assert refused(cli, base_db, empty, content) == (
        f"scoreledger: {empty}: anchor: expected SEQ:HASH (a seq and 64 hex digits), {got}\n"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"head": null}', 'got "head": null'),
        ('{"units": []}', 'got no "head"'),
        ('{"head": {"seq": "7", "hash": "aa"}}', 'got "head": {"seq": "7", "hash": "aa"}'),
        ('{"head": {"seq": true, "hash": "aa"}}', 'got "head": {"seq": true, "hash": "aa"}'),
    ],
)
def test_a_json_report_without_a_head(
    base_db: Path, cli, tmp_path: Path, content: str, message: str
):
    report = tmp_path / "board.json"
    assert refused(cli, base_db, report, content) == (
        f'scoreledger: {report}: anchor: expected a JSON report with "head": '
        f'{{"seq": N, "hash": "…"}}, {message}\n'
    )


def test_a_json_report_that_is_not_json_names_its_line(base_db: Path, cli, tmp_path: Path):
    report = tmp_path / "board.json"
    assert refused(cli, base_db, report, '{\n  "head": {"seq": 7,\n}').startswith(
        f"scoreledger: {report}:3: anchor: expected a JSON report, got "
    )
    assert refused(cli, base_db, report, '{"head": ' + "[" * 100_000) == (
        f"scoreledger: {report}: anchor: expected a JSON report, got one nested too deeply\n"
    )
    assert refused(cli, base_db, report, '{"head": {"seq": 7, "hash": "abc"}}') == (
        f"scoreledger: {report}: anchor: expected SEQ:HASH (a seq and 64 hex digits), got '7:abc'\n"
    )


# -- the Python API ----------------------------------------------------------------------


def test_the_api_reads_checks_and_reports(base_ledger: str, tmp_path: Path, backend: Backend):
    with Ledger.open(base_ledger) as ledger:
        head = ledger.head()
        report_file = tmp_path / "board.txt"
        report_file.write_text(f"head {head.seq}:{head.hash}\nnot an anchor\n", "utf-8")
        anchors = [*read_anchors(report_file), parse_anchor(f" 0:{GENESIS} ")]
        assert anchors[0] == Anchor(seq=7, hash=head.hash, source=f"{report_file}:1")
        held = check_anchors(ledger, anchors)
        assert held.ok and str(held) == "2 anchors held, the latest at seq 7 of 7"
        far = parse_anchor(f"{10**19 - 1}:{GOOD}")  # past a bigint column: never queried
        broken = check_anchors(ledger, [far, parse_anchor(f"0:{GOOD}")])
        assert not broken.ok
        assert [(b.kind, b.found) for b in broken.broken] == [
            ("truncated", None),
            ("rewritten", GENESIS),
        ]
        assert check_anchors(ledger, []).lines() == []
    with pytest.raises(AnchorError, match=r"^--expect: anchor: expected SEQ:HASH"):
        gather(["7"], [])
