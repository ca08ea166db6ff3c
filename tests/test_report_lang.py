"""Chinese-first reports that fit 80 columns (issue 13 item 5, CONTRACT §8.6).

Every report (score, explain of every unit, diff, circular) of the demo ledger under
every shipped ruleset, rendered by the CLI at COLUMNS=80 in English and in Chinese: no
line wider than 80 display cells (wide characters count 2), no East Asian
ambiguous-width character (they shift columns on terminals that draw them wide), and
nothing lost: every unit, event, reason and regulation sentence is in the text, wrapped
onto continuation lines rather than cut. In Chinese none of the reports' English words
is left; codes (unit, clause, outlet ids, event types) stay.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from scoreledger.cli import main
from scoreledger.demo import SHOWN
from scoreledger.render.text import wrap_words

LANGS = ("en", "zh")
POINTS = ("jiangsu-2016", "changzhou-2016", "dalian-2011")
# The reports' own English words: none may be left in Chinese output (codes such as
# 'submission' or 'adopt.city_union' are not among them).
ENGLISH = re.compile(
    r"(?<![\w.-])(rank|total|target|met|eligible|vetoes?|hands|capped|scored|unscored|retracted|"
    r"events|considered|recorded|lines|self|missing|assessed|delta|differ|units|among|award|"
    r"force|now|rules|warnings|none|name|kind|each|adopted|by|the|of)(?![\w.-])"
)


def english_words(text: str) -> list[str]:
    """The reports' English words left in `text`, the evidence aside (an event's own JSON)."""
    while (bare := re.sub(r"\{[^{}]*\}", "", text, flags=re.S)) != text:
        text = bare
    return ENGLISH.findall(text)


def run(*args: object, lang: str | None = None, **env: str) -> str:
    base = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LANG", "LC_ALL")}
    command = [sys.executable, "-m", "scoreledger", *map(str, args)]
    if lang:
        command += ["--lang", lang]
    proc = subprocess.run(
        command, capture_output=True, text=True, env={**base, "COLUMNS": "80", **env}
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def cli(capsys: pytest.CaptureFixture[str], *args: object, lang: str) -> str:
    """The CLI in this process (many explains: no interpreter start-up each), COLUMNS=80."""
    assert main([*map(str, args), "--lang", lang]) == 0
    return capsys.readouterr().out


def cells(text: str) -> int:
    """Display cells, measured here independently of the renderer's own function."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def shown(text: str) -> str:
    """What text output shows of a string from the data: the section sign dropped, curly
    quotes as corner brackets, the joining ellipsis as dots; no whitespace."""
    table = str.maketrans({"§": "", "“": "「", "”": "」", "…": "...", "×": "x", "·": "."})
    return re.sub(r"\s+", "", text.translate(table))


def check_fits(text: str) -> None:
    wide = [line for line in text.splitlines() if cells(line) > 80]
    assert not wide, "\n".join(wide)
    ambiguous = {c for c in text if unicodedata.east_asian_width(c) == "A"}
    assert not ambiguous, ambiguous


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lang") / "demo.sqlite"
    run("demo", path)
    return path


def units_of(demo: Path, ruleset: str, period: str) -> list[dict[str, Any]]:
    out = run("score", demo, "--ruleset", ruleset, "--period", period, "--format", "json")
    units: list[dict[str, Any]] = json.loads(out)["units"]
    return units


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("ruleset", "period"), SHOWN)
def test_score_fits_and_keeps_every_unit(demo: Path, ruleset: str, period: str, lang: str) -> None:
    text = run("score", demo, "--ruleset", ruleset, "--period", period, lang=lang)
    check_fits(text)
    flat = shown(text)
    for unit in units_of(demo, ruleset, period):
        assert unit["unit"] in text and shown(unit["name"]) in flat
        assert re.search(rf"\b{re.escape(unit['total'])}\b", text)
    assert ("得分" in text) == (lang == "zh") and ("total" in text) == (lang == "en")
    if lang == "zh":
        assert not english_words(text), english_words(text)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("ruleset", "period"), SHOWN)
