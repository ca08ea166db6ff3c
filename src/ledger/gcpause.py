"""The cyclic garbage collector paused while a big batch of acyclic objects is made.

A replay makes millions of small objects that live until the board is built (facts,
pieces, lines, then the report's dicts) and hold no reference cycles. CPython's cyclic
collector, started by allocations, walks them again and again: a quarter to a third of
a cold score's CPU at 100k events (measured with ``benchmarks/bench_replay.py``'s ledger),
and more as the year grows. An import is alike: each chunk of 5,000 parsed objects,
payload dicts, sealed rows and the chunk's lookups lives until the chunk is inserted, and
the collector's passes over them were a tenth of an import's CPU at 100k events. Reference
counting frees them all the same; only reference cycles made meanwhile wait for the
collector's next run, after the pause. Peak memory did not grow (measured alike).

Refused lines do make cycles (cattrs words each problem through exceptions and their
tracebacks): 50,000 of them kept 240 MB alive until the pause ended. So a long batch calls
:func:`collect_young` between its chunks, which frees what the chunk left behind without
walking the long-lived objects again.

Here in ``ledger``, the lowest layer that needs it, so ``projections`` uses it too.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def gc_paused(fn: Callable[P, R]) -> Callable[P, R]:
    """`fn` run with the cyclic collector paused (nested calls leave it to the outermost)."""

    @functools.wraps(fn)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():
            return fn(*args, **kwargs)
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            gc.enable()

    return paused


def collect_young() -> None:
    """While the collector is off, free the reference cycles made since the last collection
    (the youngest generation only: what survives it is not walked again)."""
    if not gc.isenabled():
        gc.collect(0)
