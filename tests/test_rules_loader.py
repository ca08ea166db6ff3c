"""The shipped-format loader: strict types, code validation, one-line errors, fingerprints."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import pytest

import rules
from rules import PointsRuleset, RulesError
from rules.loader import parse_ruleset, read_ruleset


def shipped_text(ruleset_id: str) -> str:
    return (resources.files("rules") / "data" / f"{ruleset_id}.toml").read_text(encoding="utf-8")


def dalian_data() -> dict[str, Any]:
    return tomllib.loads(shipped_text("dalian-2011"))


def parse_error(mutate: Callable[[dict[str, Any]], None]) -> str:
    data = copy.deepcopy(dalian_data())
    mutate(data)
    with pytest.raises(RulesError) as info:
        parse_ruleset(data, "dalian-2011.toml")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("dalian-2011.toml: ")
    return message


def set_clause(index: int, key: str, value: object) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        data["clauses"][index][key] = value

    return mutate


def test_malformed_file_names_file_and_key_path(tmp_path: Path) -> None:
    # The shipped format read from a file: the message names that file and the key path.
    text = shipped_text("dalian-2011").replace('single = "4"', "single = 0.5")
    path = tmp_path / "dalian-2011.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as info:
        read_ruleset(path, "dalian-2011.toml")
    assert str(info.value) == (
        "dalian-2011.toml: clauses[3].single: expected a decimal string, got 0.5"
    )
    # rules.load(path) reports the same key path, naming the path it was given.
    with pytest.raises(RulesError) as info:
        rules.load(path)
    assert str(info.value) == f"{path}: clauses[3].single: expected a decimal string, got 0.5"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (set_clause(0, "points", 0.5), "clauses[0].points: expected a decimal string, got 0.5"),
        (set_clause(0, "points", "½"), "clauses[0].points: expected a decimal string"),
        (set_clause(0, "points", "NaN"), "clauses[0].points: expected a decimal string"),
        (set_clause(0, "points", "1e3"), "clauses[0].points: expected a decimal string"),
        (set_clause(0, "commissioned", "false"), "clauses[0].commissioned: expected true or false"),
        (set_clause(0, "commissioned", 0), "clauses[0].commissioned: expected true or false"),
        (set_clause(12, "min_items", True), "clauses[12].min_items: expected an integer, got true"),
        (set_clause(12, "min_items", 2.0), "clauses[12].min_items: expected an integer, got 2.0"),
        (set_clause(0, "section", 5), "clauses[0].section: expected a string, got 5"),
        (set_clause(2, "outlets", "city.union.internal"), "clauses[2].outlets: expected an array"),
        (set_clause(2, "pionts", "1"), 'clauses[2]: unknown key "pionts"'),
        (set_clause(2, "on", "adopted"), 'clauses[2].on: unknown trigger "adopted"'),
        (set_clause(2, "outlets", ["city.unoin.*"]), "clauses[2].outlets[0]:"),
        (set_clause(2, "outlets", ["city.union"]), "clauses[2].outlets[0]:"),
        (set_clause(2, "kinds", ["citty"]), 'clauses[2].kinds[0]: unknown unit kind "citty"'),
        (set_clause(8, "levels", ["state"]), 'clauses[8].levels[0]: unknown leader level "state"'),
        (set_clause(2, "categories", ["news"]), "clauses[2].categories[0]: unknown category"),
        (set_clause(11, "veto_reason", "late"), "clauses[11].veto_reason: unknown veto reason"),
        (set_clause(2, "id", "submission"), 'clauses[2].id: "submission" is already the id'),
        (
            set_clause(2, "levels", ["city"]),
            'clauses[2].levels: not used by a clause on "adoption"',
        ),
        (set_clause(0, "cap_per", "week"), "clauses[0].cap_per: expected one of quarter"),
        (set_clause(8, "points", None), "clauses[8].points"),
        (lambda d: d["clauses"][0].pop("sentence"), "clauses[0].sentence: required key missing"),
        (lambda d: d.__setitem__("targets", {"citty": "1"}), "targets.citty: "),
        (lambda d: d.__setitem__("targets", {"city": 300}), "targets.city: expected a decimal"),
        (lambda d: d.__setitem__("targets", {"city": "-1"}), "targets.city: must not be negative"),
        (lambda d: d.__setitem__("assessed_kinds", ["county", "x"]), "assessed_kinds[1]: unknown"),
        (lambda d: d.__setitem__("family", "score"), 'family: expected "points" or "checklist"'),
        (lambda d: d.pop("family"), "family: required key missing"),
        (lambda d: d.__setitem__("effective_from", "2011-02-30"), "effective_from: not a valid"),
        (lambda d: d["source"].__setitem__("pages", 3), 'source: unknown key "pages"'),
    ],
)
def test_malformed_values(mutate: Callable[[dict[str, Any]], None], expected: str) -> None:
    message = parse_error(mutate)
    assert expected in message, message


def test_number_is_not_coerced_to_a_string() -> None:
    # cattrs' default str hook would turn 3 into "3"; the strict one refuses it.
    message = parse_error(set_clause(0, "summary", 3))
    assert "clauses[0].summary: expected a string, got 3" in message


def test_unknown_outlet_pattern_must_match_an_outlet() -> None:
    assert "not an outlet code" in parse_error(set_clause(2, "outlets", ["nowhere.*"]))


def test_decimals_are_canonical() -> None:
    data = dalian_data()
    data["clauses"][0]["points"] = "0.50"
    data["clauses"][0]["cap"] = "10.0"
    ruleset = parse_ruleset(data, "dalian-2011.toml")
    assert isinstance(ruleset, PointsRuleset)
    assert str(ruleset.clause("submission").points) == "0.5"
    assert str(ruleset.clause("submission").cap) == "10"
    assert rules.fingerprint(ruleset) == rules.fingerprint(rules.load("dalian-2011"))


def test_fingerprint_is_stable() -> None:
    first = parse_ruleset(dalian_data(), "dalian-2011.toml")
    second = parse_ruleset(dalian_data(), "dalian-2011.toml")
    assert first is not second
    assert rules.fingerprint(first) == rules.fingerprint(second)
    assert rules.fingerprint(first) == rules.fingerprint(rules.load("dalian-2011"))
    digest = rules.fingerprint(first)
    assert len(digest) == 64 and int(digest, 16) >= 0


def test_fingerprint_changes_with_a_value() -> None:
    base = rules.load("dalian-2011")
    assert isinstance(base, PointsRuleset)
    digest = rules.fingerprint(base)

    def with_clause(**changes: object) -> PointsRuleset:
        clauses = tuple(
            attrs.evolve(c, **changes) if c.id == "submission" else c for c in base.clauses
        )
        return attrs.evolve(base, clauses=clauses)

    assert rules.fingerprint(with_clause(points=Decimal("0.5"))) == digest
    assert rules.fingerprint(with_clause(points=Decimal("0.50"))) == digest  # same value
    assert rules.fingerprint(with_clause(points=Decimal("1"))) != digest
    assert rules.fingerprint(with_clause(cap=Decimal("11"))) != digest
    assert rules.fingerprint(with_clause(sentence="x")) != digest
    assert rules.fingerprint(attrs.evolve(base, targets={"city": Decimal(1)})) != digest
    assert rules.fingerprint(attrs.evolve(base, notes=())) != digest


def test_several_errors_report_the_first_and_count_the_rest(tmp_path: Path) -> None:
    text = shipped_text("dalian-2011").replace('single = "4"', "single = 0.5")
    text = text.replace('points = "6"', "points = 6")
    path = tmp_path / "dalian-2011.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as info:
        read_ruleset(path, "dalian-2011.toml")
    assert str(info.value) == (
        "dalian-2011.toml: clauses[3].single: expected a decimal string, got 0.5 (and 1 more)"
    )


def test_fingerprints_differ_between_rulesets() -> None:
    digests = {
        rules.fingerprint(rules.load(i)) for i in ("jiangsu-2016", "changzhou-2016", "dalian-2011")
    }
    assert len(digests) == 3


def test_every_shipped_ruleset_loads() -> None:
    for ruleset_id in rules.shipped_ids():
        path = resources.files("rules") / "data" / f"{ruleset_id}.toml"
        if not path.is_file():
            continue  # the checklist files are written separately
        ruleset = rules.load(ruleset_id)
        assert ruleset.id == ruleset_id
        assert ruleset.header.lineage == (ruleset_id,)
