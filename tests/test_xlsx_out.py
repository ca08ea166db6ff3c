"""Excel out (CONTRACT §8.6): every workbook is read back with openpyxl — numbers are
numbers equal to the JSON report's, Chinese headers in a frozen first row, widths that
fit Chinese names, one sheet per unit kind, the head in 说明 and in the page header, a
name starting with "=" stays text, and a native chart of every unit's score by quarter."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from render_helpers import display_width
from scenario_helpers import adopt, build, instr, reg, sub

Q3 = ("--ruleset", "dalian-2011", "--period", "2011Q3")


def run(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scoreledger", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def ok(*args: object) -> str:
    proc = run(*args)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def ledger_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(
        tmp_path_factory.mktemp("xlsx"),
        [
            reg("shahekou", "沙河口区总工会", "county"),
            reg("ganjingzi", "甘井子区总工会", "county"),
            reg("eq", "=1+2", "county"),
            reg("dl-build", "大连市建设产业工会", "industry_union"),
            sub("s1", "shahekou", "I1", "2011-02-05"),
            adopt("a1", "I1", "city.union.bulletin", "2011-02-10"),
            sub("s2", "shahekou", "I2", "2011-07-06"),
            adopt("a2", "I2", "province.union.web", "2011-07-12"),
            instr("i1", "I2", "city", "2011-07-21"),
            sub("s3", "ganjingzi", "I3", "2011-08-07"),
            adopt("a3", "I3", "central.cpc_office", "2011-08-13"),
            sub("s4", "dl-build", "I4", "2011-04-08"),
            sub("s5", "eq", "I5", "2011-09-08"),
        ],
    )


def _book(path: Path, *args: object) -> object:
    target = path.parent / f"{args[0]}-{len(args)}.xlsx"
    assert ok(*args[:1], path, *args[1:], "--format", "xlsx", "--output", target) == ""
    return load_workbook(target)


def _table(sheet: object) -> list[dict[str, object]]:
    rows = list(sheet.iter_rows(values_only=True))  # type: ignore[attr-defined]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_circular_workbook(ledger_path: Path) -> None:
    book = _book(ledger_path, "circular", *Q3)
    assert book.sheetnames == ["说明", "县(市、区)总工会", "产业工会", "季度得分"]
    doc = json.loads(ok("circular", ledger_path, *Q3, "--format", "json"))
    head = f"{doc['head']['seq']}:{doc['head']['hash']}"
    info = dict(book["说明"].iter_rows(min_row=2, values_only=True))
    assert info["链头 head (SEQ:HASH)"] == head
    county = book["县(市、区)总工会"]
    assert county.freeze_panes == "A2"
    assert head in county.oddHeader.center.text
    rows = {r["单位代码"]: r for r in _table(county)}
    by_unit = {u["unit"]: u for u in doc["units"]}
    for unit, row in rows.items():
        expected = by_unit[unit]
        assert Decimal(str(row["得分"])) == Decimal(expected["total"])
        assert row["名次"] == expected["rank"]
        assert row["省总采用"] == expected["adopted"]["province_union"]
        assert row["市委、市政府领导批示"] == expected["instructed"]["city"]
        assert isinstance(row["得分"], int | float) and isinstance(row["中办国办采用"], int)
    assert rows["eq"]["单位"] == "=1+2"  # text, not a formula
    cell = next(c for c in county["C"] if c.value == "=1+2")
    assert cell.data_type == "s"
    width = county.column_dimensions["C"].width
    assert width >= display_width("沙河口区总工会") + 2


def test_the_chart_plots_every_units_score_by_quarter(ledger_path: Path) -> None:
    book = _book(ledger_path, "circular", *Q3)
    sheet = book["季度得分"]
    charts = sheet._charts
    assert len(charts) == 2  # one per kind: county, industry_union
    assert [len(c.series) for c in charts] == [3, 1]
    cells = list(sheet.iter_rows(min_row=1, max_row=4, values_only=True))
    assert cells[0][0] == "季度" and [r[0] for r in cells[1:]] == ["2011Q1", "2011Q2", "2011Q3"]
    names = list(cells[0][1:4])
    for index, quarter in enumerate(("2011Q1", "2011Q2", "2011Q3"), start=1):
        period = ("--ruleset", "dalian-2011", "--period", quarter)
        board = json.loads(ok("score", ledger_path, *period, "--format", "json"))
        totals = {u["name"]: Decimal(u["total"]) for u in board["units"]}
        for col, name in enumerate(names, start=1):
            assert Decimal(str(cells[index][col])) == totals[name], (quarter, name)


def test_score_explain_and_diff_workbooks(ledger_path: Path) -> None:
    book = _book(ledger_path, "score", *Q3)
    assert book.sheetnames == ["说明", "县(市、区)总工会", "产业工会", "得分明细", "季度得分"]
    board = json.loads(ok("score", ledger_path, *Q3, "--format", "json"))
    lines = _table(book["得分明细"])
    for unit in board["units"]:
        summed = sum(
            (Decimal(str(r["分值"])) for r in lines if r["单位代码"] == unit["unit"]), Decimal(0)
        )
        assert summed == Decimal(unit["total"])
    book = _book(ledger_path, "explain", *Q3, "--unit", "shahekou")
    assert book.sheetnames == ["说明", "得分明细", "事件"]
    trace = _table(book["事件"])
    assert {r["事件"] for r in trace} >= {"s2", "a2", "i1"}
    assert all(isinstance(r["序号 seq"], int) for r in trace)
    book = _book(
        ledger_path,
        "diff",
        "--period",
        "2011Q3",
        "--ruleset",
        "dalian-2011",
        "--against-as-of",
        "2000-01-01",
    )
    rows = {r["单位代码"]: r for r in _table(book["对比"])}
    assert Decimal(str(rows["shahekou"]["A"])) > 0 and rows["shahekou"]["B"] is None


def test_xlsx_needs_an_output_file(ledger_path: Path) -> None:
    proc = run("circular", ledger_path, *Q3, "--format", "xlsx")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "--output" in proc.stderr
    proc = run(
        "score",
        ledger_path,
        *Q3,
        "--format",
        "xlsx",
        "--output",
        ledger_path.parent / "no" / "x.xlsx",
    )
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr


def _fitted(values: list[object]) -> float:
    """What a column's width must be: its widest cell as text, two units a Chinese
    character, and a margin, at most 60 (measured whole, no shortcut)."""
    shown = ["是" if v is True else "否" if v is False else str(v) for v in values if v is not None]
    return float(min(60, max((display_width(s) for s in shown), default=4) + 2))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.one_of(
                st.none(),
                st.booleans(),
                st.integers(-999, 99999),
                st.decimals(places=1, min_value=-1000, max_value=1000),
                st.text(alphabet="aZ=#!/ 沙河口区总工会·、", max_size=40),
            ),
            min_size=3,
            max_size=3,
        ),
        max_size=12,
    )
)
def test_rows_made_afresh_are_read_twice_and_fitted(rows: list[list[object]]) -> None:
    # The lines sheet's rows are made anew for the widths and for the cells (Rows): the
    # widths are those of every cell, the values and types those appended.
    from openpyxl.cell.cell import ERROR_CODES

    from scoreledger.render.xlsx import Rows, Sheet, write_workbook

    made: list[int] = []

    def make() -> Iterator[list[object]]:
        made.append(1)
        return iter(rows)

    with tempfile.TemporaryDirectory() as where:
        target = Path(where) / "rows.xlsx"
        sheet = Sheet(title="明细", header=["甲", "b", "丙丙"], rows=Rows(make))  # type: ignore[arg-type]
        write_workbook(target, [("k", "v")], [sheet], head="1:ab")
        book = load_workbook(target)
    assert len(made) == 2
    ws = book["明细"]
    assert ws.freeze_panes == "A2" and "1:ab" in ws.oddHeader.center.text
    assert ws.auto_filter.ref == (f"A1:C{len(rows) + 1}" if rows else None)
    for index, letter in enumerate("ABC"):
        column = [["甲", "b", "丙丙"][index], *(r[index] for r in rows)]
        assert ws.column_dimensions[letter].width == _fitted(column)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, str) and value:
                assert (cell.value, cell.data_type) == (value, "s")  # "=x", "#N/A": text
            elif isinstance(value, bool):
                assert cell.value == ("是" if value else "否")
            elif value is not None and value != "":
                assert Decimal(str(cell.value)) == value and cell.data_type == "n"
    assert "#N/A" in ERROR_CODES  # the case the text rule guards is openpyxl's own
