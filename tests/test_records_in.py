"""Records in (CONTRACT §8.6): CSV and xlsx rows become events through the same checks as
JSON Lines — headers in English or the template's Chinese, GBK/GB18030 found or named
with --encoding, errors as FILE:ROW: field (FILE:SHEET!ROW), nothing appended on any bad
row, decimals kept exactly, spreadsheet dates read as +08:00; and the templates round-trip.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from ledger import Ledger
from ledger.events import EVENT_TYPES
from ledger.normalize import event_fields
from scoreledger.records.columns import FIELD_LABELS, TYPE_LABELS, header_text

REG = "unit_registered,u-gl,2016-01-04,gulou,鼓楼区总工会,county"


def export(cli: Any, db: Path) -> list[dict[str, Any]]:
    proc = cli("export", db)
    assert proc.returncode == 0, proc.stderr
    keep = ("seq", "recorded_at", "recorded_by", "hash")
    return [
        {k: v for k, v in json.loads(line).items() if k not in keep}
        for line in proc.stdout.splitlines()
    ]


def count(db: Path) -> int:
    with Ledger.open(db) as ledger:
        return sum(1 for _ in ledger.events())


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files are named relative to the test's directory, as errors then name them."""
    monkeypatch.chdir(tmp_path)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return Path(path.name)


# -- CSV --------------------------------------------------------------------------------


def test_csv_with_english_headers_imports_like_json_lines(tmp_path: Path, cli: Any) -> None:
    csv = write(
        tmp_path / "events.csv",
        "type,id,at,unit,name,kind,info,title,urgent,incident_at,outlet,points,reason\r\n"
        f"{REG},,,,,,,\r\n"
        'submission,s1,2016-03-01T09:30,gulou,,,GL-1,"书屋, 第一期",true,2016-03-01T08:00,,,\r\n'
        "adoption,a1,2016-03-05,,,,GL-1,,,,city.union.bulletin,,\r\n"
        "adjustment,j1,2016-03-31,gulou,,,,,,,,0.5,酌情加分\r\n",
    )
    proc = cli("import", tmp_path / "db.sqlite", csv)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert proc.stdout.startswith("appended 4, duplicates 0\n")
    events = export(cli, tmp_path / "db.sqlite")
    assert events[1] == {
        "type": "submission", "id": "s1", "at": "2016-03-01T09:30:00+08:00", "unit": "gulou",
        "info": "GL-1", "title": "书屋, 第一期", "urgent": True,
        "incident_at": "2016-03-01T08:00:00+08:00", "category": "regular", "commissioned": False,
    }  # fmt: skip
    assert events[2]["outlet"] == "city.union.bulletin" and "unit" not in events[2]
    assert events[3]["points"] == "0.5"  # a decimal string, as in JSON Lines


def test_template_headers_bom_chinese_types_and_spreadsheet_dates(tmp_path: Path, cli: Any) -> None:
    header = ",".join(header_text(f) for f in ("type", "id", "at", "unit", "name", "kind"))
    csv = write(
        tmp_path / "单位.csv",
        f"{header}\n单位登记,u1,2016/1/4,gulou,鼓楼区总工会,county\n"
        "单位登记,u2,2016年1月5日 9:30,xuanwu,玄武区总工会,county\n"
        ",,,,,\n",  # an empty row, as spreadsheets save them, is skipped
        "utf-8-sig",
    )
    assert cli("import", tmp_path / "db.sqlite", csv).returncode == 0
    events = export(cli, tmp_path / "db.sqlite")
    assert [e["at"] for e in events] == ["2016-01-04T00:00:00+08:00", "2016-01-05T09:30:00+08:00"]
    assert events[0]["name"] == "鼓楼区总工会" and events[0]["type"] == "unit_registered"
    # Only the Chinese name or only the field name also names the column.
    alone = write(tmp_path / "b.csv", "类型,编号,发生时间,单位代码,单位名称,UNIT\n")
    proc = cli("import", tmp_path / "db.sqlite", alone)
    assert "column F 'UNIT': unit is also column D; give each field once" in proc.stderr


def test_gbk_is_detected_and_said(tmp_path: Path, cli: Any) -> None:
    csv = write(tmp_path / "gbk.csv", f"type,id,at,unit,name,kind\n{REG}\n", "gbk")
    proc = cli("import", tmp_path / "db.sqlite", csv)
    assert proc.returncode == 0
    assert "gbk.csv: not UTF-8; read as GB18030 (GBK)" in proc.stderr
    assert export(cli, tmp_path / "db.sqlite")[0]["name"] == "鼓楼区总工会"