def test_explain_of_every_unit_fits_and_wraps_without_losing(
    demo: Path,
    ruleset: str,
    period: str,
    lang: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    for unit in units_of(demo, ruleset, period):
        args = ("explain", demo, "--ruleset", ruleset, "--period", period, "--unit", unit["unit"])
        text = cli(capsys, *args, lang=lang)
        check_fits(text)
        doc = json.loads(cli(capsys, *args, "--format", "json", lang=lang))["unit"]
        flat = shown(text)
        for line in doc.get("lines", ()):
            if line["sentence"]:  # the regulation's sentence, whole, across its lines
                assert shown(f"{line['section']}「{line['sentence']}」") in flat
            assert shown(", ".join(line["events"])) in flat
        for trace in doc["trace"]:
            assert trace["event"] in text
            if lang == "en":
                assert shown(trace["reason"]) in flat
        if lang == "zh":
            assert not english_words(text), (unit["unit"], english_words(text))


@pytest.mark.parametrize("lang", LANGS)
def test_diff_and_circular_fit(demo: Path, lang: str) -> None:
    diffed = run(
        "diff", demo, "--period", "2016", "--ruleset", "changzhou-2016",
        "--against", "jiangsu-2016", "--as-of", "2100-01-01T00:00:00", lang=lang,
    )  # fmt: skip
    check_fits(diffed)
    assert ("差值" in diffed) == (lang == "zh") and ("delta" in diffed) == (lang == "en")
    if lang == "zh":
        assert not english_words(diffed), english_words(diffed)
    for ruleset, period in SHOWN:
        if ruleset in POINTS:
            check_fits(run("circular", demo, "--ruleset", ruleset, "--period", period, lang=lang))


def test_a_chinese_locale_gives_chinese_and_a_wide_terminal_one_line_per_unit(demo: Path) -> None:
    zh = run("score", demo, "--ruleset", "dalian-2011", "--period", "2011Q3", LANG="zh_CN.UTF-8")
    assert "名次" in zh and "得分" in zh
    assert "rank" in run("score", demo, "--ruleset", "dalian-2011", "--period", "2011Q3")
    args = ("explain", demo, "--ruleset", "changzhou-2016", "--period", "2016H2", "--unit", "wujin")
    narrow, wide = run(*args), run(*args, COLUMNS="300")
    assert len(wide.splitlines()) < len(narrow.splitlines())
    assert shown(narrow) == shown(wide)  # the same text, only wrapped


def test_csv_headers_in_chinese_keep_the_field_names(demo: Path) -> None:
    args = ("score", demo, "--ruleset", "dalian-2011", "--period", "2011Q3", "--format", "csv")
    english = next(csv.reader(io.StringIO(run(*args).removeprefix("\ufeff"))))
    chinese = next(csv.reader(io.StringIO(run(*args, lang="zh").removeprefix("\ufeff"))))
    assert "total" in english and "得分(total)" in chinese
    assert [re.sub(r".*\((.+)\)$", r"\1", h) for h in chinese] == english
    circ = ("circular", demo, "--ruleset", "dalian-2011", "--period", "2011Q3", "--format", "csv")
    header = next(csv.reader(io.StringIO(run(*circ, lang="zh").removeprefix("\ufeff"))))
    assert "中办国办采用(adopted.central)" in header and "排名" not in header


@pytest.mark.parametrize(
    "text",
    [
        "五(一)1「来稿1条0.5分（每季度10分封顶）」 and then some English words to wrap",
        "开展“践行苏州职工精神，劳动成就梦想”各项主题教育活动，建设劳模创新工作室",
        "  4      adopt.city_union [GJZ-2011-05]: " + "x" * 120,
    ],
)
@pytest.mark.parametrize("width", [12, 20, 33, 80])
def test_wrap_words_keeps_every_character_within_the_width(text: str, width: int) -> None:
    lines = wrap_words(text, width, "    ")
    assert all(cells(line) <= width for line in lines), lines
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    closing = tuple("，。」）")
    assert not any(line.strip().startswith(closing) for line in lines[1:]), lines


def test_rules_list_and_show_have_no_ambiguous_width_character(demo: Path) -> None:
    texts = [run("rules", "list"), *(run("rules", "show", r) for r in dict(SHOWN))]
    for text in texts:
        assert not {c for c in text if unicodedata.east_asian_width(c) == "A"}, text
    assert "2011-06-02 ..." in texts[0] and "- 五(一)1" in texts[3]


#: The labels of rules show and rules list in English: none may head a line in Chinese.
RULES_LABELS = re.compile(
    r"^\s*(family|source|in force|lineage|fingerprint|assessed|hands up to|when:|points:|"
    r"matches:|reading:|source:|revised:|basis:|computed:|evidence:|Clauses|Targets|Table|"
    r"Notes|none$|id\s+family)|\bmax \d|\btotal \d|\d per (quarter|half|year|month)\b|"
    r"\b(single|combined) \d|\(on |\bissued \d|\bany date\b"
)
REVISION = """id = "dalian-2011-r1"
extends = "dalian-2011"

[override."submission"]
points = "1"
cap = "20"
"""


def _rules_parts(ruleset_id: str) -> list[str]:
    """What rules show must keep of a ruleset in either language: ids, sections, the
    regulation's sentences and item texts, and the clause summaries (data, in English)."""
    import rules as rule_data
    from rules import PointsRuleset

    ruleset = rule_data.load(ruleset_id)
    if isinstance(ruleset, PointsRuleset):
        parts = [c.id for c in ruleset.clauses] + [c.section for c in ruleset.clauses]
        parts += [p for c in ruleset.clauses for p in c.sentence.split(" … ")]
        return parts + [c.summary for c in ruleset.clauses if c.summary]
    items = [i for t in ruleset.tables for c in t.categories for i in c.items]
    return [t.id for t in ruleset.tables] + [i.text for i in items]


@pytest.mark.parametrize("ruleset", [*POINTS[::2], "suzhou-2015", "county-targets"])
def test_rules_show_in_chinese_labels_everything_in_chinese_and_keeps_it_all(ruleset: str) -> None:
    zh, en = run("rules", "show", ruleset, lang="zh"), run("rules", "show", ruleset)
    assert run("rules", "show", ruleset, LANG="zh_CN.UTF-8") == zh  # the locale, as reports
    assert run("rules", "show", ruleset, "--lang", "en", LANG="zh_CN.UTF-8") == en
    assert not {c for c in zh if unicodedata.east_asian_width(c) == "A"}
    left = [line for line in zh.splitlines() if RULES_LABELS.search(line)]
    assert not left, left
    assert [line for line in en.splitlines() if RULES_LABELS.search(line)]  # the test can fail
    for text in (zh, en):
        flat = shown(text)
        for part in _rules_parts(ruleset):
            assert shown(part) in flat, part
    assert ("类型" in zh, "指纹" in zh, "family" in en) == (True, True, True)
    json_args = ("rules", "show", ruleset, "--format", "json")
    assert run(*json_args, lang="zh") == run(*json_args)  # JSON is data: no labels


def test_rules_show_of_a_revision_and_rules_list_in_chinese(tmp_path: Path) -> None:
    revision = tmp_path / "r1.toml"
    revision.write_text(REVISION, encoding="utf-8")
    zh = run("rules", "show", revision, lang="zh")
    assert "修订:   dalian-2011-r1: points 0.5 -> 1" in zh
    assert "分值:   1; 封顶 每季度 20" in zh and "\n附注\n" in zh
    assert not [line for line in zh.splitlines() if RULES_LABELS.search(line)]
    listed = run("rules", "list", lang="zh")
    assert listed.split()[:6] == ["编号", "类型", "名称", "文号", "有效期", "指纹"]
    assert "计分制" in listed and "百分制考核表" in listed and "不限" in listed
    assert not [line for line in listed.splitlines() if RULES_LABELS.search(line)]
