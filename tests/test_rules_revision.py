"""Revision files (CONTRACT §6): overrides, chains, and every refusal naming file and key."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

import rules
from rules import ChecklistRuleset, PointsRuleset, RulesError

R1 = """\
id = "dalian-2011-r1"
title = "大连 2011 修订试算"
extends = "dalian-2011"
effective_from = "2012-01-01"

[override."submission"]
points = "1"
cap = "20"

[override."adopt.central"]
single = "40"
combined = "20"

[target."city"]
points = "200"
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load_error(path: Path | str) -> str:
    with pytest.raises(RulesError) as info:
        rules.load(path)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_contract_example(tmp_path: Path) -> None:
    ruleset = rules.load(write(tmp_path, "r1.toml", R1))
    base = rules.load("dalian-2011")
    assert isinstance(ruleset, PointsRuleset)
    assert isinstance(base, PointsRuleset)
    assert ruleset.id == "dalian-2011-r1"
    assert ruleset.header.title == "大连 2011 修订试算"
    assert ruleset.header.lineage == ("dalian-2011-r1", "dalian-2011")
    assert ruleset.header.source == base.header.source
    assert ruleset.header.effective_from == date(2012, 1, 1)
    submission = ruleset.clause("submission")
    assert (submission.points, submission.cap) == (Decimal(1), Decimal(20))
    assert submission.cap_per == "quarter"  # untouched fields stay the base's
    assert submission.sentence == base.clause("submission").sentence
    central = ruleset.clause("adopt.central")
    assert (central.single, central.combined) == (Decimal(40), Decimal(20))
    assert ruleset.targets == {"city": Decimal(200)}
    # Clause order and every other clause are the base's.
    assert [c.id for c in ruleset.clauses] == [c.id for c in base.clauses]
    for clause in ruleset.clauses:
        if clause.id not in ("submission", "adopt.central"):
            assert clause == base.clause(clause.id)
    # The changes are noted for `rules show`.
    assert any("submission.points 0.5 → 1" in note for note in ruleset.notes)
    assert any("target city none → 200" in note for note in ruleset.notes)
    # The shipped ruleset is not touched.
    assert base.clause("submission").points == Decimal("0.5")


def test_default_title_and_effective_from(tmp_path: Path) -> None:
    path = write(tmp_path, "r.toml", 'id = "j1"\nextends = "jiangsu-2016"\n')
    ruleset = rules.load(path)
    base = rules.load("jiangsu-2016")
    assert ruleset.header.title == base.header.title + " (revision)"
    assert ruleset.header.effective_from == base.header.effective_from


def test_toml_date_accepted(tmp_path: Path) -> None:
    path = write(
        tmp_path, "r.toml", 'id = "j1"\nextends = "jiangsu-2016"\neffective_from = 2017-01-01\n'
    )
    assert rules.load(path).header.effective_from == date(2017, 1, 1)


def test_chain_of_revisions(tmp_path: Path) -> None:
    write(tmp_path, "base/r1.toml", R1)
    r2 = write(
        tmp_path,
        "r2.toml",
        'id = "r2"\nextends = "base/r1.toml"\n[override.submission]\npoints = "1.5"\n',
    )
    # r3 names r2 relative to its own folder, not to the working directory.
    r3 = write(
        tmp_path,
        "deeper/r3.toml",
        'id = "r3"\nextends = "../r2.toml"\n[target.county]\npoints = "50"\n',
    )
    two = rules.load(r2)
    three = rules.load(r3)
    assert isinstance(two, PointsRuleset)
    assert isinstance(three, PointsRuleset)
    assert two.header.lineage == ("r2", "dalian-2011-r1", "dalian-2011")
    assert three.header.lineage == ("r3", "r2", "dalian-2011-r1", "dalian-2011")
    assert two.clause("submission").points == Decimal("1.5")
    assert two.clause("submission").cap == Decimal(20)  # from r1
    assert two.header.title == "大连 2011 修订试算 (revision)"
    assert three.targets == {"city": Decimal(200), "county": Decimal(50)}
    assert three.header.effective_from == date(2012, 1, 1)