def test_encoding_named(tmp_path: Path, cli: Any) -> None:
    csv = write(
        tmp_path / "big5.csv",
        "type,id,at,unit,name,kind\nunit_registered,u,2016-01-04,g,鼓樓區總工會,county\n",
        "big5",
    )
    proc = cli("import", tmp_path / "db.sqlite", csv, "--encoding", "big5")
    assert proc.returncode == 0 and proc.stderr == ""
    assert export(cli, tmp_path / "db.sqlite")[0]["name"] == "鼓樓區總工會"
    proc = cli("import", tmp_path / "db.sqlite", csv, "--encoding", "ascii")
    assert proc.returncode == 2
    assert proc.stderr == "scoreledger: big5.csv:2: not ascii (byte 58)\n"
    proc = cli("import", tmp_path / "db.sqlite", csv, "--encoding", "klingon")
    assert proc.stderr == "scoreledger: --encoding klingon: not an encoding Python knows\n"


def test_undecodable_file_names_encoding_option(tmp_path: Path, cli: Any) -> None:
    csv = Path("latin.csv")
    csv.write_bytes(b"type,id,at,unit,name,kind\nunit_registered,u,2016-01-04,g,\xff\xfe,county\n")
    proc = cli("import", tmp_path / "db.sqlite", csv)
    assert proc.returncode == 2
    assert proc.stderr == (
        "scoreledger: latin.csv:2: not UTF-8 (byte 58), nor GBK/GB18030; name the file's "
        "encoding with --encoding (e.g. --encoding big5), or save it as UTF-8\n"
    )


def test_bad_rows_are_named_and_nothing_is_appended(
    base_db: Path, tmp_path: Path, cli: Any
) -> None:
    before = count(base_db)
    csv = write(
        tmp_path / "bad.csv",
        "type,id,at,unit,activity,points,year,urgent,info\n"
        "activity,x1,2016-04-01,gulou,meeting,,,,\n"  # good: still not appended
        "activity,x2,2016-04-01,gulou,meeting,1,,,\n"
        "ranking,x3,2016-04-01,gulou,,,MMXVI,,\n"
        'submission,x4,"2016-04-01",gulou,,,,maybe,"GL\n9"\n'  # a cell with a line break
        "activity,x5,2016-04-01,nobody,dancing,,,,\n"
        "parade,x6,2016-04-01,gulou,,,,,\n"
        ",x7,2016-04-01,gulou,meeting,,,,\n",
    )
    proc = cli("import", base_db, csv)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "scoreledger: bad.csv:3: points: not a field of activity; leave this cell empty",
        "scoreledger: bad.csv:4: year: expected a whole number, got 'MMXVI'",
        "scoreledger: bad.csv:5: urgent: expected 是 or 否 (true or false), got 'maybe'",
        "scoreledger: bad.csv:6: activity: unknown activity 'dancing'; expected one of "
        "meeting, press_conference, training, exchange",
        'scoreledger: bad.csv:7: type: unknown type "parade"; expected one of '
        + ", ".join(EVENT_TYPES),
        "scoreledger: bad.csv:8: type: expected the event type (e.g. adoption or 采用)",
        "scoreledger: nothing was appended",
    ]
    assert count(base_db) == before


def test_bad_headers(tmp_path: Path, cli: Any) -> None:
    db = tmp_path / "db.sqlite"
    cases = {
        "type,id,at,units\n": "bad.csv:1: column D 'units': not a field of an event; did you "
        "mean 'unit'?; expected a field name such as unit or a template header such as "
        "单位代码(unit)",
        "id,at,unit\n": "bad.csv:1: no 类型(type) column: expected one saying each row's "
        "event type",
        "": "bad.csv:1: empty file: expected a header row naming the fields "
        "(`scoreledger template`)",
        "type,id,at,unit,activity\nactivity,a,2016-01-01,g,meeting,extra\n": "bad.csv:2: column F "
        "has a value but no header",
    }  # fmt: skip
    for text, message in cases.items():
        proc = cli("import", db, write(tmp_path / "bad.csv", text))
        assert proc.returncode == 2 and proc.stderr.splitlines()[0] == f"scoreledger: {message}"


def test_rows_without_id_are_noted(tmp_path: Path, cli: Any) -> None:
    csv = write(
        tmp_path / "e.csv", "type,at,unit,name,kind\nunit_registered,2016-01-04,g,G,county\n"
    )
    proc = cli("import", tmp_path / "db.sqlite", csv)
    assert proc.returncode == 0
    assert "note: 1 row had no id (编号) and got a new one" in proc.stderr
    assert len(export(cli, tmp_path / "db.sqlite")[0]["id"]) == 36  # a UUID, as in JSON Lines


