"""The circular (CONTRACT §8.6): counts per level worked by hand, ranks and totals as the
scoreboard's, the head as verify's (and as of a recorded time), text within 80 columns in
both languages, CSV and JSON shapes; a checklist ruleset is refused in one line."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ledger import Ledger
from render_helpers import display_width
from scenario_helpers import adopt, append, build, instr, reg, sub

Q3 = ("--ruleset", "dalian-2011", "--period", "2011Q3")


def run(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LANG", "LC_ALL")}
    proc = subprocess.run(
        [sys.executable, "-m", "scoreledger", *map(str, args)],
        capture_output=True,
        env={**base, **(env or {})},
        check=False,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    )


def ok(*args: object, env: dict[str, str] | None = None) -> str:
    proc = run(*args, env=env)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def ledger_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(
        tmp_path_factory.mktemp("circular"),
        [
            reg("shahekou", "沙河口区总工会", "county"),
            reg("ganjingzi", "甘井子区总工会", "county"),
            sub("s1", "shahekou", "I1", "2011-07-05"),
            adopt("a1", "I1", "city.union.bulletin", "2011-07-10"),
            adopt("a2", "I1", "city.union.web.news", "2011-07-11"),  # same item, same level
            sub("s2", "shahekou", "I2", "2011-07-06"),
            adopt("a3", "I2", "province.union.web", "2011-07-12"),
            adopt("a4", "I2", "central.cpc_office", "2011-07-20"),
            instr("i1", "I2", "city", "2011-07-21"),
            sub("s3", "ganjingzi", "I3", "2011-07-07"),
            adopt("a5", "I3", "city.party_committee", "2011-07-13"),
            sub("s4", "ganjingzi", "I4", "2011-07-08"),
            adopt("a6", "I4", "province.government", "2011-07-14"),  # scores 0 in dalian
        ],
    )


def test_counts_per_level_and_the_scoreboards_totals_and_ranks(ledger_path: Path) -> None:
    doc = json.loads(ok("circular", ledger_path, *Q3, "--format", "json"))
    keys = "ruleset period in_force as_of head levels units warnings"
    assert list(doc) == keys.split()
    assert doc["levels"] == "central acftu province province_union city city_union".split()
    units = {u["unit"]: u for u in doc["units"]}
    zero = dict.fromkeys(doc["levels"], 0)
    adopted = {"central": 1, "province_union": 1, "city_union": 1}
    assert units["shahekou"]["adopted"] == {**zero, **adopted}
    assert units["shahekou"]["instructed"] == {**zero, "city": 1}
    assert units["ganjingzi"]["adopted"] == {**zero, "city": 1}
    assert units["ganjingzi"]["instructed"] == zero
    board = json.loads(ok("score", ledger_path, *Q3, "--format", "json"))
    for entry in board["units"]:
        row = units[entry["unit"]]
        for key in ("name", "kind", "rank", "total", "target", "target_met", "eligible"):
            assert row[key] == entry[key], key
    assert [u["rank"] for u in doc["units"]] == [1, 2]


def test_the_head_is_verifys_and_as_of_a_recorded_time(tmp_path: Path, ledger_path: Path) -> None:
    path = tmp_path / "grown.sqlite"
    path.write_bytes(ledger_path.read_bytes())
    with Ledger.open(path) as ledger:
        before = ledger.head()
    cut = append(path, [sub("s9", "ganjingzi", "I9", "2011-08-01")])
    later = json.loads(ok("circular", path, *Q3, "--format", "json"))
    with Ledger.open(path) as ledger:
        now = ledger.head()
    assert later["head"] == {"seq": now.seq, "hash": now.hash} and now.seq == before.seq + 1
    earlier_cut = before.recorded_at
    past = json.loads(ok("circular", path, *Q3, "--format", "json", "--as-of", earlier_cut))
    assert past["head"] == {"seq": before.seq, "hash": before.hash}
    assert past["as_of"] is not None and cut > earlier_cut
    text = ok("circular", path, *Q3)
    assert text.splitlines()[0] == f"head {now.seq}:{now.hash}"
    assert now.hash in ok("verify", path)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_text_fits_80_columns_in_either_language(ledger_path: Path, lang: str) -> None:
    out = ok("circular", ledger_path, *Q3, "--lang", lang)
    assert all(display_width(line) <= 80 for line in out.splitlines()), out
    assert ("沙河口区总工会" in out) or ("沙河口区总工" in out)
    assert ("名次" in out) == (lang == "zh") and ("rank" in out) == (lang == "en")
    for filler in ("—", "…", "·"):
        assert filler not in out


def test_a_chinese_locale_gives_chinese_labels_and_columns_widen_with_the_terminal(
    ledger_path: Path,
) -> None:
    assert "名次" in ok("circular", ledger_path, *Q3, env={"LANG": "zh_CN.UTF-8"})
    wide = ok("circular", ledger_path, *Q3, env={"COLUMNS": "200"})
    assert "shahekou" in wide and "沙河口区总工会" in wide  # nothing dropped or wrapped
    narrow = ok("circular", ledger_path, *Q3, env={"COLUMNS": "70"})
    assert all(display_width(line) <= 70 for line in narrow.splitlines()[1:]), narrow


def test_csv_has_a_column_per_level_and_the_head(ledger_path: Path) -> None:
    out = ok("circular", ledger_path, *Q3, "--format", "csv")
    assert out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out[1:])))
    shk = next(r for r in rows if r["unit"] == "shahekou")
    assert shk["adopted.central"] == "1" and shk["instructed.city"] == "1"
    head = json.loads(ok("circular", ledger_path, *Q3, "--format", "json"))["head"]
    assert shk["head"] == f"{head['seq']}:{head['hash']}"


def test_output_file_and_refusals(ledger_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "c.json"
    assert ok("circular", ledger_path, *Q3, "--format", "json", "--output", target) == ""
    assert json.loads(target.read_text(encoding="utf-8"))["ruleset"] == "dalian-2011"
    for args in (
        ("circular", ledger_path, "--ruleset", "suzhou-2015", "--period", "2015"),
        ("circular", ledger_path, "--ruleset", "dalian-2011", "--period", "0000Q1"),
        ("circular", tmp_path / "missing.sqlite", *Q3),
    ):
        proc = run(*args)
        assert proc.returncode == 2 and proc.stdout == "", proc.stderr
        assert proc.stderr.count("\n") == 1, proc.stderr
