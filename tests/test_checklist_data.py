"""The checklist data files (suzhou-2015, county-targets) against RULES.md and the seeds.

Reads the TOML directly (no loader), so it pins the data itself: the tables and
their maxima as RULES.md lists them, every printed text found in its seed, the
examiners filled in, and exactly the computed and information items RULES.md names.
"""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src/rules/data"
SEEDS = ROOT.parent / "shared" / "seeds"

FILES = {
    "suzhou-2015": "suzhou-2015.toml",
    "county-targets": "county-targets.toml",
}

#: RULES.md: table id → [(category name, [item maxima in printed order]), ...].
EXPECTED: dict[str, list[tuple[str, list[int]]]] = {
    "suzhou-2015/city": [
        ("服务发展", [5, 3, 4, 4, 3, 5]),
        ("服务职工", [6, 7, 6, 6, 4]),
        ("服务社会", [4, 3, 5, 5, 4]),
        ("服务基层", [7, 6, 4, 5, 4]),
    ],
    "suzhou-2015/bureau": [
        ("服务发展", [5, 3, 5, 4, 3, 5]),
        ("服务职工", [6, 7, 7, 5, 4]),
        ("服务社会", [5, 3, 5, 5, 4]),
        ("服务基层", [11, 4, 5, 4]),
    ],
    "suzhou-2015/affiliate": [
        ("服务发展", [5, 3, 4, 4, 4, 5]),
        ("服务职工", [5, 7, 6, 5, 5]),
        ("服务社会", [5, 4, 5, 5, 4]),
        ("服务基层", [11, 4, 5, 4]),
    ],
    "county/township": [
        ("党政重视", [3, 3, 2, 2]),
        ("组织建设", [5, 5, 4, 2, 2]),
        ("生产保护", [5, 4, 4, 3]),
        ("保障帮扶", [6, 5, 3, 2]),
        ("法律维权", [5, 5]),
        ("民主管理", [6, 5]),
        ("宣传教育", [5, 4, 4, 6]),
    ],
    "county/system": [
        ("党政重视", [4, 2, 2]),
        ("组织建设", [5, 5, 4, 4]),
        ("生产保护", [5, 4, 4, 3]),
        ("保障帮扶", [6, 5, 3, 2]),
        ("法律维权", [5, 5]),
        ("民主管理", [6, 5]),
        ("宣传教育", [5, 5, 5, 6]),
    ],
    "county/party-gov": [
        ("党政重视", [5, 5, 5]),
        ("组宣工作", [9, 9, 9, 9, 9]),
        ("帮扶活动", [15]),
        ("自身建设", [5, 5, 5, 10]),
    ],
    "county/enterprise": [
        ("党政重视", [3, 3, 2, 2]),
        ("组织建设", [5, 5, 2, 3]),
        ("生产保护", [5, 5, 5, 5]),
        ("保障帮扶", [10, 5]),
        ("法律维权", [5, 5]),
        ("民主管理", [5, 5]),
        ("宣传教育", [5, 5, 5, 5]),
    ],
}

TABLE_IDS = {
    "suzhou-2015": ["suzhou-2015/city", "suzhou-2015/bureau", "suzhou-2015/affiliate"],
    "county-targets": [
        "county/township",
        "county/system",
        "county/party-gov",
        "county/enterprise",
    ],
}

#: Computed items (RULES.md): (table, item) → deduction per absence.
COMPUTED = {
    ("county/township", "1.4"): Decimal("0.5"),
    ("county/system", "1.2"): Decimal("0.5"),
    ("county/party-gov", "1.2"): Decimal("1"),
}

#: Information items (RULES.md): (table, item) → (measure, printed threshold).
INFO = {
    ("suzhou-2015/city", "4.5"): ("adopted_per_month", 3),
    ("suzhou-2015/bureau", "4.4"): ("adopted_per_month", 1),
    ("suzhou-2015/affiliate", "4.4"): ("adopted_per_year", 4),
    ("county/township", "7.4"): ("submissions_per_year", 10),
    ("county/system", "7.4"): ("submissions_per_year", 10),
    ("county/party-gov", "2.2"): ("submissions_per_year", 10),
    ("county/enterprise", "7.4"): ("submissions_per_year", 10),
}

#: The only cells whose printed text the seed breaks with whitespace inside the
#: sentence: their `text` is matched after removing whitespace from both sides.
#: Every other text (and every basis) must occur in the seed exactly.
WHITESPACE_BROKEN = {
    ("county/party-gov", "1.2"),  # "…每缺席1次扣1分 。"
}

