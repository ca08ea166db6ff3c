"""``rules list`` and ``rules show``: text for terminals, JSON with Decimals as strings."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

import rules
from rules import PointsRuleset
from scoreledger.render.rules import render_list, render_show
from scoreledger.render.text import display_width, pad, plain

ALL_PRESENT = all(
    (resources.files("rules") / "data" / f"{ruleset_id}.toml").is_file()
    for ruleset_id in rules.shipped_ids()
)


def test_display_width_counts_wide_characters() -> None:
    assert display_width("abc") == 3
    assert display_width("大连") == 4
    assert display_width("（）") == 4  # full-width brackets
    assert display_width("e\u0301") == 1  # combining accent
    assert pad("大连", 6) == "大连  "
    assert pad("toolong", 3) == "toolong"


@pytest.mark.skipif(not ALL_PRESENT, reason="checklist data files not written yet")
def test_render_list() -> None:
    text = render_list()
    lines = text.splitlines()
    assert lines[0].split() == ["id", "family", "title", "document", "in", "force", "fingerprint"]
    assert [line.split()[0] for line in lines[1:]] == list(rules.shipped_ids())
    assert "大工办发[2011] 15号" in text
    assert "2015-01-01 ... 2015-12-31" in text  # ASCII: "…" is of ambiguous width
    assert rules.fingerprint(rules.load("dalian-2011"))[:12] in text
    # Columns line up on screen: the fingerprint column starts at the same display column.
    starts = {display_width(line[: line.rindex(" ") + 1]) for line in lines}
    assert len(starts) == 1


@pytest.mark.parametrize("ruleset_id", ["jiangsu-2016", "changzhou-2016", "dalian-2011"])
def test_show_text_has_every_clause(ruleset_id: str) -> None:
    ruleset = rules.load(ruleset_id)
    assert isinstance(ruleset, PointsRuleset)
    text = render_show(ruleset, "text")
    assert ruleset.header.title in text
    assert rules.fingerprint(ruleset) in text
    for clause in ruleset.clauses:
        assert clause.id in text
        assert plain(clause.section) in text  # text output drops the section sign
        for part in clause.sentence.split(" … "):
            assert plain(f"「{part}」") in text
        if clause.interpretation:
            assert plain(clause.interpretation.split()[0]) in text
    for key, value in ruleset.targets.items():
        assert key in text and str(value) in text
    for note in ruleset.notes:
        assert note.split()[0] in text


def test_show_text_numbers() -> None:
    text = render_show(rules.load("dalian-2011"))
    assert "single 30 / combined 15" in text
    assert "0.5; cap 10 per quarter" in text
    assert "Targets (annual; year periods only)\n  none" in text


def test_show_json_dalian() -> None:
    ruleset = rules.load("dalian-2011")
    data = json.loads(render_show(ruleset, "json"))
    assert data["id"] == "dalian-2011"
    assert data["family"] == "points"
    assert data["lineage"] == ["dalian-2011"]
    assert data["effective_from"] == "2011-06-02"
    assert data["source"]["number"] == "大工办发[2011] 15号"
    assert data["fingerprint"] == rules.fingerprint(ruleset)
    submission = data["clauses"][0]
    assert submission["id"] == "submission"
    assert (submission["points"], submission["cap"], submission["cap_per"]) == (
        "0.5",
        "10",
        "quarter",
    )
    assert submission["sentence"] == "来稿1条0.5分（每季度10分封顶）"
    central = next(c for c in data["clauses"] if c["id"] == "adopt.central")
    assert (central["single"], central["combined"]) == ("30", "15")
    assert isinstance(data["notes"], list)


def test_show_json_targets_are_strings() -> None:
    data = json.loads(render_show(rules.load("jiangsu-2016"), "json"))
    assert data["targets"]["city"] == "300"
    assert all(isinstance(value, str) for value in data["targets"].values())


def test_show_revision(tmp_path: Path) -> None:
    path = tmp_path / "r1.toml"
    path.write_text(
        'id = "dalian-2011-r1"\nextends = "dalian-2011"\n'
        '[override.submission]\npoints = "1"\ncap = "20"\n',
        encoding="utf-8",
    )
    ruleset = rules.load(path)
    text = render_show(ruleset)
    assert "dalian-2011-r1 -> dalian-2011" in text  # ASCII: "→" is of ambiguous width
    assert "1; cap 20 per quarter" in text
    assert (
        "   revised:   dalian-2011-r1: points 0.5 -> 1\n   revised:   dalian-2011-r1: cap 10 -> 20"
        in text
    )
    assert "submission.points 0.5 -> 1" in text
    data = json.loads(render_show(ruleset, "json"))
    assert data["lineage"] == ["dalian-2011-r1", "dalian-2011"]
    assert data["clauses"][0]["points"] == "1"


@pytest.mark.skipif(not ALL_PRESENT, reason="checklist data files not written yet")
def test_show_checklist_revision(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        'id = "county-r1"\nextends = "county-targets"\n'
        '[override."county/township/1.4"]\npoints = "3"\n',
        encoding="utf-8",
    )
    text = render_show(rules.load(path))
    assert "revised: county-r1: points 2 -> 3" in text
    assert "total 101" in text


@pytest.mark.skipif(not ALL_PRESENT, reason="checklist data files not written yet")
@pytest.mark.parametrize("ruleset_id", ["suzhou-2015", "county-targets"])
def test_show_checklist(ruleset_id: str) -> None:
    ruleset = rules.load(ruleset_id)
    text = render_show(ruleset)
    data = json.loads(render_show(ruleset, "json"))
    assert data["family"] == "checklist"
    assert len(data["tables"]) == len(ruleset.tables)  # type: ignore[union-attr]
    for table in ruleset.tables:  # type: ignore[union-attr]
        assert f"Table {table.id}" in text
        for category in table.categories:
            for item in category.items:
                assert plain(item.text) in text  # curly quotes shown as 「」
                if item.per_absence is not None:
                    assert f"{item.max} − {item.per_absence} per recorded absence" in text
                if item.info is not None:
                    assert f"against the printed {item.info.threshold}" in text
    first_item = data["tables"][0]["categories"][0]["items"][0]
    assert isinstance(first_item["max"], str)
    Decimal(first_item["max"])


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render_show(rules.load("dalian-2011"), "csv")  # type: ignore[arg-type]
