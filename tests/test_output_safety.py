"""Output injection (issue 11): strings from the input cannot drive the terminal or a
spreadsheet. Text reports show control, bidi and newline characters as visible escapes;
CSV neutralises formula-like cells (keeping negative numbers as numbers); JSON escapes
invisible characters and still decodes to the very same strings."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from scenario_helpers import adopt, build, reg, sub

ESC = "红\x1b[31m色\x1b[0m区总工会"
BIDI = "甲\u202e会工总区乙"
NEWLINE = "丙区总工会\n1  forged  county  999"
FORMULA = '=HYPERLINK("http://x.example","点我")'
AT = "@SUM(A1:A9)"
Q3 = ("--ruleset", "dalian-2011", "--period", "2011Q3")


@pytest.fixture(scope="module")
def ledger_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    names = {"esc": ESC, "bidi": BIDI, "nl": NEWLINE, "formula": FORMULA, "at": AT}
    events = [reg(unit, name, "county") for unit, name in names.items()]
    for i, unit in enumerate(names):
        events.append(sub(f"s-{unit}", unit, f"I-{unit}", f"2011-07-{i + 1:02d}"))
        events.append(adopt(f"a-{unit}", f"I-{unit}", "city.union.bulletin", "2011-07-20"))
    events.append(
        {
            "type": "adjustment",
            "id": "adj",
            "at": "2011-08-01",
            "unit": "at",
            "points": "-9",
            "reason": "扣分\x1b]0;owned\x07",
        }
    )
    return build(tmp_path_factory.mktemp("safety"), events)


def run(*args: object) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "scoreledger", *map(str, args)],
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.decode("utf-8")


def _no_raw(text: str) -> None:
    for char in ("\x1b", "\x07", "\u202e"):
        assert char not in text


def test_score_text_shows_escapes_and_keeps_one_row_per_unit(ledger_path: Path) -> None:
    out = run("score", ledger_path, *Q3)
    _no_raw(out)
    assert "红\\x1b[31m色\\x1b[0m区总工会" in out
    assert "甲\\u202e会工总区乙" in out
    assert "丙区总工会\\n1  forged" in out
    assert not any(line.startswith("1  forged") for line in out.splitlines())


def test_explain_text_escapes_names_and_reasons(ledger_path: Path) -> None:
    out = run("explain", ledger_path, *Q3, "--unit", "at")
    _no_raw(out)
    assert "扣分\\x1b]0;owned\\x07" in out
    out = run("explain", ledger_path, *Q3, "--unit", "nl")
    assert "丙区总工会\\n1  forged" in out


def test_json_decodes_to_the_same_names_with_invisible_characters_escaped(
    ledger_path: Path,
) -> None:
    out = run("score", ledger_path, *Q3, "--format", "json")
    _no_raw(out)
    assert "\\u202e" in out
    names = {u["unit"]: u["name"] for u in json.loads(out)["units"]}
    assert names["esc"] == ESC and names["bidi"] == BIDI and names["nl"] == NEWLINE


def test_csv_neutralises_formulas_and_keeps_negative_numbers(ledger_path: Path) -> None:
    out = run("score", ledger_path, *Q3, "--format", "csv")
    rows = {r["unit"]: r for r in csv.DictReader(io.StringIO(out.removeprefix("\ufeff")))}
    assert rows["formula"]["name"] == "'" + FORMULA
    assert rows["at"]["name"] == "'" + AT
    assert rows["at"]["total"] == "-4.5"  # 0.5 + 4 - 9: a number, no apostrophe
    assert rows["bidi"]["name"] == BIDI  # CSV is data: kept exactly, only formulas are marked


def test_error_lines_escape_what_they_quote(tmp_path: Path) -> None:
    bad = tmp_path / "bad\x1b[2J.jsonl"
    bad.write_text('{"type": "unit_registered"}\n', encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "scoreledger", "import", str(tmp_path / "x.sqlite"), str(bad)],
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 2
    err = proc.stderr.decode("utf-8")
    assert "\x1b" not in err and "bad\\x1b[2J.jsonl:1: kind: required" in err, err
    assert all(line.startswith("scoreledger: ") for line in err.splitlines()), err