#: The departments the examiner column names (blank cells take the one above).
EXAMINERS = {
    "suzhou-2015": {
        "宣教部",
        "生产部",
        "女工部",
        "财务部",
        "民管部",
        "生活部",
        "法工部",
        "组织部",
        "干校",  # printed "干  校"
        "经审办",
        "研究室",
    },
    "county-targets": {
        "办公室",
        "组织部",
        "生产保护部",  # printed once as "生产   保护部"
        "保障部",
        "厂务公开办公室",  # printed once as "厂务\n公开\n办公室"
        "宣教部",
        "组织部、宣传部",  # printed "组织部\n宣传部"
        "组织部、办公室",  # printed "组织部\n办公室"
    },
}

MEASURES = {"adopted_per_month", "adopted_per_year", "submissions_per_year"}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _load(ruleset_id: str) -> dict:
    with (DATA / FILES[ruleset_id]).open("rb") as fh:
        return tomllib.load(fh)


RULESETS = {ruleset_id: _load(ruleset_id) for ruleset_id in FILES}


def _seed(ruleset_id: str) -> str:
    return (SEEDS / RULESETS[ruleset_id]["source"]["document"]).read_text(encoding="utf-8")


def _tables():
    for ruleset_id, data in RULESETS.items():
        for table in data["tables"]:
            yield ruleset_id, table


def _items():
    for ruleset_id, table in _tables():
        for category in table["categories"]:
            for item in category["items"]:
                yield ruleset_id, table["id"], category, item


ALL_ITEMS = list(_items())
ITEM_IDS = [f"{table_id}/{item['number']}" for _, table_id, _, item in ALL_ITEMS]


# --- headers ---------------------------------------------------------------


def test_headers():
    suzhou = RULESETS["suzhou-2015"]
    assert suzhou["id"] == "suzhou-2015"
    assert suzhou["family"] == "checklist"
    assert suzhou["title"] == "2015年苏州市工会目标管理评分表"
    assert str(suzhou["effective_from"]) == "2015-01-01"
    assert str(suzhou["effective_until"]) == "2015-12-31"
    assert suzhou["source"]["document"] == "003_6095e83c74a746b1.txt"

    county = RULESETS["county-targets"]
    assert county["id"] == "county-targets"
    assert county["family"] == "checklist"
    assert county["title"] == "全县工会工作目标考核评分细则"
    assert "effective_from" not in county
    assert "effective_until" not in county
    assert county["source"]["document"] == "004_12e136f0b16e7930.txt"

    for ruleset_id, data in RULESETS.items():
        # Neither document carries a 文号: the key is absent (None in the model).
        assert "number" not in data["source"], ruleset_id
        assert data["source"]["title"] in _seed(ruleset_id)
        assert data["notes"] and all(note.strip() for note in data["notes"])


def test_table_ids_in_order():
    for ruleset_id, data in RULESETS.items():
        assert [table["id"] for table in data["tables"]] == TABLE_IDS[ruleset_id]


def test_table_titles_in_seed():
    for ruleset_id, table in _tables():
        assert _squash(table["title"]) in _squash(_seed(ruleset_id)), table["id"]


# --- maxima ----------------------------------------------------------------


def test_decimals_are_strings():
    for _, table in _tables():
        assert isinstance(table["total"], str)
        for category in table["categories"]:
            assert isinstance(category["max"], str)
            for item in category["items"]:
                assert isinstance(item["max"], str)
                Decimal(item["max"])
                if "per_absence" in item:
                    assert isinstance(item["per_absence"], str)


@pytest.mark.parametrize("table_id", list(EXPECTED))
def test_categories_sum_to_total(table_id):
    table = next(table for _, table in _tables() if table["id"] == table_id)
    assert Decimal(table["total"]) == 100
    assert sum(Decimal(c["max"]) for c in table["categories"]) == Decimal(table["total"])


@pytest.mark.parametrize("table_id", list(EXPECTED))
def test_items_sum_to_category_max(table_id):
    table = next(table for _, table in _tables() if table["id"] == table_id)
    for category in table["categories"]:
        total = sum(Decimal(item["max"]) for item in category["items"])
        assert total == Decimal(category["max"]), (table_id, category["name"])