def test_json_lines_and_csv_in_one_transaction(tmp_path: Path, cli: Any, write_jsonl: Any) -> None:
    units = write_jsonl(tmp_path / "u.jsonl", [
        {"id": "u", "type": "unit_registered", "at": "2016-01-04", "unit": "g", "name": "G",
         "kind": "county"}])  # fmt: skip
    csv = write(tmp_path / "a.csv", "type,id,at,unit,activity\nactivity,a,2016-01-05,g,fishing\n")
    db = tmp_path / "db.sqlite"
    assert cli("import", db, units, csv).returncode == 2
    assert not db.exists() or count(db) == 0
    write(tmp_path / "a.csv", "type,id,at,unit,activity\nactivity,a,2016-01-05,g,meeting\n")
    assert cli("import", db, units, csv).stdout.startswith("appended 2,")


# -- xlsx -------------------------------------------------------------------------------


def book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return Path(path.name)


def test_xlsx_typed_cells(tmp_path: Path, cli: Any) -> None:
    path = book(tmp_path / "e.xlsx", {
        "单位登记 unit_registered": [
            ["编号(id)", "发生时间(at)", "单位代码(unit)", "单位名称(name)", "单位类别(kind)"],
            ["u1", date(2016, 1, 4), 101, "鼓楼区总工会", "county"],
        ],
        "events": [
            ["type", "id", "at", "unit", "points", "reason", "table", "item", "score",
             "self_score"],
            ["adjustment", "j1", datetime(2016, 3, 31, 17, 45), "101", 0.1, "酌情", None, None,
             None, None],
            ["adjustment", "j2", datetime(2016, 3, 31), "101", -2, "扣分"],
            ["adjustment", "j3", "2016-03-31", "101", 0.1 + 0.2, "公式"],
            ["assessment", "k1", "2016-12-31", "101", None, None, "county/township", "1.1", 2.5, 3],
        ],
        "ranking": [["unit", "at", "source", "year", "rank"],
                    ["101", "2016-12-31", "province.union.annual", 2016.0, 3]],
    })  # fmt: skip
    proc = cli("import", tmp_path / "db.sqlite", path)
    assert proc.returncode == 0, proc.stderr
    events = {e["id"]: e for e in export(cli, tmp_path / "db.sqlite")}
    assert events["u1"]["unit"] == "101" and events["u1"]["at"] == "2016-01-04T00:00:00+08:00"
    j1 = events["j1"]
    assert j1["points"] == "0.1" and j1["at"] == "2016-03-31T17:45:00+08:00"
    assert events["j2"]["points"] == "-2"
    # =0.1+0.2 is 0.30000000000000004 as a float; Excel keeps and shows 15 digits: 0.3.
    assert events["j3"]["points"] == "0.3"
    assert (events["k1"]["score"], events["k1"]["self_score"]) == ("2.5", "3")
    (rank,) = [e for e in events.values() if e["type"] == "ranking"]
    assert (rank["year"], rank["rank"]) == (2016, 3)


def test_xlsx_errors_name_the_sheet(base_db: Path, tmp_path: Path, cli: Any) -> None:
    before = count(base_db)
    path = book(tmp_path / "bad.xlsx", {
        "采用 adoption": [["id", "at", "info", "outlet"], ["a1", date(2016, 3, 5), "GL-1",
                                                          "city.union.bulletin"],
                        ["a2", date(2016, 3, 6), "GL-1", "city.nowhere"]],
        "排名": [["unit", "at", "source", "year", "rank"], ["gulou", 7, "x", True, 1]],
        "其他": [["id", "at"], ["z", "2016-01-01"]],
        "空": [],
    })  # fmt: skip
    proc = cli("import", base_db, path)
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert lines[0].startswith(
        "scoreledger: bad.xlsx:采用 adoption!3: outlet: unknown outlet 'city.nowhere'"
    )
    assert lines[1:] == [
        "scoreledger: bad.xlsx:排名!2: at: expected a date YYYY-MM-DD or a date-time, got 7",
        "scoreledger: bad.xlsx:其他!1: no 类型(type) column: expected one saying each row's event "
        "type, or name the sheet after one (e.g. 采用 adoption)",
        "scoreledger: nothing was appended",
    ]
    assert count(base_db) == before


def test_not_a_workbook(tmp_path: Path, cli: Any) -> None:
    path = write(tmp_path / "fake.xlsx", "type,id\n")
    proc = cli("import", tmp_path / "db.sqlite", path)
    assert proc.returncode == 2 and proc.stderr.startswith("scoreledger: fake.xlsx: not an .xlsx")
    proc = cli("import", tmp_path / "db.sqlite", write(tmp_path / "old.xls", "x"))
    assert "old.xls: .xls (Excel 97-2003) is not read; save it as .xlsx or .csv" in proc.stderr


# -- templates --------------------------------------------------------------------------


