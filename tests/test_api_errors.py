"""The API's structured errors (issue 9.5): an unknown ruleset, an unknown unit and a bad
period are each their own class carrying the offending value, still LedgerErrors and
RulesErrors as before, and the command line prints the same one line."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

import rules
from ledger import Ledger
from ledger.errors import LedgerError
from projections import (
    BadPeriod,
    UnknownRuleset,
    UnknownUnit,
    diff,
    explain,
    parse_period,
    score,
)
from scoreledger.demo import build_demo

SHIPPED = ", ".join(rules.shipped_ids())


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("errors") / "demo.sqlite"
    build_demo(path)
    return path


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Ledger]:
    with Ledger.open(demo_path) as ledger:
        yield ledger


def test_rules_load_names_the_unknown_ruleset_and_the_closest_shipped_id() -> None:
    with pytest.raises(rules.UnknownRuleset) as caught:
        rules.load("dalain-2011")
    error = caught.value
    assert isinstance(error, rules.RulesError)
    assert error.ruleset_id == "dalain-2011"
    assert error.suggestion == "dalian-2011"
    assert error.shipped == rules.shipped_ids()
    assert str(error) == (
        f"dalain-2011: neither a shipped ruleset ({SHIPPED}) nor a revision file; "
        "did you mean 'dalian-2011'?"
    )


def test_an_id_close_to_nothing_has_no_suggestion() -> None:
    with pytest.raises(rules.UnknownRuleset) as caught:
        rules.load("no-such-ruleset")
    assert (caught.value.ruleset_id, caught.value.suggestion) == ("no-such-ruleset", None)
    assert "did you mean" not in str(caught.value)


def test_a_revision_extending_nothing_names_its_extends(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text('id = "x-1"\nextends = "jiangsu-2061"\n', encoding="utf-8")
    with pytest.raises(rules.UnknownRuleset) as caught:
        rules.load(path)
    assert caught.value.ruleset_id == "jiangsu-2061"
    assert caught.value.suggestion == "jiangsu-2016"
    assert str(caught.value).startswith(f'{path}: extends: "jiangsu-2061" is neither a shipped')


def test_other_rules_errors_are_not_unknown_rulesets(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text('id = "x-1"\n', encoding="utf-8")
    with pytest.raises(rules.RulesError) as caught:
        rules.load(path)
    assert not isinstance(caught.value, rules.UnknownRuleset)


@pytest.mark.parametrize(
    "call",
    [
        lambda ledger: score(ledger, "dalain-2011", "2011Q3"),
        lambda ledger: explain(ledger, "dalain-2011", "2011Q3", "shahekou"),
        lambda ledger: diff(ledger, "2011Q3", "dalian-2011", "dalain-2011"),
    ],
)
def test_projections_raise_unknown_ruleset(demo: Ledger, call) -> None:
    with pytest.raises(UnknownRuleset) as caught:
        call(demo)
    error = caught.value
    # One except clause of either layer catches it, as LedgerError caught it before.
    assert isinstance(error, LedgerError) and isinstance(error, rules.UnknownRuleset)
    assert (error.ruleset_id, error.suggestion) == ("dalain-2011", "dalian-2011")
    assert "nor a revision file; did you mean 'dalian-2011'?" in str(error)


def test_a_mistyped_unit_is_unknown_with_a_suggestion(demo: Ledger) -> None:
    for call in (
        lambda: score(demo, "dalian-2011", "2011Q3", unit="shahekuo"),
        lambda: explain(demo, "dalian-2011", "2011Q3", "shahekuo"),
        lambda: explain(demo, "dalian-2011", "2011Q3", "shahekuo", keep=False),
    ):
        with pytest.raises(UnknownUnit) as caught:
            call()
        error = caught.value
        assert isinstance(error, LedgerError)
        assert (error.unit, error.ruleset, error.period) == ("shahekuo", "dalian-2011", "2011Q3")
        assert error.registered is False
        assert error.suggestion == "shahekou"
        assert str(error) == (
            "unit 'shahekuo': not a registered unit under dalian-2011 for 2011Q3; "
            "did you mean 'shahekou'?"
        )


def test_a_registered_unit_the_ruleset_does_not_list(demo: Ledger) -> None:
    with pytest.raises(UnknownUnit) as caught:
        score(demo, "dalian-2011", "2011Q3", unit="dalian")
    error = caught.value
    assert (error.unit, error.registered, error.suggestion) == ("dalian", True, None)
    assert str(error) == "unit 'dalian': registered, but not listed under dalian-2011 for 2011Q3"


def test_a_unit_on_an_empty_board(demo: Ledger) -> None:
    with pytest.raises(UnknownUnit) as caught:
        score(demo, "dalian-2011", "2011Q3", unit="shahekou", as_of="2000-01-01")
    error = caught.value
    assert (error.unit, error.registered, error.suggestion) == ("shahekou", True, None)
    assert str(error) == "unit 'shahekou': nothing to list under dalian-2011 for 2011Q3"


@pytest.mark.parametrize(
    ("label", "says"),
    [
        ("2011Q5", "period '2011Q5': expected YYYY, YYYYQ1…Q4"),
        ("0000", "period '0000': year 0000 does not exist"),
        ("2011Q3..2011Q1", "period '2011Q3..2011Q1': the range ends before it starts"),
        ("2011Q1..2012Q1", "period '2011Q1..2012Q1': a range stays within one year"),
        ("2011H1..2011H2", "period '2011H1..2011H2': a range joins two quarters or two months"),
    ],
)
def test_bad_periods_carry_the_label(demo: Ledger, label: str, says: str) -> None:
    for call in (
        lambda: parse_period(label),
        lambda: score(demo, "dalian-2011", label),
        lambda: explain(demo, "dalian-2011", label, "shahekou"),
    ):
        with pytest.raises(BadPeriod) as caught:
            call()
        assert isinstance(caught.value, LedgerError)
        assert caught.value.period == label
        assert str(caught.value).startswith(says)


def test_the_errors_survive_pickling(demo: Ledger) -> None:
    """A worker process's error reaches its parent whole (multiprocessing pickles it)."""
    raised = []
    for call in (
        lambda: rules.load("dalain-2011"),
        lambda: score(demo, "dalain-2011", "2011Q3"),
        lambda: score(demo, "dalian-2011", "2011Q3", unit="shahekuo"),
        lambda: score(demo, "dalian-2011", "2011Q5"),
    ):
        with pytest.raises((LedgerError, rules.RulesError)) as caught:
            call()
        raised.append(caught.value)
    for error in raised:
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert str(copy) == str(error) and vars(copy) == vars(error)


@pytest.mark.parametrize(
    ("args", "call"),
    [
        (
            ("score", "DB", "--ruleset", "dalain-2011", "--period", "2011Q3"),
            lambda ledger: score(ledger, "dalain-2011", "2011Q3"),
        ),
        (
            ("rules", "show", "dalain-2011"),
            lambda ledger: rules.load("dalain-2011"),
        ),
        (
            ("explain", "DB", "--ruleset", "dalian-2011", "--period", "2011Q3", "--unit", "dalian"),
            lambda ledger: explain(ledger, "dalian-2011", "2011Q3", "dalian"),
        ),
        (
            ("score", "DB", "--ruleset", "dalian-2011", "--period", "2011Q5"),
            lambda ledger: score(ledger, "dalian-2011", "2011Q5"),
        ),
    ],
)
def test_the_command_line_prints_the_api_error_as_one_line(
    cli, demo_path: Path, demo: Ledger, args, call
) -> None:
    with pytest.raises((LedgerError, rules.RulesError)) as caught:
        call(demo)
    out = cli(*(str(demo_path) if a == "DB" else a for a in args))
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr == f"scoreledger: {caught.value}\n"
