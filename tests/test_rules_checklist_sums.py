"""A checklist's printed maxima are sums: a category's of its items, a table's of its
categories. A ruleset file whose numbers do not add up is refused, naming the key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import rules
from toml_text import toml_text

DATA = Path(rules.__file__).parent / "data"


def _edited(tmp_path: Path, key: str, value: str) -> Path:
    document = tomllib.loads((DATA / "county-targets.toml").read_text(encoding="utf-8"))
    document["id"] = "county-edited"
    table = document["tables"][0]
    if key == "total":
        table["total"] = value
    else:
        table["categories"][0]["max"] = value
    path = tmp_path / "county-edited.toml"
    path.write_text(toml_text(document, headers=False), encoding="utf-8")
    return path


def test_a_category_whose_items_do_not_add_up_is_refused(tmp_path: Path) -> None:
    path = _edited(tmp_path, "max", "99")
    first = rules.load("county-targets").tables[0].categories[0]  # type: ignore[union-attr]
    items = sum(item.max for item in first.items)
    with pytest.raises(rules.RulesError) as caught:
        rules.load(path)
    assert str(caught.value) == (
        f"{path}: tables[0].categories[0].max: 99 is not the sum of its items ({items})"
    )


def test_a_table_whose_categories_do_not_add_up_is_refused(tmp_path: Path) -> None:
    path = _edited(tmp_path, "total", "90")
    with pytest.raises(rules.RulesError) as caught:
        rules.load(path)
    assert (
        str(caught.value) == f"{path}: tables[0].total: 90 is not the sum of its categories (100)"
    )
