"""One record per clause kind (issue 9.2): each kind has the fields it honours, and each
field it has works — caps on adoptions, instructions and activities included (in (at, seq)
order per unit and window, before hand-up), shown in explain ("capped") and rules show, and
added by a revision (CONTRACT §8.7)."""

from __future__ import annotations

import copy
import json
import tomllib
from collections.abc import Callable
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

import rules
from rules import AdoptionClause, DeadlineClause, GateClause, PointsRuleset, RulesError
from rules.loader import parse_ruleset
from scenario_helpers import (
    activity,
    adopt,
    board,
    build,
    explanation,
    instr,
    lines,
    reg,
    sub,
    total,
    trace_of,
)

Run = Callable[..., Any]


def dalian_data() -> dict[str, Any]:
    text = (resources.files("rules") / "data" / "dalian-2011.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def refused(mutate: Callable[[dict[str, Any]], None]) -> str:
    data = copy.deepcopy(dalian_data())
    mutate(data)
    with pytest.raises(RulesError) as info:
        parse_ruleset(data, "dalian-2011.toml")
    return str(info.value)


def on_clause(index: int, **fields: object) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        data["clauses"][index].update(fields)

    return mutate


# -- one record per kind ---------------------------------------------------------------------


def test_each_kind_is_its_own_record() -> None:
    dalian = rules.load("dalian-2011")
    assert isinstance(dalian, PointsRuleset)
    kinds = {clause.id: type(clause).__name__ for clause in dalian.clauses}
    assert kinds["submission"] == "SubmissionClause"
    assert kinds["adopt.central"] == "AdoptionClause"
    assert kinds["instr.central"] == "InstructionClause"
    assert kinds["urgent.deadline"] == "DeadlineClause"
    assert kinds["award"] == "AwardClause"
    # A kind has no field it cannot honour: an adoption has no leader levels.
    assert not hasattr(dalian.clause("adopt.central"), "levels")
    assert rules.clause_fields(GateClause) == (
        "id", "on", "section", "sentence", "interpretation", "summary", "kinds", "below",
        "outlets", "requires_outlets", "urgent", "commissioned", "categories",
    )  # fmt: skip


def test_a_field_of_another_kind_is_refused_naming_the_fields_this_kind_has() -> None:
    fields = ", ".join(rules.clause_fields(AdoptionClause))
    assert refused(on_clause(2, levels=["city"])) == (
        'dalian-2011.toml: clauses[2].levels: not used by a clause on "adoption" '
        f"(its fields: {fields})"
    )
    # Fields the engine used to drop silently: once on an instruction, a cap on a ranking
    # or an award, hours on an adoption.
    message = refused(on_clause(8, once="year"))
    assert message.startswith('dalian-2011.toml: clauses[8].once: not used by a clause on "instr')
    assert "levels, points, cap, cap_per" in message
    assert 'clauses[12].cap: not used by a clause on "award"' in refused(on_clause(12, cap="1"))
    assert 'clauses[5].hours: not used by a clause on "adoption"' in refused(
        on_clause(5, hours="1")
    )
    # A key no kind has stays an unknown key, listing this kind's fields.
    assert 'clauses[2]: unknown key "pionts" (valid: id, section' in refused(
        on_clause(2, pionts="1")
    )


def test_a_deadline_has_no_urgent_of_its_own() -> None:
    # Only an urgent submission carries incident_at, so a deadline reads urgent ones alone:
    # urgent = false could never fire, urgent = true said nothing (found by
    # tests/properties/test_every_field_counts.py). The field is refused like any other.
    assert dalian_data()["clauses"][11]["id"] == "urgent.deadline"
    fields = ", ".join(rules.clause_fields(DeadlineClause))
    assert "urgent" not in rules.clause_fields(DeadlineClause)
    assert refused(on_clause(11, urgent=True)) == (
        'dalian-2011.toml: clauses[11].urgent: not used by a clause on "deadline" '
        f"(its fields: {fields})"
    )


def test_once_and_cap_per_take_the_words_their_kind_honours() -> None:
    message = refused(on_clause(2, once="year"))
    assert message == "dalian-2011.toml: clauses[2].once: expected one of info"
    message = refused(on_clause(0, cap_per="week"))
    assert message == (
        "dalian-2011.toml: clauses[0].cap_per: expected one of quarter, half, year, month"
    )
    message = refused(on_clause(2, cap="1"))
    assert message == "dalian-2011.toml: clauses[2].cap: cap and cap_per go together"


# -- caps on every kind that has one -------------------------------------------------------

UNITS = [
    reg("shahekou", "沙河口区总工会", "county"),
    reg("ganjingzi", "甘井子区总工会", "county"),
    reg("dl-port", "大连港集团工会(信息直报点)", "direct_report", parent="shahekou"),
]
EVENTS = [
    *UNITS,
    sub("s1", "shahekou", "A", "2011-07-04"),
    sub("s2", "shahekou", "B", "2011-07-05"),
    sub("s3", "shahekou", "C", "2011-08-02"),
    sub("s4", "dl-port", "D", "2011-07-06"),
    adopt("a1", "A", "city.union.bulletin", "2011-07-10"),  # 市总信息 single 4
    adopt("a5", "A", "city.party_committee", "2011-07-11"),  # 市委 6, not capped
    adopt("a2", "B", "city.union.bulletin", "2011-07-20"),
    adopt("a4", "D", "city.union.bulletin", "2011-07-21"),  # dl-port: its own cap
    adopt("a3", "C", "city.union.bulletin", "2011-08-05", mode="combined"),  # 2
]


def capped_dalian(tmp_path: Path, clause: str, fields: str, rid: str = "dalian-capped") -> Path:
    """A whole ruleset file: dalian-2011 under its own id, with `fields` added to `clause`."""
    text = (resources.files("rules") / "data" / "dalian-2011.toml").read_text(encoding="utf-8")
    text = text.replace('id = "dalian-2011"', f'id = "{rid}"')
    anchor = f'id = "{clause}"\n'
    assert anchor in text
    start = text.index(anchor)
    end = text.find("[[clauses]]", start)
    text = text[:end] + fields + "\n\n" + text[end:] if end > 0 else text + "\n" + fields + "\n"
    path = tmp_path / f"{rid}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_capped_adoption_clause_scores_within_its_cap(tmp_path: Path) -> None:
    db = build(tmp_path, EVENTS)
    ruleset = capped_dalian(tmp_path, "adopt.city_union", 'cap = "6"\ncap_per = "quarter"')
    plain = board(db, "dalian-2011", "2011Q3")
    capped = board(db, ruleset, "2011Q3")
    # Uncapped: shahekou 1.5 (来稿) + 4 + 4 + 2 + 6 = 17.5, and dl-port's 0.5 + 4 handed up.
    assert total(plain, "shahekou") == "22"
    # Capped at 6 a quarter for shahekou: a1 4, a2 2 (what is left), a3 0; dl-port keeps
    # its own cap (4 of 6), applied before it hands its points up (principle 5).
    assert total(capped, "shahekou") == "18"
    assert total(capped, "dl-port") == "4.5"
    assert lines(capped.unit("shahekou")) == [
        ("submission", "1.5", None),
        ("adopt.city_union", "4", "A"),
        ("adopt.city_party", "6", "A"),
        ("adopt.city_union", "2", "B"),
        ("attribution", "4.5", None),
    ]
    notes = [line.note for line in capped.unit("shahekou").lines]
    assert "city.union.bulletin, single, capped at 6 for 2011Q3" in notes
    trace = trace_of(explanation(db, ruleset, "2011Q3", "shahekou").unit)
    assert (trace["a1"].status, trace["a1"].points) == ("scored", Decimal(4))
    assert (trace["a2"].status, trace["a2"].points) == ("capped", Decimal(2))
    assert (trace["a3"].status, trace["a3"].points) == ("capped", Decimal(0))
    assert trace["a3"].reason == "adopt.city_union: the cap of 6 for 2011Q3 is reached"
    # A month takes what the earlier months of its quarter left: July used the 6.
    assert total(board(db, ruleset, "2011-07"), "shahekou") == "17.5"  # 1 + 4 + 2 + 6 + 4.5
    assert total(board(db, ruleset, "2011-08"), "shahekou") == "0.5"
    assert total(board(db, ruleset, "2011-09"), "shahekou") == "0"


def test_cap_per_month_opens_a_new_cap_each_month(tmp_path: Path) -> None:
    db = build(tmp_path, EVENTS)
    ruleset = capped_dalian(tmp_path, "adopt.city_union", 'cap = "6"\ncap_per = "month"')
    # July: 4 + 2 (capped); August: a3's 2 under a fresh cap.
    assert total(board(db, ruleset, "2011Q3"), "shahekou") == "20"
    assert total(board(db, ruleset, "2011-08"), "shahekou") == "2.5"


def test_a_capped_instruction_clause_per_year(tmp_path: Path) -> None:
    db = build(
        tmp_path,
        [
            *UNITS,
            sub("s1", "shahekou", "A", "2011-02-01"),
            sub("s2", "shahekou", "B", "2011-02-02"),
            instr("i1", "A", "central", "2011-03-01"),
            instr("i2", "B", "central", "2011-05-01"),
        ],
    )
    ruleset = capped_dalian(tmp_path, "instr.central", 'cap = "60"\ncap_per = "year"')
    # 50 in Q1; Q2 takes the 10 the year's cap has left; the year is 60.
    assert total(board(db, ruleset, "2011Q1"), "shahekou") == "51"
    assert total(board(db, ruleset, "2011Q2"), "shahekou") == "10"
    assert total(board(db, ruleset, "2011"), "shahekou") == "61"
    trace = trace_of(explanation(db, ruleset, "2011Q2", "shahekou").unit)
    assert (trace["i2"].status, trace["i2"].points) == ("capped", Decimal(10))
    assert trace["i2"].reason == "instr.central: the cap of 60 for 2011 is reached"


def test_a_capped_activity_clause_per_half_year(tmp_path: Path) -> None:
    # changzhou-2016 §五.5: 10 per activity; capped here at 15 a half-year.
    text = (resources.files("rules") / "data" / "changzhou-2016.toml").read_text(encoding="utf-8")
    text = text.replace('id = "changzhou-2016"', 'id = "changzhou-capped"')
    capped = 'below = ["county"]\ncap = "15"\ncap_per = "half"\n'
    text = text.replace('below = ["county"]\n', capped)
    path = tmp_path / "changzhou-capped.toml"
    path.write_text(text, encoding="utf-8")
    db = build(
        tmp_path,
        [
            reg("wujin", "武进区总工会", "county", at="2016-07-01"),
            activity("v1", "wujin", "2016-07-05"),
            activity("v2", "wujin", "2016-08-05"),
            activity("v3", "wujin", "2016-10-05"),
        ],
    )
    assert total(board(db, "changzhou-2016", "2016H2"), "wujin") == "30"
    assert total(board(db, path, "2016Q3"), "wujin") == "15"
    assert total(board(db, path, "2016Q4"), "wujin") == "0"
    assert total(board(db, path, "2016"), "wujin") == "15"


def test_rules_show_prints_a_new_cap(tmp_path: Path, cli: Run) -> None:
    ruleset = capped_dalian(tmp_path, "adopt.city_union", 'cap = "6"\ncap_per = "quarter"')
    out = cli("rules", "show", ruleset)
    assert out.returncode == 0, out.stderr
    assert "single 4 / combined 2; cap 6 per quarter" in out.stdout
    row = next(line for line in out.stdout.splitlines() if " adopt.city_union " in line)
    assert "6 per quarter" in row
    doc = json.loads(cli("rules", "show", ruleset, "--format", "json").stdout)
    clause = next(c for c in doc["clauses"] if c["id"] == "adopt.city_union")
    assert (clause["cap"], clause["cap_per"]) == ("6", "quarter")


# -- revisions may add caps (CONTRACT §8.7) -----------------------------------------------

CAP_REVISION = """id = "dalian-2011-cap"
extends = "dalian-2011"

[override."adopt.city_union"]
cap = "6"
cap_per = "quarter"
"""


def test_a_revision_caps_city_union_adoptions_per_quarter(
    tmp_path: Path, cli: Run, write_jsonl: Callable[..., Path]
) -> None:
    db = tmp_path / "ledger.sqlite"
    imported = cli("import", db, write_jsonl(tmp_path / "events.jsonl", EVENTS))
    assert imported.returncode == 0, imported.stderr
    revision = tmp_path / "cap.toml"
    revision.write_text(CAP_REVISION, encoding="utf-8")

    def run(*args: object) -> Any:
        out = cli(*args, "--format", "json")
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    scored = run("score", db, "--ruleset", revision, "--period", "2011Q3")
    units = {u["unit"]: u for u in scored["units"]}
    assert (units["shahekou"]["total"], units["dl-port"]["total"]) == ("18", "4.5")
    city_union = [ln for ln in units["shahekou"]["lines"] if ln["clause"] == "adopt.city_union"]
    assert [(ln["points"], ln["events"], ln["note"]) for ln in city_union] == [
        ("4", ["a1"], "city.union.bulletin, single"),
        ("2", ["a2"], "city.union.bulletin, single, capped at 6 for 2011Q3"),
    ]
    explained = run(
        "explain", db, "--ruleset", revision, "--period", "2011Q3", "--unit", "shahekou"
    )
    trace = {t["event"]: t for t in explained["unit"]["trace"]}
    assert (trace["a2"]["status"], trace["a2"]["points"]) == ("capped", "2")
    assert (trace["a3"]["status"], trace["a3"]["points"]) == ("capped", "0")
    text = cli("explain", db, "--ruleset", revision, "--period", "2011Q3", "--unit", "shahekou")
    wrapped = " ".join(text.stdout.split())  # the trace wraps at 80 columns
    assert "adopt.city_union: the cap of 6 for 2011Q3 is reached" in wrapped

    diffed = run(
        "diff", db, "--period", "2011Q3", "--ruleset", "dalian-2011", "--against", revision
    )
    rows = {u["unit"]: (u["a"], u["b"], u["delta"]) for u in diffed["units"]}
    assert rows["shahekou"] == ("22", "18", "-4")
    assert rows["dl-port"] == ("4.5", "4.5", "0")
    shown = cli("rules", "show", revision).stdout
    assert "single 4 / combined 2; cap 6 per quarter" in shown
    assert "revised:   dalian-2011-cap: cap none -> 6" in shown
    assert "revised:   dalian-2011-cap: cap_per none -> quarter" in shown


def write_revision(tmp_path: Path, body: str, base: str = "dalian-2011") -> Path:
    path = tmp_path / "r.toml"
    path.write_text(f'id = "r"\nextends = "{base}"\n{body}', encoding="utf-8")
    return path


def revision_error(path: Path) -> str:
    with pytest.raises(RulesError) as info:
        rules.load(path)
    return str(info.value).replace(str(path), path.name)


def test_a_revision_may_change_the_window_of_a_cap(tmp_path: Path) -> None:
    path = write_revision(tmp_path, '[override.submission]\ncap_per = "month"\n')
    revised = rules.load(path)
    assert isinstance(revised, PointsRuleset)
    assert (revised.clause("submission").cap, revised.clause("submission").cap_per) == (  # type: ignore[union-attr]
        Decimal(10),
        "month",
    )


@pytest.mark.parametrize(
    ("base", "body", "expected"),
    [
        (
            "dalian-2011",
            '[override."adopt.city_union"]\ncap = "6"\n',
            'r.toml: override."adopt.city_union".cap_per: required with cap: a cap is '
            "counted per window (quarter, half, year, month)",
        ),
        (
            "dalian-2011",
            '[override."adopt.city_union"]\ncap = "6"\ncap_per = "week"\n',
            'r.toml: override."adopt.city_union".cap_per: expected one of quarter, half, '
            'year, month, got "week"',
        ),
        (
            "dalian-2011",
            '[override."adopt.city_union"]\ncap = "-1"\ncap_per = "year"\n',
            'r.toml: override."adopt.city_union".cap: must not be negative, got -1',
        ),
        (
            "dalian-2011",
            '[override."urgent.deadline"]\ncap = "1"\ncap_per = "year"\n',
            'r.toml: override."urgent.deadline".cap: clause "urgent.deadline" has no field '
            '"cap" to override; valid fields: none (it awards no points)',
        ),
        (
            "changzhou-2016",
            '[override."bonus.province_top10"]\ncap = "1"\ncap_per = "year"\n',
            'r.toml: override."bonus.province_top10".cap: clause "bonus.province_top10" has '
            'no field "cap" to override; valid fields: points',
        ),
        (
            "dalian-2011",
            '[override."instr.central"]\nlevels = "1"\n',
            'r.toml: override."instr.central".levels: clause "instr.central" has no field '
            '"levels" to override; valid fields: points, cap, cap_per',
        ),
    ],
)
def test_a_revision_cannot_cap_what_its_kind_does_not_honour(
    tmp_path: Path, base: str, body: str, expected: str
) -> None:
    assert revision_error(write_revision(tmp_path, body, base)) == expected