def test_cycle_is_refused(tmp_path: Path) -> None:
    a = write(tmp_path, "a.toml", 'id = "a"\nextends = "b.toml"\n')
    write(tmp_path, "b.toml", 'id = "b"\nextends = "a.toml"\n')
    message = load_error(a)
    assert "extends: cycle" in message
    assert "a.toml → " in message and "b.toml → " in message
    assert message.endswith("a.toml")


def test_self_extension_is_a_cycle(tmp_path: Path) -> None:
    a = write(tmp_path, "a.toml", 'id = "a"\nextends = "a.toml"\n')
    assert "extends: cycle" in load_error(a)


def test_unknown_clause_lists_valid_ids(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "r.toml",
        'id = "x"\nextends = "dalian-2011"\n[override."adopt.nope"]\npoints = "1"\n',
    )
    message = load_error(path)
    assert 'r.toml: override."adopt.nope": no clause "adopt.nope" in dalian-2011' in message
    base = rules.load("dalian-2011")
    assert isinstance(base, PointsRuleset)
    for clause in base.clauses:
        assert clause.id in message


def test_field_the_clause_does_not_have(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "r.toml",
        'id = "x"\nextends = "dalian-2011"\n[override."adopt.central"]\npoints = "1"\n',
    )
    message = load_error(path)
    assert 'override."adopt.central".points' in message
    assert "valid fields: single, combined" in message


def test_unknown_field(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "r.toml",
        'id = "x"\nextends = "dalian-2011"\n[override.submission]\nsentence = "x"\n',
    )
    message = load_error(path)
    assert "override.submission.sentence" in message
    assert "valid fields: points, cap" in message


def test_condition_clause_has_no_fields(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "r.toml",
        'id = "x"\nextends = "dalian-2011"\n[override."urgent.deadline"]\nhours = "2"\n',
    )
    assert "valid fields: none" in load_error(path)


def test_shipped_id_clash(tmp_path: Path) -> None:
    path = write(tmp_path, "r.toml", 'id = "dalian-2011"\nextends = "dalian-2011"\n')
    message = load_error(path)
    assert message.startswith(f"{path}: id:")
    assert "shipped" in message


def test_lineage_id_clash(tmp_path: Path) -> None:
    write(tmp_path, "r1.toml", R1)
    path = write(tmp_path, "r2.toml", 'id = "dalian-2011-r1"\nextends = "r1.toml"\n')
    assert "already appears in the lineage" in load_error(path)


@pytest.mark.parametrize(
    ("body", "where", "expected"),
    [
        ("[override.submission]\npoints = 1\n", "override.submission.points", "got 1"),
        ("[override.submission]\npoints = 1.5\n", "override.submission.points", "got 1.5"),
        ('[override.submission]\npoints = "one"\n', "override.submission.points", '"one"'),
        ("[target.city]\npoints = 200\n", "target.city.points", "got 200"),
    ],
)
def test_non_string_decimal(tmp_path: Path, body: str, where: str, expected: str) -> None:
    path = write(tmp_path, "r.toml", f'id = "x"\nextends = "dalian-2011"\n{body}')
    message = load_error(path)
    assert f"{path}: {where}: expected a decimal string" in message
    assert expected in message


def test_bad_target_key(tmp_path: Path) -> None:
    path = write(
        tmp_path, "r.toml", 'id = "x"\nextends = "dalian-2011"\n[target.bogus]\npoints = "1"\n'
    )
    message = load_error(path)
    assert "target.bogus" in message and "unit kind" in message and "department code" in message


def test_unknown_top_level_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "r.toml",
        'id = "x"\nextends = "dalian-2011"\n[overide.submission]\npoints = "1"\n',
    )
    assert 'unknown key "overide"' in load_error(path)


def test_missing_extends(tmp_path: Path) -> None:
    path = write(tmp_path, "r.toml", 'id = "x"\n')
    assert f"{path}: extends: required key missing" in load_error(path)


