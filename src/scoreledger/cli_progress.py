"""A progress bar on standard error, on a terminal only.

click's (click comes with sqlite-utils; declared as a dependency of our own): it redraws
the whole line each time and ends it cleanly, so a shorter line after it leaves no
residue (the old hand-drawn ``\\r`` line left ``… 0cked`` behind). Piped or redirected,
nothing is drawn and nothing is written.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: Below this many items a bar would only flash: the ledger reports progress per chunk.
MIN_ITEMS = 5000


def on_terminal() -> bool:
    """Whether standard error is a terminal (a bar is drawn only then)."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return False


@contextmanager
def progress_bar(total: int | None, label: str) -> Iterator[Callable[[int], None] | None]:
    """A callback taking the number of items done so far, or None when no bar is drawn.

    `total` may be an estimate (a workbook's own dimensions): the bar never runs past it.
    """
    if not total or total < MIN_ITEMS or not on_terminal():
        yield None
        return
    import click  # loaded only when a bar is drawn

    with click.progressbar(length=total, label=label, file=sys.stderr, width=30) as bar:
        shown = 0

        def update(done: int) -> None:
            nonlocal shown
            done = min(done, total)
            if done > shown:
                bar.update(done - shown)
                shown = done

        yield update
        update(total)  # done: a finished import fills the bar even when `total` was low