def test_every_field_has_a_distinct_chinese_header() -> None:
    fields = {"type"} | {f for t in EVENT_TYPES for f, _, _ in event_fields(t)}
    assert set(FIELD_LABELS) == fields
    assert len(set(FIELD_LABELS.values())) == len(FIELD_LABELS)
    assert set(TYPE_LABELS) == set(EVENT_TYPES)


def test_csv_template_filled_round_trips(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "t.csv"
    proc = cli("template", "--output", path, "unit_registered", "adoptoin")
    assert proc.returncode == 2 and "'adoptoin'; did you mean 'adoption'?" in proc.stderr
    proc = cli("template", "--output", path, "unit_registered", "信息活动")
    assert proc.returncode == 0 and proc.stdout == f"wrote {path}\n"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel opens a UTF-8 file with a BOM as UTF-8
    header = raw.decode("utf-8-sig").strip().split(",")
    assert (
        header[:3] == ["类型(type)", "编号(id)", "发生时间(at)"] and "活动类型(activity)" in header
    )
    values = {"type": "单位登记", "id": "u1", "at": "2016-01-04", "unit": "g", "name": "G",
              "kind": "county"}  # fmt: skip
    second = {"type": "activity", "id": "x1", "at": "2016/2/1", "unit": "g",
              "activity": "training"}  # fmt: skip
    fields = [h[h.index("(") + 1 : -1] for h in header]
    with open(path, "a", encoding="utf-8", newline="") as out:
        for row in (values, second):
            out.write(",".join(row.get(f, "") for f in fields) + "\r\n")
    assert cli("import", tmp_path / "db.sqlite", path).returncode == 0
    assert [e["id"] for e in export(cli, tmp_path / "db.sqlite")] == ["u1", "x1"]


def test_xlsx_template_has_drop_downs_and_round_trips(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "t.xlsx"
    assert cli("template", "--output", path).returncode == 0
    workbook = load_workbook(path)
    assert workbook.sheetnames[0] == "说明" and workbook.sheetnames[-1] == "代码表"
    assert "采用 adoption" in workbook.sheetnames and len(workbook.sheetnames) == 14
    codes = workbook["代码表"]
    sheet = workbook["采用 adoption"]
    header = [c.value for c in sheet[1]]
    outlet_col = "ABCDEFGH"[header.index("采用载体(outlet)")]
    (rule,) = [v for v in sheet.data_validations.dataValidation if f"{outlet_col}2" in v.sqref]
    assert rule.type == "list"
    listed = [c.value for (c,) in codes[rule.formula1.split("!")[1].replace("$", "")]]
    assert "city.union.bulletin" in listed and len(listed) == 20
    veto = workbook["否决 veto"]
    reason_col = [c.value for c in veto[1]].index("原因(reason)")
    assert any(f"{'ABCDEFG'[reason_col]}2" in v.sqref for v in veto.data_validations.dataValidation)
    # Fill it as a user would (typed cells), import, read the events back.
    workbook["单位登记 unit_registered"].append(["u1", date(2016, 1, 4), "gulou", "鼓楼区总工会",
                                              "county"])  # fmt: skip
    fill = {
        "报送 submission": {"id": "s1", "at": datetime(2016, 3, 1, 9, 30), "unit": "gulou",
                          "info": "GL-1", "urgent": "是", "incident_at": datetime(2016, 3, 1, 8)},
        "采用 adoption": {"id": "a1", "at": date(2016, 3, 5), "info": "GL-1",
                        "outlet": "city.union.bulletin", "mode": "combined"},
        "酌情加减分 adjustment": {"id": "j1", "at": date(2016, 3, 31), "unit": "gulou",
                              "points": 0.1, "reason": "酌情加分"},
    }  # fmt: skip
    for title, values in fill.items():
        fields = [c.value[c.value.index("(") + 1 : -1] for c in workbook[title][1]]
        assert set(values) <= set(fields)
        workbook[title].append([values.get(f) for f in fields])
    workbook.save(path)
    proc = cli("import", tmp_path / "db.sqlite", path)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    events = export(cli, tmp_path / "db.sqlite")
    assert [e["id"] for e in events] == ["u1", "s1", "a1", "j1"]
    assert events[1]["urgent"] is True and events[1]["incident_at"] == "2016-03-01T08:00:00+08:00"
    assert events[2]["mode"] == "combined" and events[3]["points"] == "0.1"
    # Imported again: every row has an id, so nothing is recorded twice.
    assert cli("import", tmp_path / "db.sqlite", path).stdout.startswith("appended 0, duplicates 4")


@pytest.mark.parametrize("output", ["t.txt", "t.xls"])
def test_template_refuses_other_formats(tmp_path: Path, cli: Any, output: str) -> None:
    proc = cli("template", "--output", tmp_path / output)
    assert proc.returncode == 2 and "expected a .csv or .xlsx file name" in proc.stderr
