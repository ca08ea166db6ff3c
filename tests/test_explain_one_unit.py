"""explain traces only the unit it is asked about (issue 10 item 3), and says the same
about it as a board traced for every unit."""

from __future__ import annotations

from pathlib import Path

from ledger import Ledger
from projections import explain, score
from scoreledger.demo import SHOWN, build_demo


def test_explain_equals_the_unit_of_a_fully_traced_board(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    build_demo(path)
    with Ledger.open(path) as ledger:
        for ruleset, period in SHOWN:
            full = score(ledger, ruleset, period, with_trace=True)
            assert any(u.trace for u in full.units), (ruleset, period)
            for entry in full.units:
                answer = explain(ledger, ruleset, period, entry.unit)
                assert answer.unit == entry
                # The rest of the board carries no trace: nobody asked for it.
                others = [u for u in answer.board.units if u.unit != entry.unit]
                assert all(u.trace == () for u in others)
                assert [u.unit for u in answer.board.units] == [u.unit for u in full.units]
