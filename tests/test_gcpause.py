"""The cyclic collector's pause (ledger.gcpause) around an append: paused while the batch is
read and checked, on again after it however it ends, left alone when it was already off."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ledger import InputError, Ledger
from ledger.gcpause import gc_paused
from ledger.store import CHUNK
from scoreledger.cli import main

UNIT = {"id": "u", "type": "unit_registered", "at": "2016-01-01", "unit": "g", "name": "G",
        "kind": "county"}  # fmt: skip


def _activity(i: int) -> dict[str, Any]:
    return {"id": f"a{i}", "type": "activity", "at": "2016-01-02", "unit": "g",
            "activity": "meeting"}  # fmt: skip


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    """Each test starts with the collector on and leaves it on, whatever it asserted."""
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:  # pragma: no cover - pytest runs with the collector on
        gc.disable()


def _watched(events: list[dict[str, Any]], seen: list[bool]) -> Iterator[dict[str, Any]]:
    """The events, noting whether the collector was on as each one was read."""
    for event in events:
        seen.append(gc.isenabled())
        yield event


def test_append_many_reads_its_batch_with_the_collector_paused(tmp_path: Path) -> None:
    seen: list[bool] = []
    with Ledger.open(tmp_path / "db.sqlite", create=True) as ledger:
        # Two chunks and more, so the large-batch path runs too.
        result = ledger.append_many(_watched([UNIT, *map(_activity, range(11_000))], seen))
    assert result.appended == 11_001
    assert len(seen) == 11_001 and not any(seen)
    assert gc.isenabled()


class _Node:
    me: _Node


def test_the_cycles_a_chunk_left_are_freed_before_the_batch_ends(tmp_path: Path) -> None:
    # Refused lines make cycles (cattrs' exceptions); any input may. A batch of many
    # chunks must not keep them all until the pause ends.
    made: list[weakref.ref[_Node]] = []
    alive: list[int] = []

    def entries() -> Iterator[dict[str, Any]]:
        for i in range(3 * CHUNK):
            if i == 2 * CHUNK:  # two chunks checked and inserted; the first's last node
                # was still this frame's when the first was collected, and outlived it
                alive.append(sum(ref() is not None for ref in made[: CHUNK - 1]))
            node = _Node()
            node.me = node  # freed by the collector only
            made.append(weakref.ref(node))
            yield _activity(i) if i else UNIT

    with Ledger.open(tmp_path / "db.sqlite", create=True) as ledger:
        assert ledger.append_many(entries()).appended == 3 * CHUNK
    assert alive == [0]
    assert gc.isenabled()


def test_a_single_append_pauses_it_too(tmp_path: Path) -> None:
    seen: list[bool] = []
    with Ledger.open(tmp_path / "db.sqlite", create=True) as ledger:
        ledger.append_many(_watched([UNIT], seen))
        ledger.append(_activity(1))
    assert seen == [False]
    assert gc.isenabled()


def test_the_collector_is_on_again_after_a_refused_batch(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "db.sqlite", create=True) as ledger:
        with pytest.raises(InputError, match="is not registered"):
            ledger.append_many([_activity(1)])
        assert gc.isenabled()
        assert len(ledger) == 0


def test_the_collector_is_on_again_after_the_input_raises(tmp_path: Path) -> None:
    def broken() -> Iterator[dict[str, Any]]:
        yield UNIT
        raise KeyboardInterrupt

    with Ledger.open(tmp_path / "db.sqlite", create=True) as ledger:
        ledger.append_many([UNIT])
        with pytest.raises(KeyboardInterrupt):
            ledger.append_many(broken())
        assert gc.isenabled()
        assert len(ledger) == 1  # the interrupted batch left nothing


def test_a_collector_already_off_stays_off(tmp_path: Path) -> None:
    gc.disable()
    with Ledger.open(tmp_path / "db.sqlite", create=True) as ledger:
        ledger.append_many([UNIT])
        with pytest.raises(InputError):
            ledger.append_many([_activity(1), {"type": "nonsense"}])
    assert not gc.isenabled()


def test_nested_pauses_leave_it_to_the_outermost(tmp_path: Path) -> None:
    inner: list[bool] = []

    @gc_paused
    def outer(ledger: Ledger) -> bool:
        ledger.append_many([UNIT])
        inner.append(gc.isenabled())  # the inner append must not have switched it on
        ledger.append(_activity(1))
        return gc.isenabled()

    with Ledger.open(tmp_path / "db.sqlite", create=True) as ledger:
        assert outer(ledger) is False
    assert inner == [False]
    assert gc.isenabled()


def test_the_import_command_appends_with_the_collector_paused(
    tmp_path: Path, write_jsonl: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    seen: list[bool] = []
    fill = Ledger._fill

    def watched_fill(self: Ledger, *args: Any) -> None:
        seen.append(gc.isenabled())
        fill(self, *args)

    monkeypatch.setattr(Ledger, "_fill", watched_fill)
    events = write_jsonl(tmp_path / "in.jsonl", [UNIT, _activity(1)])
    assert main(["import", str(tmp_path / "db.sqlite"), str(events)]) == 0
    assert capsys.readouterr().out.startswith("appended 2, duplicates 0\n")
    assert seen == [False]
    assert gc.isenabled()
