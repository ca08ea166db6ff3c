"""scoreledger's ledger: immutable events, their validation, the store, integrity, JSON Lines.

The public API::

    from ledger import Ledger, InputError
    with Ledger.open("scores.sqlite", create=True) as ledger:
        ledger.append({"type": "unit_registered", "at": "2016-01-04",
                       "unit": "gulou", "name": "鼓楼区总工会", "kind": "county"})
        for recorded in ledger.events(types=["submission"]):
            print(recorded.seq, recorded.event.info)
"""

from types import ModuleType
from typing import TYPE_CHECKING, Any

# Cheap (attrs only): imported now, so the Hypothesis hook and rules stay light.
from .errors import InputError, LedgerError, Location, Problem

# The rest pulls in cattrs and sqlite-utils (~0.2 s): loaded on first use (PEP 562), so
# `scoreledger --version` and an `import hypothesis` that runs our hook do not pay for it.
# The events too, though cheap: they read vocabulary's codes, and `python -m ledger` must
# reach scoreledger_start's check of that name before anything imports it.
_EVENTS = frozenset(
    {
        "EVENT_TYPES",
        "Absence",
        "Activity",
        "Adjustment",
        "Adoption",
        "AnyEvent",
        "Assessment",
        "Event",
        "Instruction",
        "Ranking",
        "Recorded",
        "Retraction",
        "Submission",
        "UnitChanged",
        "UnitRegistered",
        "Veto",
    }
)
_CODEC = frozenset({"CST", "canonical_json", "parse_time", "structure", "unstructure"})
_INTEGRITY = frozenset({"VerifyReport"})
_JSONL = frozenset({"read_jsonl", "write_jsonl"})
_STORE = frozenset({"AppendResult", "Head", "Ledger", "new_event_id"})

if TYPE_CHECKING:
    from .codec import CST, canonical_json, parse_time, structure, unstructure
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


def __getattr__(name: str) -> Any:
    # Literal imports (not import_module of a computed name): the layer test can read them.
    module: ModuleType
    if name in _EVENTS:
        from . import events

        module = events
    elif name in _CODEC:
        from . import codec

        module = codec
    elif name in _INTEGRITY:
        from . import integrity

        module = integrity
    elif name in _JSONL:
        from . import jsonl

        module = jsonl
    elif name in _STORE:
        from . import store

        module = store
    else:
        raise AttributeError(f"module 'ledger' has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EVENTS, *_CODEC, *_INTEGRITY, *_JSONL, *_STORE})


# Read by scoreledger_start (without importing us): this package is scoreledger's own.
__distribution__ = "scoreledger"

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