@pytest.mark.parametrize("table_id", list(EXPECTED))
def test_structure_matches_rules(table_id):
    table = next(table for _, table in _tables() if table["id"] == table_id)
    got = [(c["name"], [Decimal(item["max"]) for item in c["items"]]) for c in table["categories"]]
    want = [(name, [Decimal(m) for m in maxima]) for name, maxima in EXPECTED[table_id]]
    assert got == want
    for c_index, category in enumerate(table["categories"], start=1):
        assert category["number"] == c_index
        numbers = [item["number"] for item in category["items"]]
        assert numbers == [f"{c_index}.{i}" for i in range(1, len(numbers) + 1)]


# --- printed text ----------------------------------------------------------


@pytest.mark.parametrize(("ruleset_id", "table_id", "category", "item"), ALL_ITEMS, ids=ITEM_IDS)
def test_text_in_seed(ruleset_id, table_id, category, item):
    seed = _seed(ruleset_id)
    text = item["text"]
    assert text and text == text.strip()
    if (table_id, item["number"]) in WHITESPACE_BROKEN:
        assert text not in seed  # keep the exception list honest
        assert _squash(text) == text
        assert text in _squash(seed)
    else:
        assert text in seed


@pytest.mark.parametrize(("ruleset_id", "table_id", "category", "item"), ALL_ITEMS, ids=ITEM_IDS)
def test_printed_maximum_follows_text(ruleset_id, table_id, category, item):
    """The seed prints the item's points right after its text."""
    seed = _seed(ruleset_id)
    if ruleset_id == "suzhou-2015":
        # 考核项目 and 项目分 are consecutive tab-led cells.
        assert f"\t{item['text']}\n\t{item['max']}\n" in seed
    else:
        # 考评内容 ends with its "（N分）" after padding; the text leaves it out.
        assert not re.search(r"（\d+分）$", item["text"])
        assert f"{_squash(item['text'])}（{item['max']}分）" in _squash(seed)


def test_category_heads_in_seed():
    """Each category's printed name and points precede its first item."""
    for ruleset_id, table in _tables():
        seed = _squash(_seed(ruleset_id))
        unit = "" if ruleset_id == "suzhou-2015" else "分"
        for category in table["categories"]:
            head = f"{category['name']}{category['max']}{unit}{category['items'][0]['text']}"
            assert _squash(head) in seed, (table["id"], category["name"])


@pytest.mark.parametrize(("ruleset_id", "table_id", "category", "item"), ALL_ITEMS, ids=ITEM_IDS)
def test_basis_in_seed(ruleset_id, table_id, category, item):
    if ruleset_id == "suzhou-2015":
        assert "basis" not in item  # the Suzhou tables print no 评分细则
    else:
        assert item["basis"] and item["basis"] in _seed(ruleset_id)


@pytest.mark.parametrize(("ruleset_id", "table_id", "category", "item"), ALL_ITEMS, ids=ITEM_IDS)
def test_examiner(ruleset_id, table_id, category, item):
    examiner = item["examiner"]
    assert examiner and examiner.strip() and _squash(examiner) == examiner
    assert examiner in EXAMINERS[ruleset_id]
    # Two departments printed on two lines are written "A、B"; each is printed.
    seed = _squash(_seed(ruleset_id))
    for department in examiner.split("、"):
        assert department and department in seed


# --- computed and information items ----------------------------------------


def test_computed_items_exactly():
    got = {
        (table_id, item["number"]): Decimal(item["per_absence"])
        for _, table_id, _, item in ALL_ITEMS
        if "per_absence" in item
    }
    assert got == COMPUTED
    for _, table_id, _, item in ALL_ITEMS:
        if (table_id, item["number"]) in COMPUTED:
            assert "每缺席" in item["text"]


def test_info_items_exactly():
    got = {
        (table_id, item["number"]): (item["info"]["measure"], item["info"]["threshold"])
        for _, table_id, _, item in ALL_ITEMS
        if "info" in item
    }
    assert got == INFO
    for *_, item in ALL_ITEMS:
        if "info" in item:
            info = item["info"]
            assert set(info) == {"measure", "threshold"}
            assert info["measure"] in MEASURES
            assert isinstance(info["threshold"], int)
            assert "信息" in item["text"]
            assert str(info["threshold"]) in item["text"]


def test_no_unknown_item_keys():
    allowed = {"number", "text", "max", "examiner", "basis", "per_absence", "info"}
    for _, table_id, _, item in ALL_ITEMS:
        assert set(item) <= allowed, (table_id, item["number"])
