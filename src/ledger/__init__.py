"""scoreledger's ledger: immutable events in SQLite, import/export, integrity, CLI.

The public API::

    from ledger import Ledger, InputError
    with Ledger.open("scores.sqlite", create=True) as ledger:
        ledger.append({"type": "unit_registered", "at": "2016-01-04",
                       "unit": "gulou", "name": "鼓楼区总工会", "kind": "county"})
        for recorded in ledger.events(types=["submission"]):
            print(recorded.seq, recorded.event.info)
"""

from .codec import CST, canonical_json, parse_time, structure, unstructure
from .errors import InputError, LedgerError, Location, Problem
from .events import (
    EVENT_TYPES,
    Absence,
    Activity,
    Adjustment,
    Adoption,
    AnyEvent,
    Assessment,
    Event,
    Instruction,
    Ranking,
    Recorded,
    Retraction,
    Submission,
    UnitChanged,
    UnitRegistered,
    Veto,
)
from .integrity import VerifyReport
from .jsonl import read_jsonl, write_jsonl
from .store import AppendResult, Head, Ledger, new_event_id

__all__ = [
    "CST",
    "EVENT_TYPES",
    "Absence",
    "Activity",
    "Adjustment",
    "Adoption",
    "AnyEvent",
    "AppendResult",
    "Assessment",
    "Event",
    "Head",
    "InputError",
    "Instruction",
    "Ledger",
    "LedgerError",
    "Location",
    "Problem",
    "Ranking",
    "Recorded",
    "Retraction",
    "Submission",
    "UnitChanged",
    "UnitRegistered",
    "VerifyReport",
    "Veto",
    "canonical_json",
    "new_event_id",
    "parse_time",
    "read_jsonl",
    "structure",
    "unstructure",
    "write_jsonl",
]
