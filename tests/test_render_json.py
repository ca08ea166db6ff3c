"""JSON reports are written by orjson, byte for byte what ``json.dumps(doc,
ensure_ascii=False, indent=2)`` wrote before (issue 10 item 3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ledger import Ledger
from projections import diff, explain, score
from scoreledger.demo import SHOWN, build_demo
from scoreledger.render.reports import board_data, diff_data, explain_data, to_json
from scoreledger.render.safe import json_safe


def reference(doc: dict[str, Any]) -> str:
    """What to_json wrote before orjson."""
    return json_safe(json.dumps(doc, ensure_ascii=False, indent=2)) + "\n"


def test_every_demo_report_is_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    build_demo(path)
    docs = []
    with Ledger.open(path) as ledger:
        for ruleset, period in SHOWN:
            board = score(ledger, ruleset, period)
            docs.append(board_data(board))
            for unit in board.units[:3]:
                docs.append(explain_data(explain(ledger, ruleset, period, unit.unit)))
        docs.append(diff_data(diff(ledger, "2011Q3", "dalian-2011", "dalian-2011")))
    assert len(docs) > 10
    for doc in docs:
        assert to_json(doc) == reference(doc)


_leaf = st.none() | st.booleans() | st.integers(-(2**63), 2**64 * 4) | st.text()
_docs = st.dictionaries(
    st.text(),
    st.recursive(
        _leaf,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    ),
)


@given(_docs)
def test_any_report_shaped_document_is_byte_identical(doc: dict[str, Any]) -> None:
    # Report documents hold text, integers, booleans and null (points are decimal strings);
    # integers beyond 64 bits, which orjson refuses, go through json.
    assert to_json(doc) == reference(doc)
