"""Every bad-input rule of CONTRACT §2 through the real CLI: the exact message, exit 2, no append.

Each case is a file imported into the base ledger (tests/conftest.py): line 1 a good
event, line 2 blank (blank lines still count), line 3 the case. The error must name
``caseNN.jsonl:3``, the field and what was expected, and the ledger must be left as it
was (same head, still verifies). Positive counterparts follow the table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ledger import Ledger
from rules import checklist_tables
from vocabulary import codes

GOOD = {
    "id": "ok1",
    "type": "activity",
    "at": "2016-04-01",
    "unit": "xuanwu",
    "activity": "training",
}
TYPES = (
    "unit_registered, unit_changed, submission, adoption, instruction, activity, veto, "
    "ranking, adjustment, assessment, absence, retraction"
)
AT_FORM = "expected a date YYYY-MM-DD or an ISO-8601 date-time"


def ev(event_type: Any, /, **fields: Any) -> dict[str, Any]:
    """An event object with an id and a time, plus `fields` (which may override them)."""
    return {"id": "x1", "type": event_type, "at": "2016-04-02", **fields}


def codes_of(table: Any) -> str:
    return ", ".join(table)


# (case id, the line, the expected "field: message" after "bad.jsonl:3: ")
CASES: list[tuple[str, Any, str]] = [
    ("unknown type", ev("bogus"), f'type: unknown type "bogus"; expected one of {TYPES}'),
    ("missing type", {"id": "x1", "at": "2016-04-02"}, "type: required field missing"),
    ("type not a string", ev(["activity"]),
     f'type: unknown type ["activity"]; expected one of {TYPES}'),
    ("unknown field", ev("activity", unit="gulou", activity="meeting", colour="red"),
     "colour: unknown field"),
    ("missing field", ev("activity", unit="gulou"), "activity: required field missing"),
    ("float decimal", ev("adjustment", unit="gulou", points=0.5, reason="good work"),
     'points: expected a decimal string like "0.5", got 0.5'),
    ("exponent decimal", ev("adjustment", unit="gulou", points="1e2", reason="good work"),
     'points: expected a decimal string like "0.5", got "1e2"'),
    ("int for string", ev("absence", unit="gulou", meeting=5),
     "meeting: expected a string, got 5"),
    ("null for string", ev("absence", unit="gulou", meeting=None),
     "meeting: expected a string, got null"),
    ("bool for int", ev("ranking", unit="gulou", source="province.union.annual", year=2016,
                        rank=True),
     "rank: expected a whole number, got true"),
    ("string for bool", ev("submission", unit="gulou", info="GL-9", urgent="yes"),
     'urgent: expected true or false, got "yes"'),
    ("bad at", ev("activity", unit="gulou", activity="meeting", at="2016-02-30"),
     f'at: {AT_FORM}, got "2016-02-30"'),
    ("at without dashes", ev("activity", unit="gulou", activity="meeting", at="20160301"),
     f'at: {AT_FORM}, got "20160301"'),
    ("at as a number", ev("activity", unit="gulou", activity="meeting", at=20160301),
     f"at: {AT_FORM}, got 20160301"),
    ("unit not registered", ev("activity", unit="nobody", activity="meeting"),
     "unit: unit 'nobody' is not registered earlier in the log or this import"),
    ("parent not registered", ev("unit_registered", unit="new", name="新", kind="grassroots",
                                 parent="nobody"),
     "parent: unit 'nobody' is not registered earlier in the log or this import"),
    ("unit registered twice", ev("unit_registered", unit="gulou", name="鼓楼", kind="county"),
     "unit: unit 'gulou' is already registered (seq 2); record a unit_changed instead"),
    ("adoption of unsubmitted info without unit",
     ev("adoption", info="NOPE-1", outlet="city.union.bulletin"),
     "unit: info 'NOPE-1' was not submitted earlier; name its unit"),
    ("instruction of unsubmitted info without unit", ev("instruction", info="NOPE-1", level="city"),
     "unit: info 'NOPE-1' was not submitted earlier; name its unit"),
    ("adoption contradicting the submitter",
     ev("adoption", info="GL-1", outlet="city.union.bulletin", unit="xuanwu"),
     "unit: info 'GL-1' was submitted by 'gulou' (event s1, seq 5), not 'xuanwu'"),
    ("instruction contradicting the submitter",
     ev("instruction", info="GL-1", level="city", unit="xuanwu"),
     "unit: info 'GL-1' was submitted by 'gulou' (event s1, seq 5), not 'xuanwu'"),
    ("bad outlet", ev("adoption", info="GL-1", outlet="city.union.weibo"),
     f"outlet: unknown outlet 'city.union.weibo'; expected one of {codes_of(codes.OUTLETS)}"
     "; did you mean 'city.union.web.photo'?"),
    ("bad mode", ev("adoption", info="GL-1", outlet="city.union.bulletin", mode="double"),
     f"mode: unknown mode 'double'; expected one of {codes_of(codes.MODES)}"),
    ("bad level", ev("instruction", info="GL-1", level="mayor"),
     f"level: unknown leader level 'mayor'; expected one of {codes_of(codes.LEVELS)}"),
    ("bad kind", ev("unit_registered", unit="new", name="新", kind="province"),
     f"kind: unknown unit kind 'province'; expected one of {codes_of(codes.UNIT_KINDS)}"),
    ("bad kind in unit_changed", ev("unit_changed", unit="gulou", kind="province"),
     f"kind: unknown unit kind 'province'; expected one of {codes_of(codes.UNIT_KINDS)}"),
    ("bad department", ev("unit_registered", unit="new", name="新", kind="department",
                          department="canteen"),
     f"department: unknown department code 'canteen'; expected one of "
     f"{codes_of(codes.DEPARTMENTS)}"),
    ("bad category", ev("submission", unit="gulou", info="GL-9", category="urgent"),
     f"category: unknown category 'urgent'; expected one of {codes_of(codes.CATEGORIES)}"),
    ("bad activity", ev("activity", unit="gulou", activity="party"),
     f"activity: unknown activity 'party'; expected one of {codes_of(codes.ACTIVITIES)}"),
    ("bad veto reason", ev("veto", unit="gulou", reason="rudeness"),
     f"reason: unknown veto reason 'rudeness'; expected one of {codes_of(codes.VETO_REASONS)}"),
    ("bad table", ev("assessment", unit="gulou", table="county/moon", item="1.4", score="1"),
     f"table: unknown table 'county/moon'; expected one of {codes_of(checklist_tables())}"),
    ("bad item", ev("assessment", unit="gulou", table="county/township", item="9.9", score="1"),
     "item: unknown item '9.9' of county/township; expected one of "),  # prefix: long list
    ("score above the item maximum",
     ev("assessment", unit="gulou", table="county/township", item="1.4", score="3"),
     "score: expected 0 … 2 (the maximum of county/township 1.4), got 3"),
    ("score below 0",
     ev("assessment", unit="gulou", table="county/township", item="1.4", score="-0.5"),
     "score: expected 0 … 2 (the maximum of county/township 1.4), got -0.5"),
    ("self_score above the item maximum",
     ev("assessment", unit="gulou", table="county/township", item="1.4", score="2",
        self_score="2.5"),
     "self_score: expected 0 … 2 (the maximum of county/township 1.4), got 2.5"),
    ("retraction of a missing id", ev("retraction", target="nope", reason="typo"),
     "target: no event 'nope' earlier in the log or this import"),
    ("retraction of a retraction", ev("retraction", target="r1", reason="undo"),
     "target: 'r1' is a retraction; retractions are final"),
    ("retraction of a retracted event", ev("retraction", target="act1", reason="again"),
     "target: 'act1' is already retracted"),
    ("retraction of a unit registration", ev("retraction", target="u-xuanwu", reason="gone"),
     "target: 'u-xuanwu' registers a unit, which cannot be retracted; "
     "record a unit_changed instead"),
    ("adjustment of 0", ev("adjustment", unit="gulou", points="0", reason="none"),
     "points: expected a non-zero decimal string (an adjustment of 0 changes nothing)"),
    ("adjustment of -0.00", ev("adjustment", unit="gulou", points="-0.00", reason="none"),
     "points: expected a non-zero decimal string (an adjustment of 0 changes nothing)"),
    ("empty reason", ev("adjustment", unit="gulou", points="2", reason=""),
     "reason: expected a non-empty string"),
    ("blank reason", ev("retraction", target="s1", reason="   "),
     "reason: expected a non-empty string"),
    ("blank unit, reported once", ev("submission", unit=" ", info="GL-B"),
     "unit: expected a non-empty string"),
    ("blank unit of an adoption", ev("adoption", unit="", info="GL-B", outlet="acftu.bulletin"),
     "unit: expected a non-empty string"),
    # Issue 11.7: a text of only invisible characters is empty too.
    ("a name of zero-width spaces",
     ev("unit_registered", unit="zw", name="\u200b\u200b", kind="county"),
     "name: expected a non-empty string (this one has only invisible characters)"),
    ("a reason of joiners, marks and a BOM",
     ev("adjustment", unit="gulou", points="1", reason="\u200d\u202e\ufeff\u2060 "),
     "reason: expected a non-empty string (this one has only invisible characters)"),
    ("a name of a Hangul filler", ev("unit_changed", unit="gulou", name="\u3164"),
     "name: expected a non-empty string (this one has only invisible characters)"),
    ("empty id", {**ev("activity", unit="gulou", activity="meeting"), "id": ""},
     "id: expected a non-empty string"),
    ("invalid JSON", '{"id": "x1", "type": "activity",}',
     "invalid JSON: Expecting property name enclosed in double quotes (column 33)"),
    ("truncated JSON", '{"id": "x1", "type": "act',
     "invalid JSON: Unterminated string starting at (column 22)"),
    ("not an object", "[1, 2]", "expected a JSON object, got [1, 2]"),
    ("non-UTF-8", b'{"id": "x1", "type": "activity", "note": "\xff"}',
     "not UTF-8 (byte 43); JSON Lines are UTF-8: save the file as UTF-8"),
    ("GBK", '{"id": "x1", "type": "activity", "note": "鼓楼"}'.encode("gbk"),
     "not UTF-8 (byte 43); it reads as GBK/GB18030, and JSON Lines are UTF-8: convert it "
     "(iconv -f gb18030 -t utf-8), or import a .csv, which takes --encoding"),
    ("NaN", '{"id": "x1", "type": "adjustment", "points": NaN}',
     "invalid JSON: NaN is not a JSON number"),
    ("Infinity", '{"id": "x1", "type": "ranking", "rank": Infinity}',
     "invalid JSON: Infinity is not a JSON number"),
    ("lone surrogate", '{"id": "x1", "type": "activity", "at": "2016-04-02", "unit": "gulou", '
                       '"activity": "meeting", "note": "\\ud800"}',
     "text with a lone surrogate (\\ud800-\\udfff) cannot be stored"),
    ("second submission of an info", ev("submission", unit="gulou", info="GL-1"),
     "info: info 'GL-1' is already submitted (event s1, seq 5); retract that submission first"),
    ("unit_changed creating a parent cycle", ev("unit_changed", unit="city", parent="gulou"),
     "parent: 'gulou' is below 'city': a cycle"),
    ("unit its own parent", ev("unit_changed", unit="city", parent="city"),
     "parent: a unit cannot be its own parent"),
    ("unit_changed of an unregistered unit", ev("unit_changed", unit="nobody", name="x"),
     "unit: unit 'nobody' is not registered earlier in the log or this import"),
    ("unit_changed changing nothing", ev("unit_changed", unit="gulou"),
     "expected at least one of name, kind, parent, department"),
    ("department on a county", ev("unit_registered", unit="new", name="新", kind="county",
                                  department="office"),
     "department: only units of kind department or industry_union carry one, not county"),
    ("department given to a county", ev("unit_changed", unit="gulou", department="office"),
     "department: only units of kind department or industry_union carry one, not county"),
    ("incident_at on a non-urgent submission",
     ev("submission", unit="gulou", info="GL-9", incident_at="2016-04-01T08:00"),
     "incident_at: only an urgent submission carries incident_at (set urgent: true)"),
    ("year beyond 64 bits",
     '{"id": "x1", "type": "ranking", "at": "2016-04-02", "unit": "gulou", '
     '"source": "province.union.annual", "rank": 1, "year": 100000000000000000000000}',
     "year: expected a whole number, got one beyond 64 bits (≈1e+23)"),
    ("a field given twice",
     '{"id": "x1", "type": "adjustment", "at": "2016-04-02", "unit": "gulou", '
     '"points": "2", "points": "-2", "reason": "a key given twice"}',
     "points: given twice in one object; give each field once"),
    ("a field given twice, spaced out",
     '{"id" : "x1", "type" : "activity", "type" : "veto", "at" : "2016-04-02"}',
     "type: given twice in one object; give each field once"),
    # Issue 11.5: a repeated key is found whatever the spacing or escaping (not a screen).
    ("a field given twice, space before the colon",
     '{"id": "x1", "type": "adjustment", "at": "2016-04-02", "unit": "gulou", '
     '"points":"2", "reason": "r", "points" :"-2"}',
     "points: given twice in one object; give each field once"),
    ("a field given twice, once escaped",
     '{"id": "x1", "type": "adjustment", "at": "2016-04-02", "unit": "gulou", '
     '"points":"2", "reason": "r", "p\\u006fints":"-2"}',
     "points: given twice in one object; give each field once"),
    ("a field given twice, tab and newline-free whitespace",
     '{"id":"x1","type":"adjustment","at":"2016-04-02","unit":"gulou","points"\t:"2",'
     '"reason":"r:\\"","points"\t:\t"-2"}',
     "points: given twice in one object; give each field once"),
    ("a key inside a string does not hide a repeat",
     '{"id":"x1","type":"adjustment","at":"2016-04-02","unit":"gulou","points":"2",'
     '"reason":"\\":", "points" :"-2"}',
     "points: given twice in one object; give each field once"),
    # Issue 11.5: decimals that cannot be held exactly are refused, never rounded.
    ("a decimal of 30 significant digits",
     ev("adjustment", unit="gulou", points="0.50000000000000000000000000001", reason="r"),
     'points: "0.50000000000000000000000000001" cannot be held exactly: a decimal has at '
     "most 12 digits before the point and 7 after, so that every sum stays exact"),
    ("a decimal of 13 whole digits",
     ev("adjustment", unit="gulou", points="1234567890123", reason="r"),
     'points: "1234567890123" cannot be held exactly: a decimal has at most 12 digits before '
     "the point and 7 after, so that every sum stays exact"),
    ("an assessment of 8 decimals",
     ev("assessment", unit="gulou", table="county/township", item="1.4", score="0.12345678"),
     'score: "0.12345678" cannot be held exactly: a decimal has at most 12 digits before '
     "the point and 7 after, so that every sum stays exact"),
    # Integers: 64-bit, refused in the same words whichever parser read them.
    ("rank 2**63 (an int to orjson)",
     ev("ranking", unit="gulou", source="province.union.annual", year=2016, rank=2**63),
     "rank: expected a whole number, got one beyond 64 bits (≈9.22e+18)"),
    ("rank 2**64 (a float to orjson)",
     ev("ranking", unit="gulou", source="province.union.annual", year=2016, rank=2**64),
     "rank: expected a whole number, got one beyond 64 bits (≈1.84e+19)"),
    ("rank of 5,000 digits (beyond Python's int() limit)",
     '{"id": "x1", "type": "ranking", "at": "2016-04-02", "unit": "gulou", '
     '"source": "province.union.annual", "year": 2016, "rank": ' + "9" * 5000 + "}",
     "rank: expected a whole number, got one beyond 64 bits"),
    ("year -2**63-1",
     ev("ranking", unit="gulou", source="province.union.annual", year=-(2**63) - 1, rank=1),
     "year: expected a whole number, got one beyond 64 bits (≈-9.22e+18)"),
    ("JSON nested too deeply", "[" * 100_000 + "]" * 100_000,
     "invalid JSON: nested too deeply (an event is a flat object)"),
    ("rank 0", ev("ranking", unit="gulou", source="province.union.annual", year=2016, rank=0),
     "rank: expected a whole number >= 1, got 0"),
]  # fmt: skip


def _line(case: Any) -> str | bytes:
    return json.dumps(case, ensure_ascii=False) if isinstance(case, dict) else case


#: Cases per CLI run: each case is its own FILE argument of one import, so a run costs one
#: interpreter start for many cases. Every case line is bad, hence never remembered, and
#: GOOD repeats as a duplicate: each case meets the same ledger state as if run alone.
#: Kept under the 20 problems the CLI lists.
GROUP = 15


@pytest.fixture(scope="module")
def outcomes(
    tmp_path_factory, cli, write_jsonl, make_base, module_backend
) -> dict[str, tuple[str, list[str]]]:
    """Case file name -> (its first stderr line, the run's other facts checked per case)."""
    found: dict[str, tuple[str, list[str]]] = {}
    for start in range(0, len(CASES), GROUP):
        where = tmp_path_factory.mktemp("bad")
        db = make_base(module_backend.new("bad"))
        with Ledger.open(db) as ledger:
            before = ledger.head()
        names = []
        for number in range(start, min(start + GROUP, len(CASES))):
            names.append(f"case{number:02}.jsonl")
            write_jsonl(where / names[-1], [GOOD, "", _line(CASES[number][1])])

        result = cli("import", db, *names, cwd=where)

        facts = [f"exit {result.returncode}", f"stdout {result.stdout!r}"]
        lines = result.stderr.splitlines()
        facts.append(f"last {lines[-1]!r}")
        with Ledger.open(db) as ledger:
            facts.append(f"unchanged {ledger.head() == before and ledger.verify().ok}")
        for name in names:
            mine = [line for line in lines if line.startswith(f"scoreledger: {name}:")]
            found[name] = (mine[0] if len(mine) == 1 else f"{len(mine)} lines: {mine}", facts)
    return found


@pytest.mark.parametrize(
    ("number", "expected"), [(n, c[2]) for n, c in enumerate(CASES)], ids=[c[0] for c in CASES]
)
def test_bad_line_is_refused_with_its_place_and_nothing_is_appended(
    outcomes: dict[str, tuple[str, list[str]]], number: int, expected: str
) -> None:
    name = f"case{number:02}.jsonl"
    line, facts = outcomes[name]
    want = f"scoreledger: {name}:3: {expected}"
    if expected.endswith(" "):  # a prefix only where the message lists many codes
        assert line.startswith(want)
    else:
        assert line == want
    assert facts == [
        "exit 2",
        "stdout ''",
        "last 'scoreledger: nothing was appended'",
        "unchanged True",
    ]


def test_one_bad_line_alone_is_refused(base_ledger: str, tmp_path: Path, cli, write_jsonl) -> None:
    """The grouped runs above, once without grouping: same message, exit 2, no append."""
    with Ledger.open(base_ledger) as ledger:
        before = ledger.head()
    write_jsonl(tmp_path / "bad.jsonl", [GOOD, "", ev("activity", unit="nobody", activity="x")])
    result = cli("import", base_ledger, "bad.jsonl", cwd=tmp_path)
    assert result.returncode == 2
    # Field checks come first; a line with a bad code is not also checked for references.
    assert result.stderr.splitlines() == [
        f"scoreledger: bad.jsonl:3: activity: unknown activity 'x'; expected one of "
        f"{codes_of(codes.ACTIVITIES)}",
        "scoreledger: nothing was appended",
    ]
    with Ledger.open(base_ledger) as ledger:
        assert ledger.head() == before
        assert ledger.get("ok1") is None


def test_every_bad_line_is_reported_in_line_order(
    base_ledger: str, tmp_path: Path, cli, write_jsonl
):
    write_jsonl(
        tmp_path / "many.jsonl",
        [
            ev("activity", unit="nobody", activity="meeting", id="a"),
            GOOD,
            ev("activity", unit="gulou", activity="party", id="b"),
            "{oops",
            ev("ranking", unit="gulou", source=1, year=2016, rank=True, id="c"),
        ],
    )
    result = cli("import", base_ledger, "many.jsonl", cwd=tmp_path)
    assert result.returncode == 2
    places = [line.split(": ")[1] for line in result.stderr.splitlines()[:-1]]
    assert places == [
        "many.jsonl:1",
        "many.jsonl:3",
        "many.jsonl:4",
        "many.jsonl:5",
        "many.jsonl:5",
    ]
    assert "scoreledger: many.jsonl:5: source: expected a string, got 1" in result.stderr
    assert "scoreledger: many.jsonl:5: rank: expected a whole number, got true" in result.stderr


def test_long_error_lists_are_capped(base_ledger: str, tmp_path: Path, cli, write_jsonl):
    bad = [ev("activity", unit="nobody", activity="meeting", id=f"b{i}") for i in range(50)]
    result = cli("import", base_ledger, write_jsonl(tmp_path / "b.jsonl", bad))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 21
    assert lines[-1] == "scoreledger: ... and 30 more problems; nothing was appended"


def test_unit_registered_later_in_the_same_file_is_too_late(
    base_ledger: str, tmp_path: Path, cli, write_jsonl
):
    register = ev("unit_registered", unit="qinhuai", name="秦淮区总工会", kind="county", id="u-q")
    use = ev("activity", unit="qinhuai", activity="meeting", id="a-q")
    result = cli("import", base_ledger, write_jsonl(tmp_path / "late.jsonl", [use, register]))
    assert result.returncode == 2
    assert result.stderr.splitlines()[0].endswith(
        "late.jsonl:1: unit: unit 'qinhuai' is not registered earlier in the log or this import"
    )
    # The same two lines in the other order are fine: line order is log order.
    result = cli("import", base_ledger, write_jsonl(tmp_path / "early.jsonl", [register, use]))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("appended 2, duplicates 0\n")


def test_times_without_offset_are_beijing_time(base_ledger: str, tmp_path: Path, cli, write_jsonl):
    lines = [
        ev("activity", unit="gulou", activity="meeting", id="naive", at="2016-03-01T09:30"),
        ev("activity", unit="gulou", activity="meeting", id="date", at="2016-03-01"),
        ev("activity", unit="gulou", activity="meeting", id="utc", at="2016-03-01T01:30:00Z"),
        ev("activity", unit="gulou", activity="meeting", id="space", at="2016-03-01 09:30:00.5"),
        ev("submission", unit="gulou", info="GL-U", urgent=True, id="urgent",
           incident_at="2016-02-29T23:00:00-01:00"),
    ]  # fmt: skip
    result = cli("import", base_ledger, write_jsonl(tmp_path / "t.jsonl", lines))
    assert result.returncode == 0, result.stderr
    with Ledger.open(base_ledger) as ledger:
        stored = {r.event.id: r for r in ledger.events(types=["activity", "submission"])}
        payloads = dict(ledger.conn.execute("SELECT id, payload FROM events"))
    assert json.loads(payloads["naive"])["at"] == "2016-03-01T09:30:00+08:00"
    assert json.loads(payloads["date"])["at"] == "2016-03-01T00:00:00+08:00"
    assert json.loads(payloads["utc"])["at"] == "2016-03-01T09:30:00+08:00"
    assert json.loads(payloads["space"])["at"] == "2016-03-01T09:30:00.500000+08:00"
    assert json.loads(payloads["urgent"])["incident_at"] == "2016-03-01T08:00:00+08:00"
    assert stored["naive"].event.at == stored["utc"].event.at
    assert stored["naive"].event.at.utcoffset().total_seconds() == 8 * 3600


def test_second_submission_is_allowed_once_the_first_is_retracted(
    base_ledger: str, tmp_path: Path, cli, write_jsonl
):
    lines = [
        ev("retraction", target="s1", reason="wrong unit", id="r-s1"),
        ev("submission", unit="xuanwu", info="GL-1", id="s2"),
        ev("adoption", info="GL-1", outlet="city.union.web.news", id="ad2"),
    ]
    result = cli("import", base_ledger, write_jsonl(tmp_path / "resub.jsonl", lines))
    assert result.returncode == 0, result.stderr
    with Ledger.open(base_ledger) as ledger:
        assert ledger.get("ad2").unit == "xuanwu"  # the latest submitter


def test_adoption_of_an_unsubmitted_info_names_its_unit(
    base_ledger: str, tmp_path: Path, cli, write_jsonl
):
    lines = [
        ev("adoption", info="EXT-1", outlet="province.union.web", unit="xuanwu", id="ad1"),
        ev("instruction", info="GL-1", level="city_union", id="in1"),  # resolves to gulou
        ev("instruction", info="GL-1", level="city", unit="gulou", id="in2"),
    ]
    result = cli("import", base_ledger, write_jsonl(tmp_path / "ok.jsonl", lines))
    assert result.returncode == 0, result.stderr
    with Ledger.open(base_ledger) as ledger:
        assert [ledger.get(i).unit for i in ("ad1", "in1", "in2")] == ["xuanwu", "gulou", "gulou"]


def test_assessment_scores_at_the_bounds_are_accepted(
    base_ledger: str, tmp_path: Path, cli, write_jsonl
):
    item = {"unit": "gulou", "table": "county/township", "item": "1.4"}
    lines = [
        ev("assessment", **item, score="2", self_score="0", id="as1"),
        ev("assessment", **item, score="0.0", id="as2"),
    ]
    result = cli("import", base_ledger, write_jsonl(tmp_path / "ok.jsonl", lines))
    assert result.returncode == 0, result.stderr


def test_department_units_and_industry_unions_carry_a_department(
    base_ledger: str, tmp_path: Path, cli, write_jsonl
):
    lines = [
        ev("unit_registered", unit="edu", name="省教科工会", kind="industry_union",
           department="education_science_union", id="u-edu"),
        ev("unit_changed", unit="office", department="publicity", id="c-office"),
    ]  # fmt: skip
    result = cli("import", base_ledger, write_jsonl(tmp_path / "ok.jsonl", lines))
    assert result.returncode == 0, result.stderr


def test_text_that_looks_like_a_key_is_not_a_repeated_field(
    base_ledger: str, tmp_path: Path, cli, write_jsonl
):
    # '":' inside a value and spaces before colons send the line to the exact re-check,
    # which finds no repeated key: both lines are stored as written.
    quoted = ev("submission", unit="gulou", info="GL-Q", title='他说":"好', id="quoted")
    spaced = '{"id" : "spaced", "type" : "activity", "at" : "2016-04-02", "unit" : "gulou", ' \
        '"activity" : "meeting"}'  # fmt: skip
    result = cli("import", base_ledger, write_jsonl(tmp_path / "q.jsonl", [quoted, spaced]))
    assert result.returncode == 0, result.stderr
    with Ledger.open(base_ledger) as ledger:
        assert ledger.get("quoted").event.title == '他说":"好'
        assert ledger.get("spaced").event.activity == "meeting"
