"""No exit 3 on any input (issue 11.5): each case a bad argument or file, exit 2 with one line.

The input-file cases of an import are in tests/test_ledger_input.py's table; these are the
arguments and ruleset files a report command takes, and the parser's own promises.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import rules
from ledger import Ledger
from ledger.codec import structure
from ledger.jsonl import parse_line
from ledger.store import ParseFailure
from projections import score

EXACT = (
    "a decimal has at most 12 digits before the point and 7 after, so that every sum stays exact"
)


@pytest.fixture(scope="module")
def ledger_db(tmp_path_factory: pytest.TempPathFactory, make_base) -> Path:
    return make_base(tmp_path_factory.mktemp("hostile") / "base.sqlite")


def _refused(cli, ledger_db: Path, *args: str | Path) -> str:
    """Run a command expected to fail: exit 2, one stderr line, nothing on stdout, the
    ledger unchanged; returns the line."""
    with Ledger.open(ledger_db) as ledger:
        before = ledger.head()
    result = cli(*args)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    with Ledger.open(ledger_db) as ledger:
        assert ledger.head() == before
    return lines[0]


# -- --as-of at the ends of the calendar ---------------------------------------------------


@pytest.mark.parametrize(
    ("command", "option"),
    [
        ("score", "--as-of"),
        ("explain", "--as-of"),
        ("diff", "--against-as-of"),
        ("circular", "--as-of"),
    ],
)
@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_an_as_of_without_a_utc_form_is_refused(
    cli, ledger_db: Path, command: str, option: str, when: str
) -> None:
    extra = ["--unit", "gulou"] if command == "explain" else []
    line = _refused(
        cli, ledger_db, command, ledger_db, "--ruleset", "jiangsu-2016", "--period", "2016",
        *extra, option, when,
    )  # fmt: skip
    assert line == (
        f"scoreledger: {option} '{when}': expected a time within the years 1 … 9999 in UTC"
    )


def test_the_api_refuses_such_an_as_of_too(ledger_db: Path) -> None:
    with Ledger.open(ledger_db) as ledger, pytest.raises(Exception, match="years 1 … 9999"):
        score(ledger, "jiangsu-2016", "2016", as_of="0001-01-01T00:00:00+14:00")
    with Ledger.open(ledger_db) as ledger:  # the last instant that has a UTC form still works
        assert score(ledger, "jiangsu-2016", "2016", as_of="9999-12-31T23:59:59+00:00").units


# -- ruleset files ---------------------------------------------------------------------------


def _revision(folder: Path, name: str, body: str, extends: str = "dalian-2011") -> Path:
    path = folder / name
    path.write_text(f'id = "{path.stem}"\nextends = "{extends}"\n{body}', encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "value",
    [
        "12345678901234567890123456789.5",  # 29+ digits: was an InvalidOperation (exit 3)
        "0.50000000000000000000000000001",  # was silently rounded to 0.5
        "1234567890123",
    ],
)
def test_a_revision_decimal_that_cannot_be_held_exactly_is_refused(
    cli, ledger_db: Path, tmp_path: Path, value: str
) -> None:
    path = _revision(tmp_path, "long.toml", f'[override."submission"]\npoints = "{value}"\n')
    expected = (
        f'scoreledger: {path}: override.submission.points: "{value}" cannot be held exactly: '
        f"{EXACT}"
    )
    assert _refused(cli, ledger_db, "rules", "show", path) == expected
    assert _refused(cli, ledger_db, "score", ledger_db, "--ruleset", path, "--period", "2016") == (
        expected
    )


def test_trailing_zeros_are_held_exactly_and_kept(tmp_path: Path) -> None:
    path = _revision(
        tmp_path, "zeros.toml", '[override."submission"]\npoints = "0.5' + "0" * 40 + '"\n'
    )
    ruleset = rules.load(path)
    assert str(ruleset.clause("submission").points) == "0.5"


@pytest.mark.parametrize(
    "nest",
    [
        "x = " + "[" * 1000 + "]" * 1000,
        '[override."submission"]\npoints = ' + "{a = " * 1000 + "1" + "}" * 1000,
    ],
    ids=["array", "inline table"],
)
def test_a_toml_file_nested_1000_deep_is_refused(
    cli, ledger_db: Path, tmp_path: Path, nest: str
) -> None:
    path = _revision(tmp_path, "deep.toml", nest + "\n")
    assert _refused(cli, ledger_db, "rules", "show", path) == (
        f"scoreledger: {path}: invalid TOML: nested too deeply "
        "(a ruleset or revision nests a few levels)"
    )


def test_a_revision_chain_1000_deep_is_refused(cli, ledger_db: Path, tmp_path: Path) -> None:
    _revision(tmp_path, "c0.toml", "")
    for n in range(1, 1001):
        _revision(tmp_path, f"c{n}.toml", "", extends=f"c{n - 1}.toml")
    top = tmp_path / "c1000.toml"
    line = _refused(cli, ledger_db, "score", ledger_db, "--ruleset", top, "--period", "2016")
    assert line == (
        f"scoreledger: {top}: extends: a chain of more than 64 revision files "
        f"(stopped at {tmp_path / 'c936.toml'})"
    )
    # 64 files are still a chain.
    lineage = rules.load(tmp_path / "c63.toml").header.lineage
    assert lineage[0] == "c63" and len(lineage) == 65


# -- the JSON Lines parser -------------------------------------------------------------------


def test_an_integer_beyond_64_bits_is_refused_alike_however_it_was_read() -> None:
    base = {"id": "x", "type": "ranking", "at": "2016-01-01", "unit": "u", "source": "s"}
    said = set()
    for year in (10**23, 1e23):  # json (and the API) read an int; orjson, a float
        event, issues = structure({**base, "rank": 1, "year": year})
        assert event is None
        said.add(tuple(issues))
    assert said == {(("year", "expected a whole number, got one beyond 64 bits (≈1e+23)"),)}
    # 400 digits: orjson gives up (infinity), the standard library reads the int.
    for digits in (400, 5000):
        line = json.dumps({**base, "year": 2016}).replace("}", f', "rank": {"9" * digits}}}')
        obj = parse_line(line.encode())
        event, issues = structure(obj)
        assert issues == [("rank", "expected a whole number, got one beyond 64 bits")]


@pytest.mark.parametrize(
    "line",
    [
        b'{"a":1,"a":2}',
        b'{"a":1, "a" :2}',
        b'{"a":1,"\\u0061":2}',
        b'{"a":"\\":","a":2}',
        b'{"a":{"b":1,"b":2}}',
        b'[{"a":1},{"a":2,"a":3}]',
        b'{"a":1,\t"a"\r\n:2}',
    ],
)
def test_a_repeated_key_is_found_whatever_the_spelling(line: bytes) -> None:
    failure = parse_line(line)
    assert isinstance(failure, ParseFailure)
    assert failure.message == "given twice in one object; give each field once"
    assert failure.field in ("a", "b")


@pytest.mark.parametrize(
    "line",
    [b'{"a":":","b" : "::"}', b'{"a":{"a":1},"b":[{"a":2}]}', b'{"\\"a":1,"a":2}', b"[1,2]"],
)
def test_equal_keys_in_different_objects_or_strings_are_not_repeats(line: bytes) -> None:
    assert not isinstance(parse_line(line), ParseFailure)


# -- demo --------------------------------------------------------------------------------------


def test_demo_refuses_a_ledger_that_is_not_its_own(cli, ledger_db: Path, tmp_path: Path) -> None:
    line = _refused(cli, ledger_db, "demo", ledger_db)
    assert line == (
        f"scoreledger: {ledger_db}: not a demo ledger (seq 1, event 'u-city', is not one of the "
        "demo's); the demo writes only to a new file or its own demo ledger"
    )
    # Its own demo ledger is topped up as before.
    demo = tmp_path / "demo.sqlite"
    assert cli("demo", demo).returncode == 0
    again = cli("demo", demo)
    assert again.returncode == 0 and "appended 0, duplicates 125" in again.stdout