def test_extends_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "r.toml", 'id = "x"\nextends = "nowhere-2020"\n')
    message = load_error(path)
    assert "extends" in message and "neither a shipped ruleset" in message


def test_not_a_file_nor_an_id() -> None:
    assert "neither a shipped ruleset" in load_error("no-such-ruleset")


def test_invalid_toml(tmp_path: Path) -> None:
    path = write(tmp_path, "r.toml", 'id = "x\n')
    assert f"{path}: invalid TOML" in load_error(path)


def test_effective_from_after_until_is_refused(tmp_path: Path) -> None:
    if not (resources.files("rules") / "data" / "suzhou-2015.toml").is_file():
        pytest.skip("suzhou-2015.toml not written yet")
    path = write(
        tmp_path, "r.toml", 'id = "x"\nextends = "suzhou-2015"\neffective_from = "2016-01-01"\n'
    )
    assert "effective_from" in load_error(path)


def _needs_county() -> None:
    if not (resources.files("rules") / "data" / "county-targets.toml").is_file():
        pytest.skip("county-targets.toml not written yet")


def test_checklist_override(tmp_path: Path) -> None:
    _needs_county()
    path = write(
        tmp_path,
        "c.toml",
        'id = "county-r1"\nextends = "county-targets"\n'
        '[override."county/township/1.4"]\npoints = "3"\nper_absence = "1"\n',
    )
    ruleset = rules.load(path)
    base = rules.load("county-targets")
    assert isinstance(ruleset, ChecklistRuleset)
    assert isinstance(base, ChecklistRuleset)
    table = ruleset.table("county/township")
    item = table.item("1.4")
    assert (item.max, item.per_absence) == (Decimal(3), Decimal(1))
    # The category maximum and the table total move with the item.
    assert table.categories[0].max == base.table("county/township").categories[0].max + 1
    assert table.total == Decimal(101)
    assert ruleset.table("county/system") == base.table("county/system")
    assert base.table("county/township").item("1.4").max == Decimal(2)


def test_checklist_bad_item_lists_valid_ids(tmp_path: Path) -> None:
    _needs_county()
    path = write(
        tmp_path,
        "c.toml",
        'id = "x"\nextends = "county-targets"\n[override."county/township/9.9"]\npoints = "3"\n',
    )
    message = load_error(path)
    assert 'override."county/township/9.9"' in message
    assert "county/township/1.4" in message and "county/township/7.4" in message


def test_checklist_bad_table(tmp_path: Path) -> None:
    _needs_county()
    path = write(
        tmp_path,
        "c.toml",
        'id = "x"\nextends = "county-targets"\n[override."county/nope/1.1"]\npoints = "3"\n',
    )
    message = load_error(path)
    assert 'no table "county/nope"' in message and "county/township" in message


def test_checklist_per_absence_only_on_computed_items(tmp_path: Path) -> None:
    _needs_county()
    path = write(
        tmp_path,
        "c.toml",
        'id = "x"\nextends = "county-targets"\n'
        '[override."county/township/1.1"]\nper_absence = "1"\n',
    )
    message = load_error(path)
    assert 'override."county/township/1.1".per_absence' in message
    assert "valid fields: points" in message


def test_checklist_has_no_targets(tmp_path: Path) -> None:
    _needs_county()
    path = write(
        tmp_path, "c.toml", 'id = "x"\nextends = "county-targets"\n[target.city]\npoints = "1"\n'
    )
    assert "target" in load_error(path)


def test_whole_ruleset_file_by_path(tmp_path: Path) -> None:
    text = (resources.files("rules") / "data" / "dalian-2011.toml").read_text(encoding="utf-8")
    own = write(tmp_path, "own.toml", text.replace('id = "dalian-2011"', 'id = "dalian-own"'))
    ruleset = rules.load(own)
    assert ruleset.id == "dalian-own"
    assert ruleset.header.lineage == ("dalian-own",)
    clash = write(tmp_path, "clash.toml", text)
    assert "shipped ruleset id" in load_error(clash)
