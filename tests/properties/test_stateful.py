"""The store and the replay together, as a state machine against a simple model.

Steps append valid events drawn from ``ledger.testing``, append them again (duplicates),
retract earlier events, and try appends that must be refused whole. After every step the
hash chain verifies, the ledger holds exactly the events appended, and the dalian-2011
scoreboard of 2011 agrees with a model kept in plain dicts: each unit's ``submission``
line is Σ over quarters of min(0.5 × its live plain submissions, 10), its
``commissioned`` line 2 × its live commissioned ones, and its ``adjustment`` lines the sum
of its live adjustments that apply to dalian-2011.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from ledger import InputError, Ledger
from ledger.normalize import normalize
from ledger.testing import (
    absences,
    activities,
    adjustments,
    adoptions,
    assessments,
    instructions,
    rankings,
    retractions,
    submissions,
    unit_trees,
    vetoes,
)
from projections import score

RULESET, YEAR = "dalian-2011", 2011
CAP, EACH, COMMISSIONED = Decimal(10), Decimal("0.5"), Decimal(2)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory(prefix="scoreledger-machine-")
        self.ledger = Ledger.open(Path(self.folder.name) / "machine.sqlite", create=True)
        self.appended: list[dict[str, Any]] = []  # as appended, for duplicates
        self.units: list[str] = []
        self.infos: dict[str, str] = {}  # info -> submission id
        self.submissions: dict[str, tuple[str, str, bool]] = {}  # id -> (unit, quarter, comm.)
        self.adjustments: dict[str, tuple[str, Decimal]] = {}  # id -> (unit, points)
        self.retracted: set[str] = set()
        self.retractions: list[str] = []
        self.serial = 0

    def teardown(self) -> None:
        self.ledger.close()
        self.folder.cleanup()

    def _id(self) -> str:
        self.serial += 1
        return f"m{self.serial}"

    def _append(self, event: dict[str, Any]) -> None:
        result = self.ledger.append(event)
        assert (result.appended, result.duplicates) == (1, 0)
        self.appended.append(event)

    # -- valid appends ------------------------------------------------------------------

    @initialize(tree=unit_trees(ruleset=RULESET, year=YEAR, size=(1, 5)))
    def register(self, tree: list[dict[str, Any]]) -> None:
        result = self.ledger.append_many(tree)
        assert result.appended == len(tree)
        self.appended.extend(tree)
        self.units = [u["unit"] for u in tree]

    @rule(data=st.data())
    def submit(self, data: st.DataObject) -> None:
        event = data.draw(submissions(units=self.units, year=YEAR))
        event["id"], event["info"] = self._id(), f"info-{self.serial}"
        self._append(event)
        quarter = f"Q{(int(normalize(event)['at'][5:7]) - 1) // 3 + 1}"  # type: ignore[index]
        self.infos[event["info"]] = event["id"]
        self.submissions[event["id"]] = (event["unit"], quarter, bool(event.get("commissioned")))

    @rule(data=st.data())
    def adjust(self, data: st.DataObject) -> None:
        event = data.draw(adjustments(units=self.units, year=YEAR))
        event["id"] = self._id()
        self._append(event)
        if event.get("ruleset") in (None, RULESET):
            self.adjustments[event["id"]] = (event["unit"], Decimal(event["points"]))

    @rule(data=st.data())
    def record_something_else(self, data: st.DataObject) -> None:
        """Events the model does not count: they must not move the counted lines."""
        units = st.sampled_from(self.units)
        kinds = [activities(units=units, year=YEAR), vetoes(units=units, year=YEAR)]
        kinds += [absences(units=units, year=YEAR), rankings(units=units, year=YEAR)]
        kinds.append(assessments(units=units, year=YEAR))
        if self.infos:
            infos = st.sampled_from(sorted(self.infos))
            kinds.append(adoptions(infos=infos, units=st.none(), year=YEAR))
            kinds.append(instructions(infos=infos, units=st.none(), year=YEAR))
        event = data.draw(st.one_of(kinds))
        event["id"] = self._id()
        self._append(event)

    @precondition(lambda self: len(self.appended) > 0)
    @rule(data=st.data())
    def append_again(self, data: st.DataObject) -> None:
        event = data.draw(st.sampled_from(self.appended))
        result = self.ledger.append(event)
        assert (result.appended, result.duplicates) == (0, 1)

    def _retractable(self) -> list[str]:
        ids = [*self.submissions, *self.adjustments]
        return sorted(i for i in ids if i not in self.retracted)

    @precondition(lambda self: len(self._retractable()) > 0)
    @rule(data=st.data())
    def retract(self, data: st.DataObject) -> None:
        target = data.draw(st.sampled_from(self._retractable()))
        event = data.draw(retractions(targets=target, year=YEAR))
        event["id"] = self._id()
        self._append(event)
        self.retracted.add(target)
        self.retractions.append(event["id"])

    # -- refused appends: nothing of them is written ---------------------------------------

    @rule(data=st.data(), case=st.sampled_from(
        ["unknown unit", "unknown target", "final retraction", "unit retraction", "changed id",
         "zero points", "float points", "score above maximum", "live resubmission", "batch"]
    ))  # fmt: skip
    def refused(self, data: st.DataObject, case: str) -> None:
        head, count = self.ledger.head(), len(self.ledger)
        batch = self._refused(data, case)
        with pytest.raises(InputError):
            self.ledger.append_many(batch)
        assert self.ledger.head() == head
        assert len(self.ledger) == count

    def _refused(self, data: st.DataObject, case: str) -> list[dict[str, Any]]:
        fresh = self._id()
        units = st.sampled_from(self.units)
        if case == "unknown unit":
            return [data.draw(submissions(units="not-registered", year=YEAR, id=fresh))]
        if case == "unknown target" or (case == "final retraction" and not self.retractions):
            return [data.draw(retractions(targets="no-such-event", year=YEAR, id=fresh))]
        if case == "final retraction":
            target = data.draw(st.sampled_from(self.retractions))
            return [data.draw(retractions(targets=target, year=YEAR, id=fresh))]
        if case == "unit retraction":
            target = f"reg-{data.draw(units)}"
            return [data.draw(retractions(targets=target, year=YEAR, id=fresh))]
        if case == "changed id":
            event = dict(data.draw(st.sampled_from(self.appended)))
            event["note"] = f"{event.get('note', '')} (changed)"
            return [event]
        if case in ("zero points", "float points"):
            event = data.draw(adjustments(units=units, year=YEAR, id=fresh))
            event["points"] = "0.00" if case == "zero points" else 0.5
            return [event]
        if case == "score above maximum":
            event = data.draw(assessments(units=units, year=YEAR, id=fresh))
            event["score"] = "1000"
            return [event]
        live = [i for i, s in self.infos.items() if s not in self.retracted]
        if case == "live resubmission" and live:
            info = data.draw(st.sampled_from(sorted(live)))
            return [data.draw(submissions(units=units, infos=info, year=YEAR, id=fresh))]
        # a batch whose first event is valid and whose last is not: all of it is refused
        good = data.draw(submissions(units=units, infos=f"info-{fresh}", year=YEAR, id=fresh))
        bad = data.draw(submissions(units="not-registered", year=YEAR, id=self._id()))
        return [good, bad]

    # -- invariants ---------------------------------------------------------------------

    @invariant()
    def the_chain_verifies(self) -> None:
        assert self.ledger.verify().ok

    @invariant()
    def it_holds_what_was_appended(self) -> None:
        assert len(self.ledger) == len(self.appended)

    @invariant()
    def the_scoreboard_agrees_with_the_model(self) -> None:
        plain: dict[tuple[str, str], int] = defaultdict(int)
        commissioned: dict[str, int] = defaultdict(int)
        for sid, (unit, quarter, comm) in self.submissions.items():
            if sid in self.retracted:
                continue
            if comm:
                commissioned[unit] += 1
            else:
                plain[(unit, quarter)] += 1
        expected: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for (unit, _quarter), n in plain.items():
            expected[(unit, "submission")] += min(EACH * n, CAP)
        for unit, n in commissioned.items():
            expected[(unit, "commissioned")] += COMMISSIONED * n
        for aid, (unit, points) in self.adjustments.items():
            if aid not in self.retracted:
                expected[(unit, "adjustment")] += points
        got: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for unit in score(self.ledger, RULESET, str(YEAR)).units:
            for line in unit.lines:
                if line.clause in ("submission", "commissioned", "adjustment"):
                    got[(unit.unit, line.clause)] += line.points
        keys = expected.keys() | got.keys()
        assert {k: got[k] for k in keys} == {k: expected[k] for k in keys}


LedgerMachine.TestCase.settings = settings(settings.default, stateful_step_count=30, deadline=None)
test_the_store_and_the_replay_agree_with_a_model = LedgerMachine.TestCase
