"""The cyclic garbage collector paused while a board is computed and written out.

A replay makes millions of small objects that live until the board is built (facts,
pieces, lines, then the report's dicts) and hold no reference cycles. CPython's cyclic
collector, started by allocations, walks them again and again: a quarter to a third of
a cold score's CPU at 100k events (measured with ``benchmarks/bench_replay.py``'s ledger),
and more as the year grows. Reference counting frees them all the same; only reference
cycles made meanwhile wait for the collector's next run, after the pause. Peak memory
did not grow (measured alike).
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
