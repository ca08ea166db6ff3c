"""Periods (CONTRACT §3, §8.5): single periods, ranges within one year (the circular's year
to date), and the refusals (one line, exit 2 on the command line, never a crash)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from ledger.errors import LedgerError
from projections import parse_period
from scenario_helpers import board, build, reg, sub, total


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2011Q1..2011Q3", date(2011, 1, 1), date(2011, 9, 30)),
        ("2011-01..2011-09", date(2011, 1, 1), date(2011, 9, 30)),
        ("2012-02..2012-02", date(2012, 2, 1), date(2012, 2, 29)),
        ("2011Q2..2011Q4", date(2011, 4, 1), date(2011, 12, 31)),
        (" 2011Q1..2011Q4 ", date(2011, 1, 1), date(2011, 12, 31)),
    ],
)
def test_ranges_are_closed_date_ranges(label: str, start: date, end: date) -> None:
    period = parse_period(label)
    assert (period.start, period.end, period.label) == (start, end, label.strip())


def test_a_whole_year_of_quarters_is_a_year_and_a_part_is_not() -> None:
    assert parse_period("2011Q1..2011Q4").is_year
    assert not parse_period("2011Q1..2011Q3").is_year
    assert parse_period("2011-01..2011-12").is_year


@pytest.mark.parametrize(
    ("label", "says"),
    [
        ("0000", "year 0000 does not exist"),
        ("0000Q1", "year 0000 does not exist"),
        ("0000-01..0000-03", "year 0000 does not exist"),
        ("2011Q3..2011Q1", "ends before it starts"),
        ("2011Q1..2012Q1", "within one year"),
        ("2011Q1..2011-09", "two quarters or two months"),
        ("2011..2011", "two quarters or two months"),
        ("2011H1..2011H2", "two quarters or two months"),
        ("2011Q1..", "expected YYYY"),
        ("2011Q1...2011Q3", "expected YYYY"),
    ],
)
def test_bad_periods_say_what_is_expected(label: str, says: str) -> None:
    with pytest.raises(LedgerError, match=says):
        parse_period(label)


DAYS = [f"2011-{m:02d}-{d:02d}" for m in range(1, 10) for d in (3, 10, 17, 24)]  # 36, 12/quarter


@pytest.fixture(scope="module")
def ledger_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    events = [reg("shahekou", "沙河口区总工会", "county")]
    events += [sub(f"s{i}", "shahekou", f"SHK-{i}", day) for i, day in enumerate(DAYS)]
    return build(tmp_path_factory.mktemp("periods"), events)


def test_a_quarter_range_is_the_sum_of_its_capped_quarters(ledger_path: Path) -> None:
    # dalian-2011: 0.5 a submission, capped at 10 a quarter; 12 a quarter earn 6 each.
    quarters = [total(board(ledger_path, "dalian-2011", f"2011Q{q}"), "shahekou") for q in "123"]
    assert quarters == ["6", "6", "6"]
    assert total(board(ledger_path, "dalian-2011", "2011Q1..2011Q3"), "shahekou") == "18"
    assert total(board(ledger_path, "dalian-2011", "2011-01..2011-09"), "shahekou") == "18"
    assert total(board(ledger_path, "dalian-2011", "2011-02..2011-04"), "shahekou") == "6"


def test_annual_targets_apply_only_to_a_whole_year(tmp_path: Path) -> None:
    path = build(tmp_path, [reg("wuxi", "无锡市总工会", "city")])
    assert board(path, "jiangsu-2016", "2016Q1..2016Q3").unit("wuxi").target is None
    assert board(path, "jiangsu-2016", "2016Q1..2016Q4").unit("wuxi").target is not None
    assert board(path, "jiangsu-2016", "2016").unit("wuxi").target is not None


def _score(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "scoreledger", "score", str(path), "--ruleset", "dalian-2011"]
    return subprocess.run([*command, *args], capture_output=True, text=True, check=False)


@pytest.mark.parametrize("label", ["0000", "0000Q1", "2011Q3..2011Q1"])
def test_the_command_line_refuses_a_bad_period_in_one_line(ledger_path: Path, label: str) -> None:
    proc = _score(ledger_path, "--period", label)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and label in proc.stderr, proc.stderr


def test_the_command_line_scores_a_range(ledger_path: Path) -> None:
    proc = _score(ledger_path, "--period", "2011Q1..2011Q3", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert '"period": "2011Q1..2011Q3"' in proc.stdout
    assert '"total": "18"' in proc.stdout
