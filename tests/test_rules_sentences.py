"""Every quoted source sentence occurs verbatim in its seed document.

A clause resting on several sentences joins them with " … "; each part must be a
contiguous substring of the seed. Checklist cells (item text and 评分细则) are
compared with whitespace removed, since the printed tables break cells over lines.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

import rules
from rules import ChecklistRuleset, PointsRuleset

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not available")


def _seed(document: str) -> str:
    return (SEEDS / document).read_text(encoding="utf-8")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("ruleset_id", ["jiangsu-2016", "changzhou-2016", "dalian-2011"])
def test_clause_sentences_are_verbatim(ruleset_id: str) -> None:
    ruleset = rules.load(ruleset_id)
    assert isinstance(ruleset, PointsRuleset)
    seed = _seed(ruleset.header.source.document)
    for clause in ruleset.clauses:
        for part in clause.sentence.split(" … "):
            assert part.strip() == part and part, (clause.id, part)
            assert part in seed, (clause.id, part)


@pytest.mark.parametrize("ruleset_id", ["jiangsu-2016", "changzhou-2016", "dalian-2011"])
def test_source_header_is_printed_in_seed(ruleset_id: str) -> None:
    ruleset = rules.load(ruleset_id)
    seed = _seed(ruleset.header.source.document)
    assert ruleset.header.source.number is not None
    assert ruleset.header.source.number in seed
    assert ruleset.header.source.title in seed


@pytest.mark.parametrize("ruleset_id", ["suzhou-2015", "county-targets"])
def test_checklist_texts_are_verbatim(ruleset_id: str) -> None:
    if not (resources.files("rules") / "data" / f"{ruleset_id}.toml").is_file():
        pytest.skip(f"{ruleset_id}.toml not written yet")
    ruleset = rules.load(ruleset_id)
    assert isinstance(ruleset, ChecklistRuleset)
    seed = _squash(_seed(ruleset.header.source.document))
    for table in ruleset.tables:
        for category in table.categories:
            assert _squash(category.name) in seed, (table.id, category.name)
            for item in category.items:
                where = f"{table.id}/{item.number}"
                assert _squash(item.text) in seed, (where, item.text)
                if item.basis is not None:
                    assert _squash(item.basis) in seed, (where, item.basis)
