"""The report commands in real subprocesses: rules, score, explain, diff, demo.

Happy paths check the output formats (CONTRACT §7: JSON keys and decimal strings, CSV
with a UTF-8 BOM, text aligned by display width); every error path exits 2 with one
line on stderr, no traceback, nothing on stdout, and no file created.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from scenario_helpers import adopt, append, build, recorded_at, reg, sub

# -- running the command line ---------------------------------------------------------------------


def run(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "scoreledger", *map(str, args)],
        capture_output=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    out = subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    )
    assert "Traceback" not in out.stderr, out.stderr
    return out


def ok(*args: object, cwd: Path | None = None) -> str:
    """Exit 0, nothing on stderr; returns stdout."""
    result = run(*args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr
    return result.stdout


def fails_all(*calls: tuple[object, ...]) -> list[str]:
    """Each command line exits 2 with one line on stderr naming the problem and nothing on
    stdout; they run side by side, each in its own process."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda args: run(*args), calls))
    return [_refused(result) for result in results]


def _refused(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.args, result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n"), result.stderr
    assert result.stderr.startswith("scoreledger: ")
    return result.stderr


Q3 = ("--ruleset", "dalian-2011", "--period", "2011Q3")


# -- a small dalian ledger with numbers worked by hand -------------------------------------------

DAYS = [f"{m}-{d:02d}" for m in ("07", "08", "09") for d in (1, 4, 8, 11, 15, 18, 22, 25)]  # 24

REVISION = """\
id = "dalian-2011-r1"
extends = "dalian-2011"

[override."submission"]
points = "1"
cap = "20"
"""


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """(path, recorded_at of the first import, of the second)."""
    folder = tmp_path_factory.mktemp("cli")
    events = [
        reg("shahekou", "沙河口区总工会", "county"),
        reg("ganjingzi", "甘井子区总工会", "county"),
        reg("dl-port", "大连港集团工会(信息直报点)", "direct_report", parent="shahekou"),
        reg("dl-xuanjiao", "大连市总工会宣教部", "department", department="publicity"),
        *[sub(f"s-{d}", "shahekou", f"SHK-{d}", f"2011-{d}") for d in DAYS],
        adopt("a1", "SHK-07-01", "city.union.bulletin", "2011-07-20"),
        sub("p1", "dl-port", "PORT-1", "2011-08-02"),
        sub("p2", "dl-port", "PORT-2", "2011-08-03"),
    ]
    path = build(folder, events, "dalian.sqlite")
    first = recorded_at(path)
    second = append(
        path, [adopt("g1", "GJZ-X", "city.party_committee", "2011-09-09", unit="ganjingzi")]
    )
    (folder / "r1.toml").write_text(REVISION, encoding="utf-8")
    return path, first, second


# Hand-worked totals for 2011Q3 (dalian-2011):
#   shahekou  24 × 0.5 = 12 → 10 (每季度10分封顶) + 市总信息单条采用4分 + dl-port 2 × 0.5 = 1 → 15
#   ganjingzi 市委信息单条采用6分 (no submission; §五(一)8)                                  → 6
#   dl-port   2 × 0.5 = 1, handed to shahekou (直报点得分记入所在区市县…总分)                  → 1
#   dl-xuanjiao                                                                             → 0
EXPECTED = {"shahekou": "15", "ganjingzi": "6", "dl-port": "1", "dl-xuanjiao": "0"}


# -- rules --------------------------------------------------------------------------------------


def test_rules_list_and_show() -> None:
    listed = ok("rules", "list")
    for ruleset in ["jiangsu-2016", "changzhou-2016", "dalian-2011", "suzhou-2015"]:
        assert ruleset in listed
    assert "county-targets" in listed
    shown = ok("rules", "show", "dalian-2011")
    assert "来稿1条0.5分（每季度10分封顶）" in shown and "五(一)1" in shown
    assert "§" not in shown  # of ambiguous width: text output drops it
    doc = json.loads(ok("rules", "show", "changzhou-2016", "--format", "json"))
    assert doc["id"] == "changzhou-2016"


# -- score ----------------------------------------------------------------------------------------

UNIT_KEYS = {
    "unit",
    "name",
    "kind",
    "total",
    "attributed_to",
    "target",
    "target_met",
    "rank",
    "eligible",
    "vetoes",
    "lines",
}
LINE_KEYS = {"clause", "points", "events", "info", "note"}


def test_score_json_has_the_contract_shape(ledger: tuple[Path, str, str]) -> None:
    path, _, _ = ledger
    doc = json.loads(
        ok("score", path, "--ruleset", "dalian-2011", "--period", "2011Q3", "--format", "json")
    )
    assert {"ruleset", "period", "in_force", "as_of", "units", "warnings"} <= doc.keys()
    assert (doc["ruleset"], doc["period"], doc["in_force"], doc["as_of"]) == (
        "dalian-2011",
        "2011Q3",
        True,
        None,
    )
    assert doc["warnings"] == []
    units = {u["unit"]: u for u in doc["units"]}
    assert {u: v["total"] for u, v in units.items()} == EXPECTED
    for unit in doc["units"]:
        assert set(unit) == UNIT_KEYS
        assert isinstance(unit["total"], str)
        for line in unit["lines"]:
            assert set(line) == LINE_KEYS
            assert isinstance(line["points"], str) and isinstance(line["events"], list)
    shk = units["shahekou"]
    assert shk["lines"] == [
        {
            "clause": "submission",
            "points": "10",
            "events": [f"s-{d}" for d in DAYS],
            "info": None,
            "note": "24 × 0.5 = 12, capped at 10 for 2011Q3",
        },
        {
            "clause": "adopt.city_union",
            "points": "4",
            "events": ["a1"],
            "info": "SHK-07-01",
            "note": "city.union.bulletin, single",
        },
        {
            "clause": "attribution",
            "points": "1",
            "events": ["p1", "p2"],
            "info": None,
            "note": "dl-port",
        },
    ]
    assert (shk["rank"], shk["eligible"], shk["target"], shk["target_met"]) == (
        1,
        False,
        None,
        None,
    )
    port = units["dl-port"]
    assert (port["attributed_to"], port["rank"], port["eligible"]) == ("shahekou", None, None)
    assert units["dl-xuanjiao"]["rank"] == 1  # alone among departments


def test_score_csv_starts_with_a_bom(ledger: tuple[Path, str, str]) -> None:
    path, _, _ = ledger
    raw = subprocess.run(
        [sys.executable, "-m", "ledger", "score", str(path), *Q3, "--format", "csv"],
        capture_output=True,
        check=True,
    ).stdout
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {r["unit"]: r["total"] for r in rows} == EXPECTED
    names = {r["unit"]: r["name"] for r in rows}
    assert names["shahekou"] == "沙河口区总工会"
    assert {r["unit"]: r["attributed_to"] for r in rows}["dl-port"] == "shahekou"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def test_score_text_aligns_chinese_names(ledger: tuple[Path, str, str]) -> None:
    path, _, _ = ledger
    text = ok("score", path, "--ruleset", "dalian-2011", "--period", "2011Q3")
    lines = text.splitlines()
    header = next(line for line in lines if line.strip().startswith("rank"))
    column = _width(header[: header.index("total")])
    names = {"沙河口区总工会", "甘井子区总工会", "大连港集团工会(信息直报点)", "大连市总工会宣教部"}
    rows = [line for line in lines if any(name in line for name in names)]
    assert len(rows) == 4
    for row in rows:
        name = next(n for n in names if n in row)
        after = row.index(name) + len(name)
        kind_at = after + len(row[after:]) - len(row[after:].lstrip(" "))
        assert _width(row[:kind_at]) == column, row


def test_score_one_unit_and_as_of(ledger: tuple[Path, str, str]) -> None:
    path, first, _ = ledger
    doc = json.loads(
        ok(
            "score", path, "--ruleset", "dalian-2011", "--period", "2011Q3",
            "--unit", "ganjingzi", "--format", "json",
        )
    )  # fmt: skip
    assert [(u["unit"], u["total"], u["rank"]) for u in doc["units"]] == [("ganjingzi", "6", 2)]
    # As of the first import the 市委 adoption was not yet recorded: ganjingzi 0, ranked 2
    # behind shahekou's 15.
    then = json.loads(
        ok(
            "score", path, "--ruleset", "dalian-2011", "--period", "2011Q3",
            "--as-of", first, "--format", "json",
        )
    )  # fmt: skip
    assert {u["unit"]: u["total"] for u in then["units"]}["ganjingzi"] == "0"
    assert then["as_of"] is not None


# -- explain ------------------------------------------------------------------------------------


def test_explain_text_and_json(ledger: tuple[Path, str, str]) -> None:
    path, _, _ = ledger
    args = ("explain", path, "--ruleset", "dalian-2011", "--period", "2011Q3", "--unit", "shahekou")
    text = ok(*args)
    assert "total 15" in text and "「来稿1条0.5分（每季度10分封顶）」" in text
    assert "capped" in text and "events considered:" in text
    doc = json.loads(ok(*args, "--format", "json"))
    unit = doc["unit"]
    assert unit["total"] == "15"
    assert unit["lines"][0]["sentence"] == "来稿1条0.5分（每季度10分封顶）"
    trace = {t["event"]: t for t in unit["trace"]}
    assert trace["s-09-25"]["status"] == "capped" and trace["s-09-25"]["points"] == "0"
    assert trace["s-07-01"]["status"] == "scored" and trace["s-07-01"]["points"] == "0.5"


def test_explain_a_checklist_unit(tmp_path: Path) -> None:
    out = ok("demo", cwd=tmp_path)
    assert "dalian-2011" in out and "suzhou-2015" in out and "county-targets" in out
    doc = json.loads(
        ok(
            "explain", tmp_path / "demo.sqlite", "--ruleset", "county-targets",
            "--period", "2016", "--unit", "chengguan", "--format", "json",
        )
    )  # fmt: skip
    unit = doc["unit"]
    assert {"table", "total", "self_total", "categories"} <= unit.keys()
    for category in unit["categories"]:
        assert {"category", "max", "score", "items"} <= category.keys()
        for item in category["items"]:
            assert set(item) == {"item", "max", "score", "self_score", "status", "evidence"}
            assert item["status"] in ("assessed", "computed", "missing")
            assert isinstance(item["score"], str)
    doc = json.loads(
        ok("score", tmp_path / "demo.sqlite", "--ruleset", "suzhou-2015", "--period", "2015",
           "--format", "json")
    )  # fmt: skip
    for unit in doc["units"]:
        assert {"unit", "table", "total", "self_total", "categories"} <= unit.keys()
        assert isinstance(unit["total"], str) and isinstance(unit["self_total"], str)
    raw = subprocess.run(
        [sys.executable, "-m", "ledger", "score", str(tmp_path / "demo.sqlite"),
         "--ruleset", "county-targets", "--period", "2016", "--format", "csv"],
        capture_output=True,
        check=True,
    ).stdout  # fmt: skip
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {r["status"] for r in rows} == {"assessed", "computed", "missing"}
    # The demo is idempotent: importing it again appends nothing.
    assert "appended 0" in ok("demo", cwd=tmp_path)


# -- diff -----------------------------------------------------------------------------------------


def test_diff_under_a_revision(ledger: tuple[Path, str, str]) -> None:
    path, _, _ = ledger
    revision = path.parent / "r1.toml"
    doc = json.loads(
        ok(
            "diff", path, "--period", "2011Q3", "--ruleset", "dalian-2011",
            "--against", revision, "--format", "json",
        )
    )  # fmt: skip
    assert set(doc) >= {"period", "a", "b", "units"}
    rows = {u["unit"]: (u["a"], u["b"], u["delta"]) for u in doc["units"]}
    # Revised 来稿 1 each, cap 20: shahekou 24 → 20 + 4 + dl-port 2 → 26; delta 11.
    assert rows == {
        "shahekou": ("15", "26", "11"),
        "ganjingzi": ("6", "6", "0"),
        "dl-port": ("1", "2", "1"),
        "dl-xuanjiao": ("0", "0", "0"),
    }
    text = ok("diff", path, "--period", "2011Q3", "--ruleset", "dalian-2011", "--against", revision)
    assert "+11" in text and "2 of 4 units differ" in text


def test_diff_at_two_recorded_times(ledger: tuple[Path, str, str]) -> None:
    path, first, second = ledger
    doc = json.loads(
        ok(
            "diff", path, "--period", "2011Q3", "--ruleset", "dalian-2011",
            "--as-of", first, "--against-as-of", second, "--format", "json",
        )
    )  # fmt: skip
    rows = {u["unit"]: (u["a"], u["b"], u["delta"]) for u in doc["units"]}
    assert rows["ganjingzi"] == ("0", "6", "6")
    assert rows["shahekou"] == ("15", "15", "0")


def test_diff_with_only_as_of_sets_b_to_now(ledger: tuple[Path, str, str]) -> None:
    # --against-as-of's help says B defaults to now; with --as-of alone B was A's time.
    path, first, _second = ledger
    doc = json.loads(
        ok("diff", path, "--period", "2011Q3", "--ruleset", "dalian-2011", "--as-of", first,
           "--format", "json")
    )  # fmt: skip
    rows = {u["unit"]: (u["a"], u["b"], u["delta"]) for u in doc["units"]}
    assert rows["ganjingzi"] == ("0", "6", "6")
    assert doc["a"]["as_of"] is not None and doc["b"]["as_of"] > doc["a"]["as_of"]


# -- errors: exit 2, one line --------------------------------------------------------------------


def test_missing_ledger_is_refused_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nope.sqlite"
    messages = fails_all(
        ("score", missing, *Q3),
        ("explain", missing, *Q3, "--unit", "shahekou"),
        ("diff", missing, *Q3, "--against", "jiangsu-2016"),
    )
    assert all("nope.sqlite" in m and "no such ledger" in m for m in messages), messages
    assert not missing.exists()


def test_report_errors(ledger: tuple[Path, str, str], tmp_path: Path) -> None:
    path, _, _ = ledger
    broken = tmp_path / "broken.toml"
    broken.write_text('id = "r2"\nextends = "dalian-2011"\n[override."submission"\npoints = 1\n')
    unknown = tmp_path / "unknown.toml"
    unknown.write_text(
        'id = "r3"\nextends = "dalian-2011"\n[override."adopt.moon"]\npoints = "1"\n'
    )
    base = tmp_path / "base.toml"
    base.write_text('id = "r5"\nextends = "dalian-2020"\n')
    cases: list[tuple[tuple[object, ...], list[str]]] = [
        # score: bad period, unknown ruleset, bad revision files, unknown unit, bad as-of,
        # bad format
        (("score", path, "--ruleset", "dalian-2011", "--period", "2011Q5"), ["2011Q5"]),
        (("score", path, "--ruleset", "dalian-2012", "--period", "2011Q3"), ["dalian-2012"]),
        (("score", path, "--ruleset", broken, "--period", "2011Q3"), ["broken.toml"]),
        (("score", path, "--ruleset", unknown, "--period", "2011Q3"), ["adopt.moon"]),
        (("score", path, "--ruleset", base, "--period", "2011Q3"), ["dalian-2020"]),
        (("score", path, *Q3, "--unit", "nobody"), ["nobody", "not a registered unit"]),
        (("score", path, *Q3, "--as-of", "yesterday"), ["--as-of", "yesterday"]),
        (("score", path, *Q3, "--format", "xml"), ["--format", "xml"]),
        # explain
        (("explain", path, *Q3, "--unit", "nobody"), ["nobody"]),
        (("explain", path, *Q3), ["--unit"]),
        (("explain", path, *Q3, "--unit", "shahekou", "--format", "csv"), ["csv"]),
        # diff
        (("diff", path, *Q3), ["--against"]),
        (("diff", path, *Q3, "--against", unknown), ["adopt.moon"]),
        (("diff", path, *Q3, "--against-as-of", "soon"), ["--against-as-of", "soon"]),
        # rules
        (("rules", "show", "nothing"), ["nothing"]),
    ]
    messages = fails_all(*(args for args, _ in cases))
    for (args, words), message in zip(cases, messages, strict=True):
        for word in words:
            assert word in message, (args, message)
